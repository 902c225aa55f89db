// One driver for the three browser engines the tests run in, on the scenario lab's HTTPS page
// (tests/servers/scenarios.mjs):
//
//   const engine = await launchEngine("firefox", lab);   // "chromium" | "firefox" | "webkit"
//   const page = await engine.openPage();                 // a fresh page on lab.pageOrigin
//   const result = await page.evaluate((arg) => …, arg);  // fn runs in the page, may be async
//   await page.setOffline(true);                          // where engine.canGoOffline
//   await page.consoleMessages();                         // [{ type, text }] seen so far
//   await page.close(); await engine.close();
//
// - chromium: Debian's Chromium through playwright-core; the test CA is trusted through an NSS
//   database in HOME (see certs.mjs), each page gets a fresh context (a fresh renderer: Chromium
//   throttles connects after about 13 failures from one renderer). Console: every line, the
//   browser's own network errors included.
// - firefox: Firefox ESR through puppeteer-core over WebDriver BiDi, with a profile made for the
//   run whose NSS database (cert9.db) holds the test CA; `*.test` names resolve to loopback
//   (`network.dns.localDomains`). Each page gets a fresh user context. Console: what BiDi's
//   log.entryAdded reports (console calls and script errors; Firefox's own network error lines are
//   not among them).
// - webkit: WebKitGTK's MiniBrowser through WebKitWebDriver (W3C WebDriver over HTTP, driven with
//   fetch) under `xvfb-run -a`. WebKitGTK checks certificates with GnuTLS against the system
//   store; the session trusts the lab's own leaf for 127.0.0.1 through the
//   `webkitgtk:browserOptions.certificates` capability (a CA there is not honoured). One window,
//   navigated afresh for each page. WebDriver shows no console, so the page's console calls are
//   recorded by a wrapper installed after each navigation; no offline emulation.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closedPort as freeLocalPort } from "../../servers/ws-backend.mjs";
import { launchForLab, within } from "./https-page.mjs";

export const ENGINES = ["chromium", "firefox", "webkit"];

export const FIREFOX = process.env.FIREFOX ?? "/usr/bin/firefox-esr";
export const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER ?? "/usr/bin/WebKitWebDriver";
export const MINIBROWSER =
  process.env.MINIBROWSER ?? "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

/** Launches `name` for `lab`; resolves to `{ name, version, canGoOffline, openPage, close }`. */
export function launchEngine(name, lab) {
  if (name === "chromium") return launchChromiumEngine(lab);
  if (name === "firefox") return launchFirefoxEngine(lab);
  if (name === "webkit") return launchWebKitEngine(lab);
  throw new RangeError(`unknown engine ${name}`);
}

async function launchChromiumEngine(lab) {
  const browser = await launchForLab(lab);
  return {
    name: "chromium",
    version: browser.version(),
    canGoOffline: true,
    async openPage() {
      const context = await browser.newContext({ ignoreHTTPSErrors: false });
      try {
        const page = await context.newPage();
        const messages = [];
        page.on("console", (m) => messages.push({ type: m.type(), text: m.text() }));
        page.on("pageerror", (e) => messages.push({ type: "pageerror", text: e.message }));
        await page.goto(`${lab.pageOrigin}/`, { timeout: 10_000 });
        return {
          evaluate: (fn, arg) => page.evaluate(fn, arg),
          setOffline: (offline) => context.setOffline(offline),
          consoleMessages: async () => [...messages],
          close: () => context.close(),
        };
      } catch (error) {
        await context.close().catch(() => {});
        throw error;
      }
    },
    close: () => browser.close(),
  };
}

/** A Firefox profile directory whose NSS database trusts the lab's test CA. */
function firefoxProfile(lab) {
  const dir = mkdtempSync(join(tmpdir(), "wsguard-firefox-"));
  const ca = join(lab.certDir, "ca.pem");
  execFileSync("certutil", ["-N", "-d", `sql:${dir}`, "--empty-password"], { stdio: "pipe" });
  execFileSync("certutil", ["-A", "-d", `sql:${dir}`, "-n", "wsguard test CA", "-t", "C,,", "-i", ca], {
    stdio: "pipe",
  });
  return dir;
}

