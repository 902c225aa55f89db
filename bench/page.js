// Runs inside the benchmark page (served as /bench.js). Every library is reached through its
// adapter module /lib/<name>.js (bench/adapters/), which exports
//   create(url, { onopen, onmessage, binary }), reconnect(client) and wasmBytes().
// The page's message counter is handed to create() and attached with the library's own message
// callback (addEventListener("message"), websocket-ts's onMessage, sockette's `onmessage`
// option), once per socket; the measurements call the library's own `send`. Nothing of the
// harness sits between the library and the counter.
const modules = new Map();
const wsUrl = (path) => `ws://${location.host}${path}`;

/** The adapter module of `name`, imported once per page. */
function lib(name) {
  if (!modules.has(name)) modules.set(name, import(`/lib/${name}.js`));
  return modules.get(name);
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `fire` is a client's onopen callback; `next()` resolves on the next open after the call. */
function opener() {
  let waiters = [];
  let count = 0;
  return {
    get count() {
      return count;
    },
    fire() {
      count++;
      const w = waiters;
      waiters = [];
      for (const resolve of w) resolve();
    },
    next(ms = 10_000) {
      return withTimeout(new Promise((resolve) => waiters.push(resolve)), ms, "open");
    },
  };
}

/** Creates a client of library `name` on `path` and waits for its first open. */
async function openClient(name, path, { binary = false, onmessage } = {}) {
  const adapter = await lib(name);
  const opened = opener();
  const client = adapter.create(wsUrl(path), { binary, onmessage, onopen: opened.fire });
  await opened.next();
  return { adapter, client, opened };
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** The memory phase's client, kept between calls. */
let memory = null;

window.bench = {
  crossOriginIsolated: window.crossOriginIsolated,

  /** Loads the adapter (and so the library) without measuring anything. */
  async preload(name) {
    await lib(name);
    return true;
  },

  /** `warmup`, then `count` sequential round trips of 64 bytes; each timed send → echo. */
  async pingpong(name, count, warmup) {
    const payload = "p".repeat(64);
    let client = null;
    let samples = null;
    let i = 0;
    let target = 0;
    let start = 0;
    let done = null;
    // The library's message callback: records the round trip and sends the next one.
    const onmessage = () => {
      samples[i++] = performance.now() - start;
      if (i === target) {
        done();
        return;
      }
      start = performance.now();
      client.send(payload);
    };
    ({ client } = await openClient(name, "/echo", { onmessage }));
    const run = (n, ms) =>
      withTimeout(
        new Promise((resolve) => {
          samples = new Float64Array(n);
          i = 0;
          target = n;
          done = resolve;
          start = performance.now();
          client.send(payload);
        }),
        ms,
        "ping-pong",
      ).then(() => samples);
    try {
      await run(warmup, 120_000);
      const sorted = (await run(count, 300_000)).sort();
      return {
        medianUs: quantile(sorted, 0.5) * 1000,
        p99Us: quantile(sorted, 0.99) * 1000,
        meanUs: (sorted.reduce((a, b) => a + b, 0) / sorted.length) * 1000,
      };
    } finally {
      client.close();
    }
  },

  /** Sends `count` messages in one loop and times until the last echo (after a warm-up of count/20). */
  async throughput(name, kind, count) {
    const binary = kind === "binary1k";
    const message = kind === "text1k" ? "t".repeat(1024) : kind === "binary1k" ? new ArrayBuffer(1024) : "s".repeat(16);
    let received = 0;
    let target = 0;
    let done = null;
    // The library's message callback: counts echoes.
    const onmessage = () => {
      if (++received === target) done();
    };
    const { client } = await openClient(name, "/echo", { binary, onmessage });
    const run = (n, ms) =>
      withTimeout(
        new Promise((resolve) => {
          received = 0;
          target = n;
          const start = performance.now();
          done = () => resolve(performance.now() - start);
          for (let k = 0; k < n; k++) client.send(message);
        }),
        ms,
        "throughput",
      );
    try {
      await run(Math.ceil(count / 20), 120_000);
      const ms = await run(count, 600_000);
      return { perSecond: (count / ms) * 1000, ms };
    } finally {
      client.close();
    }
  },

  /**
   * Cold start-up, on a fresh page in a fresh browser context: from just before the dynamic
   * import() of the adapter (for wsguard: the module that imports the package's main entry,
   * which fetches and instantiates the WebAssembly) to the first `open` of the first client.
   */
  async startup(name) {
    let opened;
    const open = new Promise((resolve) => {
      opened = resolve;
    });
    const start = performance.now();
    const adapter = await import(`/lib/${name}.js`);
    const client = adapter.create(wsUrl("/echo"), { onopen: opened });
    await withTimeout(open, 20_000, "open");
    const ms = performance.now() - start;
    client.close();
    return ms;
  },

  /** Memory phase, step 1: one open client and `warmup` forced reconnects. */
  async memoryStart(name, warmup) {
    memory = await openClient(name, "/echo");
    await this.reconnects(warmup);
    return this.wasmBytes(name);
  },

  /** `count` forced reconnects of the memory client, each waiting for its open; then 200 ms. */
  async reconnects(count) {
    const { adapter, opened } = memory;
    for (let i = 0; i < count; i++) {
      const next = opened.next();
      memory.client = adapter.reconnect(memory.client);
      await next;
    }
    await sleep(200);
    return true;
  },

  async memoryEnd() {
    memory?.client.close();
    memory = null;
    return true;
  },

  /** The library's WebAssembly memory (wsguard), else null. */
  async wasmBytes(name) {
    return (await lib(name)).wasmBytes();
  },

  /**
   * Reconnect storm: `count` clients on /storm; once all are open and stable for `stableMs`,
   * the server drops them all and refuses upgrades for `downMs`. Returns, per client, the ms
   * from the kill to its next `open` (null if none within `timeoutMs`).
   */
  async storm(name, count, stableMs, downMs, timeoutMs) {
    const adapter = await lib(name);
    const create = adapter.createNaive ?? adapter.create;
    const reopenedAfter = new Array(count).fill(null);
    const everOpen = new Array(count).fill(false);
    // Every library looks up the global WebSocket when it connects: a subclass that notes the
    // time of each construction counts the attempts the page makes, before the browser
    // queues them.
    const created = [];
    const Native = window.WebSocket;
    window.WebSocket = class CountingWebSocket extends Native {
      constructor(...args) {
        super(...args);
        created.push(performance.now());
      }
    };
    const clients = [];
    let killedAt = null;
    try {
      for (let i = 0; i < count; i++) {
        const onopen = () => {
          everOpen[i] = true;
          if (killedAt !== null && reopenedAfter[i] === null) reopenedAfter[i] = performance.now() - killedAt;
        };
        clients.push(create(wsUrl(`/storm?lib=${encodeURIComponent(name)}&i=${i}`), { onopen }));
      }
      const until = async (condition, ms) => {
        const deadline = performance.now() + ms;
        while (!condition()) {
          if (performance.now() > deadline) return false;
          await sleep(20);
        }
        return true;
      };
      if (!(await until(() => everOpen.every(Boolean), 30_000))) {
        throw new Error(`storm: only ${everOpen.filter(Boolean).length} of ${count} clients opened within 30 s`);
      }
      await sleep(stableMs);
      killedAt = performance.now();
      const response = await withTimeout(fetch(`/control/down?ms=${downMs}`, { method: "POST" }), 5000, "kill");
      if (!response.ok) throw new Error(`storm: /control/down answered ${response.status}`);
      await until(() => reopenedAfter.every((t) => t !== null), timeoutMs);
      return { reopenedAfter, created: created.filter((t) => t >= killedAt).map((t) => t - killedAt) };
    } finally {
      for (const c of clients) c.close();
      await sleep(300);
      window.WebSocket = Native;
    }
  },
};
window.benchReady = true;
