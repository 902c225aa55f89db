// Sleep, freeze and the back/forward cache, in real Chromium: the released package (pkg/) in a
// page that navigates away and back with the back/forward cache on, whose renderer process is
// stopped (SIGSTOP) and continued (SIGCONT) while a TCP proxy silently discards the connection's
// bytes, and whose retry is pending while the page is hidden.
//
// Prints one line per scenario: "lifecycle: <scenario> -> <what happened> ok|FAIL".
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { WebSocketServer } from "ws";
import { servePackage } from "../servers/lab.mjs";
import { CHROMIUM_ARGS } from "./support/browser.mjs";

/** How long the renderer stays stopped: longer than the heartbeat interval and the timer lateness wsguard takes as a suspension. */
const PAUSE_MS = 4000;
const HEARTBEAT = { intervalMs: 1000, message: "ping", timeoutMs: 1500 };

let server;
let proxy;
let browser;

before(async () => {
  server = await startServer();
  proxy = await startProxy(server.port);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
    // Playwright turns the back/forward cache off by default.
    ignoreDefaultArgs: ["--disable-back-forward-cache"],
  });
});

after(async () => {
  await browser?.close();
  await proxy?.stop();
  await server?.stop();
});

/**
 * The test server on 127.0.0.1: two pages (`/page` loads the package's main entry as
 * `window.wsguard`, `/other` is where the page navigates to), the package, and WebSocket
 * endpoints that record every connection and text message per `client`: `/echo` echoes, `/gate`
 * refuses upgrades with 503 until `openGate(client)`, then echoes.
 */
async function startServer() {
  const clients = new Map();
  const record = (id) => {
    if (!clients.has(id)) clients.set(id, { connections: [], messages: [] });
    return clients.get(id);
  };
  const openGates = new Set();
  const page = (body) => `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>lifecycle</title></head><body>${body}</body></html>`;
  const httpServer = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    if (url.pathname.startsWith("/pkg/")) return servePackage(url.pathname, res);
    // No `no-store` on the documents: it would keep them out of the back/forward cache.
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    if (url.pathname === "/page") {
      res.end(page(`<script type="module">import * as wsguard from "/pkg/index.js"; window.wsguard = wsguard; window.ready = true;</script>`));
    } else {
      res.end(page("elsewhere"));
    }
  });
  const wss = new WebSocketServer({ noServer: true });
  httpServer.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url, "http://127.0.0.1");
    if (url.pathname === "/gate" && !openGates.has(url.searchParams.get("client"))) {
      socket.end("HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const client = record(url.searchParams.get("client") ?? "");
      client.connections.push(Date.now());
      ws.on("message", (data, isBinary) => {
        if (!isBinary) client.messages.push(String(data));
        ws.send(data, { binary: isBinary });
      });
    });
  });
  await new Promise((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const port = httpServer.address().port;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    client: record,
    openGate: (client) => openGates.add(client),
    /** Resolves with the time of `id`'s connection number `count` (from 1); rejects after `ms`. */
    connection: (id, count, ms) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          const at = record(id).connections[count - 1];
          if (at !== undefined || Date.now() - started > ms) {
            clearInterval(poll);
            if (at !== undefined) resolve(at);
            else reject(new Error(`${id} did not connect ${count} times within ${ms} ms`));
          }
        }, 10);
      }),
    stop: () =>
      new Promise((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        httpServer.closeAllConnections?.();
        httpServer.close(resolve);
      }),
  };
}

/**
 * A TCP proxy to `port` that can go silent: `blackhole()` makes every connection open at that
 * moment discard what either side sends, without closing it (no FIN, no RST), as a NAT that
 * forgot the connection does. Later connections pass normally.
 */
async function startProxy(port) {
  const open = new Set();
  const proxyServer = net.createServer((inbound) => {
    const outbound = net.connect(port, "127.0.0.1");
    const pair = { inbound, outbound, silent: false };
    open.add(pair);
    const forward = (from, to) => {
      from.on("data", (chunk) => {
        if (!pair.silent) to.write(chunk);
      });
      from.on("error", () => {});
      from.on("close", () => {
        open.delete(pair);
        if (!pair.silent) to.destroy();
      });
    };
    forward(inbound, outbound);
    forward(outbound, inbound);
  });
  await new Promise((resolve) => proxyServer.listen(0, "127.0.0.1", resolve));
  return {
    port: proxyServer.address().port,
    blackhole: () => open.forEach((pair) => (pair.silent = true)),
    stop: () =>
      new Promise((resolve) => {
        for (const { inbound, outbound } of open) {
          inbound.destroy();
          outbound.destroy();
        }
        proxyServer.close(resolve);
      }),
  };
}