async function launchFirefoxEngine(lab) {
  const { default: puppeteer } = await import("puppeteer-core");
  const profile = firefoxProfile(lab);
  let browser;
  try {
    browser = await puppeteer.launch({
      browser: "firefox",
      executablePath: FIREFOX,
      headless: true,
      protocol: "webDriverBiDi",
      userDataDir: profile,
      extraPrefsFirefox: {
        "network.dns.localDomains": "echo.test",
        "network.captive-portal-service.enabled": false,
        "network.connectivity-service.enabled": false,
      },
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const version = (await browser.version()).replace(/^firefox\//i, "");
  return {
    name: "firefox",
    version,
    canGoOffline: true,
    async openPage() {
      const context = await browser.createBrowserContext();
      try {
        const page = await context.newPage();
        const messages = [];
        page.on("console", (m) => messages.push({ type: m.type(), text: m.text() }));
        page.on("pageerror", (e) => messages.push({ type: "pageerror", text: String(e?.message ?? e) }));
        await page.goto(`${lab.pageOrigin}/`, { timeout: 10_000 });
        return {
          evaluate: (fn, arg) => page.evaluate(fn, arg),
          setOffline: (offline) => page.setOfflineMode(offline),
          consoleMessages: async () => [...messages],
          close: () => context.close(),
        };
      } catch (error) {
        await context.close().catch(() => {});
        throw error;
      }
    },
    async close() {
      await browser.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}


/** In the page: records every console call as `{type, text}` in `window.__consoleLines`. */
function recordConsole() {
  if (window.__consoleLines) return;
  window.__consoleLines = [];
  for (const type of ["log", "info", "warn", "error", "debug"]) {
    const original = console[type].bind(console);
    console[type] = (...args) => {
      window.__consoleLines.push({ type, text: args.map((a) => String(a)).join(" ") });
      original(...args);
    };
  }
  window.addEventListener("error", (e) => window.__consoleLines.push({ type: "pageerror", text: e.message }));
}

async function launchWebKitEngine(lab) {
  const port = await freeLocalPort();
  const driver = spawn("xvfb-run", ["-a", WEBKIT_DRIVER, `--port=${port}`, "--host=127.0.0.1"], {
    stdio: ["ignore", "ignore", "pipe"],
    detached: true, // its own process group: xvfb-run, Xvfb, the driver and MiniBrowser stop together
  });
  let stderr = "";
  driver.stderr.on("data", (chunk) => (stderr = (stderr + chunk).slice(-2000)));
  const exited = new Promise((resolve) => driver.once("exit", resolve));
  // Detached, so a test process that dies must still take the group down with it.
  const killGroup = () => {
    try {
      process.kill(-driver.pid, "SIGKILL");
    } catch {}
  };
  process.once("exit", killGroup);
  exited.then(() => process.off("exit", killGroup));
  const stopDriver = async () => {
    if (driver.exitCode === null && driver.signalCode === null) {
      try {
        process.kill(-driver.pid, "SIGTERM");
      } catch {}
      await within(5000, exited, "WebKitWebDriver stops").catch(() => {
        try {
          process.kill(-driver.pid, "SIGKILL");
        } catch {}
      });
    }
  };
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, path, body) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { "content-type": "application/json; charset=utf-8" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (json?.value?.error) {
      throw new Error(`WebDriver ${method} ${path}: ${json.value.error}: ${json.value.message}`);
    }
    return json.value;
  };
  let sessionPath;
  try {
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        const status = await call("GET", "/status");
        if (status?.ready !== false) break;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`WebKitWebDriver did not start: ${error.message}; ${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const session = await call("POST", "/session", {
      capabilities: {
        alwaysMatch: {
          browserName: "MiniBrowser",
          "webkitgtk:browserOptions": {
            binary: MINIBROWSER,
            args: ["--automation"],
            certificates: [{ host: "127.0.0.1", certificateFile: join(lab.certDir, "trusted.pem") }],
          },
        },
      },
    });
    sessionPath = `/session/${session.sessionId}`;
    await call("POST", `${sessionPath}/timeouts`, { script: 120_000, pageLoad: 15_000 });
    const version = session.capabilities.browserVersion;
    const evaluate = async (fn, arg) => {
      const script =
        "const arg = arguments[0], done = arguments[arguments.length - 1];" +
        `Promise.resolve().then(() => (${fn.toString()})(arg)).then(` +
        "(value) => done({ value: value === undefined ? null : value }), " +
        "(error) => done({ error: String((error && error.stack) || error) }));";
      const out = await call("POST", `${sessionPath}/execute/async`, { script, args: [arg ?? null] });
      if (out && "error" in out) throw new Error(`in WebKit: ${out.error}`);
      return out?.value;
    };
    return {
      name: "webkit",
      version,
      canGoOffline: false,
      async openPage() {
        await call("POST", `${sessionPath}/url`, { url: `${lab.pageOrigin}/` });
        await evaluate(recordConsole);
        return {
          evaluate,
          setOffline: async () => {
            throw new Error("WebKitGTK's WebDriver has no offline emulation");
          },
          // Console lines live in the page: read them before the next navigation.
          consoleMessages: () => evaluate(() => window.__consoleLines ?? []),
          close: async () => {},
        };
      },
      async close() {
        await call("DELETE", sessionPath).catch(() => {});
        await stopDriver();
      },
    };
  } catch (error) {
    if (sessionPath) await call("DELETE", sessionPath).catch(() => {});
    await stopDriver();
    throw error;
  }
}
