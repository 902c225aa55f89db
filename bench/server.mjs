// The benchmark's only server, on 127.0.0.1: the page, the adapters, the package snapshot, a
// `ws` echo endpoint without compression, and the reconnect-storm endpoint.
//
//   GET  /                   the page (cross-origin isolated, so performance.now() has 5 µs steps)
//   GET  /bench.js           bench/page.js
//   GET  /lib/<name>.js      an adapter (bundled peers, wsguard's unbundled shims)
//   GET  /pkg/*              the snapshot of pkg/ taken at start (.wasm as application/wasm, so
//                            the browser compiles it while it streams; JS as text/javascript)
//   POST /control/down?ms=N  drops every open socket (no close frame) and answers upgrades with
//                            503 for N ms
//   WS   /echo               echoes text as text and binary as binary
//   WS   /storm?lib=NAME     like /echo; every upgrade request is timestamped for the storm
import { readFileSync, statSync } from "node:fs";
import http from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { performance } from "node:perf_hooks";
import { WebSocketServer } from "ws";

const TYPES = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".html": "text/html; charset=utf-8",
};
const ISOLATION = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
  "cache-control": "no-store",
};
const PAGE =
  '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">' +
  '<title>wsguard bench</title><script type="module" src="/bench.js"></script></head><body></body></html>';

function serveFile(dir, relative, res) {
  const file = normalize(join(dir, relative));
  try {
    if (!file.startsWith(dir + sep) || !statSync(file).isFile()) throw new Error("not a file");
  } catch {
    res.writeHead(404, ISOLATION).end();
    return;
  }
  res.writeHead(200, { ...ISOLATION, "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
  res.end(readFileSync(file));
}

/** Starts the server; `stop()` closes every socket and the server. */
export async function startServer({ pagePath, libDir, pkgDir }) {
  let downUntil = 0;
  /** Upgrade requests to /storm: { at: ms (performance.now), lib, refused }. */
  const stormLog = [];
  let killedAt = null;

  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1 << 20 });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    if (url.pathname === "/") {
      res.writeHead(200, { ...ISOLATION, "content-type": TYPES[".html"] }).end(PAGE);
    } else if (url.pathname === "/bench.js") {
      res.writeHead(200, { ...ISOLATION, "content-type": TYPES[".js"] }).end(readFileSync(pagePath));
    } else if (url.pathname.startsWith("/lib/")) {
      serveFile(libDir, decodeURIComponent(url.pathname.slice(5)), res);
    } else if (url.pathname.startsWith("/pkg/")) {
      serveFile(pkgDir, decodeURIComponent(url.pathname.slice(5)), res);
    } else if (url.pathname === "/control/down" && req.method === "POST") {
      killedAt = performance.now();
      downUntil = Date.now() + Number(url.searchParams.get("ms") ?? 0);
      for (const socket of wss.clients) socket.terminate();
      res.writeHead(204, ISOLATION).end();
    } else {
      res.writeHead(404, ISOLATION).end();
    }
  });

  server.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url, "http://127.0.0.1");
    const refused = Date.now() < downUntil;
    if (url.pathname === "/storm") stormLog.push({ at: performance.now(), lib: url.searchParams.get("lib"), refused });
    if (refused) {
      socket.end("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    if (url.pathname !== "/echo" && url.pathname !== "/storm") {
      socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
      ws.on("error", () => {});
    });
  });
  server.on("clientError", (_error, socket) => socket.destroy());

  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = server.address().port;
  return {
    origin: `http://127.0.0.1:${port}`,
    stormLog,
    /** performance.now() of the last kill, in this process's clock. */
    killedAt: () => killedAt,
    resetStorm: () => {
      stormLog.length = 0;
      killedAt = null;
      downUntil = 0;
    },
    stop: async () => {
      for (const socket of wss.clients) socket.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