/** A page of its own with the package loaded, recording `wsguard` console warnings. */
async function openPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const warnings = [];
  const pageErrors = [];
  page.on("console", (message) => {
    if (message.type() === "warning" && message.text().includes("wsguard")) warnings.push(message.text());
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`${server.origin}/page`);
  await page.waitForFunction(() => window.ready === true);
  await page.evaluate(() => {
    window.events = [];
    // Records what a client reports, with the time, as `events` entries named `<name>:<type>`.
    window.watch = (name, guard) => {
      for (const type of ["open", "close", "error", "diagnosis", "reconnecting"]) {
        guard.addEventListener(type, (event) =>
          events.push({ name, type, at: performance.now(), code: event.code ?? event.detail?.code, kind: event.detail?.kind, delayMs: event.detail?.delayMs }),
        );
      }
      return new Promise((resolve) => guard.addEventListener("open", resolve, { once: true }));
    };
    for (const type of ["pageshow", "pagehide"]) {
      addEventListener(type, (event) => events.push({ type, at: performance.now(), persisted: event.persisted }));
    }
    document.addEventListener("visibilitychange", () => events.push({ type: document.visibilityState, at: performance.now() }));
  });
  return { context, page, warnings, pageErrors };
}

/** Navigates away and back; resolves with whether the page came back from the back/forward cache. */
async function awayAndBack(page, { awayMs = 300 } = {}) {
  await page.goto(`${server.origin}/other`);
  await new Promise((resolve) => setTimeout(resolve, awayMs));
  await page.goBack({ waitUntil: "commit" });
  const shown = await page.waitForFunction(() => events.findLast((e) => e.type === "pageshow"), null, { timeout: 5000 });
  return (await shown.jsonValue()).persisted === true;
}

/** Stops every renderer process (found through CDP) for `ms`; resolves with the time they went on. */
async function pauseRenderers(ms) {
  const cdp = await browser.newBrowserCDPSession();
  const { processInfo } = await cdp.send("SystemInfo.getProcessInfo");
  await cdp.detach();
  const renderers = processInfo.filter((p) => p.type === "renderer").map((p) => p.id);
  assert.ok(renderers.length > 0, "CDP lists the renderer processes");
  for (const pid of renderers) process.kill(pid, "SIGSTOP");
  try {
    await new Promise((resolve) => setTimeout(resolve, ms));
  } finally {
    for (const pid of renderers) process.kill(pid, "SIGCONT");
  }
  return { resumedAt: Date.now(), renderers: renderers.length };
}

/** Runs `body`, prints the scenario's line, and fails the test if `body` threw. */
async function scenario(name, body) {
  let outcome = "did not finish";
  let failure = null;
  try {
    outcome = await body();
  } catch (error) {
    failure = error;
  }
  console.log(`lifecycle: ${name} -> ${outcome} ${failure ? "FAIL" : "ok"}`);
  if (failure) throw failure;
}

test("bfcache-eligible: a page with an open socket is restored from the cache, with wsguard as without", { timeout: 60_000 }, () =>
  scenario("bfcache-eligible", async () => {
    const raw = await openPage();
    await raw.page.evaluate(
      () =>
        new Promise((resolve) => {
          window.raw = new WebSocket(`ws://${location.host}/echo?client=raw`);
          raw.onopen = resolve;
        }),
    );
    const rawRestored = await awayAndBack(raw.page);
    await raw.context.close();
    const guarded = await openPage();
    await guarded.page.evaluate(() => watch("g", (window.guard = new wsguard.WsGuard("/echo?client=eligible", { heartbeat: { intervalMs: 1000 } }))));
    const guardRestored = await awayAndBack(guarded.page);
    await guarded.context.close();
    const outcome = `raw WebSocket persisted=${rawRestored}, WsGuard persisted=${guardRestored}`;
    assert.equal(rawRestored, true, "the control: a page with a plain open WebSocket is restored from the cache");
    assert.equal(guardRestored, true, "a page with an open WsGuard is restored from the cache");
    return outcome;
  }));

