#!/usr/bin/env node
// `npm run bench`: wsguard against the raw browser WebSocket, partysocket, reconnecting-websocket,
// websocket-ts and sockette in headless Chromium, on a local `ws` echo server; writes
// BENCHMARKS.md. wsguard is measured through the package's main entry (`pkg/index.js`), as users
// import it.
//
//   node bench/run.mjs [--quick] [--scale=F] [--rounds=N]
//                      [--cases=size,pingpong,throughput,startup,memory,storm,profile]
//                      [--twiggy-before=FILE] [--note="text for BENCHMARKS.md"] [--no-write] [--out=FILE]
//   node bench/run.mjs --render=FILE [--twiggy-before=FILE] [--no-write] [--out=FILE]
//                      rewrites BENCHMARKS.md from a saved run (every run saves its results to
//                      $TMPDIR/wsguard-bench-last.json)
//
// Without flags: the full counts (10,000 ping-pong round trips; 100,000 × 1 KiB strings,
// 100,000 × 1 KiB ArrayBuffers and 200,000 × 16 B strings of throughput; 1,000 reconnects after
// 100 warm-up ones) in 5 interleaved rounds. For development only:
//   --quick       one round (unless --rounds is given); the report says it is a smoke run.
//   --scale=F     multiplies the ping-pong and throughput message counts by F (reconnect and
//                 storm counts stay); the report states it.
//   --rounds=N    N rounds instead of 5; the report states it.
//   --cases=…     only these cases (the others' figures are nan in the summary line).
//   --twiggy-before=FILE   a saved `twiggy top -n 25` table (text), shown as "before" next to
//                 this run's table in "What is in the .wasm".
//   --no-write    prints the report's tables without writing BENCHMARKS.md.
//   --out=FILE    writes the report to FILE instead of BENCHMARKS.md.
// Needs the built package in pkg/ (`npm run build`); waits up to 5 min for it. Installs its own
// dependencies (bench/package.json) with `npm ci` when one is missing. The last line on stdout
// (and of BENCHMARKS.md) is:
//   bench: pingpong_ratio=<x> throughput_ratio=<y> size_gz_bytes=<n> heap_growth_kb=<m> heap_second_half_kb=<h> startup_ms_over_raw=<s>
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

const DEFAULT_ROUNDS = 5;
let QUICK = flag("quick");
let ROUNDS = Number(option("rounds") ?? (QUICK ? 1 : DEFAULT_ROUNDS));
const ALL_CASES = ["size", "pingpong", "throughput", "startup", "memory", "storm", "profile"];
let CASES = new Set(option("cases")?.split(",") ?? ALL_CASES);
let NOTE = option("note") ?? "";
const WRITE = !flag("no-write");
const OUT = option("out") ?? join(root, "BENCHMARKS.md");
const TWIGGY_BEFORE = option("twiggy-before");
let SCALE = Number(option("scale") ?? 1);
const scaled = (n) => Math.max(10, Math.round(n * SCALE));
for (const [name, value] of [["rounds", ROUNDS], ["scale", SCALE]]) {
  if (!(value > 0)) throw new Error(`--${name} must be a positive number`);
}

const LIBS = ["raw", "wsguard", "partysocket", "rws", "websocket-ts", "sockette"];
const PEERS = LIBS.filter((l) => l !== "raw" && l !== "wsguard");
const LABEL = {
  raw: "raw WebSocket",
  wsguard: "wsguard",
  partysocket: "partysocket",
  rws: "reconnecting-websocket",
  "websocket-ts": "websocket-ts",
  sockette: "sockette",
  "wsguard-init": "wsguard, manual entry + `await init()` (extra row)",
};
const FULL = { pingpong: 10_000, text1k: 100_000, binary1k: 100_000, text16: 200_000 };
let PINGPONG = { count: scaled(FULL.pingpong), warmup: scaled(1_000) };
let THROUGHPUT = [
  { kind: "text1k", count: scaled(FULL.text1k), label: "1 KiB strings" },
  { kind: "binary1k", count: scaled(FULL.binary1k), label: "1 KiB ArrayBuffers" },
  { kind: "text16", count: scaled(FULL.text16), label: "16 B strings" },
];
let MEMORY = { warmup: 100, reconnects: 1_000 };
let STORM = { clients: 200, stableMs: 6_000, downMs: 5_000, timeoutMs: 60_000, windowMs: 100 };
const TARGETS = { pingpong: 0.99, throughput: 0.97, sizeGzBytes: 25_600, heapGrowthKb: 32, heapSecondHalfKb: 2, startupMsOverRaw: 15 };
// A full default run takes about an hour on the 2-core machine; this only stops a hung one.
const WATCHDOG_MS = 180 * 60_000;
const CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];

