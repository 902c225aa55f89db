// wsguard in every engine users have: Chromium (playwright-core), Firefox ESR (puppeteer-core over
// WebDriver BiDi) and WebKitGTK (WebKitWebDriver under xvfb-run), each on the scenario lab's
// HTTPS page with the test CA trusted (see support/engines.mjs for how each engine trusts it).
//
// Per engine, one browser for every scenario:
// - what a raw WebSocket shows in each lab scenario ("observed: <engine> <scenario> -> …"),
//   asserting each difference the README's support table names;
// - every diagnosis scenario the engine can show, and the conformance subset, one line each:
//   "engine: <engine> <scenario> -> <kind> (expected <kind>) ok|FAIL";
// - then "engines: chromium=<ok>/<n> firefox=<ok>/<n> webkit=<ok>/<n>".
//
// WSGUARD_ENGINES=firefox,webkit picks engines (all three by default).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CLOSE_CODES, probeUrlFor, REJECT_STATUSES, startScenarios } from "../servers/scenarios.mjs";
import { conformanceInPage, EXPECTED_OUTCOMES } from "./support/conformance.mjs";
import { collectDiagnoses, loadPackage } from "./support/diagnose.mjs";
import { ENGINES, launchEngine } from "./support/engines.mjs";
import { within } from "./support/https-page.mjs";
import { observeInPage } from "./support/observe.mjs";

const engines = (process.env.WSGUARD_ENGINES ?? ENGINES.join(",")).split(",").filter(Boolean);
const SECRET = "s3cret";

let lab;
// `n` counts every line an engine should print, so an engine that fails to launch shows 0/n.
const tally = Object.fromEntries(engines.map((e) => [e, { ok: 0, n: 0 }]));

before(async () => {
  lab = await startScenarios();
});

after(async () => {
  await lab?.stop();
  const line = engines.map((e) => `${e}=${tally[e].ok}/${tally[e].n}`).join(" ");
  console.log(`engines: ${line}`);
});

/** Prints the scenario line and counts it; rethrows the failure, if any. */
function report(engine, name, kind, expected, failure) {
  if (!failure) tally[engine].ok++;
  console.log(`engine: ${engine} ${name} -> ${kind} (expected ${expected}) ${failure ? "FAIL" : "ok"}`);
  if (failure) throw failure;
}

/** The engines' own console lines, which print the URL as given and which no script can redact. */
const ENGINE_OWN = [/^WebSocket connection to '.*' failed: /s, /^Mixed Content: /, /can.t establish a connection to the server at /, /was interrupted while the page was loading/];

