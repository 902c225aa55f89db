// wsguard's diagnosis behind real proxies (issue 22): Debian's nginx and HAProxy, each started
// for the scenario with a generated config (tests/servers/proxies.mjs) in front of a Node `ws`
// backend, the page served through the proxy. Every scenario of support/proxy-scenarios.mjs runs
// in Chromium; those where engines differ also in Firefox ESR and WebKitGTK (support/engines.mjs).
//
// Prints one line per scenario and engine:
//   "proxy: <nginx|haproxy> <scenario>[ [<engine>]] -> <kind> (expected <kind>) <checked> ok|FAIL"
// then "proxies: nginx=<ok>/<n> haproxy=<ok>/<n>" (a proxy that is not installed shows 0/n).
//
// WSGUARD_PROXY_ENGINES=firefox picks the other engines (default "firefox,webkit"; "" for none).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ensureCerts } from "../servers/certs.mjs";
import { PROXIES, proxyVersion, startProxy } from "../servers/proxies.mjs";
import { launchEngine } from "./support/engines.mjs";
import { within } from "./support/https-page.mjs";
import { runScenario } from "./support/proxy-run.mjs";
import { SCENARIOS } from "./support/proxy-scenarios.mjs";

const certs = ensureCerts();
// What engines.mjs needs of a lab; pageOrigin is set per scenario (the proxy's origin).
const lab = { spkiHash: certs.spkiHash, nssHome: certs.nssHome, certDir: certs.dir, pageOrigin: null };
const others = (process.env.WSGUARD_PROXY_ENGINES ?? "firefox,webkit").split(",").filter(Boolean);
const engines = ["chromium", ...others];
const versions = Object.fromEntries(PROXIES.map((kind) => [kind, proxyVersion(kind)]));

/** The scenarios `engine` runs behind `proxy`. */
function scenariosFor(engine, proxy) {
  return SCENARIOS.filter(
    (s) => (s.proxies ?? PROXIES).includes(proxy) && (engine === "chromium" || s.engines?.includes(engine)),
  );
}

// `n` counts every line a proxy should print before any runs, so a missing binary shows 0/n.
const tally = Object.fromEntries(PROXIES.map((p) => [p, { ok: 0, n: 0 }]));
for (const engine of engines) for (const proxy of PROXIES) tally[proxy].n += scenariosFor(engine, proxy).length;

before(() => {
  for (const proxy of PROXIES) console.log(`proxy-version: ${proxy} ${versions[proxy] ?? "not installed"}`);
});
after(() => {
  console.log(`proxies: ${PROXIES.map((p) => `${p}=${tally[p].ok}/${tally[p].n}`).join(" ")}`);
});

/** The engines' own lines about a failed socket, which no script writes. */
const ENGINE_OWN = /^WebSocket connection to '.*' failed: |can.t establish a connection to the server at /s;

const pick = (value, proxy) => (value && typeof value === "object" ? value[proxy] : value);

/** The kind to print: what the run ended as, in the scenario's own terms. */
function kindOf(run, scenario) {
  if (!run) return "error";
  if (run.missing) return "no-WsGuard";
  if (run.thrown) return "threw";
  const ds = run.diagnoses;
  if (scenario.mode === "echo" || scenario.mode === "hold") {
    if (ds.length) return ds[0].kind;
    if (run.events.some((e) => e.type === "close")) return "closed";
    return run.events.some((e) => e.type === "open") ? "open" : "none";
  }
  if (scenario.mode === "restart") return (ds[1] ?? ds[0])?.kind ?? "none";
  return ds[(scenario.nth ?? 1) - 1]?.kind ?? "none";
}

/** Every assertion on one run; returns the scenario's extra note, if any. */
function assertRun(run, scenario, expected, ctx) {
  assert.equal(run.missing, undefined, run.missing);
  assert.equal(run.thrown, undefined, `the constructor threw: ${JSON.stringify(run.thrown)}`);
  if (!scenario.mode || scenario.mode === "diagnosis") {
    const nth = scenario.nth ?? 1;
    const detail = run.diagnoses[nth - 1];
    assert.ok(detail, `diagnosis #${nth}; got ${JSON.stringify(run.diagnoses)}; events ${JSON.stringify(run.events)}`);
    assert.equal(detail.kind, expected, `kind; detail: ${JSON.stringify(detail)}`);
    assert.ok(typeof detail.summary === "string" && detail.summary.length > 0, "detail.summary");
    assert.ok(typeof detail.advice === "string" && detail.advice.length > 0, "detail.advice");
  }
  const note = scenario.check(run, ctx);
  if (scenario.mode === "restart") assert.equal(kindOf(run, scenario), expected, "the kind while restarting");
  // Firefox reports its own failed connects as page errors; those are not the page's.
  const errors = run.console.filter((m) => m.type === "pageerror" && !ENGINE_OWN.test(m.text));
  assert.deepEqual(errors, [], "no uncaught errors in the page");
  return note;
}

for (const engineName of engines) {
  describe(`proxies in ${engineName}`, { concurrency: 1 }, () => {
    let engine = null;
    let launchError = null;

    before(async () => {
      try {
        engine = await within(60_000, launchEngine(engineName, lab), `launching ${engineName}`);
        console.log(`engine-version: ${engineName} ${engine.version}`);
      } catch (error) {
        launchError = error;
      }
    });
    after(async () => {
      await engine?.close().catch(() => {});
    });

    for (const proxyKind of PROXIES) {
      for (const scenario of scenariosFor(engineName, proxyKind)) {
        const tag = engineName === "chromium" ? "" : ` [${engineName}]`;
        test(`proxy: ${proxyKind} ${scenario.name}${tag}`, async () => {
          const expected = pick(scenario.expected, proxyKind);
          const ctx = { proxy: proxyKind, engine: engineName };
          let run = null;
          let note;
          let failure = null;
          let proxy = null;
          try {
            if (!versions[proxyKind]) throw new Error(`${proxyKind} is not installed: run scripts/setup.sh`);
            if (launchError) throw launchError;
            proxy = await startProxy(proxyKind, pick(scenario.variant, proxyKind));
            ctx.log = proxy.log;
            const budget = (scenario.waitMs ?? 8000) + (scenario.holdMs ?? 0) + 30_000;
            run = await within(budget, runScenario({ engine, lab, proxy, scenario }), `${proxyKind} ${scenario.name}`);
            note = assertRun(run, scenario, expected, ctx);
          } catch (error) {
            failure = error;
            if (proxy) error.message += `\n${proxyKind} log (last lines):\n${proxy.log().slice(-2000)}`;
          } finally {
            await proxy?.stop().catch(() => {});
          }
          if (!failure) tally[proxyKind].ok++;
          const checked = [scenario.label(proxyKind, engineName), note].filter(Boolean).join(", ");
          const kind = versions[proxyKind] ? kindOf(run, scenario) : "not-installed";
          console.log(
            `proxy: ${proxyKind} ${scenario.name}${tag} -> ${kind} (expected ${expected}) ` +
              `${checked} ${failure ? "FAIL" : "ok"}`,
          );
          if (failure) throw failure;
        });
      }
    }
  });
}
