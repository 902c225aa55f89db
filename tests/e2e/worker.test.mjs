// WsGuard inside a dedicated module worker (tests/e2e/support/worker-harness.mjs), in Chromium:
// the worker imports the package's main entry, which loads the WebAssembly in the worker. One
// HTTP server of this file's own serves the page, the worker script, pkg/ and the WebSocket
// endpoints, so that relative URLs resolve against the worker's location:
//
//   /echo             echoes every message
//   /drop?after=MS    echoes, then cuts the TCP connection after MS ms (no close frame)
//
// The certificate scenario uses the scenario lab's untrusted wss:// server
// (tests/servers/scenarios.mjs). Offline comes from the browser context (setOffline), which
// the worker sees through its own navigator; Chromium sends a worker no online/offline events,
// so wsguard listens to navigator.connection's `change` there.
//
// Prints one "worker: <scenario> -> …" line per scenario.
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { WebSocketServer } from "ws";
import { blankPage, echo } from "../servers/lab.mjs";
import { startScenarios } from "../servers/scenarios.mjs";
import { launchChromium } from "./support/browser.mjs";
import { root, serveStatic, waitForPackage } from "./support/fixture-apps.mjs";

let site;
let siteDir;
let scenarios;
let browser;
let wss;

before(async () => {
  await waitForPackage();
  // The site: a blank page, the worker script and pkg/ (a link to the built package).
  siteDir = mkdtempSync(join(tmpdir(), "wsguard-worker-"));
  writeFileSync(join(siteDir, "index.html"), blankPage("wsguard in a worker"));
  copyFileSync(join(root, "tests/e2e/support/worker-harness.mjs"), join(siteDir, "worker.mjs"));
  symlinkSync(join(root, "pkg"), join(siteDir, "pkg"), "dir");
  wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  site = await serveStatic(siteDir, {
    onUpgrade(req, socket, head) {
      const url = new URL(req.url, "http://x");
      wss.handleUpgrade(req, socket, head, (ws) => {
        echo(ws);
        if (url.pathname === "/drop") {
          const timer = setTimeout(() => ws.terminate(), Number(url.searchParams.get("after") ?? 0));
          ws.on("close", () => clearTimeout(timer));
        } else if (url.pathname !== "/echo") {
          ws.close(4404, "no such endpoint");
        }
      });
    },
  });
  scenarios = await startScenarios();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  for (const ws of wss?.clients ?? []) ws.terminate();
  wss?.close();
  await site?.stop();
  await scenarios?.stop();
  if (siteDir) rmSync(siteDir, { recursive: true, force: true });
});

/**
 * A fresh page on the site with the harness worker started. `events()` is what the worker
 * reported so far; `until(predicate)` waits for an event matching it; `command(c)` posts to the
 * worker.
 */
async function openWorker() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${site.origin}/`);
  const ready = await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        window.reports = [];
        window.worker = new Worker("/worker.mjs", { type: "module" });
        window.worker.onerror = (event) => reject(new Error(`worker failed: ${event.message}`));
        window.worker.onmessage = ({ data }) => {
          window.reports.push(data);
          if (data.type === "ready") resolve(data);
        };
      }),
  );
  return {
    context,
    page,
    errors,
    ready,
    events: () => page.evaluate(() => window.reports.filter((r) => r.type !== "ready")),
    until: (predicate, timeout = 15_000) =>
      page.waitForFunction(`window.reports.some(${predicate})`, null, { timeout }).then(() => undefined),
    command: (command) => page.evaluate((command) => window.worker.postMessage(command), command),
    close: () => context.close(),
  };
}

const of = (events, type) => events.filter((e) => e.type === type);

test("a module worker: relative URL against the worker's location, echo, close, free", async () => {
  const w = await openWorker();
  try {
    assert.deepEqual(
      { href: w.ready.href, worker: w.ready.worker, online: w.ready.online },
      { href: `${site.origin}/worker.mjs`, worker: true, online: true },
    );
    await w.command({ do: "create", url: "/echo", options: { maxRetries: 0 } });
    await w.command({ do: "send", data: "hello" });
    await w.until((r) => r.type === "message");
    await w.command({ do: "close" });
    await w.until((r) => r.type === "diagnosis");
    await w.command({ do: "free" });
    await w.until((r) => r.type === "freed");
    const events = await w.events();
    const [created] = of(events, "created");
    const [diagnosis] = of(events, "diagnosis");
    const [freed] = of(events, "freed");
    console.log(`worker: echo -> url ${created.url}, message ${of(events, "message")[0].data}, diagnosis ${diagnosis.kind}, counts after free ${JSON.stringify(freed.counts)}`);
    assert.equal(created.url, `ws://127.0.0.1:${site.port}/echo`);
    assert.deepEqual(of(events, "message").map((e) => e.data), ["hello"]);
    assert.equal(diagnosis.kind, "normal");
    assert.deepEqual(freed.counts, { listeners: 0, timers: 0, sockets: 0 });
    assert.deepEqual(of(events, "error"), []);
    assert.deepEqual(w.errors, []);
  } finally {
    await w.close();
  }
});

