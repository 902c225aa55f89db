#!/usr/bin/env node
// `npm run bench`: wsguard against the raw browser WebSocket, partysocket and
// reconnecting-websocket in headless Chromium, on a local `ws` echo server; writes BENCHMARKS.md.
//
//   node bench/run.mjs [--quick] [--cases=pingpong,throughput,size,startup,memory,storm,profile]
//                      [--rounds=N] [--note="text for BENCHMARKS.md"] [--no-write]
//   node bench/run.mjs --render=FILE   rewrites BENCHMARKS.md from a saved run (its results are
//                                      saved to $TMPDIR/wsguard-bench-last.json)
//
// --quick: one round (a smoke run); BENCHMARKS.md is still written, marked as a quick run.
// Needs the built package in pkg/ (`npm run build`, or `npm test`); waits up to 5 min for it.
// Installs its own dependencies (bench/package.json) with `npm ci` when bench/node_modules is
// missing. The last line on stdout is:
//   bench: pingpong_ratio=<x> throughput_ratio=<y> size_gz_bytes=<n> heap_growth_kb=<m>
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = join(benchDir, "..");
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

let QUICK = flag("quick");
let ROUNDS = Number(option("rounds") ?? (QUICK ? 1 : 5));
const ALL_CASES = ["size", "pingpong", "throughput", "startup", "memory", "storm", "profile"];
let CASES = new Set(option("cases")?.split(",") ?? ALL_CASES);
let NOTE = option("note") ?? "";
const WRITE = !flag("no-write");
// --scale=F multiplies the message counts of ping-pong and throughput (for a machine too busy
// to run the full counts in time; the report says so). Reconnect and storm counts stay.
let SCALE = Number(option("scale") ?? 1);
const scaled = (n) => Math.max(10, Math.round(n * SCALE));

const LIBS = ["raw", "wsguard", "partysocket", "rws"];
const LABEL = { raw: "raw WebSocket", wsguard: "wsguard", partysocket: "partysocket", rws: "reconnecting-websocket", "wsguard-index": "wsguard (pkg/index.js, auto-init)" };
let PINGPONG = { count: scaled(10_000), warmup: scaled(1_000) };
let THROUGHPUT = [
  { kind: "text1k", count: scaled(100_000), label: "1 KiB strings" },
  { kind: "binary1k", count: scaled(100_000), label: "1 KiB ArrayBuffers" },
  { kind: "text16", count: scaled(200_000), label: "16 B strings" },
];
let MEMORY = { warmup: 100, reconnects: 1_000 };
let STORM = { clients: 200, stableMs: 6_000, downMs: 5_000, timeoutMs: 60_000, windowMs: 100 };
const WATCHDOG_MS = 75 * 60_000;

const log = (...args) => console.error("bench:", ...args);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- dependencies and the package

function ensureDependencies() {
  const needed = ["esbuild", "partysocket", "reconnecting-websocket", "ws", "playwright-core"];
  if (needed.every((name) => existsSync(join(benchDir, "node_modules", name, "package.json")))) return;
  log("installing bench dependencies (npm ci --prefix bench)");
  const result = spawnSync("npm", ["ci", "--prefix", benchDir, "--no-audit", "--no-fund"], {
    stdio: ["ignore", process.stderr, process.stderr],
    timeout: 10 * 60_000,
  });
  if (result.status !== 0) throw new Error(`npm ci --prefix bench failed (${result.error?.message ?? `exit ${result.status}`})`);
}

/** Waits until pkg/ holds a complete build that has not changed for 2 s, and copies it. */
async function snapshotPackage(into) {
  const pkgDir = join(root, "pkg");
  const required = ["wsguard.js", "wsguard_bg.wasm", "package.json"];
  const stamp = () => {
    try {
      return readdirSync(pkgDir)
        .sort()
        .map((name) => {
          const s = statSync(join(pkgDir, name));
          return `${name}:${s.size}:${s.mtimeMs}`;
        })
        .join("|");
    } catch {
      return null;
    }
  };
  const deadline = Date.now() + 5 * 60_000;
  let warned = false;
  for (;;) {
    const before = stamp();
    if (before && required.every((name) => existsSync(join(pkgDir, name)))) {
      await sleep(2000);
      if (stamp() === before) break;
    } else {
      if (!warned) log("pkg/ is missing or incomplete; waiting up to 5 min for a build (npm run build)");
      warned = true;
      await sleep(2000);
    }
    if (Date.now() > deadline) throw new Error("pkg/ has no complete build: run `npm run build` first");
  }
  mkdirSync(into, { recursive: true });
  // Files and folders alike: wasm-bindgen puts inline JS under snippets/.
  cpSync(pkgDir, into, { recursive: true });
  // The copy must match what was checked: compare sizes once more.
  for (const name of required) {
    if (statSync(join(pkgDir, name)).size !== statSync(join(into, name)).size) {
      throw new Error(`pkg/${name} changed while it was copied; run the bench again`);
    }
  }
}

// ---------------------------------------------------------------- statistics

