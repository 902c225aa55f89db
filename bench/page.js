// Runs inside the benchmark page (served as /bench.js). Every library is reached through its
// adapter module /lib/<name>.js, which exports `create(url)` and `reconnect(socket)`; the
// measurements call the library object directly (`send`, `addEventListener("message", …)`),
// so nothing of the harness sits on the hot path.
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

/** Resolves on the next `open` event of `socket`. */
function nextOpen(socket, ms = 10_000) {
  return withTimeout(
    new Promise((resolve) => socket.addEventListener("open", resolve, { once: true })),
    ms,
    "open",
  );
}

async function openSocket(name, path, binary = false) {
  const adapter = await lib(name);
  const socket = adapter.create(wsUrl(path));
  if (binary) socket.binaryType = "arraybuffer";
  await nextOpen(socket);
  return socket;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `count` sequential round trips of `payload`; returns each round trip's time in ms. */
function roundTrips(socket, payload, count, ms) {
  return withTimeout(
    new Promise((resolve) => {
      const samples = new Float64Array(count);
      let i = 0;
      let start = 0;
      const onMessage = () => {
        samples[i++] = performance.now() - start;
        if (i === count) {
          socket.removeEventListener("message", onMessage);
          resolve(samples);
          return;
        }
        start = performance.now();
        socket.send(payload);
      };
      socket.addEventListener("message", onMessage);
      start = performance.now();
      socket.send(payload);
    }),
    ms,
    "ping-pong",
  );
}

/** Sends `count` copies of `message` at once and resolves with the ms until the last echo. */
function pipelined(socket, message, count, ms) {
  return withTimeout(
    new Promise((resolve) => {
      let received = 0;
      let start = 0;
      const onMessage = () => {
        if (++received === count) {
          const elapsed = performance.now() - start;
          socket.removeEventListener("message", onMessage);
          resolve(elapsed);
        }
      };
      socket.addEventListener("message", onMessage);
      start = performance.now();
      for (let i = 0; i < count; i++) socket.send(message);
    }),
    ms,
    "throughput",
  );
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

window.bench = {
  crossOriginIsolated: window.crossOriginIsolated,

  /** Loads the adapter (and so the library) without measuring anything. */
  async preload(name) {
    await lib(name);
    return true;
  },

  async pingpong(name, count, warmup) {
    const socket = await openSocket(name, "/echo");
    const payload = "p".repeat(64);
    await roundTrips(socket, payload, warmup, 60_000);
    const samples = (await roundTrips(socket, payload, count, 120_000)).sort();
    socket.close();
    return {
      medianUs: quantile(samples, 0.5) * 1000,
      p99Us: quantile(samples, 0.99) * 1000,
      meanUs: (samples.reduce((a, b) => a + b, 0) / samples.length) * 1000,
    };
  },

  async throughput(name, kind, count) {
    const binary = kind === "binary1k";
    const socket = await openSocket(name, "/echo", binary);
    const message =
      kind === "text1k" ? "t".repeat(1024) : kind === "binary1k" ? new ArrayBuffer(1024) : "s".repeat(16);
    await pipelined(socket, message, Math.ceil(count / 20), 60_000);
    const ms = await pipelined(socket, message, count, 120_000);
    socket.close();
    return { perSecond: (count / ms) * 1000, ms };
  },

  /** From dynamic import() of the adapter to the first `open`. Call on a fresh page. */
  async startup(name) {
    const start = performance.now();
    const adapter = await import(`/lib/${name}.js`);
    const socket = adapter.create(wsUrl("/echo"));
    await nextOpen(socket);
    const ms = performance.now() - start;
    socket.close();
    return ms;
  },

  /** Memory phase, step 1: one open client and `warmup` reconnects. */
  async memoryStart(name, warmup) {
    window.memorySocket = await openSocket(name, "/echo");
    await this.reconnects(name, warmup);
    return this.wasmBytes(name);
  },

  async reconnects(name, count) {
    const adapter = await lib(name);
    for (let i = 0; i < count; i++) {
      window.memorySocket = adapter.reconnect(window.memorySocket);
      await nextOpen(window.memorySocket);
    }
    await sleep(200);
    return this.wasmBytes(name);
  },

  async memoryEnd() {
    window.memorySocket?.close();
    window.memorySocket = null;
    return true;
  },

  /** wsguard's WebAssembly memory (wasm-bindgen's exports.memory), else null. */
  async wasmBytes(name) {
    const adapter = await lib(name);
    return adapter.wasm?.memory?.buffer?.byteLength ?? null;
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
    for (let i = 0; i < count; i++) {
      const client = create(wsUrl(`/storm?lib=${encodeURIComponent(name)}&i=${i}`));
      client.addEventListener("open", () => {
        if (killedAt !== null && reopenedAfter[i] === null) reopenedAfter[i] = performance.now() - killedAt;
      });
      clients.push(client);
    }
    const until = async (condition, ms, what) => {
      const deadline = performance.now() + ms;
      while (!condition()) {
        if (performance.now() > deadline) return false;
        await sleep(20);
      }
      return true;
    };
    const allOpen = await until(() => clients.every((c) => c.readyState === 1), 30_000, "first open");
    if (!allOpen) {
      const open = clients.filter((c) => c.readyState === 1).length;
      for (const c of clients) c.close();
      throw new Error(`storm: only ${open} of ${count} clients opened within 30 s`);
    }
    await sleep(stableMs);
    killedAt = performance.now();
    const response = await withTimeout(fetch(`/control/down?ms=${downMs}`, { method: "POST" }), 5000, "kill");
    if (!response.ok) throw new Error(`storm: /control/down answered ${response.status}`);
    await until(() => reopenedAfter.every((t) => t !== null), timeoutMs, "reopen");
    for (const c of clients) c.close();
    await sleep(300);
    window.WebSocket = Native;
    return { reopenedAfter, created: created.filter((t) => t >= killedAt).map((t) => t - killedAt) };
  },
};
window.benchReady = true;
