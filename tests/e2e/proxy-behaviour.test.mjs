// What a page sees through Debian's nginx and HAProxy, without wsguard: the facts the proxy
// diagnosis stands on (the way raw-socket-behaviour.test.mjs records them for the scenario lab).
// For each setup: a raw `new WebSocket(url)` (open or not, close code, wasClean, the engine's
// console line) and the probe wsguard makes, a same-origin `fetch` of the socket's URL over HTTPS
// (status, Server header, start of the body). Every setup in Chromium; those where engines
// differ also in Firefox ESR and WebKitGTK. Then, in Chromium, which direction of traffic keeps an
// upgraded connection alive under each 3 s idle limit.
//
// Prints "proxy-observed: <proxy> <setup>[ [<engine>]] -> …" per setup and
// "proxy-idle: <proxy> <variant> <direction> -> cut at N ms | open at 9000 ms" per direction.
// WSGUARD_PROXY_ENGINES as in proxies.test.mjs.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ensureCerts } from "../servers/certs.mjs";
import { PROXIES, proxyVersion, startProxy } from "../servers/proxies.mjs";
import { launchEngine } from "./support/engines.mjs";
import { within } from "./support/https-page.mjs";
import { probeFetchInPage, rawSocketInPage } from "./support/proxy-page.mjs";

const certs = ensureCerts();
// What engines.mjs needs of a lab; pageOrigin is set per setup (the proxy's origin).
const lab = { spkiHash: certs.spkiHash, nssHome: certs.nssHome, certDir: certs.dir, pageOrigin: null };
const others = (process.env.WSGUARD_PROXY_ENGINES ?? "firefox,webkit").split(",").filter(Boolean);
const running = {};

/** Starts `kind` with `variant`, runs `fn(proxy, page)` on a fresh page of the proxy's origin, stops all. */
async function withProxyPage(engine, kind, variant, fn, { timeoutMs = 30_000 } = {}) {
  const proxy = await startProxy(kind, variant);
  let page;
  try {
    lab.pageOrigin = proxy.origin;
    page = await engine.openPage();
    return await within(timeoutMs, fn(proxy, page), `${kind} ${variant}`);
  } catch (error) {
    error.message += `\n${kind} log:\n${proxy.log().slice(-3000)}`;
    throw error;
  } finally {
    await page?.close().catch(() => {});
    await proxy.stop();
  }
}

const closeOf = (seen) => seen.events.find((e) => e.type === "close");
const types = (seen) => seen.events.map((e) => e.type);

function describeRaw(seen) {
  const parts = seen.thrown ? [`throws ${seen.thrown.name}`] : [];
  for (const e of seen.events) {
    parts.push(e.type === "close" ? `close ${e.code} clean=${e.wasClean} @${e.at}` : `${e.type} @${e.at}`);
  }
  if (seen.received) parts.push(`${seen.received} message(s) back`);
  return parts.join(", ");
}

function describeProbe(probe) {
  if (probe.error) return `fetch rejects (${probe.error}) in ${probe.ms} ms`;
  return `fetch ${probe.status} in ${probe.ms} ms, Server=${probe.server ?? "(none)"} body=${JSON.stringify(probe.body.replace(/\s+/g, " "))}`;
}

/**
 * The handshake setups. `url(proxy)` is the socket URL (default the echo path); the page is on
 * the proxy's trusted HTTPS origin. `engines`: where it runs besides Chromium. `check(seen,
 * kind, engine)` asserts what was seen.
 */