test("bfcache-restore: the close after a restore is diagnosed as suspended, silently, and the client is open again at once", { timeout: 60_000 }, () =>
  scenario("bfcache-restore", async () => {
    const { context, page, warnings, pageErrors } = await openPage();
    await page.evaluate(async () => {
      window.guard = new wsguard.WsGuard("/echo?client=restore");
      const opened = watch("g", guard);
      addEventListener("pagehide", () => guard.send("sent-while-leaving"));
      addEventListener("pageshow", (event) => event.persisted && guard.send("sent-on-restore"));
      // A second client, not open when the page leaves: what it queued must survive the cache.
      const retry = { minDelayMs: 30000, maxDelayMs: 30000, jitter: "none", log: false };
      window.queued = new wsguard.WsGuard("/gate?client=restore-queued", retry);
      await new Promise((resolve) => queued.addEventListener("reconnecting", resolve, { once: true }));
      queued.send("queued-before-leaving");
      return opened;
    });
    server.openGate("restore-queued");
    const persisted = await awayAndBack(page);
    await page.waitForFunction(() => {
      const shown = events.findLast((e) => e.type === "pageshow").at;
      return events.some((e) => e.type === "open" && e.at > shown);
    }, null, { timeout: 5000 });
    await page.waitForFunction(() => queued.state === "open", null, { timeout: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 300)); // the old socket's late close, if any
    const { events, state } = await page.evaluate(() => ({ events, state: guard.state }));
    const queuedDelivered = server.client("restore-queued").messages.filter((m) => m === "queued-before-leaving").length;
    const shown = events.findLast((e) => e.type === "pageshow").at;
    const afterRestore = events.filter((e) => e.at >= shown && e.name === "g");
    const diagnoses = afterRestore.filter((e) => e.type === "diagnosis");
    const reopenedInMs = Math.round(afterRestore.find((e) => e.type === "open").at - shown);
    const delay = afterRestore.find((e) => e.type === "reconnecting")?.delayMs;
    const messages = server.client("restore").messages;
    const count = (text) => messages.filter((m) => m === text).length;
    const outcome = `persisted=${persisted} kind=${diagnoses.map((d) => d.kind).join(",")} code=${diagnoses[0]?.code} retry_delay_ms=${delay} reopened_in_ms=${reopenedInMs} warnings=${warnings.length} sent_while_leaving=${count("sent-while-leaving")} sent_on_restore=${count("sent-on-restore")} queued_before_leaving=${queuedDelivered}`;
    assert.equal(persisted, true, "restored from the back/forward cache");
    assert.deepEqual(diagnoses.map((d) => d.kind), ["suspended"], "one diagnosis, of the suspended kind");
    assert.equal(delay, 0, "the retry is not delayed");
    assert.ok(reopenedInMs <= 1000, `open again within 1 s of pageshow (${reopenedInMs} ms)`);
    assert.equal(state, "open");
    assert.deepEqual(warnings, [], "no console warning");
    assert.equal(count("sent-while-leaving"), 1, "the message sent while leaving arrives once");
    assert.equal(count("sent-on-restore"), 1, "the message queued on restore arrives once, on the new connection");
    assert.equal(queuedDelivered, 1, "a message queued before leaving arrives once after the restore");
    assert.deepEqual(pageErrors, []);
    await context.close();
    return outcome;
  }));

test("sleep-zombie-heartbeat: after the renderer was stopped, the heartbeat finds the silent connection dead and it is replaced", { timeout: 60_000 }, () =>
  scenario("sleep-zombie-heartbeat", async () => {
    const { context, page, pageErrors } = await openPage();
    await page.evaluate(
      ({ port, heartbeat }) => watch("z", (window.guard = new wsguard.WsGuard(`ws://127.0.0.1:${port}/echo?client=zombie-hb`, { heartbeat }))),
      { port: proxy.port, heartbeat: HEARTBEAT },
    );
    proxy.blackhole();
    const { resumedAt, renderers } = await pauseRenderers(PAUSE_MS);
    const replacedAt = await server.connection("zombie-hb", 2, HEARTBEAT.timeoutMs + 5000);
    const replacedInMs = replacedAt - resumedAt;
    await page.waitForFunction(() => guard.state === "open" && events.some((e) => e.type === "diagnosis"), null, { timeout: 5000 });
    const diagnoses = await page.evaluate(() => events.filter((e) => e.type === "diagnosis"));
    const outcome = `renderers_stopped=${renderers} for ${PAUSE_MS} ms, heartbeat ${HEARTBEAT.intervalMs}/${HEARTBEAT.timeoutMs} ms, kind=${diagnoses.map((d) => d.kind).join(",")} code=${diagnoses[0]?.code} replaced_in_ms=${replacedInMs}`;
    assert.deepEqual(diagnoses.map((d) => [d.kind, d.code]), [["suspended", 4901]], "found dead by the heartbeat, after a suspension");
    assert.ok(replacedInMs <= HEARTBEAT.timeoutMs + 1000, `replaced within the heartbeat timeout (${replacedInMs} ms after SIGCONT)`);
    assert.deepEqual(pageErrors, []);
    await context.close();
    return outcome;
  }));