const log = (...args) => console.error("bench:", ...args);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- dependencies and the package

function ensureDependencies() {
  const needed = ["esbuild", "partysocket", "reconnecting-websocket", "websocket-ts", "sockette", "ws", "playwright-core"];
  if (needed.every((name) => existsSync(join(benchDir, "node_modules", name, "package.json")))) return;
  log("installing bench dependencies (npm ci --prefix bench)");
  const result = spawnSync("npm", ["ci", "--prefix", benchDir, "--no-audit", "--no-fund"], {
    stdio: ["ignore", process.stderr, process.stderr],
    timeout: 10 * 60_000,
  });
  if (result.status !== 0) throw new Error(`npm ci --prefix bench failed (${result.error?.message ?? `exit ${result.status}`})`);
}

/** `twiggy top -n 25` of the shipped .wasm, or why there is none. */
function runTwiggy(wasmPath) {
  const r = spawnSync("twiggy", ["top", "-n", "25", wasmPath], { encoding: "utf8", timeout: 120_000 });
  if (r.error?.code === "ENOENT") return { text: null, reason: "`twiggy` is not on PATH here (`cargo install twiggy` puts it in ~/.cargo/bin)." };
  if (r.error || r.status !== 0) return { text: null, reason: `\`twiggy top\` failed: ${(r.error?.message ?? r.stderr ?? `exit ${r.status}`).trim().split("\n")[0]}` };
  const version = spawnSync("twiggy", ["--version"], { encoding: "utf8", timeout: 10_000 }).stdout?.trim() ?? "twiggy";
  return { text: r.stdout.trimEnd(), version, reason: null };
}

