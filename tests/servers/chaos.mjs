// A hostile WebSocket server for soak tests, on 127.0.0.1 only.
//
//   node tests/servers/chaos.mjs [--seed N] [--seconds S] [--parent PID]
//
// prints "chaos: ready <json>" with the port and the seed, then serves until S seconds have
// passed (default 900), SIGINT/SIGTERM arrives, or the process PID is gone. Tests in node import
// `startChaos()` and read what the server received in process.
//
// One HTTP server carries everything, so a page it serves can use relative WebSocket URLs:
//   GET  /                        a blank page
//   GET  /pkg/*                   the built npm package (pkg/)
//   GET  /control/received?client=ID   JSON array of the text messages /chaos received from ID
// WebSocket endpoints:
//   /echo                         echoes every message, never misbehaves
//   /chaos?client=ID              records every text message from ID in arrival order (and echoes
//                                 it), after a fate drawn per connection from a seeded PRNG:
//     - the handshake is delayed 0–800 ms (half of the connections), then one of
//     - "refuse":  the upgrade is answered with HTTP 503
//     - "drop":    accepted, then the TCP connection is cut (terminate, no close frame)
//                  after 50–1500 ms
//     - "close":   accepted, then closed after 50–1500 ms with a code drawn from 1001, 1011, 1012,
//                  1013 or 4000–4999
//     - "healthy": accepted and served normally; after 2–8 s the server "restarts" it (close
//                  1001), so that a long soak keeps churning
//
// `calm()` ends the chaos: pending faults are cancelled and every later connection is healthy for
// good, so that a test can let its clients drain their queues before it checks them.
import http from "node:http";
import { WebSocketServer } from "ws";
import { blankPage, servePackage, stopWithParent } from "./lab.mjs";

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Starts the chaos server. Options: `seed` (default: from the clock, reported as `seed`),
 * `lifetimeMs` (the server stops itself after this long; default 15 min), and the fate weights
 * `weights: { refuse, drop, close, healthy }` (default 0.2, 0.25, 0.2, 0.35).
 *
 * Returns `{ port, origin, seed, received(client), stats(client), clients(), calm(), stop() }`.
 */
