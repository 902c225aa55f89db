// What `npm start` serves (scripts/serve.mjs: a Vite build of www/ against the release package,
// over HTTPS and plain HTTP), opened in headless Chromium. Chromium trusts the demo's locally
// generated certificate through --ignore-certificate-errors-spki-list with its SPKI hash.
//
// HTTPS page: resolves /ws to wss://, echoes a message, survives "Drop the connection" (the
// timeline shows open → reconnecting → open and the diagnosis panel connection-lost), and a
// screenshot goes to tests/artifacts/screenshots/demo.png. HTTP page: resolves /ws to ws://.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { spkiHashOf } from "../servers/certs.mjs";
import { launchChromium, startNode } from "./support/browser.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SCREENSHOTS = join(ROOT, "tests/artifacts/screenshots");

let demo;
let browser;
let httpsPort;
let httpPort;

before(async () => {
  demo = await startNode(
    "scripts/serve.mjs",
    ["--port", "0"],
    /wsguard demo: https:\/\/localhost:(\d+)\/\n[^]*?wsguard demo \(http\): http:\/\/localhost:(\d+)\//,
    { timeoutMs: 90_000 },
  );
  [, httpsPort, httpPort] = demo.match;
  // The certificate the page is served with (mkcert's if the developer made one, else ours).
  const certDir = join(ROOT, ".cache/certs");
  let pem;
  try {
    pem = readFileSync(join(certDir, "mkcert.pem"));
  } catch {
    pem = readFileSync(join(certDir, "trusted.pem"));
  }
  browser = await launchChromium([`--ignore-certificate-errors-spki-list=${spkiHashOf(pem)}`]);
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

/** A page that records page errors and console errors (minus the failures a scenario causes). */
async function openPage(url, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  await page.goto(url, { timeout: 15_000 });
  return { page, problems, close: () => context.close() };
}

const bandStates = (page) =>
  page.$$eval("#timeline rect.band", (rects) => rects.map((r) => r.dataset.state));

/** Whether `sequence` appears in `states` in order (other states may come between). */
function hasSubsequence(states, sequence) {
  let at = 0;
  for (const state of states) if (state === sequence[at]) at += 1;
  return at === sequence.length;
}

test("HTTPS: resolves wss://, echoes, reconnects after a drop, draws the timeline", async () => {
  const { page, problems, close } = await openPage(`https://localhost:${httpsPort}/`);
  try {
    // Opens on its own and greets the echo server.
    await page.waitForSelector("#state[data-state=open]", { timeout: 10_000 });
    assert.equal(await page.textContent("#resolved"), `wss://localhost:${httpsPort}/ws`);
    await page.waitForSelector("#log .entry.recv >> text=hello from wsguard", { timeout: 5_000 });

    // A round trip from the send box.
    await page.fill("#message", "round trip 42");
    await page.click("#send-form button");
    await page.waitForSelector("#log .entry.recv >> text=round trip 42", { timeout: 5_000 });

    // Drop: the server resets the TCP connection; wsguard waits, retries, reopens.
    await page.click("#btn-drop");
    await page.waitForFunction(
      () => [...document.querySelectorAll("#timeline rect.band")].some((r) => r.dataset.state === "reconnecting"),
      null,
      { timeout: 5_000 },
    );
    await page.waitForSelector("#state[data-state=open]", { timeout: 15_000 });
    await page.waitForFunction(
      () => [...document.querySelectorAll("#timeline rect.band")].at(-1)?.dataset.state === "open",
      null,
      { timeout: 5_000 },
    );
    const states = await bandStates(page);
    assert.ok(hasSubsequence(states, ["open", "reconnecting", "open"]), `bands: ${states.join(" → ")}`);
    assert.ok((await page.$$("#timeline rect.backoff")).length >= 1, "a backoff bar is drawn");
    assert.equal(await page.textContent("#diagnosis-kind"), "connection-lost");
    assert.ok((await page.textContent("#diagnosis-summary")).length > 10);
    assert.ok((await page.textContent("#diagnosis-advice")).length > 10);

    // Messages still flow on the new connection.
    await page.fill("#message", "after the drop");
    await page.click("#send-form button");
    await page.waitForSelector("#log .entry.recv >> text=after the drop", { timeout: 5_000 });

    // Let the timeline settle a moment, then keep a screenshot to look at.
    await page.waitForTimeout(600);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, "demo.png"), fullPage: true });

    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test("HTTPS: the failure scenarios end in their diagnoses", async () => {
  const { page, close } = await openPage(`https://localhost:${httpsPort}/`);
  try {
    await page.waitForSelector("#state[data-state=open]", { timeout: 10_000 });
    const expectKind = async (scenario, kind) => {
      await page.click(`[data-scenario=${scenario}]`);
      await page.waitForFunction(
        (k) => document.getElementById("diagnosis-kind")?.textContent === k,
        kind,
        { timeout: 10_000 },
      );
    };
    await expectKind("sleep", "suspended");
    await page.waitForSelector("#state[data-state=open]", { timeout: 10_000 });
    await expectKind("untrusted", "certificate");
    await expectKind("rejected", "handshake-rejected");
    await expectKind("mixed", "mixed-content");

    // ws:// with the default insecure: "upgrade" becomes wss:// and opens.
    await page.click("[data-scenario=plain]");
    await page.waitForSelector("#state[data-state=open]", { timeout: 10_000 });
    assert.match(await page.textContent("#resolved"), /^wss:\/\/localhost:\d+\/$/);

    // Server down: upgrades are refused with 503 until it comes back.
    await page.fill("#down-secs", "2");
    await page.click("#btn-down");
    await page.waitForSelector("#state[data-state=reconnecting]", { timeout: 5_000 });
    // The countdown to the next retry runs while a retry is scheduled.
    await page.waitForFunction(
      () => /^\d+\.\d s$/.test(document.getElementById("countdown").textContent),
      null,
      { timeout: 10_000, polling: 20 },
    );
    await page.waitForSelector("#state[data-state=open]", { timeout: 15_000 });
    await page.waitForTimeout(300);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, "demo-scenarios.png"), fullPage: true });
  } finally {
    await close();
  }
});

test("HTTP: the same page resolves ws:// and echoes", async () => {
  const { page, problems, close } = await openPage(`http://localhost:${httpPort}/`, {
    width: 420,
    height: 900,
  });
  try {
    await page.waitForSelector("#state[data-state=open]", { timeout: 10_000 });
    assert.equal(await page.textContent("#resolved"), `ws://localhost:${httpPort}/ws`);
    await page.waitForSelector("#log .entry.recv >> text=hello from wsguard", { timeout: 5_000 });
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, "demo-mobile.png"), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