/** Waits until pkg/ holds a complete build that has not changed for 2 s, and copies it. */
async function snapshotPackage(into) {
  const pkgDir = join(root, "pkg");
  const required = ["index.js", "wsguard_bg.wasm", "package.json"];
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
  const { buildAdapters, manualEntryOf, measureSizes } = await import("./sizes.mjs");

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
  let startupLibs = LIBS;
  let manualEntry = null;
  const results = {
    pingpong: Object.fromEntries(LIBS.map((l) => [l, []])),
    throughput: Object.fromEntries(THROUGHPUT.map((c) => [c.kind, Object.fromEntries(LIBS.map((l) => [l, []]))])),
    startup: Object.fromEntries([...LIBS, "wsguard-init"].map((l) => [l, []])),
    memory: Object.fromEntries(LIBS.map((l) => [l, []])),
    storm: {},
    profile: null,
    sizes: null,
    twiggy: null,
  };

  try {
    await snapshotPackage(pkgDir);
    // The extra start-up row (the manual entry + init()) only while the package has one.
    manualEntry = manualEntryOf(pkgDir);
    if (manualEntry) startupLibs = [...LIBS, "wsguard-init"];
    await buildAdapters(benchDir, libDir, { manualEntry });
    if (CASES.has("size")) {
      log("sizes");
      results.sizes = await measureSizes(benchDir, pkgDir);
      // The build keeps a copy with function names (target/wsguard_bg.named.wasm), the same
      // code as the shipped one; without it, twiggy shows the shipped .wasm's unnamed items.
      const named = join(root, "target/wsguard_bg.named.wasm");
      results.twiggy = runTwiggy(existsSync(named) ? named : join(pkgDir, "wsguard_bg.wasm"));
      log(`  wsguard ${results.sizes.wsguardTotal} B gzip; twiggy: ${results.twiggy.text ? "ok" : results.twiggy.reason}`);
    }

    server = await startServer({ pagePath: join(benchDir, "page.js"), libDir, pkgDir });
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: CHROMIUM_ARGS, timeout: 60_000 });
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
    /** A page in a new browser context: its own renderer, an empty HTTP cache and code cache. */
    const freshPage = async () => {
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        page.setDefaultTimeout(30_000);
        page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
        await page.goto(`${server.origin}/`);
        await page.waitForFunction(() => window.benchReady === true, null, { timeout: 30_000 });
        return { context, page };
      } catch (error) {
        await context.close().catch(() => {});
        throw error;
      }
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
        await call(pages[lib].page, "preload", [lib], 60_000);
      }
      const isolated = await pages.raw.page.evaluate(() => window.crossOriginIsolated);
      if (!isolated) errors.push("the page is not cross-origin isolated: performance.now() is coarse (100 µs)");
    }

    // Per message, at most ~2 ms on a loaded machine: generous bounds that still end a hang.
    const boundMs = (messages) => 120_000 + messages * 3;
    for (let round = 0; round < ROUNDS; round++) {
      log(`round ${round + 1}/${ROUNDS}`);
      if (CASES.has("pingpong")) {
        for (const lib of LIBS) {
          const r = await attempt(`ping-pong ${lib}`, () => call(pages[lib].page, "pingpong", [lib, PINGPONG.count, PINGPONG.warmup], boundMs(PINGPONG.count + PINGPONG.warmup)));
          results.pingpong[lib].push(r ?? { medianUs: NaN, p99Us: NaN });
          if (r) log(`  ping-pong ${lib}: median ${r.medianUs.toFixed(1)} µs, p99 ${r.p99Us.toFixed(1)} µs`);
        }
      }
      if (CASES.has("throughput")) {
        for (const { kind, count } of THROUGHPUT) {
          for (const lib of LIBS) {
            const r = await attempt(`throughput ${kind} ${lib}`, () => call(pages[lib].page, "throughput", [lib, kind, count], boundMs(count * 1.05)));
            results.throughput[kind][lib].push(r?.perSecond ?? NaN);
            if (r) log(`  ${kind} ${lib}: ${Math.round(r.perSecond)} msg/s`);
          }
        }
      }
      if (CASES.has("startup")) {
        for (const lib of startupLibs) {
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
              // Forced full GCs, three readings, the lowest: what survives.
              const heap = async () => {
                let lowest = Infinity;
                for (let k = 0; k < 3; k++) {
                  await cdp.send("HeapProfiler.collectGarbage");
                  await cdp.send("HeapProfiler.collectGarbage");
                  lowest = Math.min(lowest, (await cdp.send("Runtime.getHeapUsage")).usedSize);
                  await sleep(50);
                }
                return lowest;
              };
              const half = Math.floor(MEMORY.reconnects / 2);
              const reconnectMs = (n) => 60_000 + n * 300;
              await call(page, "memoryStart", [lib, MEMORY.warmup], reconnectMs(MEMORY.warmup));
              const wasmBefore = await call(page, "wasmBytes", [lib], 10_000);
              const heapStart = await heap();
              await call(page, "reconnects", [half], reconnectMs(half));
              const heapHalf = await heap();
              await call(page, "reconnects", [MEMORY.reconnects - half], reconnectMs(MEMORY.reconnects - half));
              const heapEnd = await heap();
              const wasmAfter = await call(page, "wasmBytes", [lib], 10_000);
              await call(page, "memoryEnd", [], 10_000);
              return { heapStart, heapHalf, heapEnd, growthKb: (heapEnd - heapStart) / 1024, secondHalfKb: (heapEnd - heapHalf) / 1024, wasmBefore, wasmAfter };
            } finally {
              await context.close();
            }
          });
          results.memory[lib].push(r ?? { heapStart: NaN, heapHalf: NaN, heapEnd: NaN, growthKb: NaN, secondHalfKb: NaN, wasmBefore: null, wasmAfter: null });
          if (r) log(`  memory ${lib}: heap ${(r.heapStart / 1024).toFixed(1)} → ${(r.heapHalf / 1024).toFixed(1)} → ${(r.heapEnd / 1024).toFixed(1)} KB (growth ${r.growthKb.toFixed(1)} KB, second half ${r.secondHalfKb.toFixed(1)} KB)`);
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
        .sort((a, b) => (Number.isFinite(a.ratio) ? a.ratio : Infinity) - (Number.isFinite(b.ratio) ? b.ratio : Infinity))[0];
      const c = THROUGHPUT.find((t) => t.kind === worst.kind);
      log(`profile ${c.kind}`);
      results.profile = { kind: c.kind, label: c.label, libs: {} };
      for (const lib of ["raw", "wsguard"]) {
        await attempt(`profile ${lib}`, async () => {
          const cdp = await pages[lib].page.context().newCDPSession(pages[lib].page);
          await cdp.send("Profiler.enable");
          await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
          await cdp.send("Profiler.start");
          const r = await call(pages[lib].page, "throughput", [lib, c.kind, c.count], boundMs(c.count * 1.05));
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
      wsguard: `${JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")).version} (commit ${gitHead()}${gitDirty() ? ", with uncommitted changes" : ""})`,
      partysocket: moduleVersion("partysocket"),
      "reconnecting-websocket": moduleVersion("reconnecting-websocket"),
      "websocket-ts": moduleVersion("websocket-ts"),
      sockette: moduleVersion("sockette"),
      ws: moduleVersion("ws"),
      esbuild: moduleVersion("esbuild"),
      "playwright-core": moduleVersion("playwright-core"),
      node: process.version,
      Chromium: chromiumVersion,
    };
    const run = {
      startedAt,
      finishedAt: new Date(),
      versions,
      loads,
      results,
      errors,
      startupLibs,
      manualEntry,
      config: { QUICK, ROUNDS, CASES: [...CASES], NOTE, SCALE, PINGPONG, THROUGHPUT, MEMORY, STORM },
    };
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

const fixed = (x, digits) => (Number.isFinite(x) ? x.toFixed(digits) : "nan");

/** The summary line: the last line on stdout and of BENCHMARKS.md. */
function summaryLine(s) {
  return `bench: pingpong_ratio=${fixed(s.pingpongRatio, 3)} throughput_ratio=${fixed(s.throughputRatio, 3)} size_gz_bytes=${fixed(s.sizeGzBytes, 0)} heap_growth_kb=${fixed(s.heapGrowthKb, 1)} heap_second_half_kb=${fixed(s.heapSecondHalfKb, 1)} startup_ms_over_raw=${fixed(s.startupMsOverRaw, 1)}`;
}

/** Writes BENCHMARKS.md and prints the tables and the summary line. */
function finish(run) {
  const summary = summarise(run.results);
  let twiggyBefore = null;
  if (TWIGGY_BEFORE) twiggyBefore = { file: TWIGGY_BEFORE, text: readFileSync(TWIGGY_BEFORE, "utf8").trimEnd() };
  const report = renderReport({ ...run, summary, twiggyBefore });
  if (WRITE) {
    writeFileSync(OUT, report);
    log(`wrote ${OUT}`);
  }
  // Everything but the last line (the summary line, printed last below).
  const body = tablesOnly(report).trimEnd().split("\n").slice(0, -1).join("\n");
  process.stdout.write(`${body.trimEnd()}\n\n`);
  if (run.errors.length) log(`${run.errors.length} error(s):\n  ${run.errors.join("\n  ")}`);
  console.log(summaryLine(summary));
  process.exitCode = run.errors.length ? 1 : 0;
}

/** --render=FILE: BENCHMARKS.md again from a saved run, without measuring. */
function render(file) {
  const run = JSON.parse(readFileSync(file, "utf8"));
  ({ QUICK, ROUNDS, NOTE, SCALE, PINGPONG, THROUGHPUT, MEMORY, STORM } = run.config);
  CASES = new Set(run.config.CASES);
  const revive = (x) => (x === null ? NaN : x);
  const walk = (v) => (Array.isArray(v) ? v.map(walk) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)])) : revive(v));
  // JSON has no NaN: the measurements' nulls are NaN again. Sizes, twiggy and profile are
  // taken as they are (their nulls mean "absent").
  const { sizes, twiggy, profile } = run.results;
  run.results = { ...walk(run.results), sizes, twiggy, profile };
  for (const list of Object.values(run.results.memory)) for (const m of list) for (const k of ["wasmBefore", "wasmAfter"]) if (Number.isNaN(m[k])) m[k] = null;
  run.startedAt = new Date(run.startedAt);
  run.finishedAt = new Date(run.finishedAt);
  run.startupLibs ??= LIBS;
  finish(run);
}

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