test("a module worker: a dropped connection is diagnosed and reconnects", async () => {
  const w = await openWorker();
  try {
    await w.command({ do: "create", url: "/drop?after=300", options: { minDelayMs: 50, maxDelayMs: 100 } });
    await w.until((r) => r.type === "open");
    await w.until((r) => r.type === "diagnosis");
    // The second open: the reconnect after the drop.
    await w.page.waitForFunction(() => window.reports.filter((r) => r.type === "open").length >= 2, null, { timeout: 15_000 });
    await w.command({ do: "close" });
    const events = await w.events();
    const states = of(events, "statechange").map((e) => e.to);
    const [diagnosis] = of(events, "diagnosis");
    console.log(`worker: drop -> diagnosis ${diagnosis.kind}, states ${states.slice(0, 4).join(" -> ")}`);
    assert.equal(diagnosis.kind, "connection-lost");
    assert.deepEqual(states.slice(0, 4), ["open", "reconnecting", "connecting", "open"]);
    assert.equal(of(events, "reconnecting")[0].attempt, 1);
    assert.deepEqual(of(events, "error").filter((e) => e.message), []);
    assert.deepEqual(w.errors, []);
  } finally {
    await w.close();
  }
});

test("a module worker: an untrusted certificate is diagnosed, the probe runs from the worker", async () => {
  const w = await openWorker();
  try {
    await w.command({ do: "create", url: scenarios.urls.untrusted, options: { maxRetries: 0, log: false } });
    await w.until((r) => r.type === "diagnosis");
    const [diagnosis] = of(await w.events(), "diagnosis");
    console.log(`worker: untrusted -> diagnosis ${diagnosis.kind}, probe ${diagnosis.probe}`);
    assert.equal(diagnosis.kind, "certificate");
    assert.equal(diagnosis.probe, "tls-failed");
    assert.equal(diagnosis.url, scenarios.urls.untrusted);
    assert.deepEqual(w.errors, []);
  } finally {
    await w.close();
  }
});

test("a module worker: offline comes from the worker's navigator; online again reconnects", async () => {
  const w = await openWorker();
  try {
    await w.context.setOffline(true);
    await w.command({ do: "create", url: "/echo", options: { log: false } });
    await w.until((r) => r.type === "diagnosis");
    await w.context.setOffline(false);
    await w.until((r) => r.type === "open");
    const events = await w.events();
    const [created] = of(events, "created");
    const [diagnosis] = of(events, "diagnosis");
    const states = of(events, "statechange").map((e) => e.to);
    console.log(`worker: offline -> navigator.onLine ${created.online}, diagnosis ${diagnosis.kind}, states ${states.join(" -> ")}`);
    assert.equal(created.online, false);
    assert.equal(diagnosis.kind, "offline");
    assert.equal(states.at(-1), "open");
    assert.ok(states.includes("offline"), `states ${states.join(", ")}`);
    assert.deepEqual(w.errors, []);
  } finally {
    await w.close();
  }
});
