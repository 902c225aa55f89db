// wsguard's diagnosis in each failure scenario of the lab, from an HTTPS page in Chromium.
//
// The API under test:
//   import init, { WsGuard } from "/pkg/raw.js"; await init();
//   const g = new WsGuard(url, { maxRetries: 0, log: false });
//   g.addEventListener("diagnosis", (e) => e.detail /* kind, summary, advice, url, probe, code… */);
//   g.close();
//
// Prints one line per scenario: "diagnosis: <scenario> -> <kind> (expected <kind>) ok|FAIL".
import assert from "node:assert/strict";
import { test } from "node:test";
import { CLOSE_CODES, REJECT_STATUSES } from "../servers/scenarios.mjs";
import { collectDiagnoses, loadPackage } from "./support/diagnose.mjs";
import { inScenarioPage, scenarioLabForFile } from "./support/https-page.mjs";

/** The scenario lab and a Chromium for it, started before this file's tests. */
const setup = scenarioLabForFile();

/** Chromium's own console lines, which print the URL in full and that no script can redact. */
const CHROMIUM_OWN = [/^WebSocket connection to '.*' failed: /s, /^Mixed Content: /];

/** Every string in `value` (recursively), for the redaction check. */
function strings(value) {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

const SECRET = "s3cret";

const scenarios = [
  { name: "untrusted", expected: "certificate" },
  { name: "wrongHost", expected: "certificate" },
  ...REJECT_STATUSES.map((s) => ({ name: `rejected${s}`, expected: "handshake-rejected" })),
  { name: "refusedWss", expected: "certificate" },
  // ws:// to loopback needs insecure: "allow", or wsguard upgrades it to wss://.
  { name: "refusedWs", expected: "unreachable", options: { insecure: "allow" } },
  {
    name: "silent",
    expected: "timeout",
    options: { connectTimeoutMs: 1500 },
    // The core names options in its Rust spelling; the package's users read their own.
    check: (detail) => assert.match(detail.summary, /within `connectTimeoutMs`/, "detail.summary"),
  },
  { name: "drop", expected: "connection-lost" },
  {
    // Cut after 2 s of silence, twice in a row: the second diagnosis names the idle timeout.
    name: "idle",
    expected: "idle-timeout",
    options: { maxRetries: 3, minDelayMs: 50, maxDelayMs: 100 },
    nth: 2,
    waitMs: 15_000,
  },
  ...CLOSE_CODES.map((code) => ({
    name: `close${code}`,
    expected: "server-closed",
    check: (detail) => assert.equal(detail.code, code, "detail.code"),
  })),
  {
    // The browser blocks a fixed ws:// URL every time: no retry, even with retries unbounded.
    name: "mixedContent",
    expected: "mixed-content",
    options: { insecure: "allow", maxRetries: Infinity },
    check: (detail) => assert.equal(detail.willRetry, false, "detail.willRetry"),
  },
  { name: "offline", expected: "offline", offline: true },
  {
    // User info and a token in the query: none of it may reach the diagnosis or the console.
    name: "redaction",
    url: () => `wss://alice:${SECRET}@127.0.0.1:${setup.lab.ports.rejecting}/status/404?token=${SECRET}`,
    expected: "handshake-rejected",
    options: { log: true },
    redaction: true,
    // The page holds a cookie for 127.0.0.1; the probe must carry no cookie, credentials,
    // referrer, path or query: one plain GET of "/".
    cookie: `session=${SECRET}; Secure; SameSite=None`,
    probePrivacy: true,
  },
  {
    // The same through the ws:// → wss:// upgrade warning (insecure: "upgrade", the default);
    // the upgraded URL's TLS fails, which the diagnosis owns as its own rewrite.
    name: "redaction-upgrade",
    url: () => `ws://alice:${SECRET}@127.0.0.1:${setup.lab.ports.refused}/live?token=${SECRET}`,
    expected: "mixed-content",
    options: { log: true },
    redaction: true,
  },
];

for (const scenario of scenarios) {
  test(`diagnosis: ${scenario.name}`, async () => {
    const url = scenario.url ? scenario.url() : setup.lab.urls[scenario.name];
    assert.ok(url, `the lab has a URL for ${scenario.name}`);
    const nth = scenario.nth ?? 1;
    const waitMs = scenario.waitMs ?? 8000;
    const options = { maxRetries: 0, log: false, ...scenario.options };
    const run = await inScenarioPage(
      setup.browser,
      setup.lab,
      async ({ context, page, consoleMessages, pageErrors }) => {
        const loaded = await page.evaluate(loadPackage);
        if (!loaded.exports.includes("WsGuard")) {
          return { missing: `pkg/raw.js exports ${loaded.exports.join(", ")}: no WsGuard yet` };
        }
        // Offline only after the package is loaded (it is served with no-store).
        if (scenario.offline) await context.setOffline(true);
        if (scenario.cookie) await page.evaluate((cookie) => (document.cookie = cookie), scenario.cookie);
        if (scenario.probePrivacy) setup.lab.requests.rejecting.length = 0;
        const result = await page.evaluate(collectDiagnoses, { url, options, count: nth, waitMs });
        await new Promise((resolve) => setTimeout(resolve, 100)); // late console lines
        return { ...result, consoleMessages: [...consoleMessages], pageErrors: [...pageErrors] };
      },
      { timeoutMs: waitMs + 20_000, name: scenario.name },
    );

    const detail = run.diagnoses?.[nth - 1]?.detail;
    const kind = detail?.kind ?? (run.missing ? "no-WsGuard" : run.thrown ? "threw" : "none");
    let failure = null;
    try {
      assert.equal(run.missing, undefined, run.missing);
      assert.equal(run.thrown, undefined, `the constructor threw: ${JSON.stringify(run.thrown)}`);
      assert.ok(
        detail,
        `diagnosis #${nth} within ${waitMs} ms; got ${JSON.stringify(run.diagnoses)}`,
      );
      assert.equal(detail.kind, scenario.expected, `kind; detail: ${JSON.stringify(detail)}`);
      assert.equal(typeof detail.summary, "string", "detail.summary");
      assert.ok(detail.summary.length > 0, "detail.summary is not empty");
      assert.equal(typeof detail.advice, "string", "detail.advice");
      assert.ok(detail.advice.length > 0, "detail.advice is not empty");
      scenario.check?.(detail);
      assert.deepEqual(run.pageErrors, [], "no uncaught errors in the page");
      if (scenario.redaction) {
        for (const key of ["url", "summary", "advice"]) {
          assert.ok(!String(detail[key]).includes(SECRET), `detail.${key} leaks: ${detail[key]}`);
        }
        assert.ok(!String(detail.url).includes("alice"), `detail.url keeps user info: ${detail.url}`);
        for (const d of run.diagnoses) {
          const leaks = strings(d.detail).filter((s) => s.includes(SECRET));
          assert.deepEqual(leaks, [], "no field of any diagnosis leaks the secret");
        }
        const own = run.consoleMessages.filter((m) => !CHROMIUM_OWN.some((re) => re.test(m.text)));
        const leaking = own.filter((m) => m.text.includes(SECRET));
        assert.deepEqual(leaking, [], "no console message of wsguard's leaks the secret");
        if (options.log) assert.ok(own.length > 0, "with log: true, wsguard logs something");
      }
      if (scenario.probePrivacy) {
        assert.equal(detail.probe, "tls-ok", "the probe ran");
        assert.deepEqual(
          setup.lab.requests.rejecting,
          [{ method: "GET", url: "/", cookie: null, authorization: null, referer: null }],
          "the probe is one GET / without cookie, credentials or referrer",
        );
      }
    } catch (error) {
      failure = error;
    }
    console.log(
      `diagnosis: ${scenario.name} -> ${kind} (expected ${scenario.expected}) ${failure ? "FAIL" : "ok"}`,
    );
    if (failure) throw failure;
  });
}