const median = (values) => {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
};
const quantile = (values, q) => {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return v.length ? v[Math.min(v.length - 1, Math.floor(q * v.length))] : NaN;
};
const finite = (values) => values.filter((x) => Number.isFinite(x));
const min = (values) => (finite(values).length ? Math.min(...finite(values)) : NaN);
const max = (values) => (finite(values).length ? Math.max(...finite(values)) : NaN);

/** Per-round ratios of `lib` to raw (`better` maps a (lib, raw) pair of values to a ratio). */
function ratios(perLib, lib, ratio) {
  return perLib[lib].map((value, round) => {
    const raw = perLib.raw[round];
    return Number.isFinite(value) && Number.isFinite(raw) ? ratio(value, raw) : NaN;
  });
}

const num = (x, digits = 0) =>
  Number.isFinite(x) ? x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }) : "n/a";
const signed = (x, digits = 0) => (Number.isFinite(x) ? `${x >= 0 ? "+" : "−"}${num(Math.abs(x), digits)}` : "n/a");
const spread = (values, digits = 0) =>
  finite(values).length > 1 ? `${num(median(values), digits)} (${num(min(values), digits)}–${num(max(values), digits)})` : num(median(values), digits);

// ---------------------------------------------------------------- the run

async function main() {
  const startedAt = new Date();
  ensureDependencies();
  const { chromium } = await import("playwright-core");
  const { startServer } = await import("./server.mjs");
  const { buildAdapters, measureSizes } = await import("./sizes.mjs");
  let chromiumArgs;
  try {
    ({ CHROMIUM_ARGS: chromiumArgs } = await import("../tests/e2e/support/browser.mjs"));
  } catch {
    // The same flags as the end-to-end tests, for a checkout without the root node_modules.
    chromiumArgs = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];
  }

  const tmp = mkdtempSync(join(os.tmpdir(), "wsguard-bench-"));
  const pkgDir = join(tmp, "pkg");
  const libDir = join(tmp, "lib");
  mkdirSync(libDir);
  let server;
  let browser;
  const cleanup = async () => {
    await browser?.close().catch(() => {});
    browser = null;
    await server?.stop().catch(() => {});
    server = null;
    rmSync(tmp, { recursive: true, force: true });
  };
  const watchdog = setTimeout(() => {
    log(`watchdog: still running after ${WATCHDOG_MS / 60_000} min, stopping`);
    cleanup().finally(() => process.exit(2));
  }, WATCHDOG_MS);
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => cleanup().finally(() => process.exit(130)));
  }

  const loads = [os.loadavg()[0]];
  const loadSampler = setInterval(() => loads.push(os.loadavg()[0]), 5000);
  const errors = [];
  const results = {
    pingpong: Object.fromEntries(LIBS.map((l) => [l, []])),
    throughput: Object.fromEntries(THROUGHPUT.map((c) => [c.kind, Object.fromEntries(LIBS.map((l) => [l, []]))])),
    startup: Object.fromEntries([...LIBS, "wsguard-index"].map((l) => [l, []])),
    memory: Object.fromEntries(LIBS.map((l) => [l, []])),
    storm: {},
    profile: null,
    sizes: null,
  };

  try {
    await snapshotPackage(pkgDir);
    const hasIndex = existsSync(join(pkgDir, "index.js"));
    await buildAdapters(benchDir, libDir, { withIndex: hasIndex });
    if (CASES.has("size")) {
      log("sizes");
      results.sizes = await measureSizes(benchDir, pkgDir);
    }

    server = await startServer({ pagePath: join(benchDir, "page.js"), libDir, pkgDir });
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: chromiumArgs, timeout: 60_000 });
    const chromiumVersion = browser.version();
    log(`Chromium ${chromiumVersion}, server ${server.origin}, ${ROUNDS} round(s)`);

    /** Calls window.bench[method](...args) in `page`, bounded by `ms`. */
    const call = (page, method, args, ms) => {
      let timer;
      return Promise.race([
        page.evaluate(([m, a]) => window.bench[m](...a), [method, args]),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${method}(${args.join(", ")}): no answer within ${ms / 1000} s`)), ms);
        }),
      ]).finally(() => clearTimeout(timer));
    };
    const freshPage = async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
      await page.goto(`${server.origin}/`);
      await page.waitForFunction(() => window.benchReady === true, null, { timeout: 30_000 });
      return { context, page };
    };
    const attempt = async (what, fn) => {
      try {
        return await fn();
      } catch (error) {
        log(`${what}: ${error.message}`);
        errors.push(`${what}: ${error.message.split("\n")[0]}`);
        return null;
      }
    };

    // One long-lived page per library for ping-pong and throughput: each library in its own
    // renderer, only one active at a time.
    const pages = {};
    if (CASES.has("pingpong") || CASES.has("throughput") || CASES.has("profile")) {
      for (const lib of LIBS) {
        pages[lib] = await freshPage();
        await call(pages[lib].page, "preload", [lib], 30_000);
      }
      const isolated = await pages.raw.page.evaluate(() => window.crossOriginIsolated);
      if (!isolated) errors.push("the page is not cross-origin isolated: performance.now() is coarse (100 µs)");
    }

    for (let round = 0; round < ROUNDS; round++) {
      log(`round ${round + 1}/${ROUNDS}`);
      if (CASES.has("pingpong")) {
        for (const lib of LIBS) {
          const r = await attempt(`ping-pong ${lib}`, () => call(pages[lib].page, "pingpong", [lib, PINGPONG.count, PINGPONG.warmup], 240_000));
          results.pingpong[lib].push(r ?? { medianUs: NaN, p99Us: NaN });
          if (r) log(`  ping-pong ${lib}: median ${r.medianUs.toFixed(1)} µs, p99 ${r.p99Us.toFixed(1)} µs`);
        }
      }
      if (CASES.has("throughput")) {
        for (const { kind, count } of THROUGHPUT) {
          for (const lib of LIBS) {
            const r = await attempt(`throughput ${kind} ${lib}`, () => call(pages[lib].page, "throughput", [lib, kind, count], 240_000));
            results.throughput[kind][lib].push(r?.perSecond ?? NaN);
            if (r) log(`  ${kind} ${lib}: ${Math.round(r.perSecond)} msg/s`);
          }
        }
      }
      if (CASES.has("startup")) {
        for (const lib of [...LIBS, ...(hasIndex ? ["wsguard-index"] : [])]) {
          const r = await attempt(`startup ${lib}`, async () => {
            const { context, page } = await freshPage();
            try {
              return await call(page, "startup", [lib], 30_000);
            } finally {
              await context.close();
            }
          });
          results.startup[lib].push(r ?? NaN);
          if (r !== null) log(`  startup ${lib}: ${r.toFixed(1)} ms`);
        }
      }
      if (CASES.has("memory")) {
        for (const lib of LIBS) {
          const r = await attempt(`memory ${lib}`, async () => {
            const { context, page } = await freshPage();
            try {
              const cdp = await context.newCDPSession(page);
              const heap = async () => {
                await cdp.send("HeapProfiler.collectGarbage");
                await cdp.send("HeapProfiler.collectGarbage");
                return (await cdp.send("Runtime.getHeapUsage")).usedSize;
              };
              await call(page, "memoryStart", [lib, MEMORY.warmup], 120_000);
              const wasmBefore = await call(page, "wasmBytes", [lib], 10_000);
              const heapBefore = await heap();
              const wasmAfter = await call(page, "reconnects", [lib, MEMORY.reconnects], 300_000);
              const heapAfter = await heap();
              await call(page, "memoryEnd", [], 10_000);
              return { heapBefore, heapAfter, growthKb: (heapAfter - heapBefore) / 1024, wasmBefore, wasmAfter };
            } finally {
              await context.close();
            }
          });
          results.memory[lib].push(r ?? { heapBefore: NaN, heapAfter: NaN, growthKb: NaN, wasmBefore: null, wasmAfter: null });
          if (r) log(`  memory ${lib}: heap ${(r.heapBefore / 1024).toFixed(1)} → ${(r.heapAfter / 1024).toFixed(1)} KB (${r.growthKb.toFixed(1)} KB)`);
        }
      }
    }

    if (CASES.has("storm")) {
      for (const lib of LIBS) {
        log(`storm ${lib}`);
        const r = await attempt(`storm ${lib}`, async () => {
          server.resetStorm();
          const { context, page } = await freshPage();
          try {
            await call(page, "preload", [lib], 30_000);
            const { reopenedAfter: reopened, created } = await call(page, "storm", [lib, STORM.clients, STORM.stableMs, STORM.downMs, STORM.timeoutMs], STORM.timeoutMs + 90_000);
            const killedAt = server.killedAt();
            const attempts = server.stormLog.filter((e) => e.lib === lib && e.at >= killedAt).map((e) => e.at - killedAt);
            const server_ = peakWindow(attempts, STORM.windowMs);
            const page_ = peakWindow(created, STORM.windowMs);
            const back = reopened.filter((t) => t !== null);
            return {
              attempts: attempts.length,
              peak: server_.peak,
              peakAt: server_.at,
              created: created.length,
              createdPeak: page_.peak,
              createdPeakAt: page_.at,
              medianBackMs: median(back),
              p90BackMs: quantile(back, 0.9),
              maxBackMs: max(back),
              firstBackMs: min(back),
              notBack: reopened.length - back.length,
            };
          } finally {
            await context.close();
          }
        });
        if (r) {
          results.storm[lib] = r;
          log(`  ${r.created} sockets created (peak ${r.createdPeak}/100 ms), ${r.attempts} upgrade requests, peak ${r.peak}/100 ms, back in ${r.medianBackMs.toFixed(0)} ms (median), ${r.notBack} not back`);
        }
      }
    }

    if (CASES.has("profile") && CASES.has("throughput")) {
      // CPU profile of the throughput case where wsguard does worst, for wsguard and for raw.
      const worst = THROUGHPUT.map(({ kind }) => ({ kind, ratio: median(ratios(results.throughput[kind], "wsguard", (v, raw) => v / raw)) }))
        .sort((a, b) => a.ratio - b.ratio)[0];
      const c = THROUGHPUT.find((t) => t.kind === worst.kind);
      log(`profile ${c.kind}`);
      results.profile = { kind: c.kind, label: c.label, libs: {} };
      for (const lib of ["raw", "wsguard"]) {
        await attempt(`profile ${lib}`, async () => {
          const cdp = await pages[lib].page.context().newCDPSession(pages[lib].page);
          await cdp.send("Profiler.enable");
          await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
          await cdp.send("Profiler.start");
          const r = await call(pages[lib].page, "throughput", [lib, c.kind, c.count], 240_000);
          const { profile } = await cdp.send("Profiler.stop");
          await cdp.detach();
          results.profile.libs[lib] = { perSecond: r.perSecond, ...summariseProfile(profile) };
        });
      }
    }

    for (const lib of Object.keys(pages)) await pages[lib].context.close();
    clearInterval(loadSampler);
    loads.push(os.loadavg()[0]);

    const versions = {
      wsguard: `${JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")).version} (commit ${gitHead()})`,
      partysocket: moduleVersion("partysocket"),
      "reconnecting-websocket": moduleVersion("reconnecting-websocket"),
      ws: moduleVersion("ws"),
      esbuild: moduleVersion("esbuild"),
      "playwright-core": moduleVersion("playwright-core"),
      node: process.version,
      Chromium: chromiumVersion,
    };
    const run = { startedAt, finishedAt: new Date(), versions, loads, results, errors, hasIndex, config: { QUICK, ROUNDS, CASES: [...CASES], NOTE, SCALE, PINGPONG, THROUGHPUT, MEMORY, STORM } };
    const saved = join(os.tmpdir(), "wsguard-bench-last.json");
    writeFileSync(saved, JSON.stringify(run));
    log(`results saved to ${saved}`);
    finish(run);
  } finally {
    clearTimeout(watchdog);
    clearInterval(loadSampler);
    await cleanup();
  }
}

/** The most timestamps (sorted, ms) in any window of `windowMs`, and where that window starts. */
function peakWindow(times, windowMs) {
  const t = [...times].sort((a, b) => a - b);
  let peak = 0;
  let at = NaN;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i] - t[j] >= windowMs) j++;
    if (i - j + 1 > peak) [peak, at] = [i - j + 1, t[j]];
  }
  return { peak, at };
}