export async function startChaos({
  seed = Date.now() >>> 0,
  lifetimeMs = 15 * 60_000,
  weights = { refuse: 0.2, drop: 0.25, close: 0.2, healthy: 0.35 },
} = {}) {
  const random = mulberry32(seed);
  const between = (low, high) => low + Math.floor(random() * (high - low + 1));
  const CODES = [1001, 1011, 1012, 1013, "4xxx"];
  let calm = false;
  let serial = 0;
  const timers = new Set();
  /** Per client id: messages in arrival order, connections, and the checks derived from them. */
  const perClient = new Map();
  const fates = { refuse: 0, drop: 0, close: 0, healthy: 0, delayed: 0 };

  function record(client) {
    let entry = perClient.get(client);
    if (!entry) {
      entry = {
        messages: [],
        connections: 0,
        open: 0,
        maxOpen: 0,
        // The serial of the newest connection that has received a message; a message on an older
        // connection after that means the client used two sockets at once.
        newestWithMessage: 0,
        interleaved: 0,
        interleavedSerials: new Set(),
        closeCodes: {},
        log: [],
      };
      perClient.set(client, entry);
    }
    return entry;
  }

  function later(ms, action) {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, ms);
    timers.add(timer);
    return timer;
  }

  function drawFate() {
    if (calm) return { fate: "healthy", lifetimeMs: 0, delayMs: 0 };
    const delayMs = random() < 0.5 ? between(0, 800) : 0;
    const total = weights.refuse + weights.drop + weights.close + weights.healthy;
    let pick = random() * total;
    let fate = "healthy";
    for (const name of ["refuse", "drop", "close", "healthy"]) {
      if (pick < weights[name]) {
        fate = name;
        break;
      }
      pick -= weights[name];
    }
    let code = CODES[Math.floor(random() * CODES.length)];
    if (code === "4xxx") code = between(4000, 4999);
    const lifetimeMs = fate === "healthy" ? between(2000, 8000) : between(50, 1500);
    return { fate, delayMs, lifetimeMs, code: fate === "healthy" ? 1001 : code };
  }

  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    if (url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(blankPage("wsguard chaos"));
    } else if (url.pathname.startsWith("/pkg/")) {
      servePackage(url.pathname, res);
    } else if (url.pathname === "/control/received") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(perClient.get(url.searchParams.get("client") ?? "")?.messages ?? []));
    } else {
      res.writeHead(404).end();
    }
  });

  server.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url, "http://127.0.0.1");
    socket.on("error", () => {});
    if (url.pathname === "/echo") {
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
      });
      return;
    }
    if (url.pathname !== "/chaos") {
      socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    const client = url.searchParams.get("client") ?? "";
    const plan = drawFate();
    if (plan.delayMs > 0) fates.delayed += 1;
    fates[plan.fate] += 1;
    const proceed = () => {
      if (socket.destroyed) return;
      if (calm) Object.assign(plan, { fate: "healthy", lifetimeMs: 0 });
      if (plan.fate === "refuse") {
        socket.end("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => accept(ws, client, plan));
    };
    if (plan.delayMs > 0) setTimeout(proceed, plan.delayMs);
    else proceed();
  });

  function accept(ws, client, plan) {
    const entry = record(client);
    const connection = {
      serial: ++serial,
      fate: plan.fate,
      plannedMs: plan.lifetimeMs,
      delayMs: plan.delayMs,
      acceptedAt: Date.now(),
      closedAt: null,
      messages: 0,
      // Indexes into received(client) of this connection's messages (arrival order).
      indexes: [],
    };
    entry.log.push(connection);
    entry.connections += 1;
    entry.open += 1;
    entry.maxOpen = Math.max(entry.maxOpen, entry.open);
    ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      entry.messages.push(text);
      connection.messages += 1;
      connection.indexes.push(entry.messages.length - 1);
      if (connection.serial < entry.newestWithMessage) {
        entry.interleaved += 1;
        entry.interleavedSerials.add(connection.serial);
      } else {
        entry.newestWithMessage = connection.serial;
      }
      if (ws.readyState === ws.OPEN) ws.send(text);
    });
    let fault = null;
    ws.on("close", (code) => {
      connection.closedAt = Date.now();
      connection.code = code;
      entry.open -= 1;
      entry.closeCodes[code] = (entry.closeCodes[code] ?? 0) + 1;
      if (fault) {
        clearTimeout(fault);
        timers.delete(fault);
      }
    });
    ws.on("error", () => {});
    if (plan.fate === "healthy" && plan.lifetimeMs === 0) return;
    fault = later(plan.lifetimeMs, () => {
      fault = null;
      if (calm) return;
      if (plan.fate === "drop") ws.terminate();
      else ws.close(plan.code, `chaos ${plan.fate}`);
    });
  }

  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = server.address().port;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(lifetime);
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    for (const socket of wss.clients) socket.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  const lifetime = setTimeout(stop, lifetimeMs);
  lifetime.unref();

  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    seed,
    /** The text messages received from `client`, in arrival order (a copy). */
    received: (client) => [...(perClient.get(client)?.messages ?? [])],
    /**
     * What the server saw of `client`: connections, the most it held open at once (as the server
     * sees it: a socket the server closed stays "open" until the client's close frame arrives),
     * and `interleaved`: messages that arrived on an older connection after a newer one of the
     * same client had received one, which only a client using two sockets at once can cause.
     */
    stats: (client) => {
      const entry = perClient.get(client);
      if (!entry) return null;
      return {
        connections: entry.connections,
        maxOpen: entry.maxOpen,
        interleaved: entry.interleaved,
        interleavedConnections: entry.interleavedSerials.size,
        closeCodes: { ...entry.closeCodes },
      };
    },
    /**
     * Every accepted connection of `client`, in order: `{ serial, fate, plannedMs, delayMs,
     * acceptedAt, closedAt, code, messages, indexes }` (indexes: positions in received(client)).
     */
    connections: (client) => (perClient.get(client)?.log ?? []).map((c) => ({ ...c, indexes: [...c.indexes] })),
    /** How many connections got each fate (`delayed` counts handshakes held back). */
    fates: () => ({ ...fates }),
    /** Ends the chaos: cancels pending faults; later connections are healthy for good. */
    calm: () => {
      calm = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
    stop,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? process.argv[at + 1] : undefined;
  };
  const seconds = Number(arg("--seconds") ?? 900);
  const seed = arg("--seed") === undefined ? undefined : Number(arg("--seed")) >>> 0;
  const chaos = await startChaos({ seed, lifetimeMs: seconds * 1000 });
  console.log(`chaos: ready ${JSON.stringify({ port: chaos.port, seed: chaos.seed })}`);
  const stop = async () => {
    await chaos.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  setTimeout(stop, seconds * 1000).unref();
  const parent = Number(arg("--parent"));
  if (parent) stopWithParent(parent, stop);
  // Keep the process alive until one of the stops above.
  setInterval(() => {}, 60_000);
}