const setups = [
  {
    name: "echo",
    variant: "correct",
    engines: ["firefox", "webkit"], // the proxied page and package load in every engine
    check: (s) => assert.deepEqual(types(s.raw), ["open", "page-close", "close"]),
  },
  { name: "no-upgrade-headers", only: "nginx", variant: "no-upgrade-headers", check: (s, k, e) => rejectedWith(s, 426, e) },
  {
    name: "backend-down",
    variant: "backend-down",
    engines: ["firefox", "webkit"],
    check: (s, kind, engine) => rejectedWith(s, kind === "nginx" ? 502 : 503, engine),
  },
  {
    // HAProxy without `check` retries the refused connect 3 times, 1 s apart: the handshake and
    // the fetch both wait 3 s for the 503.
    name: "backend-down-no-check",
    only: "haproxy",
    variant: "backend-down-no-check",
    waitMs: 5000,
    check: (s, kind, engine) => {
      rejectedWith(s, 503, engine);
      assert.ok(closeOf(s.raw).at >= 2900, `the handshake failed after ${closeOf(s.raw).at} ms`);
      assert.ok(s.probe.ms >= 2900, `the fetch answered after ${s.probe.ms} ms`);
    },
  },
  { name: "origin-refused", variant: "origin-refused", check: (s, k, e) => rejectedWith(s, 403, e) },
  { name: "wrong-path", variant: "correct", url: (p) => p.urls.nope, check: (s, k, e) => rejectedWith(s, 404, e) },
  {
    // HAProxy routing only the site and the sockets (no default_backend): its own 503 for the
    // unrouted path, the same answer as a backend that is down.
    name: "wrong-path-no-default-backend",
    only: "haproxy",
    variant: "no-default-backend",
    url: (p) => p.urls.nope,
    check: (s, k, e) => rejectedWith(s, 503, e),
  },
  {
    // The proxy's self-signed leaf, from a page on its trusted port: TLS fails, the fetch too.
    name: "bad-certificate",
    variant: "correct",
    url: (p) => p.urls.untrustedWs,
    engines: ["firefox", "webkit"],
    check: (s, kind, engine) => {
      tlsFailed(s, engine);
      if (engine === "chromium") assert.match(s.console, /ERR_CERT_AUTHORITY_INVALID/);
    },
  },
  {
    // What wsguard's default insecure: "upgrade" makes of ws://127.0.0.1:<plain>/ws: TLS to the
    // proxy's plain-HTTP listener.
    name: "rewritten-url",
    variant: "correct",
    url: (p) => p.urls.plainWs.replace(/^ws:/, "wss:"),
    engines: ["firefox", "webkit"],
    check: (s, kind, engine) => {
      tlsFailed(s, engine);
      if (engine === "chromium") assert.match(s.console, /ERR_SSL_PROTOCOL_ERROR/);
    },
  },
  {
    // The URL as the app wrote it. Chromium and Firefox let a secure page open ws:// to
    // loopback; WebKit blocks it as mixed content (error, no close event).
    name: "plain-ws-loopback",
    variant: "correct",
    url: (p) => p.urls.plainWs,
    probe: false,
    engines: ["firefox", "webkit"],
    check: (s, kind, engine) =>
      assert.deepEqual(types(s.raw), engine === "webkit" ? ["error", "page-close"] : ["open", "page-close", "close"]),
  },
];

/** Never opened, and the same-origin fetch answered `status` (Chromium's console names it too). */
function rejectedWith(seen, status, engine) {
  assert.deepEqual(types(seen.raw), ["error", "close"]);
  assert.equal(closeOf(seen.raw).code, 1006);
  assert.equal(closeOf(seen.raw).wasClean, false);
  if (engine === "chromium") assert.match(seen.console, new RegExp(`Unexpected response code: ${status}\\b`));
  assert.equal(seen.probe.status, status, "the same-origin fetch reads the status");
}

/** The TLS handshake failed: error, then close (Firefox: 1015, the others 1006); the fetch rejects. */
function tlsFailed(seen, engine) {
  assert.deepEqual(types(seen.raw), ["error", "close"]);
  assert.equal(closeOf(seen.raw).code, engine === "firefox" ? 1015 : 1006);
  assert.ok(seen.probe.error, "the fetch rejects");
}

/** The engine's own line about the failed socket (Chromium's and Firefox's; WebKit shows none). */
const ENGINE_LINE = /^WebSocket connection to '[^']*' failed: |can.t establish a connection to the server at /;

/**
 * Traffic directions under a 3 s idle limit, each on its own socket, all four at once:
 * none (the mute path, nobody sends), client (the page sends every 1 s to the mute path),
 * server (the tick path sends every 1 s), both (the page sends every 1 s, the echo answers).
 */
const DIRECTIONS = {
  none: (p) => ({ url: p.urls.mute, clientEveryMs: 0 }),
  client: (p) => ({ url: p.urls.mute, clientEveryMs: 1000 }),
  server: (p) => ({ url: `${p.urls.tick}?every=1000`, clientEveryMs: 0 }),
  both: (p) => ({ url: p.urls.ws, clientEveryMs: 1000 }),
};
const IDLE_WAIT_MS = 9000;

/** `{ direction: cut-after-open ms | null }` for one proxy variant. */
async function idleDirections(kind, variant) {
  return withProxyPage(
    running.chromium,
    kind,
    variant,
    async (proxy, page) => {
      const entries = await Promise.all(
        Object.entries(DIRECTIONS).map(async ([direction, make]) => {
          const seen = await page.evaluate(rawSocketInPage, { ...make(proxy), waitMs: IDLE_WAIT_MS });
          const open = seen.events.find((e) => e.type === "open");
          const close = closeOf(seen);
          const cut = open && close && !seen.events.some((e) => e.type === "page-close") ? close.at - open.at : null;
          return [direction, { cut, close, seen }];
        }),
      );
      return Object.fromEntries(entries);
    },
    { timeoutMs: IDLE_WAIT_MS + 15_000 },
  );
}

