// The proxy scenarios of issue 22 and the diagnosis each must produce behind nginx and HAProxy:
// the spec the diagnosis is written against, where the lab's observations agree with it (see
// /work/notes/proxy-observations.md). proxies.test.mjs runs them; support/proxy-run.mjs drives one.
//
// Fields:
//   name        the scenario, as printed
//   proxies     the proxies it runs behind (default both)
//   variant     the proxy setup (proxies.mjs VARIANTS), or `{ nginx, haproxy }`
//   url(proxy)  the socket URL given to WsGuard (default the relative "/ws")
//   page(proxy) the page's origin (default the proxy's own HTTPS origin)
//   options     WsGuard options over { maxRetries: 0, log: false }
//   mode        "diagnosis" (default: the nth diagnosis), "echo", "hold" (stays open holdMs),
//               "restart" (the backend restarts with `restart`)
//   expected    the kind printed (`open` when nothing may fail), or `{ nginx, haproxy }`
//   engines     where it runs besides Chromium (the scenarios where engines differ)
//   label(kind, engine)  what the check looks at, for the printed line
//   check(run, ctx)      asserts on the run ({ events, diagnoses, console }); may return an
//                        extra note for the printed line. ctx: { proxy: "nginx" | "haproxy", engine }
import assert from "node:assert/strict";

/** A diagnosis whose probe fetched the socket's URL and read `status`. */
function probeAnswered(detail, status) {
  assert.equal(detail.probe, "answered", `detail.probe; detail: ${JSON.stringify(detail)}`);
  assert.equal(detail.probeStatus, status, "detail.probeStatus");
}

function includes(detail, field, text) {
  assert.ok(String(detail[field]).includes(text), `detail.${field} names ${JSON.stringify(text)}: ${detail[field]}`);
}

const nth = (run, n) => run.diagnoses[n - 1];

/** The 3 s idle setups: nginx's read timeout, HAProxy's tunnel timeout. */
const IDLE = { nginx: "idle-read", haproxy: "idle-tunnel" };
const HEARTBEAT = { intervalMs: 1000, timeoutMs: 1000, message: "ping" };
const IDLE_WORDS = { nginx: "proxy_read_timeout", haproxy: "timeout tunnel" };

/** The idle-timeout checks: the proxy's own setting named, and a heartbeat interval below the silence. */
function checkIdle(run, { proxy }) {
  const detail = nth(run, 2);
  includes(detail, "advice", IDLE_WORDS[proxy]);
  assert.equal(typeof detail.idleForMs, "number", `detail.idleForMs; detail: ${JSON.stringify(detail)}`);
  // The package respells the core's option names in camelCase; either spelling is read.
  const match = String(detail.advice).match(/\b(interval_ms|intervalMs):\s*(\d[\d_]*)/);
  assert.ok(match, `the advice suggests an interval: ${detail.advice}`);
  const interval = Number(match[2].replaceAll("_", ""));
  assert.ok(interval > 0 && interval < detail.idleForMs, `${match[1]}: ${interval} < idleForMs ${detail.idleForMs}`);
  return `${match[1]}: ${interval} < idleForMs ${detail.idleForMs}`;
}

/** The restart checks: a clean 1012/1001 first, then `restarting` until the socket opens again. */
function checkRestart(code) {
  return (run) => {
    const first = run.diagnoses[0];
    assert.ok(first, `a diagnosis after the ${code} close; events: ${JSON.stringify(run.events)}`);
    assert.equal(first.kind, "server-closed", `first diagnosis: ${JSON.stringify(first)}`);
    assert.equal(first.code, code, "first diagnosis: detail.code");
    // The lab's part first: the socket came back once the backend listened again.
    const closeAt = run.events.findIndex((e) => e.type === "close");
    assert.ok(run.events.slice(closeAt).some((e) => e.type === "open"), "the socket opened again");
    const later = run.diagnoses.slice(1);
    assert.ok(later.length >= 1, `at least one diagnosis while the backend is down; got ${JSON.stringify(run.diagnoses)}`);
    assert.deepEqual(later.map((d) => d.kind), later.map(() => "restarting"), "every later diagnosis");
    // The restart is expected: no console warning for it (log: true).
    const warned = run.console.filter((m) => /^wsguard: restarting\b/.test(m.text));
    assert.deepEqual(warned, [], "no `wsguard: restarting` console warning");
    return `${later.length} restarting`;
  };
}