/** Whether the sources the package is built from differ from HEAD. */
function gitDirty() {
  const r = spawnSync("git", ["-C", root, "status", "--porcelain", "--", "src", "wasm", "pkg-template", "Cargo.toml", "Cargo.lock", "scripts/build.sh"], { encoding: "utf8", timeout: 10_000 });
  return r.status === 0 && r.stdout.trim() !== "";
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
    if (url.includes("/pkg/")) return "wsguard JS (raw.js)";
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
    sizeGzBytes: results.sizes?.wsguardTotal ?? NaN,
    heapGrowthKb: median(results.memory.wsguard.map((m) => m.growthKb)),
    heapSecondHalfKb: median(results.memory.wsguard.map((m) => m.secondHalfKb)),
    startupMsOverRaw: median(ratios(results.startup, "wsguard", (v, raw) => v - raw)),
  };
}

// ---------------------------------------------------------------- BENCHMARKS.md

function renderReport({ startedAt, finishedAt, versions, loads, results, summary, errors, startupLibs, manualEntry, twiggyBefore }) {
  if (manualEntry) LABEL["wsguard-init"] = `wsguard via \`pkg/${manualEntry}\` + \`await init()\` (extra row)`;
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
  const sizes = results.sizes;

  p("# Benchmarks");
  p();
  p("Written by `npm run bench` (`bench/run.mjs`); run it again to regenerate this file.");
  p();
  const flags = [];
  if (QUICK) flags.push(`**\`--quick\`: a smoke run, not for comparison**${ROUNDS === 1 ? " (one round)" : ""}.`);
  if (SCALE !== 1) {
    flags.push(
      `**\`--scale=${SCALE}\`: message counts scaled by ${SCALE}**: ${num(PINGPONG.count)} ping-pong round trips and ${THROUGHPUT.map((c) => `${num(c.count)} × ${c.label}`).join(", ")} per measurement, instead of ${num(FULL.pingpong)}, ${num(FULL.text1k)}, ${num(FULL.binary1k)} and ${num(FULL.text16)} (reconnect and storm counts are not scaled).`,
    );
  }
  if (ROUNDS !== DEFAULT_ROUNDS && !(QUICK && ROUNDS === 1)) flags.push(`**\`--rounds=${ROUNDS}\`: ${ROUNDS} round${ROUNDS === 1 ? "" : "s"} instead of ${DEFAULT_ROUNDS}.**`);
  if (CASES.size !== ALL_CASES.length) flags.push(`**\`--cases=${[...CASES].join(",")}\`: only these cases were run.**`);
  if (flags.length) {
    p(`Flags of this run (\`npm run bench\` without flags uses the full counts and ${DEFAULT_ROUNDS} rounds):`);
    p();
    for (const f of flags) p(`- ${f}`);
    p();
  } else {
    p(`Full message counts and ${DEFAULT_ROUNDS} rounds (\`npm run bench\` without flags).`);
    p();
  }
  p(`- Date: ${startedAt.toISOString().replace("T", " ").slice(0, 16)} UTC (${Math.round((finishedAt - startedAt) / 1000)} s)`);
  p(`- Machine: ${cores} cores (\`nproc\`: ${cores}), ${num(memGiB, 1)} GiB memory, ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.type()} ${os.release()}`);
  p(`- Load average (1 min) during the run: ${num(loads[0], 2)} at the start, ${num(max(loads), 2)} at most, ${num(loads.at(-1), 2)} at the end — above ~${cores / 2} means other processes were competing for the ${cores} cores.`);
  if (NOTE) p(`- Note: ${NOTE}`);
  p(`- Versions: ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  p(`- Rounds: ${ROUNDS}, interleaved (${LIBS.map((l) => LABEL[l]).join(", ")}, then again). Figures are medians over rounds with (min–max); a ratio to raw is computed within each round, then the median of those per-round ratios is shown, with their (min–max). Higher ratios are better.`);
  p();
  p("Every library runs in headless Chromium against a `ws` echo server on 127.0.0.1 (`perMessageDeflate: false`) in the bench process. Each library has its own page (own renderer); the page is cross-origin isolated so `performance.now()` has 5 µs steps. Messages are counted on each library's own message callback, attached once per socket: `addEventListener(\"message\", …)` for the raw WebSocket, wsguard, partysocket and reconnecting-websocket, `onMessage` (its builder's listener, called with the instance and the event) for websocket-ts, the `onmessage` option for sockette; messages are sent with each library's own `send`.");
  p();
  p("- **wsguard** is loaded as users import it: `import { WsGuard } from \"/pkg/index.js\"`, the package's main entry, which fetches and instantiates the WebAssembly itself (top-level `await`), served unbundled from a snapshot of `pkg/` taken when the run started.");
  p("- **The peers** are bundled with esbuild into one ESM file each: partysocket's drop-in `WebSocket` class, reconnecting-websocket and sockette with default options; websocket-ts as its README's first example (`WebsocketBuilder` with `ArrayQueue` buffer and `ConstantBackoff(1000)`, since without a backoff it never reconnects).");
  p("- **Forced reconnects**: wsguard, partysocket and reconnecting-websocket: `reconnect()`; sockette: `close()` then `open()` (its `reconnect()` only schedules an `open()` after 1 s and leaves the current socket open); the raw WebSocket and websocket-ts (which has no `reconnect()`): `close()` and a new instance with the same callbacks.");
  p();

  p("## Targets");
  p();
  const mark = (ok) => (ok === null ? "n/a" : ok ? "met" : "**missed**");
  const cmp = (x, f) => (Number.isFinite(x) ? f(x) : null);
  table(
    ["target", "wsguard", "result"],
    [
      [`ping-pong rate ≥ ${TARGETS.pingpong} × raw`, fixed(summary.pingpongRatio, 3), mark(cmp(summary.pingpongRatio, (x) => x >= TARGETS.pingpong))],
      [`throughput ≥ ${TARGETS.throughput} × raw (worst of the 3 cases)`, fixed(summary.throughputRatio, 3), mark(cmp(summary.throughputRatio, (x) => x >= TARGETS.throughput))],
      [`everything the main entry loads ≤ ${num(TARGETS.sizeGzBytes)} B gzip`, `${num(summary.sizeGzBytes)} B`, mark(cmp(summary.sizeGzBytes, (x) => x <= TARGETS.sizeGzBytes))],
      [`JS heap growth over ${num(MEMORY.reconnects)} reconnects ≤ ${TARGETS.heapGrowthKb} KB`, `${fixed(summary.heapGrowthKb, 1)} KB`, mark(cmp(summary.heapGrowthKb, (x) => x <= TARGETS.heapGrowthKb))],
      [`JS heap growth from reconnect ${num(MEMORY.reconnects / 2)} to ${num(MEMORY.reconnects)} ≤ ${TARGETS.heapSecondHalfKb} KB`, `${fixed(summary.heapSecondHalfKb, 1)} KB`, mark(cmp(summary.heapSecondHalfKb, (x) => x <= TARGETS.heapSecondHalfKb))],
      [`cold start-up ≤ raw + ${TARGETS.startupMsOverRaw} ms`, `${signed(summary.startupMsOverRaw, 1)} ms`, mark(cmp(summary.startupMsOverRaw, (x) => x <= TARGETS.startupMsOverRaw))],
    ],
  );

  if (CASES.has("pingpong")) {
    p(`## 1. Ping-pong: ${num(PINGPONG.count)} sequential round trips of 64 bytes`);
    p();
    p(`After ${num(PINGPONG.warmup)} warm-up round trips on the same socket. Each round trip is timed from \`send\` to the library's message callback, which sends the next one. Ratio = raw latency ÷ library latency (a rate ratio); \`pingpong_ratio\` is wsguard's.`);
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
    p("The page sends all messages in one loop, the server echoes each, and the library's message callback counts the echoes; messages per second from the first `send` to the last echo. A warm-up of 1/20 of the count runs first on the same socket. `throughput_ratio` is wsguard's lowest per-case ratio.");
    p();
    table(
      ["library", ...THROUGHPUT.flatMap((c) => [`${num(c.count)} × ${c.label}: msg/s`, "÷ raw"])],
      LIBS.map((l) => [LABEL[l], ...THROUGHPUT.flatMap((c) => [spread(results.throughput[c.kind][l]), perRatio(results.throughput[c.kind], l, (v, raw) => v / raw)])]),
    );
  }

  if (CASES.has("startup")) {
    p("## 3. Cold start-up: `import()` to the first `open`");
    p();
    p("A fresh browser context per measurement (a new page with an empty HTTP cache and no compiled-code or compiled-WebAssembly cache; the server also sends `cache-control: no-store`), `.wasm` served as `application/wasm` so it compiles while it streams, JS as `text/javascript`. Timed in the page from just before `await import()` of the library's adapter module to the first `open` of its first client. raw: the adapter is a trivial module that opens a `WebSocket`; wsguard: the adapter imports `/pkg/index.js`, which fetches its modules and the WebAssembly; peers: one bundled module. `startup_ms_over_raw` is the median over rounds of (wsguard − raw) within the round.");
    p();
    const rows = startupLibs.map((l) => [LABEL[l], spread(results.startup[l], 1), l === "raw" ? "" : signed(median(ratios(results.startup, l, (v, raw) => v - raw)), 1)]);
    table(["library", "ms (median of rounds)", "ms over raw (per-round median)"], rows);
  }

  if (CASES.has("memory")) {
    p(`## 4. Memory: ${num(MEMORY.reconnects)} forced reconnects`);
    p();
    p(`A fresh page per measurement: one client open, ${MEMORY.warmup} warm-up reconnects, then ${num(MEMORY.reconnects)} reconnects, each waiting for its \`open\`. The JS heap is read after the warm-up, after reconnect ${num(MEMORY.reconnects / 2)} and after reconnect ${num(MEMORY.reconnects)} (each 200 ms after the last open): forced full GC (CDP \`HeapProfiler.collectGarbage\`, twice) then \`Runtime.getHeapUsage\`, three times, the lowest reading. \`heap_growth_kb\` is wsguard's growth over all ${num(MEMORY.reconnects)}, \`heap_second_half_kb\` its growth from ${num(MEMORY.reconnects / 2)} to ${num(MEMORY.reconnects)} (a steady leak shows in both; one-off warm-up costs only in the first). wsguard's WebAssembly memory is \`memory.buffer.byteLength\` of the exports the entry's \`ready\` resolves to.`);
    p();
    const m = (l, key) => results.memory[l].map((r) => r[key] / 1024);
    table(
      ["library", "JS heap after warm-up, KB", `at ${num(MEMORY.reconnects / 2)}, KB`, `at ${num(MEMORY.reconnects)}, KB`, "growth, KB", "second half, KB", "WASM memory before → after"],
      LIBS.map((l) => {
        const wasm = results.memory[l].find((r) => r.wasmBefore != null);
        return [
          LABEL[l],
          spread(m(l, "heapStart"), 1),
          spread(m(l, "heapHalf"), 1),
          spread(m(l, "heapEnd"), 1),
          spread(results.memory[l].map((r) => r.growthKb), 1),
          spread(results.memory[l].map((r) => r.secondHalfKb), 1),
          wasm ? `${num(wasm.wasmBefore / 1024)} KB → ${num(wasm.wasmAfter / 1024)} KB` : "n/a",
        ];
      }),
    );
  }

  if (sizes) {
    p("## 5. Size");
    p();
    p("gzip level 9 (brotli quality 11 for comparison) with node's zlib. Peers: esbuild `--bundle --minify --format=esm` of an entry that imports what the adapter uses. wsguard: `scripts/size.mjs` (`node scripts/size.mjs` prints the same total): every file a page fetches when it imports the main entry `pkg/index.js` — the module graph of its relative imports and re-exports (static, and `import(\"./x\")` with a literal specifier) and its `new URL(…, import.meta.url)` assets (the .wasm) — each JS file minified on its own with esbuild (`transform`, not bundled), the .wasm as shipped, and the total adds the files compressed one by one, as a server sends them. `size_gz_bytes` is that total.");
    p();
    table(
      ["library", "bytes (minified)", "gzip", "brotli"],
      [...sizes.peers.map((r) => [r.label, num(r.raw), num(r.gzip), num(r.brotli)]), ["wsguard (all files, see below)", num(sizes.pkg.files.reduce((n, f) => n + f.minifiedBytes, 0)), num(sizes.pkg.total), ""]],
    );
    p("wsguard by part. The .wasm's sections are gzipped each on its own to show their weight (their sum is not the file's gzip, which is what counts); the files' rows add up to the total.");
    p();
    const fileRows = sizes.pkg.files.map((f) => [`\`${f.path}\``, num(f.bytes), f.kind === "js" ? num(f.minifiedBytes) : "(as shipped)", num(f.gzip), ""]);
    table(
      ["part", "bytes", "minified", "gzip", "notes"],
      [
        ...sizes.parts.map((x) => [x.part, num(x.raw), "", `${num(x.gzip)} (alone)`, x.note]),
        ...fileRows,
        ["**total (files compressed one by one)**", num(sizes.pkg.files.reduce((n, f) => n + f.bytes, 0)), num(sizes.pkg.files.reduce((n, f) => n + f.minifiedBytes, 0)), `**${num(sizes.pkg.total)}**`, ""],
      ],
    );
    if (sizes.sections.length) {
      p("Every section of the .wasm:");
      p();
      table(
        ["section", "bytes", "gzip alone", "notes"],
        sizes.sections.map((s) => [
          s.name,
          num(s.size),
          num(s.gzip),
          s.name === "code" ? `${num(s.count)} functions` : s.name === "data" && s.strings ? `${num(s.count)} segments; ${num(s.strings.count)} printable runs of 24+ bytes, ${num(s.strings.bytes)} bytes in all` : "",
        ]),
      );
    }
  }

  if (CASES.has("size") || twiggyBefore) {
    p("## What is in the .wasm");
    p();
    const tw = results.twiggy;
    const block = (text) => {
      p("```text");
      for (const line of text.split("\n")) p(line);
      p("```");
      p();
    };
    if (twiggyBefore) {
      p(`### Before (\`${twiggyBefore.file}\`, given with \`--twiggy-before\`)`);
      p();
      block(twiggyBefore.text);
      p("### After (this run)");
      p();
    }
    if (tw?.text) {
      p(`\`twiggy top -n 25\` (${tw.version}) of \`target/wsguard_bg.named.wasm\`, which \`scripts/build.sh\` writes beside the shipped file: the same optimised code with its function names kept (the name section is not shipped). The 25 largest items by shallow size (function bodies, data segments, tables).`);
      p();
      block(tw.text);
    } else {
      p(`No twiggy table: ${tw?.reason ?? "twiggy was not run."}`);
      p();
    }
    p("To compare a change: save `twiggy top -n 25 pkg/wsguard_bg.wasm > before.txt` first, then run the bench with `--twiggy-before=before.txt`.");
    p();
  }

  if (CASES.has("storm")) {
    p(`## 6. Reconnect storm: ${STORM.clients} clients in one page`);
    p();
    p(`One fresh page per library with ${STORM.clients} clients, open and stable for ${STORM.stableMs / 1000} s; then the server drops every connection (no close frame) and answers every upgrade with 503 for ${STORM.downMs / 1000} s. Upgrade requests are counted by the server from the drop on; times back to \`open\` are from the drop, per client. raw WebSocket does not reconnect: its row is a naive client that opens a new socket as soon as the old one closes, as a reference. Measured once per library per run (not per round).`);
    p();
    p(`Two counts of attempts: the sockets the page creates (\`new WebSocket\`, counted by a subclass installed as the page's global \`WebSocket\` for this test only), and the upgrade requests that reach the server. Chromium lets only one handshake to a given host be in progress at a time and spaces them out, so from a single page the server never sees more than a handful per ${STORM.windowMs} ms whatever the library does; the page-side count shows how bunched the library's own attempts are.`);
    p();
    table(
      ["library", "sockets created", `peak per ${STORM.windowMs} ms (at ms)`, "upgrade requests at the server", `peak per ${STORM.windowMs} ms (at ms)`, "back to open: median ms", "p90", "first", "last", `not back in ${STORM.timeoutMs / 1000} s`],
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
      p("wsguard's heaviest functions by self time (native functions have no URL; `__wbg_*` are wasm-bindgen's imports in `raw.js`, which the WebAssembly calls):");
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
  p("## Summary line");
  p();
  p("The last line `npm run bench` prints:");
  p();
  p(summaryLine(summary));
  return `${out.join("\n").trimEnd()}\n`;
}

/** Plain statements derived from the figures of this run. */
function ANALYSIS(results, summary) {
  const lines = [];
  const ratioOf = (kind, lib = "wsguard") => median(ratios(results.throughput[kind], lib, (v, raw) => v / raw));
  if (Number.isFinite(summary.pingpongRatio)) {
    lines.push(`- **Ping-pong**: wsguard's round-trip rate is ${fixed(summary.pingpongRatio, 2)} × raw (target ≥ ${TARGETS.pingpong}). Each round trip costs wsguard one \`send\` and one incoming message on top of the browser's; at loopback latencies of a few hundred µs the per-round ranges above show how much of a difference is noise.`);
  }
  if (Number.isFinite(summary.throughputRatio)) {
    const cases = THROUGHPUT.map(({ kind, label }) => `${label} ${fixed(ratioOf(kind), 2)}`).join(", ");
    const peers = PEERS.map((l) => `${LABEL[l]} ${THROUGHPUT.map(({ kind }) => fixed(ratioOf(kind, l), 2)).join("/")}`).join(", ");
    lines.push(`- **Throughput** (wsguard ÷ raw: ${cases}; peers, same order: ${peers}): a library adds a fixed cost per message on top of the browser's; pipelined small messages show it most. ${results.profile && Object.keys(results.profile.libs ?? {}).length ? "The profile section splits wsguard's extra time between its JS glue, its WebAssembly and the browser's own event work." : ""}`.trim());
  }
  if (Number.isFinite(summary.sizeGzBytes)) {
    lines.push(`- **Size**: everything wsguard's main entry loads is ${num(summary.sizeGzBytes)} B gzip, ${summary.sizeGzBytes <= TARGETS.sizeGzBytes ? "within" : "over"} the ${num(TARGETS.sizeGzBytes)} B target; the peers are plain JS (${results.sizes.peers.map((r) => `${r.label} ${num(r.gzip)} B`).join(", ")}). The by-part table and twiggy's list show where the WebAssembly's bytes are.`);
  }
  if (Number.isFinite(summary.heapGrowthKb)) {
    lines.push(`- **Memory**: wsguard's JS heap grew by ${fixed(summary.heapGrowthKb, 1)} KB over ${num(MEMORY.reconnects)} reconnects, ${fixed(summary.heapSecondHalfKb, 1)} KB of it in the second half (medians of rounds); the raw row is the growth the page and the browser show with no library at all. WebAssembly memory only grows (it is never returned to the browser), so its before → after is the figure that would show a leak inside Rust.`);
  }
  if (Number.isFinite(summary.startupMsOverRaw)) {
    lines.push(`- **Start-up**: wsguard's main entry reaches its first \`open\` ${num(Math.abs(summary.startupMsOverRaw), 1)} ms ${summary.startupMsOverRaw >= 0 ? "later" : "sooner"} than raw (target ≤ ${TARGETS.startupMsOverRaw} ms over raw): the extra module fetches and fetching, compiling and instantiating the WebAssembly, all before the socket is created.`);
  }
  if (Object.keys(results.storm ?? {}).length) {
    lines.push("- **Storm**: from one page the browser itself spaces out handshakes to one host, so the server-side peak is about the same for every library; the page-side peak (sockets created per 100 ms) and the spread of times back to open are what tell the libraries apart. Jittered backoff spreads retries; a fixed delay (sockette's and websocket-ts's 1 s, partysocket's and reconnecting-websocket's unjittered backoff) brings every client of a page back at the same moment.");
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
  console.log(summaryLine({}));
  process.exit(1);
});
