// One scenario matrix for both drivers: every scenario below runs, with the same assertions,
// against WsGuard from the package (`js`, pkg/) and against the Rust `Client` (`rust`, through
// the harness tests/parity/harness, built into tests/parity/harness/pkg), each in a fresh
// Chromium context, against the same servers: the parity lab (tests/parity/server.mjs, HTTP and
// HTTPS) and the scenario lab (tests/servers/scenarios.mjs: TLS failures).
//
// The JS driver is the reference: a scenario states the behaviour WsGuard has and the issue asks
// of both. Where a scenario cannot apply to one side, its `na` says why. Types of errors differ
// by language: `TYPED` maps each refusal to its JS error name and its Rust error type; messages
// are checked alike.
//
// Prints "parity: <scenario> js=<ok|n/a|fail> rust=<ok|n/a|fail>" per scenario, then
// "parity: <n> scenarios, js <ok>/<n>, rust <ok>/<n>". PARITY_ONLY=<name>,<name> runs only those
// scenarios. Needs pkg/ (scripts/build.sh) and the harness
// (`wasm-pack build tests/parity/harness --dev --target web`, the `parity-build` suite).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { HARNESS_PKG, startParityServer } from "../parity/server.mjs";
import { startScenarios } from "../servers/scenarios.mjs";
import { CHROMIUM_ARGS } from "./support/browser.mjs";
import { waitForPackage } from "./support/fixture-apps.mjs";
import { labArgs, within } from "./support/https-page.mjs";

const SIDES = ["js", "rust"];
const SIDE_TIMEOUT_MS = 30_000;

let server;
let scenarioLab;
let browser;
let closedPort;
const tally = { scenarios: 0, js: 0, rust: 0 };

before(async () => {
  await waitForPackage();
  assert.ok(
    existsSync(join(HARNESS_PKG, "wsguard_parity_harness_bg.wasm")),
    "tests/parity/harness/pkg is missing: run wasm-pack build tests/parity/harness --dev --target web",
  );
  server = await startParityServer();
  scenarioLab = await startScenarios();
  closedPort = await new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
  const nss = process.env.WSGUARD_E2E_NSS !== "0" && scenarioLab.nssHome;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [...CHROMIUM_ARGS, ...labArgs(scenarioLab)],
    ...(nss ? { env: { ...process.env, HOME: scenarioLab.nssHome } } : {}),
    // Playwright turns the back/forward cache off by default.
    ignoreDefaultArgs: ["--disable-back-forward-cache"],
  });
});

after(async () => {
  await browser?.close();
  await scenarioLab?.stop();
  await server?.stop();
  const line = `parity: ${tally.scenarios} scenarios, js ${tally.js}/${tally.scenarios}, rust ${tally.rust}/${tally.scenarios}`;
  console.log(line);
});

/** The error each refusal throws: its JS name, and the Rust type the harness names it by. */
const TYPED = {
  option: { js: ["RangeError"], rust: ["ClientError::Options"] },
  insecureUrl: { js: ["SecurityError"], rust: ["ClientError::Url"] },
  closeCode: { js: ["InvalidAccessError"], rust: ["CloseError::InvalidCode"] },
  queueFull: { js: ["RangeError"], rust: ["SendFailure::Refused"] },
  sendAfterClose: { js: ["InvalidStateError"], rust: ["SendFailure::Refused"] },
  bufferingOff: { js: ["InvalidStateError"], rust: ["SendFailure::Refused"] },
  notSendable: { js: ["TypeError"], rust: ["SendFailure::NotSendable"] },
};

/**
 * A pattern for an option's name as each side spells it in messages: the JS name
 * (`heartbeat.intervalMs`) in WsGuard's, the Rust field's (`heartbeat.interval_ms`) in the Rust
 * `Client`'s, as a whole word.
 */
function optionIn(side, jsName) {
  const name = side === "rust" ? jsName.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : jsName;
  return new RegExp(`(^|[^\\w.])${name.replace(/\./g, "\\.")}($|[^\\w])`);
}

/** Asserts that `error` (from `parity.attempt`) is the `typed` refusal with a message matching `message`. */
function assertRefused(side, error, typed, message) {
  assert.ok(error, "the call threw");
  assert.ok(TYPED[typed][side].includes(error.name), `${typed}: ${error.name}: ${error.message}`);
  assert.match(error.message, message);
}

/** A fresh context and page on the parity lab (`https` for its HTTPS origin), both drivers loaded. */
async function openPage({ https = false } = {}) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const pageErrors = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(`${https ? server.https.origin : server.http.origin}/`);
    await page.waitForFunction(() => window.ready !== undefined, null, { timeout: 20_000 });
    const ready = await page.evaluate(() => window.ready);
    assert.equal(ready, true, `the drivers did not load: ${ready}`);
    return { context, page, pageErrors };
  } catch (error) {
    await context.close().catch(() => {});
    throw error;
  }
}