/** Writes BENCHMARKS.md and prints the tables and the summary line. */
function finish(run) {
  const summary = summarise(run.results);
  const report = renderReport({ ...run, summary });
  if (WRITE) {
    writeFileSync(join(root, "BENCHMARKS.md"), report);
    log("wrote BENCHMARKS.md");
  }
  process.stdout.write(`${tablesOnly(report)}\n`);
  if (run.errors.length) log(`${run.errors.length} error(s):\n  ${run.errors.join("\n  ")}`);
  console.log(
    `bench: pingpong_ratio=${fixed(summary.pingpongRatio, 3)} throughput_ratio=${fixed(summary.throughputRatio, 3)} size_gz_bytes=${fixed(summary.sizeGzBytes, 0)} heap_growth_kb=${fixed(summary.heapGrowthKb, 1)}`,
  );
  process.exitCode = run.errors.length ? 1 : 0;
}

/** --render=FILE: BENCHMARKS.md again from a saved run, without measuring. */
function render(file) {
  const run = JSON.parse(readFileSync(file, "utf8"));
  ({ QUICK, ROUNDS, NOTE, SCALE, PINGPONG, THROUGHPUT, MEMORY, STORM } = run.config);
  CASES = new Set(run.config.CASES);
  const revive = (x) => (x === null ? NaN : x);
  const walk = (v) => (Array.isArray(v) ? v.map(walk) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)])) : revive(v));
  run.results = walk(run.results);
  // Values that are legitimately null (no WebAssembly memory for the peers) stay absent.
  for (const list of Object.values(run.results.memory)) for (const m of list) for (const k of ["wasmBefore", "wasmAfter"]) if (Number.isNaN(m[k])) m[k] = null;
  run.startedAt = new Date(run.startedAt);
  run.finishedAt = new Date(run.finishedAt);
  finish(run);
}