function strings(value) {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

/**
 * The diagnosis scenarios. `expected` is the kind in every engine unless `byEngine` names
 * another; `engines` limits a scenario to the engines that can show it.
 */
const scenarios = [
  { name: "untrusted", expected: "certificate" },
  { name: "wrongHost", expected: "certificate" },
  { name: "expired", expected: "certificate" },
  { name: "tlsToPlain", expected: "certificate" },
  ...REJECT_STATUSES.map((s) => ({ name: `rejected${s}`, expected: "handshake-rejected" })),
  { name: "refusedWss", expected: "certificate" },
  // ws:// to loopback from the HTTPS page: refused in Chromium and Firefox, which let loopback
  // keep ws://; WebKit blocks it as mixed content before connecting.
  { name: "refusedWs", expected: "unreachable", byEngine: { webkit: "mixed-content" }, options: { insecure: "allow" } },
  { name: "tcpClosed", expected: "certificate" },
  { name: "silent", expected: "timeout", options: { connectTimeoutMs: 1500 } },
  { name: "drop", expected: "connection-lost" },
  {
    name: "idle",
    expected: "idle-timeout",
    options: { maxRetries: 3, minDelayMs: 50, maxDelayMs: 100 },
    nth: 2,
    waitMs: 12_000,
  },
  ...CLOSE_CODES.map((code) => ({
    name: `close${code}`,
    expected: "server-closed",
    // WebKit fails the connection on a close frame of 1012 to 1014 (error, then close 1006):
    // what the page sees is a protocol error, and the summary says Safari does this.
    ...(code === 1012 || code === 1013
      ? { byEngine: { webkit: "protocol-error" }, check: webkitAware(code) }
      : { check: (detail) => assert.equal(detail.code, code, "detail.code") }),
  })),
  { name: "mixedContent", expected: "mixed-content", options: { insecure: "allow" } },
  { name: "offline", expected: "offline", offline: true, engines: ["chromium", "firefox"] },
  {
    name: "redaction",
    url: () => `wss://alice:${SECRET}@127.0.0.1:${lab.ports.rejecting}/status/404?token=${SECRET}`,
    expected: "handshake-rejected",
    options: { log: true },
    redaction: true,
  },
  {
    name: "redaction-upgrade",
    url: () => `ws://alice:${SECRET}@127.0.0.1:${lab.ports.refused}/live?token=${SECRET}`,
    expected: "mixed-content",
    options: { log: true },
    redaction: true,
  },
];

/**
 * Raw WebSocket facts per engine: first where the engines differ (the README's support table),
 * then the rest of the lab. Each `check(seen, engine)` asserts what that engine does.
 */
const rawScenarios = [
  {
    name: "untrusted",
    check(seen, engine) {
      assert.deepEqual(types(seen), ["error", "close"]);
      // Firefox closes a socket whose TLS handshake failed with 1015; the others with 1006.
      assert.equal(closeOf(seen).code, engine === "firefox" ? 1015 : 1006);
      assert.equal(seen.probe.outcome, "rejects");
    },
  },
  {
    name: "expired",
    check(seen, engine) {
      assert.deepEqual(types(seen), ["error", "close"]);
      assert.equal(closeOf(seen).code, engine === "firefox" ? 1015 : 1006);
      if (engine === "chromium") assert.match(seen.console, /ERR_CERT_DATE_INVALID/);
    },
  },
  {
    name: "wrongHost",
    check(seen, engine) {
      assert.deepEqual(types(seen), ["error", "close"]);
      assert.equal(closeOf(seen).code, engine === "firefox" ? 1015 : 1006);
      if (engine === "chromium") assert.match(seen.console, /ERR_CERT_COMMON_NAME_INVALID/);
    },
  },
  {
    name: "tlsToPlain",
    check(seen, engine) {
      assert.deepEqual(types(seen), ["error", "close"]);
      assert.equal(closeOf(seen).code, engine === "firefox" ? 1015 : 1006);
    },
  },
  {
    name: "refusedWss",
    check(seen) {
      // Nothing listening: 1006 everywhere, so in Firefox 1015 alone means a TLS failure.
      assert.deepEqual(types(seen), ["error", "close"]);
      assert.equal(closeOf(seen).code, 1006);
      assert.equal(seen.probe.outcome, "rejects");
    },
  },
  {
    name: "rejected404",
    check(seen) {
      assert.deepEqual(types(seen), ["error", "close"]);
      assert.equal(closeOf(seen).code, 1006);
      assert.equal(seen.probe.outcome, "resolves");
    },
  },
  {
    name: "mixedContent",
    probe: false,
    check(seen, engine) {
      if (engine === "webkit") {
        // No exception: an error event, readyState CLOSED, and no close event at all.
        assert.equal(seen.thrown, null);
        assert.deepEqual(types(seen), ["error", "page-close"]);
        assert.equal(seen.stillOpenAfterWait, 3);
      } else {
        assert.equal(seen.thrown?.name, "SecurityError");
        assert.deepEqual(seen.events, []);
      }
    },
  },
  {
    name: "loopbackWs",
    pingAtMs: [0],
    waitMs: 1000,
    check(seen, engine) {
      if (engine === "webkit") {
        // WebKit treats ws:// to loopback from an HTTPS page as mixed content too.
        assert.deepEqual(types(seen), ["error", "page-close"]);
        assert.equal(seen.probe.outcome, "rejects");
      } else {
        assert.deepEqual(types(seen), ["open", "page-close", "close"]);
      }
    },
  },
  {
    name: "close1012",
    check(seen, engine) {
      if (engine === "webkit") {
        assert.deepEqual(types(seen), ["open", "error", "close"]);
        assert.equal(closeOf(seen).code, 1006);
      } else {
        assert.deepEqual(types(seen), ["open", "close"]);
        assert.equal(closeOf(seen).code, 1012);
        assert.equal(closeOf(seen).wasClean, true);
      }
    },
  },
  {
    name: "drop",
    check(seen) {
      assert.deepEqual(types(seen), ["open", "close"]);
      assert.equal(closeOf(seen).code, 1006);
      assert.equal(closeOf(seen).wasClean, false);
    },
  },
  {
    name: "secretInUrl",
    url: () => `wss://alice:${SECRET}@127.0.0.1:${lab.ports.rejecting}/status/404?token=${SECRET}`,
    check(seen, engine) {
      assert.deepEqual(types(seen), ["error", "close"]);
      // The engine's own console line prints the URL in full, user info and query: Chromium's
      // "WebSocket connection to '…' failed: …", Firefox's "Firefox can’t establish a connection
      // to the server at …" (no cause named). WebDriver shows none of WebKit's.
      if (engine !== "webkit") assert.match(seen.console, /alice:s3cret@127\.0\.0\.1:\d+\/status\/404\?token=s3cret/);
      if (engine === "firefox") assert.match(seen.console, /^Firefox can.t establish a connection to the server at wss:/);
    },
  },
  // The rest of the lab, where the engines agree: recorded so that a change in any engine shows.
  ...[400, 502].map((status) => ({
    name: `rejected${status}`,
    check(seen) {
      assertHandshakeFailure(seen, 1006);
      assert.equal(seen.probe.outcome, "resolves");
    },
  })),
  {
    name: "refusedWs",
    check(seen, engine) {
      if (engine === "webkit") assert.deepEqual(types(seen), ["error", "page-close"]); // mixed content
      else assertHandshakeFailure(seen, 1006);
      assert.equal(seen.probe.outcome, "rejects");
    },
  },
  {
    name: "tcpClosed",
    check(seen) {
      assertHandshakeFailure(seen, 1006);
      assert.equal(seen.probe.outcome, "rejects");
    },
  },
  {
    name: "silent",
    probeWaitMs: 1000,
    check(seen) {
      // Nothing until the page gives up; the probe hangs too.
      assert.equal(seen.stillOpenAfterWait, 0, "still CONNECTING after the wait");
      assert.deepEqual(types(seen), ["page-close", "error", "close"]);
      assert.equal(seen.probe.outcome, "pending");
    },
  },
  {
    name: "echo",
    pingAtMs: [0],
    waitMs: 800,
    check(seen) {
      assert.deepEqual(types(seen), ["open", "page-close", "close"]);
      assert.equal(seen.events.filter((e) => e.type === "message").length, 1);
      assert.equal(closeOf(seen).wasClean, true);
    },
  },
  {
    name: "idle",
    pingAtMs: [300, 700],
    waitMs: 5000,
    check(seen) {
      assert.deepEqual(types(seen), ["open", "close"]);
      assert.equal(closeOf(seen).code, 1006);
      const silence = closeOf(seen).at - seen.lastMessageAt;
      assert.ok(silence >= 1900 && silence < 3500, `cut after ${silence} ms of silence`);
    },
  },
  ...[1001, 1008, 1011, 4001].map((code) => ({
    name: `close${code}`,
    check(seen) {
      assert.deepEqual(types(seen), ["open", "close"]);
      assert.equal(closeOf(seen).code, code);
      assert.equal(closeOf(seen).reason, "bye");
      assert.equal(closeOf(seen).wasClean, true);
    },
  })),
  {
    name: "offline",
    offline: true,
    engines: ["chromium", "firefox"],
    check(seen) {
      assertHandshakeFailure(seen, 1006);
      assert.equal(seen.onLine, false);
      assert.equal(seen.probe.outcome, "rejects");
    },
  },
];

/** Never opened: error, then close with `code`, not clean. */
function assertHandshakeFailure(seen, code) {
  assert.equal(seen.thrown, null);
  assert.deepEqual(types(seen), ["error", "close"]);
  assert.equal(closeOf(seen).code, code);
  assert.equal(closeOf(seen).wasClean, false);
}

/** The close code reported, or for WebKit the protocol error that its summary explains. */
function webkitAware(code) {
  return (detail) => {
    if (detail.kind === "protocol-error") {
      assert.equal(detail.code, 1006);
      assert.match(detail.summary, /for Safari a close code 1012 to 1014/);
    } else {
      assert.equal(detail.code, code, "detail.code");
    }
  };
}

const types = (seen) => seen.events.filter((e) => e.type !== "message").map((e) => e.type);
const closeOf = (seen) => seen.events.find((e) => e.type === "close");

function summarise(engine, name, seen) {
  const parts = [];
  if (seen.thrown) parts.push(`throws ${seen.thrown.name} at ${seen.thrown.at} ms`);
  for (const e of seen.events) {
    if (e.type === "close") parts.push(`close ${e.code} clean=${e.wasClean} @${e.at}`);
    else if (e.type !== "message") parts.push(`${e.type} @${e.at}`);
  }
  if (seen.stillOpenAfterWait !== undefined) parts.push(`readyState ${seen.stillOpenAfterWait} after the wait`);
  if (seen.probe) parts.push(`| probe ${seen.probe.outcome}`);
  if (seen.console) parts.push(`| console: ${seen.console.slice(0, 160)}`);
  return `observed: ${engine} ${name} -> ${parts.join(", ")}`;
}

for (const engine of engines) {
  tally[engine].n =
    scenarios.filter((s) => !s.engines || s.engines.includes(engine)).length +
    Object.keys(EXPECTED_OUTCOMES).length;
  describe(`engine ${engine}`, { concurrency: 1 }, () => {
    let browser;

    before(async () => {
      browser = await within(60_000, launchEngine(engine, lab), `launching ${engine}`);
      console.log(`engine-version: ${engine} ${browser.version}`);
    });

    after(async () => {
      await browser?.close().catch(() => {});
    });

    /** Runs `fn(page)` on a fresh lab page, bounded by `timeoutMs`; always closes the page. */
    async function inPage(fn, timeoutMs, name) {
      const page = await within(20_000, browser.openPage(), `${engine}: opening the lab page`);
      try {
        return await within(timeoutMs, fn(page), `${engine} ${name}`);
      } finally {
        await page.close().catch(() => {});
      }
    }

    for (const raw of rawScenarios) {
      if (raw.engines && !raw.engines.includes(engine)) continue;
      test(`raw ${engine}: ${raw.name}`, async () => {
        const url = raw.url ? raw.url() : lab.urls[raw.name];
        const waitMs = raw.waitMs ?? 1500;
        const seen = await inPage(
          async (page) => {
            if (raw.offline) await page.setOffline(true);
            const result = await page.evaluate(observeInPage, {
              url,
              waitMs,
              pingAtMs: raw.pingAtMs ?? [],
              probeUrl: raw.probe === false ? null : probeUrlFor(url),
              probeWaitMs: raw.probeWaitMs ?? 1500,
            });
            await new Promise((resolve) => setTimeout(resolve, 100));
            const lines = (await page.consoleMessages()).map((m) => m.text);
            result.console = lines.find((t) => ENGINE_OWN.some((re) => re.test(t))) ?? "";
            return result;
          },
          waitMs + 10_000,
          raw.name,
        );
        console.log(summarise(engine, raw.name, seen));
        raw.check(seen, engine);
      });
    }

    for (const scenario of scenarios) {
      if (scenario.engines && !scenario.engines.includes(engine)) continue;
      const expected = scenario.byEngine?.[engine] ?? scenario.expected;
      test(`engine ${engine}: ${scenario.name}`, async () => {
        const url = scenario.url ? scenario.url() : lab.urls[scenario.name];
        const nth = scenario.nth ?? 1;
        const waitMs = scenario.waitMs ?? 6000;
        const options = { maxRetries: 0, log: false, ...scenario.options };
        let run;
        let failure = null;
        try {
          run = await inPage(
            async (page) => {
              await page.evaluate(loadPackage);
              if (scenario.offline) await page.setOffline(true);
              const result = await page.evaluate(collectDiagnoses, { url, options, count: nth, waitMs });
              await new Promise((resolve) => setTimeout(resolve, 100));
              return { ...result, consoleMessages: await page.consoleMessages() };
            },
            waitMs + 20_000,
            scenario.name,
          );
        } catch (error) {
          failure = error;
        }
        const detail = run?.diagnoses?.[nth - 1]?.detail;
        const kind = detail?.kind ?? (failure ? "error" : run?.thrown ? "threw" : "none");
        if (!failure) {
          try {
            assert.equal(run.thrown, undefined, `the constructor threw: ${JSON.stringify(run.thrown)}`);
            assert.ok(detail, `diagnosis #${nth} within ${waitMs} ms; got ${JSON.stringify(run.diagnoses)}`);
            assert.equal(detail.kind, expected, `kind; detail: ${JSON.stringify(detail)}`);
            assert.ok(detail.summary.length > 0 && detail.advice.length > 0, "summary and advice");
            scenario.check?.(detail);
            const errors = run.consoleMessages.filter(
              (m) => m.type === "pageerror" && !ENGINE_OWN.some((re) => re.test(m.text)),
            );
            assert.deepEqual(errors, [], "no uncaught errors in the page");
            if (scenario.redaction) {
              for (const d of run.diagnoses) {
                assert.deepEqual(strings(d.detail).filter((s) => s.includes(SECRET)), [], "no field leaks");
              }
              assert.ok(!String(detail.url).includes("alice"), `detail.url keeps user info: ${detail.url}`);
              const own = run.consoleMessages.filter((m) => !ENGINE_OWN.some((re) => re.test(m.text)));
              assert.deepEqual(own.filter((m) => m.text.includes(SECRET)), [], "wsguard's console lines");
              assert.ok(own.length > 0, "with log: true, wsguard logs something");
            }
          } catch (error) {
            failure = error;
          }
        }
        report(engine, scenario.name, kind, expected, failure);
      });
    }

    test(`engine ${engine}: conformance`, async () => {
      const outcomes = await inPage(
        async (page) => {
          await page.evaluate(loadPackage);
          return page.evaluate(conformanceInPage, {
            echoUrl: lab.urls.echo,
            refusedUrl: lab.urls.refusedWss,
          });
        },
        60_000,
        "conformance",
      );
      const failures = [];
      for (const [name, expected] of Object.entries(EXPECTED_OUTCOMES)) {
        const got = outcomes[name] ?? "not run";
        const failed = got !== expected;
        if (!failed) tally[engine].ok++;
        console.log(`engine: ${engine} ${name} -> ${got} (expected ${expected}) ${failed ? "FAIL" : "ok"}`);
        if (failed) failures.push(`${name}: ${got}`);
      }
      assert.deepEqual(failures, []);
    });
  });
}