export const SCENARIOS = [
  {
    name: "echo",
    variant: "correct",
    mode: "echo",
    expected: "open",
    label: () => "text echo",
    check(run) {
      assert.ok(run.events.some((e) => e.type === "open"), `opened; events: ${JSON.stringify(run.events)}`);
      const echoed = run.events.find((e) => e.type === "message");
      assert.equal(echoed?.data, "hello through the proxy", "the echo came back");
      assert.deepEqual(run.diagnoses, [], "no diagnosis before close");
    },
  },
  {
    name: "no-upgrade-headers",
    proxies: ["nginx"], // HAProxy in `mode http` passes the upgrade on by itself
    variant: "no-upgrade-headers",
    expected: "handshake-rejected",
    label: () => "status 426, names proxy_set_header Upgrade",
    check(run) {
      probeAnswered(nth(run, 1), 426);
      includes(nth(run, 1), "advice", "proxy_set_header Upgrade");
    },
  },
  {
    name: "backend-down",
    variant: "backend-down",
    expected: "handshake-rejected",
    engines: ["firefox", "webkit"],
    label: (proxy) =>
      proxy === "nginx" ? "status 502, names nginx, proxy_pass, its error log" : "status 503, names HAProxy, server, backend",
    check(run, { proxy, log }) {
      const detail = nth(run, 1);
      if (proxy === "nginx") {
        probeAnswered(detail, 502);
        includes(detail, "summary", "nginx");
        includes(detail, "advice", "proxy_pass");
        // The advice says nginx's error log names the upstream it could not reach.
        includes(detail, "advice", "error log names the upstream");
        assert.match(log(), /connect\(\) failed .* while connecting to upstream, .*upstream: "http:\/\/127\.0\.0\.1:\d+\/ws"/);
      } else {
        probeAnswered(detail, 503);
        includes(detail, "summary", "HAProxy");
        includes(detail, "advice", "server");
        includes(detail, "advice", "backend");
      }
    },
  },
  {
    name: "origin-refused",
    variant: "origin-refused",
    expected: "handshake-rejected",
    label: () => "status 403, names Origin",
    check(run) {
      probeAnswered(nth(run, 1), 403);
      includes(nth(run, 1), "advice", "Origin");
    },
  },
  {
    // Not routed: nginx's own static 404; HAProxy's default backend (the app server) 404s too.
    name: "wrong-path",
    variant: "correct",
    url: () => "/nope",
    expected: "handshake-rejected",
    label: () => "status 404, names path",
    check(run) {
      probeAnswered(nth(run, 1), 404);
      includes(nth(run, 1), "advice", "path");
    },
  },
  {
    // A socket path that moved (a 301 to /ws): the probe does not follow it either.
    name: "redirect",
    variant: "correct",
    url: () => "/moved",
    expected: "handshake-rejected",
    label: () => "status 0 (redirect), names the redirect",
    check(run, { engine }) {
      probeAnswered(nth(run, 1), 0);
      includes(nth(run, 1), "summary", "redirect");
      includes(nth(run, 1), "advice", "redirects to");
      // Chromium's own console line (only Chromium's console shows the browser's lines).
      if (engine === "chromium") {
        const line = run.console.find((m) => /Unexpected response code: 301/.test(m.text));
        assert.ok(line, `Chromium's console names the 301; console: ${JSON.stringify(run.console)}`);
      }
    },
  },
  {
    // Cut after 3 s of silence, twice: the second diagnosis names the idle limit.
    name: "idle",
    variant: IDLE,
    options: { maxRetries: 3, minDelayMs: 50, maxDelayMs: 100 },
    nth: 2,
    waitMs: 15_000,
    expected: "idle-timeout",
    label: (proxy) => `names ${IDLE_WORDS[proxy]}`,
    check: checkIdle,
  },
  {
    // HAProxy with only `timeout client`/`timeout server` 3 s: the same cut, the same fix.
    name: "idle-client-server",
    proxies: ["haproxy"],
    variant: "idle-client-server",
    options: { maxRetries: 3, minDelayMs: 50, maxDelayMs: 100 },
    nth: 2,
    waitMs: 15_000,
    expected: "idle-timeout",
    label: () => "names timeout tunnel",
    check: checkIdle,
  },
  {
    name: "heartbeat-answered",
    variant: IDLE,
    options: { heartbeat: HEARTBEAT },
    mode: "hold",
    holdMs: 10_000,
    expected: "open",
    label: () => "no close in 10 s",
    check(run) {
      assert.ok(run.events.some((e) => e.type === "open"), `opened; events: ${JSON.stringify(run.events)}`);
      assert.ok(run.heldMs >= 10_000, `held ${run.heldMs} ms`);
      assert.deepEqual(run.events.filter((e) => e.type === "close"), [], "no close within 10 s");
      assert.deepEqual(run.diagnoses, [], "no diagnosis");
    },
  },
  {
    name: "heartbeat-ignored",
    variant: IDLE,
    url: () => "/mute",
    options: { heartbeat: HEARTBEAT },
    expected: "connection-lost",
    label: () => "code 4901, names must answer",
    check(run) {
      assert.equal(nth(run, 1).code, 4901, "detail.code");
      includes(nth(run, 1), "advice", "must answer");
    },
  },
  {
    // The proxy's self-signed leaf on its second TLS port, from a page on its trusted port.
    name: "bad-certificate",
    variant: "correct",
    url: (proxy) => proxy.urls.untrustedWs,
    expected: "certificate",
    engines: ["firefox", "webkit"],
    label: (_proxy, engine) => (engine === "firefox" ? "code 1015" : "probe tls-failed"),
    check(run, { engine }) {
      // Firefox closes a socket whose TLS handshake failed with 1015, which already says what the
      // probe would find: wsguard may skip it there.
      if (engine === "firefox") {
        assert.equal(nth(run, 1).code, 1015, "detail.code");
        // The advice quotes Firefox's own console line, which names no cause.
        const quoted = "Firefox can’t establish a connection to the server at wss://";
        includes(nth(run, 1), "advice", quoted);
        assert.ok(run.console.some((m) => m.text.startsWith(quoted)), `Firefox's line; console: ${JSON.stringify(run.console)}`);
        return `probe ${nth(run, 1).probe}, quotes Firefox's line`;
      }
      assert.equal(nth(run, 1).probe, "tls-failed", "detail.probe");
    },
  },
  {
    name: "rolling-restart",
    variant: "correct",
    mode: "restart",
    // After 1012 wsguard waits 5 to 10 s: down for 11 s, the first retry always meets the proxy.
    restart: { code: 1012, downMs: 11_000 },
    options: { log: true, maxRetries: 1000 },
    waitMs: 30_000,
    expected: "restarting",
    label: () => "1012 then restarting, reopened, no warning",
    check: checkRestart(1012),
  },
  {
    // 1001 (going away) has no 5 s floor: the normal backoff retries inside a 3 s gap.
    name: "rolling-restart-1001",
    proxies: ["nginx"],
    variant: "correct",
    mode: "restart",
    restart: { code: 1001, downMs: 3000 },
    options: { log: true, maxRetries: 1000 },
    waitMs: 20_000,
    expected: "restarting",
    label: () => "1001 then restarting, reopened, no warning",
    check: checkRestart(1001),
  },
  {
    // The app hard-codes ws://127.0.0.1:<plain port>/ws; wsguard upgrades it to wss:, whose TLS
    // handshake reaches the proxy's plain-HTTP listener.
    name: "rewritten-url",
    variant: "correct",
    url: (proxy) => proxy.urls.plainWs,
    options: { insecure: "upgrade" },
    expected: "mixed-content",
    engines: ["firefox", "webkit"],
    label: () => "names upgraded, relative URL",
    check(run) {
      includes(nth(run, 1), "summary", "upgraded");
      includes(nth(run, 1), "advice", "relative URL");
    },
  },
];