/**
 * What each 3 s limit does per direction: true = cut after about 3 s, false = still open at 9 s.
 * As measured (see /work/notes/proxy-observations.md): traffic in either direction resets every
 * one of these timers, and nginx's send timeout never cuts an idle tunnel.
 */
const IDLE_CUTS = {
  nginx: {
    "idle-read": { none: true, client: false, server: false, both: false },
    "idle-send": { none: false, client: false, server: false, both: false },
  },
  haproxy: {
    "idle-tunnel": { none: true, client: false, server: false, both: false },
    "idle-client-server": { none: true, client: false, server: false, both: false },
  },
};
const IDLE_VARIANTS = Object.fromEntries(Object.entries(IDLE_CUTS).map(([k, v]) => [k, Object.keys(v)]));

/** The idle-direction tests, in Chromium. */
function idleTests() {
  for (const [kind, variants] of Object.entries(IDLE_VARIANTS)) {
    test(`${kind}: idle directions`, async () => {
      const results = await Promise.all(variants.map((variant) => idleDirections(kind, variant)));
      variants.forEach((variant, i) => {
        for (const [direction, { cut, close, seen }] of Object.entries(results[i])) {
          const what = cut === null ? `open at ${IDLE_WAIT_MS} ms` : `cut at ${cut} ms (close ${close.code} clean=${close.wasClean})`;
          console.log(`proxy-idle: ${kind} ${variant} ${direction} -> ${what}, sent ${seen.sent}, received ${seen.received}`);
        }
      });
      variants.forEach((variant, i) => {
        for (const [direction, { cut, close, seen }] of Object.entries(results[i])) {
          const where = `${kind} ${variant} ${direction}`;
          assert.ok(seen.events[0]?.type === "open", `${where}: opened`);
          if (IDLE_CUTS[kind][variant][direction]) {
            // Chromium may deliver the cut late under load (up to ~600 ms seen).
            assert.ok(cut !== null && cut >= 2800 && cut < 4000, `${where}: cut after ~3 s, got ${cut}`);
            assert.equal(close.code, 1006, `${where}: close code`);
            assert.equal(close.wasClean, false, `${where}: wasClean`);
          } else {
            assert.equal(cut, null, `${where}: still open after ${IDLE_WAIT_MS} ms`);
            // The traffic really flowed: the heartbeat of this direction was sent or received.
            if (direction !== "none") assert.ok(seen.sent + seen.received >= 6, `${where}: traffic`);
          }
        }
      });
    });
  }
}

for (const engineName of ["chromium", ...others]) {
  describe(`proxy behaviour in ${engineName}`, { concurrency: 1 }, () => {
    before(async () => {
      running[engineName] = await within(60_000, launchEngine(engineName, lab), `launching ${engineName}`);
    });
    after(async () => {
      await running[engineName]?.close().catch(() => {});
    });
    const tag = engineName === "chromium" ? "" : ` [${engineName}]`;
    for (const kind of PROXIES) {
      for (const setup of setups) {
        if (setup.only && setup.only !== kind) continue;
        if (engineName !== "chromium" && !setup.engines?.includes(engineName)) continue;
        test(`${kind} (${proxyVersion(kind) ?? "not installed"}): ${setup.name}${tag}`, async () => {
          const seen = await withProxyPage(running[engineName], kind, setup.variant, async (proxy, page) => {
            const url = setup.url ? setup.url(proxy) : proxy.urls.ws;
            const raw = await page.evaluate(rawSocketInPage, { url, waitMs: setup.waitMs ?? 1500, clientEveryMs: 300 });
            const probe = setup.probe === false ? null : await page.evaluate(probeFetchInPage, { url });
            await new Promise((resolve) => setTimeout(resolve, 100));
            const lines = (await page.consoleMessages()).map((m) => m.text);
            return { raw, probe, console: lines.find((t) => ENGINE_LINE.test(t)) ?? "" };
          });
          const line = [describeRaw(seen.raw)];
          if (seen.probe) line.push(describeProbe(seen.probe));
          if (seen.console) line.push(`console: ${seen.console.replace(/^WebSocket connection to '[^']*' failed: /, "")}`);
          console.log(`proxy-observed: ${kind} ${setup.name}${tag} -> ${line.join(" | ")}`);
          setup.check(seen, kind, engineName);
        });
      }
    }
    if (engineName === "chromium") idleTests();
  });
}
