// Chromium on an HTTPS page origin it trusts, for the scenario lab (tests/servers/scenarios.mjs).
//
//   const lab = await startScenarios();
//   const browser = await launchForLab(lab);
//   const result = await inScenarioPage(browser, lab, async ({ page, context, consoleMessages }) => {
//     return page.evaluate(...);
//   }, { timeoutMs: 10_000 });
//   await browser.close(); await lab.stop();
//
// Each scenario gets a fresh browser context (hence a fresh renderer process): Chromium delays
// every WebSocket connect by 1–5 s after about 13 failed ones from one renderer, and setOffline is
// per context.
import { after, before } from "node:test";
import { chromium } from "playwright-core";
import { startScenarios } from "../../servers/scenarios.mjs";
import { CHROMIUM_ARGS, launchChromium } from "./browser.mjs";

/** The Chromium flags that make the lab's page certificate trusted and map *.test to 127.0.0.1. */
export function labArgs(lab) {
  return [
    `--ignore-certificate-errors-spki-list=${lab.spkiHash}`,
    "--host-resolver-rules=MAP *.test 127.0.0.1",
  ];
}

/**
 * Launches Chromium for the lab. With `lab.nssHome` (certutil was available) Chromium runs with
 * HOME=nssHome, so that the test CA is a trusted root and a wrong-host certificate fails with
 * ERR_CERT_COMMON_NAME_INVALID; `{ nss: false }` or WSGUARD_E2E_NSS=0 turns that off.
 */
export function launchForLab(lab, { nss = process.env.WSGUARD_E2E_NSS !== "0" } = {}) {
  if (nss && lab.nssHome) {
    return chromium.launch({
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [...CHROMIUM_ARGS, ...labArgs(lab)],
      env: { ...process.env, HOME: lab.nssHome },
    });
  }
  return launchChromium(labArgs(lab));
}

/** Rejects with `message` after `ms` unless `promise` settles first. */
export function within(ms, promise, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (no result within ${ms} ms)`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Opens the lab's blank HTTPS page in a fresh context. Returns `{ context, page, consoleMessages,
 * pageErrors, close }`; `consoleMessages` collects `{type, text}` of every console message,
 * Chromium's own network error lines included.
 */
export async function openLabPage(browser, lab) {
  const context = await browser.newContext({ ignoreHTTPSErrors: false });
  try {
    const page = await context.newPage();
    const consoleMessages = [];
    const pageErrors = [];
    page.on("console", (m) => consoleMessages.push({ type: m.type(), text: m.text() }));
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(`${lab.pageOrigin}/`, { timeout: 10_000 });
    return { context, page, consoleMessages, pageErrors, close: () => context.close() };
  } catch (error) {
    await context.close().catch(() => {});
    throw error;
  }
}

/**
 * Runs `fn({context, page, consoleMessages, pageErrors})` on a fresh lab page, bounded by
 * `timeoutMs`, and always closes the context.
 */
export async function inScenarioPage(browser, lab, fn, { timeoutMs = 15_000, name = "scenario" } = {}) {
  const session = await openLabPage(browser, lab);
  try {
    return await within(timeoutMs, fn(session), `${name}`);
  } finally {
    await session.close().catch(() => {});
  }
}

/**
 * For a test file: starts the scenario lab and a Chromium for it before the file's tests, and
 * stops both after them. Returns `{ lab, browser }`, filled in once `before` has run.
 */
export function scenarioLabForFile() {
  const run = { lab: null, browser: null };
  before(async () => {
    run.lab = await startScenarios();
    run.browser = await launchForLab(run.lab);
  });
  after(async () => {
    await run.browser?.close().catch(() => {});
    await run.lab?.stop();
  });
  return run;
}