const fixed = (x, digits) => (Number.isFinite(x) ? x.toFixed(digits) : "nan");

function moduleVersion(name) {
  try {
    return JSON.parse(readFileSync(join(benchDir, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return "?";
  }
}

function gitHead() {
  const r = spawnSync("git", ["-C", root, "rev-parse", "--short", "HEAD"], { encoding: "utf8", timeout: 10_000 });
  return r.status === 0 ? r.stdout.trim() : "unknown";
}

/** Self time of a CDP CPU profile, by function and by where the code comes from. */
function summariseProfile(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000; // ms
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  const totalMs = [...self.values()].reduce((a, b) => a + b, 0);
  let idleMs = 0;
  for (const [id, ms] of self) if (byId.get(id).callFrame.functionName === "(idle)") idleMs += ms;
  const busyMs = totalMs - idleMs;
  const origin = (frame) => {
    const { url, functionName } = frame;
    if (url.startsWith("wasm://") || /^\$?wasm-function|^\$func/.test(functionName)) return "wsguard WebAssembly";
    if (url.includes("/pkg/")) return "wsguard JS glue (wsguard.js)";
    if (url.includes("/bench.js")) return "bench page (listener, send loop)";
    if (url.includes("/lib/")) return "adapter / library JS";
    if (["(garbage collector)", "(idle)", "(program)", "(root)"].includes(functionName)) return functionName;
    return "browser built-ins (send, dispatchEvent, event construction…)";
  };
  const functions = new Map();
  const origins = new Map();
  for (const [id, ms] of self) {
    const frame = byId.get(id).callFrame;
    const name = `${frame.functionName || "(anonymous)"}${frame.url ? ` ${frame.url.replace(/^https?:\/\/[^/]+/, "")}` : ""}`;
    functions.set(name, (functions.get(name) ?? 0) + ms);
    const o = origin(frame);
    origins.set(o, (origins.get(o) ?? 0) + ms);
  }
  const top = (map, n) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => ({ name, ms, share: name === "(idle)" ? NaN : ms / busyMs }));
  for (const skip of ["(idle)", "(program)", "(root)"]) functions.delete(skip);
  return { totalMs, busyMs, functions: top(functions, 14), origins: top(origins, 10) };
}

function summarise(results) {
  const pingpongRatios = ratios(
    Object.fromEntries(LIBS.map((l) => [l, results.pingpong[l].map((r) => r.medianUs)])),
    "wsguard",
    (lib, raw) => raw / lib,
  );
  const throughputRatios = THROUGHPUT.map(({ kind }) => median(ratios(results.throughput[kind], "wsguard", (v, raw) => v / raw)));
  return {
    pingpongRatio: median(pingpongRatios),
    throughputRatio: finite(throughputRatios).length === THROUGHPUT.length ? Math.min(...throughputRatios) : NaN,
    sizeGzBytes: results.sizes?.wsguardTotal.gzip ?? NaN,
    heapGrowthKb: median(results.memory.wsguard.map((m) => m.growthKb)),
  };
}

// ---------------------------------------------------------------- BENCHMARKS.md

function renderReport({ startedAt, finishedAt, versions, loads, results, summary, errors, hasIndex }) {
  const cores = os.cpus().length;
  const memGiB = os.totalmem() / 2 ** 30;
  const out = [];
  const p = (line = "") => out.push(line);
  const table = (head, rows) => {
    p(`| ${head.join(" | ")} |`);
    p(`|${head.map((h, i) => (i === 0 ? "---" : "---:")).join("|")}|`);
    for (const row of rows) p(`| ${row.join(" | ")} |`);
    p();
  };
  const ratioCell = (values) => spread(values, 2);
  const perRatio = (perLib, lib, f) => (lib === "raw" ? "1.00" : ratioCell(ratios(perLib, lib, f)));

  p("# Benchmarks");
  p();
  p(`Written by \`npm run bench\` (\`bench/run.mjs\`); run it again to regenerate this file.${QUICK ? " **Quick run (`--quick`): one round only, a smoke test — not for comparison.**" : ""}${SCALE !== 1 ? ` **Message counts scaled by ${SCALE} (\`--scale=${SCALE}\`)**: ${num(PINGPONG.count)} ping-pong round trips and ${THROUGHPUT.map((c) => `${num(c.count)} × ${c.label}`).join(", ")} per measurement, instead of 10,000, 100,000, 100,000 and 200,000, so that ${ROUNDS} rounds fit the time available on a loaded machine; \`npm run bench\` without flags uses the full counts.` : ""}`.trim());
  p();
  p(`- Date: ${startedAt.toISOString().replace("T", " ").slice(0, 16)} UTC (${Math.round((finishedAt - startedAt) / 1000)} s)`);
  p(`- Machine: ${cores} cores (\`nproc\`: ${cores}), ${num(memGiB, 1)} GiB memory, ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.type()} ${os.release()}`);
  p(`- Load average (1 min) during the run: ${num(loads[0], 2)} at the start, ${num(max(loads), 2)} at most, ${num(loads.at(-1), 2)} at the end — above ~${cores / 2} means other processes were competing for the ${cores} cores.`);
  if (NOTE) p(`- Note: ${NOTE}`);
  p(`- Versions: ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  p(`- Rounds: ${ROUNDS}, interleaved (raw, wsguard, partysocket, reconnecting-websocket, then again). Figures are medians over rounds with (min–max); a ratio to raw is computed within each round, then the median of those per-round ratios is shown, with their (min–max). Higher ratios are better.`);
  p();
  p("Every library runs in headless Chromium against a `ws` echo server on 127.0.0.1 (`perMessageDeflate: false`) in the bench process, with default options; messages are counted with `addEventListener(\"message\", …)` on the library's object. Each library has its own page (own renderer); the page is cross-origin isolated so `performance.now()` has 5 µs steps. wsguard is loaded as its README says (`/pkg/wsguard.js`, then `await init()`); the peers are bundled with esbuild into one ESM file each.");
  p();

  p("## Targets");
  p();
  const mark = (ok) => (ok === null ? "n/a" : ok ? "met" : "**missed**");
  const cmp = (x, f) => (Number.isFinite(x) ? f(x) : null);
  table(
    ["target", "wsguard", "result"],
    [
      ["ping-pong rate ≥ 0.97 × raw", fixed(summary.pingpongRatio, 3), mark(cmp(summary.pingpongRatio, (x) => x >= 0.97))],
      ["throughput ≥ 0.97 × raw (worst of 3 cases)", fixed(summary.throughputRatio, 3), mark(cmp(summary.throughputRatio, (x) => x >= 0.97))],
      ["WASM + JS ≤ 25 KB gzip", `${num(summary.sizeGzBytes)} B`, mark(cmp(summary.sizeGzBytes, (x) => x <= 25_000))],
      ["JS heap growth over 1,000 reconnects ≤ 64 KB", `${fixed(summary.heapGrowthKb, 1)} KB`, mark(cmp(summary.heapGrowthKb, (x) => x <= 64))],
    ],
  );

  if (CASES.has("pingpong")) {
    p(`## 1. Ping-pong: ${num(PINGPONG.count)} sequential round trips of 64 bytes`);
    p();
    p(`After ${num(PINGPONG.warmup)} warm-up round trips on the same socket. Each round trip is timed from \`send\` to the echo's \`message\` listener, which sends the next one. Ratio = raw latency ÷ library latency (a rate ratio).`);
    p();
    const medians = Object.fromEntries(LIBS.map((l) => [l, results.pingpong[l].map((r) => r.medianUs)]));
    table(
      ["library", "median µs per round trip", "p99 µs", "rate ÷ raw"],
      LIBS.map((l) => [LABEL[l], spread(medians[l], 1), spread(results.pingpong[l].map((r) => r.p99Us), 1), perRatio(medians, l, (v, raw) => raw / v)]),
    );
  }

  if (CASES.has("throughput")) {
    p("## 2. Throughput: pipelined messages, echoed");
    p();
    p("The page sends all messages in one loop, the server echoes each, and the page counts the echoes; messages per second from the first `send` to the last echo. A warm-up of 1/20 of the count runs first on the same socket.");
    p();
    table(
      ["library", ...THROUGHPUT.flatMap((c) => [`${num(c.count)} × ${c.label}: msg/s`, "÷ raw"])],
      LIBS.map((l) => [LABEL[l], ...THROUGHPUT.flatMap((c) => [spread(results.throughput[c.kind][l]), perRatio(results.throughput[c.kind], l, (v, raw) => v / raw)])]),
    );
  }

  if (results.sizes) {
    p("## 3. Size");
    p();
    p("esbuild `--bundle --minify --format=esm` from an entry that imports the library's main class (partysocket: its drop-in `WebSocket`); gzip level 9 and brotli quality 11 with node's zlib. For wsguard: the WebAssembly as shipped (already `wasm-opt -Oz`), `pkg/wsguard.js` minified" + (hasIndex ? ", and `pkg/index.js` (the auto-init main entry, with `./wsguard.js` left external) minified" : "") + "; the total adds the files compressed one by one, as a server sends them. `size_gz_bytes` is that total.");
    p();
    table(
      ["library", "file", "bytes", "gzip", "brotli"],
      results.sizes.rows.map((r) => [r.lib, r.part, num(r.raw), num(r.gzip), num(r.brotli)]),
    );
    p("What the WebAssembly holds, by section (gzip of each section on its own):");
    p();
    table(
      ["section", "bytes", "gzip alone", "notes"],
      results.sizes.sections.map((s) => [
        s.name,
        num(s.size),
        num(s.gzip),
        s.name === "code" ? `${num(s.count)} functions` : s.name === "data" ? `${num(s.count)} segments; ${num(s.strings.count)} printable runs of 24+ bytes, ${num(s.strings.bytes)} bytes in all (messages, advice texts)` : "",
      ]),
    );
  }

  if (CASES.has("startup")) {
    p("## 4. Start-up: dynamic `import()` to the first `open`");
    p();
    p("A fresh browser context (cold HTTP and code caches) per measurement; timed in the page from `import()` of the library's adapter module (for wsguard: the module that imports `/pkg/wsguard.js` and awaits `init()`, which fetches and instantiates the WebAssembly) to the first `open` event.");
    p();
    const rows = [...LIBS, ...(hasIndex ? ["wsguard-index"] : [])].map((l) => [LABEL[l], spread(results.startup[l], 1), l === "raw" ? "" : signed(median(ratios(results.startup, l, (v, raw) => v - raw)), 1)]);
    table(["library", "ms (median of rounds)", "ms over raw (per-round median)"], rows);
  }

  if (CASES.has("memory")) {
    p(`## 5. Memory: ${num(MEMORY.reconnects)} forced reconnects`);
    p();
    p(`A fresh page per measurement: one client open, ${MEMORY.warmup} warm-up reconnects, forced GC (CDP \`HeapProfiler.collectGarbage\`) and \`Runtime.getHeapUsage\`, then ${num(MEMORY.reconnects)} reconnects each waiting for \`open\` (peers: \`reconnect()\`; raw: \`close()\` + \`new WebSocket\`), 200 ms, forced GC, heap again. wsguard's WebAssembly memory is \`memory.buffer.byteLength\` of the exports \`init()\` returns.`);
    p();
    const m = (l, key) => results.memory[l].map((r) => r[key] / 1024);
    table(
      ["library", "JS heap before, KB", "after, KB", "growth, KB", "WASM memory before → after"],
      LIBS.map((l) => {
        const wasm = results.memory[l].find((r) => r.wasmBefore != null);
        return [LABEL[l], spread(m(l, "heapBefore"), 1), spread(m(l, "heapAfter"), 1), spread(results.memory[l].map((r) => r.growthKb), 1), wasm ? `${num(wasm.wasmBefore / 1024)} KB → ${num(wasm.wasmAfter / 1024)} KB` : "n/a"];
      }),
    );
  }

  if (CASES.has("storm")) {
    p(`## 6. Reconnect storm: ${STORM.clients} clients in one page`);
    p();
    p(`One fresh page per library with ${STORM.clients} clients, open and stable for ${STORM.stableMs / 1000} s; then the server drops every connection (no close frame) and answers every upgrade with 503 for ${STORM.downMs / 1000} s. Upgrade requests are counted by the server from the drop on; times back to \`open\` are from the drop, per client. raw WebSocket does not reconnect: its row is a naive client that opens a new socket as soon as the old one closes, as a reference. Measured once per library per run (not per round).`);
    p();
    p(`Two counts of attempts: the sockets the page creates (\`new WebSocket\`, counted by a subclass installed as the page's global \`WebSocket\` for this test only), and the upgrade requests that reach the server. Chromium lets only one handshake to a given host be in progress at a time and spaces them out, so from a single page the server never sees more than a handful per ${STORM.windowMs} ms whatever the library does; the page-side count shows how bunched the library's own attempts are.`);
    p();
    table(
      ["library", "sockets created", `peak per ${STORM.windowMs} ms (at ms)`, "upgrade requests at the server", `peak per ${STORM.windowMs} ms (at ms)`, "back to open: median ms", "p90", "first", "last", "not back in 60 s"],
      LIBS.filter((l) => results.storm[l]).map((l) => {
        const s = results.storm[l];
        return [LABEL[l] + (l === "raw" ? " (naive reconnect)" : ""), num(s.created), `${num(s.createdPeak)} (${num(s.createdPeakAt)})`, num(s.attempts), `${num(s.peak)} (${num(s.peakAt)})`, num(s.medianBackMs), num(s.p90BackMs), num(s.firstBackMs), num(s.maxBackMs), num(s.notBack)];
      }),
    );
  }

  if (results.profile && Object.keys(results.profile.libs).length) {
    const prof = results.profile;
    p(`## Where wsguard spends the time (${prof.label})`);
    p();
    p(`A CDP \`Profiler\` sample (100 µs interval) of one extra run of the throughput case where wsguard's ratio is lowest (${prof.label}), for raw and for wsguard, in their own pages. Self time, grouped by where the code comes from; shares are of the busy (not idle) time. \`(program)\` is native work V8 does not attribute to a JS function (the browser's own message handling, IPC); idle is the page waiting for the network.`);
    p();
    const groups = [...new Set(Object.values(prof.libs).flatMap((x) => x.origins.map((o) => o.name)))];
    const cell = (lib, g) => {
      const o = prof.libs[lib]?.origins.find((x) => x.name === g);
      return o ? `${num(o.ms)} ms${Number.isFinite(o.share) ? ` (${num(o.share * 100)} %)` : ""}` : "—";
    };
    table(["self time in", ...Object.keys(prof.libs).map((l) => LABEL[l])], [...groups.map((g) => [g, ...Object.keys(prof.libs).map((l) => cell(l, g))]), ["busy (sampled, not idle)", ...Object.keys(prof.libs).map((l) => `${num(prof.libs[l].busyMs)} ms`)], ["msg/s in this run", ...Object.keys(prof.libs).map((l) => num(prof.libs[l].perSecond))]]);
    if (prof.libs.wsguard) {
      p("wsguard's heaviest functions by self time (native functions have no URL; `__wbg_*` are wasm-bindgen's imports in `wsguard.js`, which the WebAssembly calls):");
      p();
      table(["function", "self ms", "share"], prof.libs.wsguard.functions.map((f) => [`\`${f.name}\``, num(f.ms, 1), `${num(f.share * 100, 1)} %`]));
    }
  }

  p("## Reading these numbers");
  p();
  for (const line of ANALYSIS(results, summary)) p(line);
  p();
  if (errors.length) {
    p("## Errors during this run");
    p();
    for (const e of errors) p(`- ${e}`);
    p();
  }
  return `${out.join("\n").trimEnd()}\n`;
}

/** Plain statements derived from the figures of this run. */
function ANALYSIS(results, summary) {
  const lines = [];
  const ratioOf = (kind) => median(ratios(results.throughput[kind], "wsguard", (v, raw) => v / raw));
  if (Number.isFinite(summary.pingpongRatio)) {
    lines.push(`- **Ping-pong**: wsguard's round-trip rate is ${fixed(summary.pingpongRatio, 2)} × raw. Each round trip costs wsguard one \`send\` through its WebAssembly (type check, state machine, \`performance.now()\`, then \`WebSocket.send\`) and one incoming message re-dispatched as described below; at loopback latencies of a few hundred µs that is a few per cent at most, so ratios within ±0.03 of 1 are noise here.`);
  }
  if (Number.isFinite(summary.throughputRatio)) {
    const cases = THROUGHPUT.map(({ kind, label }) => `${label} ${fixed(ratioOf(kind), 2)}`).join(", ");
    lines.push(`- **Throughput** (wsguard ÷ raw: ${cases}): wsguard pays a fixed cost per message on top of the browser's. For every incoming message wsguard's socket listener (a wasm-bindgen closure) checks \`instanceof MessageEvent\`, calls \`performance.now()\`, reads \`data\`, \`origin\` and \`lastEventId\` from the browser's event (\`origin\` and \`lastEventId\` are strings copied into WebAssembly memory with \`TextEncoder\` and back out with \`TextDecoder\`), builds a \`MessageEventInit\` object and a new \`MessageEvent\` (its type string \`"message"\` is decoded from WebAssembly memory each time) and dispatches it on wsguard's internal \`EventTarget\` (\`src/browser/events.rs\` \`message()\`, \`src/browser/client.rs\`). The profile table above puts numbers on it: the \`MessageEvent\` constructor, \`dispatchEvent\`, the \`__wbg_data_*\`/\`__wbg_origin_*\`/\`__wbg_now_*\` imports, the \`wasm-to-js\` transitions and \`decode\` are time raw does not spend, and the native time V8 attributes to no function (\`(program)\`) is larger too; the WebAssembly's own code is a small share. Sending adds less: each \`send\` is one call into WebAssembly and one out to \`WebSocket.send\`. Ways to win it back: intern the \`"message"\` string, pass \`origin\`/\`lastEventId\` as \`JsValue\`s instead of Rust \`String\`s, skip \`lastEventId\` (always empty for WebSocket), or build and dispatch the event in a small JS shim (\`inline_js\`) and only tell the state machine that a message arrived.`);
  }
  if (Number.isFinite(summary.sizeGzBytes)) {
    lines.push(`- **Size**: wsguard is ${num(summary.sizeGzBytes)} B gzip (WASM + JS), ${summary.sizeGzBytes <= 25_000 ? "within" : "over"} the 25 KB target; the peers are 2–4 KB of plain JS. The section table shows the split: the \`code\` section (Rust code, including formatting and the diagnosis classifier) is most of it, the \`data\` section holds the diagnosis and advice texts, and the \`import\` section lists every browser API wasm-bindgen binds.`);
  }
  if (Number.isFinite(summary.heapGrowthKb)) {
    lines.push(`- **Memory**: wsguard's JS heap grew by ${fixed(summary.heapGrowthKb, 1)} KB over ${num(MEMORY.reconnects)} reconnects (median of rounds); the raw row shows the page's own floor. WebAssembly memory only grows (it is never returned to the browser), so its before → after is the figure that would show a leak inside Rust.`);
  }
  if (Object.keys(results.storm ?? {}).length) {
    lines.push("- **Storm**: from one page the browser itself spaces out handshakes to one host, so the server-side peak is the same for every library; the page-side peak (sockets created per 100 ms) and the spread of times back to open are what tell the libraries apart. wsguard's full jitter spreads its retries; partysocket and reconnecting-websocket wait the same delay in every client of a page (no jitter), so their attempts come in bursts.");
  }
  lines.push("- **Noise**: single rounds on a busy machine swing by 10 % and more; read the per-round ratios and their ranges, not absolute figures, and prefer a run on an idle machine.");
  return lines;
}

/** The report without its header, for stdout. */
function tablesOnly(report) {
  return report.slice(report.indexOf("## Targets"));
}

(option("render") ? Promise.resolve().then(() => render(option("render"))) : main()).catch(async (error) => {
  console.error(`bench: failed: ${error.stack ?? error}`);
  console.log("bench: pingpong_ratio=nan throughput_ratio=nan size_gz_bytes=nan heap_growth_kb=nan");
  process.exit(1);
});
