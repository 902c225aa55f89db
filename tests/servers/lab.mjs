// The local servers the browser tests talk to, on 127.0.0.1.
//
//   node tests/servers/lab.mjs [--parent PID]
//
// prints "lab: ready <json>" with the ports, then serves until SIGINT/SIGTERM arrives or the
// process PID (the test script that started it) is gone. Tests in node import `startLab()`.
//
// One HTTP server carries everything, so a page it serves can use relative WebSocket URLs:
//   GET  /                     a blank page
//   GET  /pkg/*                the built npm package (pkg/)
//   POST /control/down?ms=N    closes every open socket abruptly (no close frame) and refuses
//                              upgrades with 503 for N ms
//   GET  /control/received?client=ID   JSON array of the messages /seq received from ID
//   GET  /control/connections?client=ID  how many times ID connected to /seq
// WebSocket endpoints:
//   /echo                      echoes every text and binary message back
//   /close?code=C&reason=R     closes at once with that code and reason
//   /drop?after=MS             accepts, then drops the TCP connection after MS ms
//   /seq?client=ID             records every text message from ID, and echoes it
//   /refuse                    refuses the handshake: HTTP 403, no upgrade
import { createReadStream, statSync } from "node:fs";
import http from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { WebSocketServer } from "ws";

const root = fileURLToPath(new URL("../..", import.meta.url));
const pkgDir = join(root, "pkg");
const TYPES = {
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
};
/** A blank HTML page titled `title`, for tests that only need an origin to run in. */
export function blankPage(title) {
  return `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${title}</title></head><body></body></html>`;
}

/** An echo endpoint: every message goes back as it came, text as text and binary as binary. */
export function echo(socket) {
  socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
}

/** Serves `/pkg/<file>` from the built package (pkg/), with the right MIME types. */
export function servePackage(pathname, res) {
  const file = normalize(join(pkgDir, decodeURIComponent(pathname.slice("/pkg/".length))));
  try {
    if (!file.startsWith(pkgDir + sep) || !statSync(file).isFile()) throw new Error("not a file");
  } catch {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, {
    "content-type": TYPES[extname(file)] ?? "application/octet-stream",
    "cache-control": "no-store",
  });
  createReadStream(file).pipe(res);
}

/** Starts the lab; `stop()` closes every socket and the server. */
export async function startLab() {
  const received = new Map();
  const connections = new Map();
  let downUntil = 0;

  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    const client = url.searchParams.get("client") ?? "";
    if (url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(blankPage("wsguard lab"));
    } else if (url.pathname.startsWith("/pkg/")) {
      servePackage(url.pathname, res);
    } else if (url.pathname === "/control/down" && req.method === "POST") {
      downUntil = Date.now() + Number(url.searchParams.get("ms") ?? 0);
      for (const socket of wss.clients) socket.terminate();
      res.writeHead(204).end();
    } else if (url.pathname === "/control/received") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(received.get(client) ?? []));
    } else if (url.pathname === "/control/connections") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(connections.get(client) ?? 0));
    } else {
      res.writeHead(404).end();
    }
  });

  server.on("upgrade", (req, socket, head) => {
    if (req.url.startsWith("/refuse")) {
      socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    if (Date.now() < downUntil) {
      socket.end("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => route(ws, new URL(req.url, "http://127.0.0.1")));
  });

  function route(ws, url) {
    const query = url.searchParams;
    switch (url.pathname) {
      case "/echo":
        return echo(ws);
      case "/close":
        return ws.close(Number(query.get("code") ?? 1000), query.get("reason") ?? "");
      case "/drop": {
        const timer = setTimeout(() => ws.terminate(), Number(query.get("after") ?? 0));
        ws.on("close", () => clearTimeout(timer));
        return echo(ws);
      }
      case "/seq": {
        const client = query.get("client") ?? "";
        connections.set(client, (connections.get(client) ?? 0) + 1);
        if (!received.has(client)) received.set(client, []);
        ws.on("message", (data, isBinary) => {
          if (!isBinary) received.get(client).push(data.toString());
          ws.send(data, { binary: isBinary });
        });
        return;
      }
      default:
        ws.close(4404, "no such endpoint");
    }
  }

  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = server.address().port;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    ports: { ws: port },
    stop: async () => {
      for (const socket of wss.clients) socket.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const lab = await startLab();
  console.log(`lab: ready ${JSON.stringify(lab.ports)}`);
  const stop = async () => {
    await lab.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const parentAt = process.argv.indexOf("--parent");
  if (parentAt > 0) stopWithParent(Number(process.argv[parentAt + 1]), stop);
}

/**
 * Calls `stop` once process `parent` is gone (checked every second), so that a server started by
 * a test runner never outlives it.
 */
export function stopWithParent(parent, stop) {
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      stop();
    }
  }, 1000).unref();
}