test("sleep-zombie-no-heartbeat: without a heartbeat, reconnectAfterSuspendMs decides", { timeout: 60_000 }, () =>
  scenario("sleep-zombie-no-heartbeat", async () => {
    const { context, page, pageErrors } = await openPage();
    await page.evaluate(({ port }) => {
      const url = (client) => `ws://127.0.0.1:${port}/echo?client=${client}`;
      window.replacing = new wsguard.WsGuard(url("zombie-2000"), { reconnectAfterSuspendMs: 2000 });
      window.trusting = new wsguard.WsGuard(url("zombie-never"), { reconnectAfterSuspendMs: Infinity });
      return Promise.all([watch("replacing", replacing), watch("trusting", trusting)]);
    }, { port: proxy.port });
    proxy.blackhole();
    const { resumedAt } = await pauseRenderers(PAUSE_MS);
    const replacedAt = await server.connection("zombie-2000", 2, 5000);
    const replacedInMs = replacedAt - resumedAt;
    await page.waitForFunction(() => replacing.state === "open" && events.some((e) => e.type === "diagnosis"), null, { timeout: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const { diagnoses, trustingState } = await page.evaluate(() => ({
      diagnoses: events.filter((e) => e.type === "diagnosis"),
      trustingState: trusting.state,
    }));
    const trustingConnections = server.client("zombie-never").connections.length;
    const outcome = `reconnectAfterSuspendMs=2000: kind=${diagnoses.map((d) => `${d.name}:${d.kind}`).join(",")} code=${diagnoses[0]?.code} replaced_in_ms=${replacedInMs}; Infinity: state=${trustingState} connections=${trustingConnections}`;
    assert.deepEqual(diagnoses.map((d) => [d.name, d.kind, d.code]), [["replacing", "suspended", 4903]]);
    assert.ok(replacedInMs <= 1000, `replaced at once (${replacedInMs} ms after SIGCONT)`);
    assert.equal(trustingState, "open", "reconnectAfterSuspendMs: Infinity keeps trusting the connection");
    assert.equal(trustingConnections, 1);
    assert.deepEqual(pageErrors, []);
    await context.close();
    return outcome;
  }));

test("hidden-tab-retry: a retry pending while the page is hidden happens at once when it is visible again", { timeout: 60_000 }, () =>
  scenario("hidden-tab-retry", async () => {
    const { context, page } = await openPage();
    await page.evaluate(() => {
      window.guard = new wsguard.WsGuard("/gate?client=hidden", { minDelayMs: 30000, maxDelayMs: 30000, jitter: "none" });
      watch("g", guard);
      return new Promise((resolve) => guard.addEventListener("reconnecting", resolve, { once: true }));
    });
    server.openGate("hidden");
    // Headless Chromium hides a page only when it leaves it: the page waits, hidden and frozen,
    // in the back/forward cache with its 30 s retry pending.
    const persisted = await awayAndBack(page, { awayMs: 1000 });
    await page.waitForFunction(() => guard.state === "open", null, { timeout: 5000 });
    const events = await page.evaluate(() => events);
    const hidden = events.find((e) => e.type === "hidden");
    const visible = events.findLast((e) => e.type === "visible");
    const delay = events.find((e) => e.type === "reconnecting").delayMs;
    const openedInMs = Math.round(events.find((e) => e.type === "open").at - visible.at);
    const outcome = `retry_delay_ms=${delay}, hidden for ${Math.round(visible.at - hidden.at)} ms (persisted=${persisted}), opened ${openedInMs} ms after visible`;
    assert.equal(delay, 30000);
    assert.ok(hidden.at < visible.at, "the page was hidden, then visible");
    assert.ok(openedInMs <= 1000, `the attempt happened at once (${openedInMs} ms after visible)`);
    await context.close();
    return outcome;
  }));