/** Navigates away and back; resolves with whether the page came back from the back/forward cache. */
async function awayAndBack(page) {
  await page.goto(`${server.http.origin}/other`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  await page.goBack({ waitUntil: "commit" });
  const shown = await page.waitForFunction(() => window.events?.findLast((e) => e.type === "pageshow"), null, { timeout: 5000 });
  return (await shown.jsonValue()).persisted === true;
}

const types = (events, ...wanted) => events.filter((e) => wanted.includes(e.type));
const closeOf = (e) => ({ code: e.code, reason: e.reason, wasClean: e.wasClean });

// ---------------------------------------------------------------------------------------------
// The scenarios. `run(s)` gets `s = { side, page, context, ev(fn, arg) }`: `ev` runs `fn`
// in the page with `{ side, ...arg }` (the drivers are `window.parity`).

const SCENARIOS = [
  {
    name: "echo-text",
    async run(s) {
      const r = await s.ev(async ({ side }) => {
        const c = parity.create(side, "/echo");
        await c.until("open");
        const openState = c.state;
        c.send("hello");
        const message = await c.until("message");
        c.close();
        const close = await c.until("close");
        return { url: c.url, data: message.data, openState, close, state: c.state, errors: c.count("error") };
      });
      assert.equal(r.url, `ws://127.0.0.1:${server.http.port}/echo`);
      assert.equal(r.openState, "open");
      assert.equal(r.data, "hello");
      assert.deepEqual(closeOf(r.close), { code: 1000, reason: "", wasClean: true });
      assert.equal(r.state, "closed");
      assert.equal(r.errors, 0);
    },
  },
  {
    name: "echo-bytes",
    async run(s) {
      const r = await s.ev(async ({ side }) => {
        const c = parity.create(side, "/echo", { binaryType: "arraybuffer" });
        await c.until("open");
        c.send(new Uint8Array([1, 2, 255]));
        const bytes = (await c.next("message")).data;
        c.send(new Blob([new Uint8Array([7, 0, 7])]));
        const blob = (await c.next("message")).data;
        c.send(new DataView(new Uint8Array([9, 8]).buffer));
        const view = (await c.next("message")).data;
        c.binaryType = "blob";
        c.send(new Uint8Array([5]));
        const asBlob = (await c.next("message")).data;
        c.close();
        return { bytes, blob, view, asBlob };
      });
      assert.deepEqual(r.asBlob, { blob: [5] }, "binaryType set to blob on the live socket");
      assert.deepEqual(r.bytes, { bytes: [1, 2, 255] });
      assert.deepEqual(r.blob, { bytes: [7, 0, 7] });
      assert.deepEqual(r.view, { bytes: [9, 8] });
    },
  },
  {
    name: "queue-while-disconnected",
    async run(s) {
      const client = `queue-${s.side}-${Date.now()}`;
      await s.ev(async ({ side, client }) => {
        window.c = parity.create(side, `/seq?client=${client}`, { minDelayMs: 100, maxDelayMs: 300 });
        c.send("m0"); // queued before the first open
        c.on("close", () => (window.stateAtClose ??= c.state));
        await c.until("open");
        c.send("m1");
        await c.until("message", (e) => e.data === "m1");
      }, { client });
      server.down(client, 1000);
      const r = await s.ev(async () => {
        await c.until("close");
        const state = window.stateAtClose;
        // Not open again before the server takes upgrades again (1 s).
        for (let i = 2; i < 12; i++) c.send(`m${i}`);
        const queued = c.queuedBytes;
        await c.next("open", undefined, 10_000);
        c.send("m12");
        await c.until("message", (e) => e.data === "m12");
        c.close();
        return { state, queued };
      });
      assert.equal(r.state, "reconnecting");
      assert.equal(r.queued, 22, "m2…m11 queued: 8 × 2 + 2 × 3 bytes");
      assert.deepEqual(server.received(client), Array.from({ length: 13 }, (_, i) => `m${i}`));
    },
  },
  {
    name: "drop-and-reconnect",
    async run(s) {
      const r = await s.ev(async ({ side }) => {
        const c = parity.create(side, "/drop?after=200", { minDelayMs: 50, maxDelayMs: 100, jitter: "none" });
        await c.until("open");
        await c.next("open");
        c.close();
        return c.events;
      });
      const firstOpen = r.findIndex((e) => e.type === "open");
      const secondOpen = r.findIndex((e, i) => i > firstOpen && e.type === "open");
      const between = r.slice(firstOpen + 1, secondOpen + 1).map((e) => (e.type === "statechange" ? `state:${e.to}` : e.type));
      assert.deepEqual(between, ["state:reconnecting", "close", "diagnosis", "reconnecting", "state:connecting", "state:open", "open"]);
      const close = types(r, "close")[0];
      assert.deepEqual({ code: close.code, wasClean: close.wasClean }, { code: 1006, wasClean: false });
      const diagnosis = types(r, "diagnosis")[0];
      assert.deepEqual({ kind: diagnosis.kind, willRetry: diagnosis.willRetry, retryInMs: diagnosis.retryInMs }, { kind: "connection-lost", willRetry: true, retryInMs: 50 });
      const reconnecting = types(r, "reconnecting")[0];
      assert.deepEqual({ attempt: reconnecting.attempt, delayMs: reconnecting.delayMs }, { attempt: 1, delayMs: 50 });
    },
  },
  {
    name: "fatal-close-code",
    async run(s) {
      const r = await s.ev(async ({ side }) => {
        const c = parity.create(side, "/close?code=1008&reason=policy", { minDelayMs: 50, maxDelayMs: 50 });
        const close = await c.until("close");
        const diagnosis = await c.until("diagnosis");
        await parity.sleep(300);
        return { close, diagnosis, state: c.state, opens: c.count("open"), reconnecting: c.count("reconnecting") };
      });
      assert.deepEqual(closeOf(r.close), { code: 1008, reason: "policy", wasClean: true });
      assert.deepEqual([r.diagnosis.kind, r.diagnosis.willRetry, r.diagnosis.code], ["server-closed", false, 1008]);
      assert.equal(r.state, "closed");
      assert.equal(r.opens, 1);
      assert.equal(r.reconnecting, 0);
    },
  },
  {
    name: "transient-close-code",
    async run(s) {
      const r = await s.ev(async ({ side }) => {
        const c = parity.create(side, "/close?code=4001&reason=later", { minDelayMs: 50, maxDelayMs: 50, jitter: "none" });
        const close = await c.until("close");
        const diagnosis = await c.until("diagnosis");
        const reconnecting = await c.until("reconnecting");
        await c.until("open", undefined, 5000);
        await c.next("open", undefined, 5000);
        c.close();
        return { close, diagnosis, reconnecting };
      });
      assert.deepEqual(closeOf(r.close), { code: 4001, reason: "later", wasClean: true });
      assert.deepEqual([r.diagnosis.kind, r.diagnosis.willRetry], ["server-closed", true]);
      assert.deepEqual([r.reconnecting.attempt, r.reconnecting.delayMs], [1, 50]);
    },
  },
  {
    name: "offline-online",
    async run(s) {
      const client = `offline-${s.side}`;
      await s.ev(async ({ side, client }) => {
        window.c = parity.create(side, `/echo?client=${client}`, { minDelayMs: 60_000, maxDelayMs: 60_000 });
        await c.until("open");
      }, { client });
      await s.context.setOffline(true);
      const stillOpen = await s.ev(() => parity.sleep(100).then(() => c.state));
      server.down(client, 0); // the page cannot reach the lab while offline: the server drops it
      const offline = await s.ev(async () => {
        const diagnosis = await c.until("diagnosis");
        await parity.sleep(200);
        return { diagnosis, state: c.state };
      });
      await s.context.setOffline(false);
      const back = await s.ev(async () => {
        await c.next("open", undefined, 10_000);
        const state = c.state;
        c.close();
        return { state, reconnecting: c.events.filter((e) => e.type === "reconnecting").length };
      });
      assert.equal(stillOpen, "open", "an open socket stays open when the browser goes offline");
      assert.equal(offline.state, "offline");
      assert.deepEqual([offline.diagnosis.kind, offline.diagnosis.willRetry, offline.diagnosis.retryInMs], ["offline", true, null]);
      assert.equal(back.state, "open", "online again: connected without waiting for the 60 s backoff");
      assert.equal(back.reconnecting, 0, "no retry was scheduled while offline");
    },
  },
  {
    name: "url-function-sync",
    async run(s) {
      const r = await s.ev(async ({ side }) => {
        let calls = 0;
        const c = parity.create(side, () => `/drop?after=20&token=t${++calls}`, { minDelayMs: 10, maxDelayMs: 20 });
        const urls = [];
        c.on("open", () => urls.push(c.url));
        while (urls.length < 3) await c.next("open");
        c.close();
        return { calls, urls };
      });
      assert.ok(r.calls >= 3);
      assert.deepEqual(r.urls.map((url) => new URL(url).searchParams.get("token")), ["t1", "t2", "t3"]);
      assert.ok(r.urls.every((url) => url.startsWith(`ws://127.0.0.1:${server.http.port}/drop`)), r.urls.join());
    },
  },
  {
    name: "url-function-async",
    async run(s) {
      const r = await s.ev(async ({ side }) => {
        let calls = 0;
        const c = parity.create(
          side,
          async () => {
            calls += 1;
            await parity.sleep(20);
            return `/drop?after=20&token=a${calls}`;
          },
          { minDelayMs: 10, maxDelayMs: 20 },
        );
        const urlBeforeAnswer = c.url;
        const urls = [];
        c.on("open", () => urls.push(c.url));
        while (urls.length < 3) await c.next("open");
        c.close();
        return { urlBeforeAnswer, urls };
      });
      assert.equal(r.urlBeforeAnswer, "", "no URL before the function first answered");
      assert.deepEqual(r.urls.map((url) => new URL(url).searchParams.get("token")), ["a1", "a2", "a3"]);
    },
  },
  {
    name: "url-function-throws",
    async run(s) {
      const r = await s.ev(async ({ side }) => {
        let calls = 0;
        const c = parity.create(
          side,
          () => {
            if (++calls === 1) throw new Error("no token yet");
            return "/echo";
          },
          { minDelayMs: 50, maxDelayMs: 50, log: false },
        );
        const error = await c.until("error");
        const diagnosis = await c.until("diagnosis");
        await c.until("open");
        c.close();
        return { error, diagnosis, calls };
      });
      assert.match(r.error.error?.message ?? "", /no token yet/, "the error event carries what the function threw");
      assert.match(r.diagnosis.summary, /no token yet/, "the diagnosis quotes it");
      assert.equal(r.diagnosis.willRetry, true);
      assert.equal(r.calls, 2);
    },
  },
  {
    name: "url-function-bad-url",
    async run(s) {
      const r = await s.ev(async ({ side }) => {
        let calls = 0;
        const c = parity.create(side, () => (++calls === 1 ? "ftp://127.0.0.1/x" : "/echo"), { minDelayMs: 50, maxDelayMs: 50, log: false });
        const error = await c.until("error");
        const diagnosis = await c.until("diagnosis");
        await c.until("open");
        c.close();
        return { error, diagnosis, url: c.url };
      });
      assert.match(r.error.error?.message ?? "", /"ftp:"/, "the error event says why the URL was refused");
      assert.match(r.diagnosis.summary, /"ftp:"/, "the diagnosis quotes it");
      assert.equal(r.diagnosis.willRetry, true);
      assert.equal(r.url, `ws://127.0.0.1:${server.http.port}/echo`);
    },
  },
  {
    name: "url-function-never-answers",
    async run(s) {
      const r = await s.ev(async ({ side }) => {
        const c = parity.create(side, () => new Promise(() => {}), { connectTimeoutMs: 300, maxRetries: 0, log: false });
        const diagnosis = await c.until("diagnosis", undefined, 5000);
        return { errors: c.events.filter((e) => e.type === "error"), diagnosis, state: c.state };
      });
      const said = /the URL function did not answer within 300 ms/;
      assert.match(r.diagnosis.summary, said, "the diagnosis says the URL function did not answer");
      assert.equal(r.errors.length, 1, "one error event");
      assert.match(r.errors[0].error?.message ?? "", said, "so does the error event's error");
      assert.equal(r.diagnosis.willRetry, false);
      assert.equal(r.state, "closed");
    },
  },
  {
    name: "close-while-url-function-pending",
    async run(s) {
      const r = await s.ev(async ({ side }) => {
        const c = parity.create(side, () => new Promise(() => {}), { connectTimeoutMs: 0, log: false });
        await parity.sleep(100);
        const before = c.state;
        c.close();
        const after = c.state;
        const close = await c.until("close", undefined, 2000).catch((error) => ({ missing: error.message }));
        return { before, after, close, state: c.state };
      });
      assert.equal(r.before, "connecting");
      assert.equal(r.after, "closed", "no socket to wait for: closed at once");
      assert.equal(r.close.code, 1000, JSON.stringify(r.close));
      assert.equal(r.state, "closed");
    },
  },
  {
    name: "connect-timeout",
    async run(s) {
      const r = await s.ev(async ({ side }) => {
        const c = parity.create(side, "/hang", { connectTimeoutMs: 300, maxRetries: 0, log: false });
        const close = await c.until("close", undefined, 5000);
        const diagnosis = await c.until("diagnosis", undefined, 5000);
        return { close, diagnosis, state: c.state };
      });
      assert.equal(r.close.code, 4900);
      assert.deepEqual([r.diagnosis.kind, r.diagnosis.code, r.diagnosis.willRetry], ["timeout", 4900, false]);
      assert.equal(r.state, "closed");
    },
  },
  {
    name: "unreachable-port",
    async run(s) {
      const r = await s.ev(async ({ side, url }) => {
        const c = parity.create(side, url, { maxRetries: 0, log: false });
        const diagnosis = await c.until("diagnosis");
        return { diagnosis, errors: c.count("error"), state: c.state };
      }, { url: `ws://127.0.0.1:${closedPort}/` });
      assert.deepEqual([r.diagnosis.kind, r.diagnosis.code, r.diagnosis.wasOpen, r.diagnosis.probe], ["unreachable", 1006, false, "skipped"]);
      assert.equal(r.errors, 1);
      assert.equal(r.state, "closed");
    },
  },
  {
    name: "max-retries",
    async run(s) {
      const r = await s.ev(async ({ side, url }) => {
        const c = parity.create(side, url, { maxRetries: 2, minDelayMs: 10, maxDelayMs: 10, log: false });
        await c.until("diagnosis", (d) => !d.willRetry, 8000);
        await parity.sleep(200);
        return { diagnoses: c.events.filter((e) => e.type === "diagnosis"), last: c.lastDiagnosis, attempts: c.events.filter((e) => e.type === "reconnecting").map((e) => e.attempt), state: c.state };
      }, { url: `ws://127.0.0.1:${closedPort}/` });
      assert.deepEqual(r.diagnoses.map((d) => [d.attempt, d.willRetry]), [[0, true], [1, true], [2, false]]);
      assert.deepEqual(r.attempts, [1, 2]);
      const { type, at, ...lastEvent } = r.diagnoses.at(-1);
      assert.deepEqual(r.last, lastEvent, "lastDiagnosis is the last diagnosis event's detail");
      assert.equal(r.state, "closed");
    },
  },
  {
    name: "refused-handshake-probe",
    async run(s) {
      const r = await s.ev(async ({ side }) => {
        const c = parity.create(side, "/refuse", { maxRetries: 0, log: false });
        return c.until("diagnosis", undefined, 6000);
      });
      // Same origin: the probe's plain GET of the socket's URL reads the status (404 here).
      assert.deepEqual([r.kind, r.probe, r.probeStatus, r.code], ["handshake-rejected", "answered", 404, 1006]);
    },
  },
  {
    name: "https-probe-certificate",
    async run(s) {
      const r = await s.ev(async ({ side, url }) => {
        const c = parity.create(side, url, { maxRetries: 0, log: false });
        return c.until("diagnosis", undefined, 8000);
      }, { url: scenarioLab.urls.untrusted });
      assert.deepEqual([r.kind, r.probe, r.url], ["certificate", "tls-failed", scenarioLab.urls.untrusted]);
    },
  },
  {
    name: "https-probe-rejected",
    async run(s) {
      const r = await s.ev(async ({ side, url }) => {
        const c = parity.create(side, url, { maxRetries: 0, log: false });
        return c.until("diagnosis", undefined, 8000);
      }, { url: scenarioLab.urls.rejected404 });
      // Another origin: the probe only learns that TLS works, which rules the certificate out.
      assert.deepEqual([r.kind, r.probe], ["handshake-rejected", "tls-ok"]);
    },
  },
  {
    name: "probe-deadline-fetch-hangs",
    async run(s) {
      const r = await s.ev(async ({ side, url }) => {
        // A page whose `fetch` never settles and ignores the abort: the probe has a deadline.
        window.fetch = () => new Promise(() => {});
        const c = parity.create(side, url, { maxRetries: 0, log: false });
        return c.until("diagnosis", undefined, 8000);
      }, { url: scenarioLab.urls.rejected404 });
      assert.deepEqual([r.kind, r.probe, r.willRetry], ["certificate", "tls-failed", false]);
    },
  },
  {
    name: "heartbeat-silent-server",
    async run(s) {
      const r = await s.ev(async ({ side }) => {
        const c = parity.create(side, "/mute", { heartbeat: { intervalMs: 200, timeoutMs: 300, message: "ping" }, minDelayMs: 50, maxDelayMs: 50, log: false });
        await c.until("open");
        const close = await c.until("close", undefined, 5000);
        const diagnosis = await c.until("diagnosis");
        await c.next("open", undefined, 5000);
        c.close();
        return { close, diagnosis };
      });
      assert.deepEqual([r.close.code, r.close.reason], [4901, "wsguard: heartbeat timeout"]);
      assert.deepEqual([r.diagnosis.kind, r.diagnosis.code, r.diagnosis.willRetry], ["connection-lost", 4901, true]);
    },
  },
  {
    name: "reconnect-method",
    async run(s) {
      const r = await s.ev(async ({ side }) => {
        const c = parity.create(side, "/echo");
        await c.until("open");
        c.reconnect();
        const close = await c.until("close");
        await c.next("open");
        c.send("again");
        const message = await c.until("message");
        const state = c.state;
        c.close();
        return { close, data: message.data, state, opens: c.count("open") };
      });
      assert.deepEqual([r.close.code, r.close.reason], [4902, "wsguard: reconnect"]);
      assert.equal(r.data, "again");
      assert.equal(r.state, "open");
      assert.equal(r.opens, 2);
    },
  },
  {
    name: "back-forward-cache",
    async run(s) {
      await s.ev(async ({ side }) => {
        window.c = parity.create(side, "/echo");
        await c.until("open");
      });
      const persisted = await awayAndBack(s.page);
      assert.equal(persisted, true, "restored from the back/forward cache");
      const r = await s.ev(async () => {
        const shownAt = events.findLast((e) => e.type === "pageshow").at;
        await c.until("open", (e) => e.at > shownAt, 5000);
        await parity.sleep(300); // the old socket's late close, if any
        const after = c.events.filter((e) => e.at >= shownAt);
        return { after, state: c.state };
      });
      const diagnoses = types(r.after, "diagnosis");
      assert.deepEqual(diagnoses.map((d) => [d.kind, d.code]), [["suspended", 4903]], "one diagnosis, suspended, 4903");
      assert.deepEqual(types(r.after, "reconnecting").map((e) => e.delayMs), [0], "retried without a delay");
      assert.equal(r.state, "open");
    },
  },
  {
    // The page's own `freeze` and `resume` events, dispatched on the document as Chromium does
    // when it freezes and resumes a page: headless Chromium ignores CDP's
    // Page.setWebLifecycleState on a page it shows (measured: no freeze event, scripts run on).
    name: "freeze-resume",
    async run(s) {
      const r = await s.ev(async ({ side }) => {
        window.c = parity.create(side, "/echo", { reconnectAfterSuspendMs: 0 });
        await c.until("open");
        document.dispatchEvent(new Event("freeze"));
        await parity.sleep(300);
        const resumedAt = parity.now();
        document.dispatchEvent(new Event("resume"));
        await c.until("open", (e) => e.at > resumedAt, 3000).catch(() => {}); // asserted below
        return { after: c.events.filter((e) => e.at >= resumedAt), state: c.state };
      });
      const closes = types(r.after, "close").map((e) => [e.code, e.reason]);
      assert.deepEqual(closes, [[4903, "wsguard: suspended"]], "the socket that lived through the freeze is replaced");
      assert.deepEqual(types(r.after, "diagnosis").map((d) => [d.kind, d.code]), [["suspended", 4903]]);
      assert.deepEqual(types(r.after, "reconnecting").map((e) => e.delayMs), [0], "retried without a delay");
      assert.equal(types(r.after, "open").length, 1, "open again");
      assert.equal(r.state, "open");
    },
  },
  {
    name: "worker-network-change",
    async run(s) {
      const { page, context } = s;
      await page.goto(`${server.http.origin}/worker`);
      await page.evaluate(
        () =>
          new Promise((resolve, reject) => {
            window.reports = [];
            window.worker = new Worker("/parity/worker.mjs", { type: "module" });
            worker.onerror = (event) => reject(new Error(`worker failed: ${event.message}`));
            worker.onmessage = ({ data }) => {
              reports.push(data);
              if (data.type === "ready") resolve();
            };
          }),
      );
      const waitFor = (what, predicate) =>
        page.waitForFunction(predicate, null, { timeout: 8000 }).catch(async () => {
          throw new Error(`no ${what} from the worker within 8 s; reports: ${JSON.stringify(await page.evaluate(() => reports.map((r) => r.to ?? r.kind ?? r.type)))}`);
        });
      await context.setOffline(true);
      await page.evaluate((side) => worker.postMessage({ do: "create", side, url: "/echo", options: { log: false, minDelayMs: 60_000, maxDelayMs: 60_000 } }), s.side);
      await waitFor("diagnosis", () => reports.some((r) => r.type === "diagnosis"));
      await context.setOffline(false);
      await waitFor("open after going online", () => reports.some((r) => r.type === "open"));
      const reports = await page.evaluate(() => reports);
      const created = reports.find((r) => r.type === "created");
      const diagnosis = reports.find((r) => r.type === "diagnosis");
      assert.equal(created.online, false);
      assert.equal(diagnosis.kind, "offline");
      assert.ok(reports.some((r) => r.type === "statechange" && r.to === "offline"), "waited offline");
      assert.deepEqual(reports.filter((r) => r.type === "threw"), []);
    },
  },
  {
    name: "reentrant-send-from-open",
    async run(s) {
      const r = await s.ev(async ({ side }) => {
        const c = parity.create(side, "/echo");
        c.send("queued");
        c.on("open", () => {
          c.send("from-open-1");
          c.send("from-open-2");
        });
        await c.until("message", (e) => e.data === "from-open-2");
        c.close();
        return { messages: c.events.filter((e) => e.type === "message").map((e) => e.data), threw: c.count("listener-threw") };
      });
      assert.deepEqual(r.messages, ["queued", "from-open-1", "from-open-2"]);
      assert.equal(r.threw, 0);
    },
  },
  {
    name: "reentrant-close-from-close",
    async run(s) {
      const r = await s.ev(async ({ side }) => {
        const c = parity.create(side, "/close?code=4001&reason=bye", { minDelayMs: 50, maxDelayMs: 50 });
        let closedFromListener = false;
        c.on("close", () => {
          if (closedFromListener) return;
          closedFromListener = true;
          c.close(4000, "from the close listener");
        });
        await c.until("close", (e) => e.code === 4000, 3000);
        await parity.sleep(300);
        return { closes: c.events.filter((e) => e.type === "close").map((e) => [e.code, e.reason]), opens: c.count("open"), state: c.state, threw: c.events.filter((e) => e.type === "listener-threw") };
      });
      assert.deepEqual(r.closes, [[4001, "bye"], [4000, "from the close listener"]]);
      assert.equal(r.opens, 1, "no reconnect after close()");
      assert.equal(r.state, "closed");
      assert.deepEqual(r.threw, []);
    },
  },
  {
    name: "reentrant-reconnect-from-message",
    async run(s) {
      const r = await s.ev(async ({ side }) => {
        const c = parity.create(side, "/echo");
        let once = false;
        c.on("message", () => {
          if (once) return;
          once = true;
          c.reconnect();
          c.send("after-reconnect");
        });
        await c.until("open");
        c.send("first");
        await c.until("message", (e) => e.data === "after-reconnect", 5000);
        c.close();
        return { messages: c.events.filter((e) => e.type === "message").map((e) => e.data), closes: c.events.filter((e) => e.type === "close").map((e) => e.code), opens: c.count("open") };
      });
      assert.deepEqual(r.messages, ["first", "after-reconnect"]);
      assert.deepEqual(r.closes.slice(0, 1), [4902]);
      assert.equal(r.opens, 2);
    },
  },
  {
    name: "hostile-clock",
    async run(s) {
      const r = await s.ev(async ({ side }) => {
        const c = parity.create(side, "/echo", { reconnectAfterSuspendMs: 2000 });
        await c.until("open");
        // Page code breaks the clock; the client wakes every second while open (half of
        // reconnectAfterSuspendMs) and must not take the broken clock for a suspension.
        const from = c.events.length;
        performance.now = () => {
          throw new Error("clock broken");
        };
        await parity.sleep(1500);
        c.send("still open");
        const message = await c.until("message");
        const after = c.events.slice(from).filter((e) => e.type !== "message");
        const state = c.state;
        c.close();
        return { data: message.data, after, state };
      });
      assert.deepEqual(r.after.map((e) => [e.type, e.code ?? e.to ?? e.kind]), [], "no event while the clock is broken");
      assert.equal(r.state, "open");
      assert.equal(r.data, "still open");
    },
  },
  {
    name: "hostile-options",
    async run(s) {
      const r = await s.ev(({ side }) => ({
        factor: parity.attempt(() => parity.create(side, "/echo", { factor: 0 })),
        maxDelay: parity.attempt(() => parity.create(side, "/echo", { minDelayMs: 500, maxDelayMs: 100 })),
        heartbeat: parity.attempt(() => parity.create(side, "/echo", { heartbeat: { intervalMs: 0 } })),
        fatalCodes: parity.attempt(() => parity.create(side, "/echo", { fatalCodes: [999] })),
        protocols: parity.attempt(() => parity.create(side, "/echo", { protocols: ["a b"] })),
      }));
      assertRefused(s.side, r.factor, "option", optionIn(s.side, "factor"));
      assertRefused(s.side, r.maxDelay, "option", optionIn(s.side, "maxDelayMs"));
      assertRefused(s.side, r.heartbeat, "option", optionIn(s.side, "heartbeat.intervalMs"));
      assertRefused(s.side, r.fatalCodes, "option", optionIn(s.side, "fatalCodes"));
      assertRefused(s.side, r.protocols, "option", optionIn(s.side, "protocols"));
    },
  },
  {
    name: "hostile-close-code",
    async run(s) {
      const r = await s.ev(async ({ side }) => {
        const c = parity.create(side, "/echo");
        await c.until("open");
        const refused = parity.attempt(() => c.close(1001));
        const state = c.state;
        c.send("still working");
        const message = await c.until("message");
        c.close();
        return { refused, state, data: message.data };
      });
      assertRefused(s.side, r.refused, "closeCode", /1001/);
      assert.equal(r.state, "open");
      assert.equal(r.data, "still working");
    },
  },
  {
    name: "send-refused-queue-full",
    async run(s) {
      const r = await s.ev(async ({ side, url }) => {
        const c = parity.create(side, url, { maxBufferedMessages: 2, minDelayMs: 60_000, maxDelayMs: 60_000, log: false });
        await c.until("reconnecting");
        const accepted = [parity.attempt(() => c.send("a")), parity.attempt(() => c.send("b"))];
        const refused = parity.attempt(() => c.send("c"));
        const queued = c.queuedBytes;
        c.close();
        const close = await c.until("close", (e) => e.code === 1000);
        return { accepted, refused, queued, unsent: close.unsent };
      }, { url: `ws://127.0.0.1:${closedPort}/` });
      assert.deepEqual(r.accepted, [null, null]);
      assertRefused(s.side, r.refused, "queueFull", optionIn(s.side, "maxBufferedMessages"));
      assert.equal(r.refused.data, "c", "the refused message comes back");
      assert.equal(r.queued, 2);
      assert.deepEqual(r.unsent, ["a", "b"], "the final close hands back what was queued");
    },
  },
  {
    name: "send-refused-queue-bytes",
    async run(s) {
      const r = await s.ev(async ({ side, url }) => {
        const c = parity.create(side, url, { maxBufferedBytes: 4, minDelayMs: 60_000, maxDelayMs: 60_000, log: false });
        await c.until("reconnecting");
        const accepted = parity.attempt(() => c.send("abc"));
        const refused = parity.attempt(() => c.send("de"));
        const queued = c.queuedBytes;
        c.close();
        return { accepted, refused, queued };
      }, { url: `ws://127.0.0.1:${closedPort}/` });
      assert.equal(r.accepted, null);
      assertRefused(s.side, r.refused, "queueFull", optionIn(s.side, "maxBufferedBytes"));
      assert.equal(r.refused.data, "de");
      assert.equal(r.queued, 3);
    },
  },
  {
    name: "send-refused-buffering-off",
    async run(s) {
      const r = await s.ev(async ({ side }) => {
        const c = parity.create(side, "/echo", { maxBufferedMessages: 0 });
        const refused = parity.attempt(() => c.send("too early"));
        await c.until("open");
        const accepted = parity.attempt(() => c.send("open now"));
        const message = await c.until("message");
        c.close();
        return { refused, accepted, data: message.data };
      });
      assertRefused(s.side, r.refused, "bufferingOff", /buffering is off/);
      assert.equal(r.accepted, null);
      assert.equal(r.data, "open now");
    },
  },
  {
    name: "send-refused-after-close",
    async run(s) {
      const r = await s.ev(async ({ side }) => {
        const c = parity.create(side, "/echo");
        await c.until("open");
        c.close();
        await c.until("close");
        return { refused: parity.attempt(() => c.send("late")), notSendable: parity.attempt(() => parity.create(side, "/echo").send({})) };
      });
      assertRefused(s.side, r.refused, "sendAfterClose", /send\(\) after the client was closed/);
      assertRefused(s.side, r.notSendable, "notSendable", /send\(\) takes a string/);
    },
  },
  {
    name: "hostile-binary-type",
    na: { rust: "the Rust API takes a BinaryType enum: no other value can be written" },
    async run(s) {
      const r = await s.ev(({ side }) => {
        const c = parity.create(side, "/echo");
        const refused = parity.attempt(() => (c.binaryType = "text"));
        c.close();
        return refused;
      });
      assert.equal(r?.name, "TypeError");
      assert.match(r.message, /binaryType.*"text"/);
    },
  },
  {
    name: "hostile-url-type",
    na: { rust: "Client::new takes &str and UrlSource a String or a js_sys::Function: no other type compiles" },
    async run(s) {
      const r = await s.ev(({ side }) => ({
        number: parity.attempt(() => parity.create(side, 42)),
        object: parity.attempt(() => parity.create(side, {})),
      }));
      assert.equal(r.number?.name, "TypeError");
      assert.match(r.number.message, /URL must be a string or a function.*number/);
      assert.match(r.object.message, /URL must be a string or a function.*object/);
    },
  },
  {
    name: "use-after-free",
    na: { rust: "dropping a Client ends its borrow: Rust rejects any later use at compile time" },
    async run(s) {
      const r = await s.ev(async ({ side }) => {
        const c = parity.create(side, "/echo");
        await c.until("open");
        c.free();
        await parity.sleep(100);
        return { state: parity.attempt(() => c.state), send: parity.attempt(() => c.send("x")), events: c.events.map((e) => e.type) };
      });
      assert.match(r.state?.message ?? "", /freed/);
      assert.match(r.send?.message ?? "", /freed/);
      assert.deepEqual(r.events, ["statechange", "open"], "no event after free()");
    },
  },
  {
    name: "https-page-upgrades-ws",
    page: { https: true },
    async run(s) {
      const r = await s.ev(async ({ side, port }) => {
        const c = parity.create(side, `ws://127.0.0.1:${port}/echo`);
        const relative = parity.create(side, "/echo");
        await c.until("open");
        c.send("over tls");
        const message = await c.until("message");
        await relative.until("open");
        c.close();
        relative.close();
        return { url: c.url, relativeUrl: relative.url, data: message.data };
      }, { port: server.https.port });
      assert.equal(r.url, `wss://127.0.0.1:${server.https.port}/echo`, "ws:// upgraded to wss:// on an HTTPS page");
      assert.equal(r.relativeUrl, `wss://127.0.0.1:${server.https.port}/echo`);
      assert.equal(r.data, "over tls");
    },
  },
  {
    name: "https-page-refuses-ws",
    page: { https: true },
    async run(s) {
      const r = await s.ev(({ side, port }) => parity.attempt(() => parity.create(side, `ws://127.0.0.1:${port}/echo`, { insecure: "error" })), { port: server.https.port });
      assertRefused(s.side, r, "insecureUrl", /ws:\/\//);
    },
  },
];

// ---------------------------------------------------------------------------------------------

/** Runs `scenario` on `side` in a fresh context; resolves with its outcome: "ok", "n/a" or "fail". */
async function runSide(scenario, side) {
  if (scenario.na?.[side]) return { outcome: "n/a" };
  let session;
  try {
    session = await openPage(scenario.page);
    const { context, page, pageErrors } = session;
    const ev = (fn, arg = {}) => page.evaluate(fn, { side, ...arg });
    await within(SIDE_TIMEOUT_MS, scenario.run({ side, page, context, ev }), `${scenario.name} (${side})`);
    assert.deepEqual(pageErrors, [], "no uncaught page errors");
    return { outcome: "ok" };
  } catch (error) {
    return { outcome: "fail", error };
  } finally {
    await session?.context.close().catch(() => {});
  }
}

const only = process.env.PARITY_ONLY?.split(",");
for (const scenario of SCENARIOS) {
  if (only && !only.includes(scenario.name)) continue;
  test(`scenario ${scenario.name}`, { timeout: 2 * SIDE_TIMEOUT_MS + 10_000 }, async () => {
    // The two sides run side by side: each has its own context, and its own server-side state.
    const outcomes = await Promise.all(SIDES.map((side) => runSide(scenario, side)));
    const results = Object.fromEntries(SIDES.map((side, i) => [side, outcomes[i]]));
    tally.scenarios++;
    for (const side of SIDES) if (results[side].outcome === "ok") tally[side]++;
    console.log(`parity: ${scenario.name} js=${results.js.outcome} rust=${results.rust.outcome}`);
    const failures = SIDES.filter((side) => results[side].outcome === "fail");
    for (const side of failures) console.log(`parity-failure: ${scenario.name} ${side}: ${String(results[side].error?.message ?? results[side].error).split("\n").slice(0, 6).join(" | ")}`);
    if (failures.length) throw results[failures[0]].error;
  });
}

test("the matrix has at least 20 scenarios, at least 15 of them run on the Rust side", () => {
  assert.ok(SCENARIOS.length >= 20, `${SCENARIOS.length} scenarios`);
  const onRust = SCENARIOS.filter((scenario) => !scenario.na?.rust).length;
  assert.ok(onRust >= 15, `${onRust} scenarios run on the Rust side`);
  for (const scenario of SCENARIOS) {
    for (const side of SIDES) {
      if (scenario.na?.[side] !== undefined) assert.ok(typeof scenario.na[side] === "string" && scenario.na[side].length > 10, `${scenario.name}: n/a on ${side} says why`);
    }
  }
});
