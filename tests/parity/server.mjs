// The parity lab: one request handler served over HTTP and over HTTPS (the lab's trusted
// certificate), on 127.0.0.1, for tests/e2e/parity.test.mjs.
//
//   const server = await startParityServer();   // server.http / server.https: { port, origin }
//   await server.stop();
//
// Pages (no `no-store`, so that they may enter the back/forward cache):
//   GET /                  a page that loads both drivers (tests/parity/page/adapters.mjs) as `window.parity`
//   GET /other             a blank page to navigate to
//   GET /worker            a blank page for the worker scenarios
// Files:
//   GET /pkg/*             the built npm package (pkg/)
//   GET /harness/*         the built harness (tests/parity/harness/pkg/)
//   GET /parity/*          tests/parity/page/ (the adapters, the worker script)
// Control, from the test (node): `server.received(client)`, the text messages /seq received from
// that client; `server.down(client, ms)`, which cuts that client's open sockets (no close frame)
// and refuses its upgrades with 503 for ms. A client is the `client` query parameter of any
// endpoint, so that scenarios running side by side never touch each other's sockets.
// WebSocket endpoints (the same on ws:// and wss://):
//   /echo                  echoes text as text and binary as binary
//   /seq?client=ID         records each text message of ID, and echoes it
//   /drop?after=MS         echoes, cuts the TCP connection after MS ms (no close frame)
//   /close?code=C&reason=R opens, then closes with C and R
//   /mute                  opens and never sends anything (a heartbeat gets no answer)
//   /hang                  never answers the handshake
//   /refuse                refuses the handshake with 403
import { createReadStream, existsSync, statSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { WebSocketServer } from "ws";
import { ensureCerts } from "../servers/certs.mjs";
import { echo, servePackage } from "../servers/lab.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
export const HARNESS_PKG = join(here, "harness/pkg");
const DIRS = { "/harness/": HARNESS_PKG, "/parity/": join(here, "page") };
const TYPES = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
};

const html = (title, body = "") =>
  `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${title}</title></head><body>${body}</body></html>`;

const DRIVERS_PAGE = html(
  "parity",
  `<script type="module">
    window.events = [];
    for (const type of ["pagehide", "pageshow"]) {
      addEventListener(type, (event) => events.push({ type, persisted: event.persisted, at: performance.now() }));
    }
    document.addEventListener("freeze", () => events.push({ type: "freeze", at: performance.now() }));
    document.addEventListener("resume", () => events.push({ type: "resume", at: performance.now() }));
    try {
      window.parity = await import("/parity/adapters.mjs");
      window.ready = true;
    } catch (error) {
      window.ready = String(error?.stack ?? error);
    }
  </script>`,
);

function serveDir(prefix, pathname, res) {
  const dir = DIRS[prefix];
  const file = normalize(join(dir, decodeURIComponent(pathname.slice(prefix.length))));
  if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
  createReadStream(file).pipe(res);
}

/** Starts the handler on an HTTP and an HTTPS port; `stop()` closes everything. */
export async function startParityServer() {
  const received = new Map();
  const downUntil = new Map(); // client -> time
  const sockets = new Map(); // client -> Set of ws
  const hanging = new Set();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

  const onRequest = (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    const prefix = Object.keys(DIRS).find((p) => url.pathname.startsWith(p));
    if (url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(DRIVERS_PAGE);
    } else if (url.pathname === "/other" || url.pathname === "/worker") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html(url.pathname.slice(1)));
    } else if (url.pathname.startsWith("/pkg/")) {
      servePackage(url.pathname, res);
    } else if (prefix) {
      serveDir(prefix, url.pathname, res);
    } else {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    }
  };

  const onUpgrade = (req, socket, head) => {
    const url = new URL(req.url, "http://127.0.0.1");
    if (url.pathname === "/refuse") return socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
    if (url.pathname === "/hang") {
      hanging.add(socket);
      socket.on("error", () => {});
      socket.once("close", () => hanging.delete(socket));
      return;
    }
    const client = url.searchParams.get("client") ?? "";
    if (Date.now() < (downUntil.get(client) ?? 0)) return socket.end("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (!sockets.has(client)) sockets.set(client, new Set());
      sockets.get(client).add(ws);
      ws.once("close", () => sockets.get(client).delete(ws));
      route(ws, url, socket);
    });
  };

  function route(ws, url, socket) {
    const query = url.searchParams;
    switch (url.pathname) {
      case "/echo":
        return echo(ws);
      case "/seq": {
        const client = query.get("client") ?? "";
        if (!received.has(client)) received.set(client, []);
        ws.on("message", (data, isBinary) => {
          if (!isBinary) received.get(client).push(data.toString());
          ws.send(data, { binary: isBinary });
        });
        return;
      }
      case "/drop": {
        echo(ws);
        const timer = setTimeout(() => socket.destroy(), Number(query.get("after") ?? 0));
        socket.once("close", () => clearTimeout(timer));
        return;
      }
      case "/close":
        return ws.close(Number(query.get("code") ?? 1000), query.get("reason") ?? "");
      case "/mute":
        return;
      default:
        ws.close(4404, "no such endpoint");
    }
  }

  const certs = ensureCerts();
  const servers = [http.createServer(onRequest), https.createServer({ cert: certs.trusted.cert, key: certs.trusted.key }, onRequest)];
  for (const server of servers) server.on("upgrade", onUpgrade);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.listen(0, "127.0.0.1", resolve))));
  const [httpPort, httpsPort] = servers.map((server) => server.address().port);
  return {
    http: { port: httpPort, origin: `http://127.0.0.1:${httpPort}` },
    https: { port: httpsPort, origin: `https://127.0.0.1:${httpsPort}` },
    received: (client) => received.get(client) ?? [],
    down: (client, ms) => {
      downUntil.set(client, Date.now() + ms);
      for (const ws of sockets.get(client) ?? []) ws.terminate();
    },
    stop: async () => {
      for (const socket of wss.clients) socket.terminate();
      for (const socket of hanging) socket.destroy();
      wss.close();
      await Promise.all(
        servers.map((server) => {
          server.closeAllConnections();
          return new Promise((resolve) => server.close(resolve));
        }),
      );
    },
  };
}
