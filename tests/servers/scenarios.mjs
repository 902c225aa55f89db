// The scenario lab: one local server per WebSocket failure, all on 127.0.0.1 with random ports,
// plus an HTTPS page server (trusted certificate) that serves the built package under /pkg/.
//
//   import { startScenarios } from "../servers/scenarios.mjs";
//   const lab = await startScenarios();
//   lab.pageOrigin        "https://127.0.0.1:PORT" (serves "/" and "/pkg/wsguard.js", …)
//   lab.urls.untrusted    a WebSocket URL per scenario (table below)
//   lab.spkiHash          for --ignore-certificate-errors-spki-list
//   lab.nssHome           HOME with an NSS db trusting the test CA, or null (see certs.mjs)
//   await lab.stop();
//
// or standalone: `node tests/servers/scenarios.mjs` prints "scenarios: ready <json>".
//
// scenario          URL                                     server
// untrusted         wss://127.0.0.1:P/echo                   self-signed certificate, untrusted
// wrongHost         wss://127.0.0.1:P/echo                   certificate for other-host.example
// expired           wss://127.0.0.1:P/echo                   CA-signed certificate that expired
// tlsToPlain        wss://127.0.0.1:P/echo                   a plain ws:// server (no TLS)
// rejected400/404/502 wss://127.0.0.1:P/status/N           trusted TLS, upgrade answered N
// refusedWss/refusedWs wss|ws://127.0.0.1:P/               nothing listens (port bound, closed)
// tcpClosed         wss://127.0.0.1:P/                       accepts TCP, closes it at once
// silent            wss://127.0.0.1:P/                       accepts TCP, never answers
// echo              wss://127.0.0.1:P/echo                   trusted echo
// drop              wss://127.0.0.1:P/drop?after=300         opens, destroys TCP after N ms
// idle              wss://127.0.0.1:P/idle?idle=2000         destroys TCP after N ms of silence
// close1001 …       wss://127.0.0.1:P/close?code=C&reason=bye  opens, closes with code C
// mixedContent      ws://echo.test:P/                        plain echo; *.test must be mapped
//                                                            to 127.0.0.1 (--host-resolver-rules)
// loopbackWs        ws://127.0.0.1:P/                        the same plain echo over loopback
// offline           wss://127.0.0.1:P/echo                   trusted echo; the test goes offline
//
// Any trusted WebSocket server also answers a plain GET with 200, so a `fetch` probe resolves.
import { readFile } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { WebSocketServer } from "ws";
import { ensureCerts } from "./certs.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const PKG_DIR = process.env.WSGUARD_PKG_DIR ?? join(ROOT, "pkg");
export const CLOSE_CODES = [1001, 1008, 1011, 1012, 1013, 4001];
export const REJECT_STATUSES = [400, 404, 502];

const TYPES = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".html": "text/html; charset=utf-8",
};

const BLANK_PAGE =
  "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>wsguard scenarios</title>" +
  "<link rel=\"icon\" href=\"data:,\"></head><body></body></html>\n";

function query(request) {
  return new URL(request.url, "http://127.0.0.1").searchParams;
}

function pathOf(request) {
  return new URL(request.url, "http://127.0.0.1").pathname;
}

/** Tracks every socket `server` accepts; returns a stop() that destroys them and closes it. */
export function track(server) {
  const sockets = new Set();
  const add = (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  server.on("connection", add);
  server.on("secureConnection", add);
  return async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((done) => server.close(() => done()));
  };
}

function listen(server) {
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", fail);
      done(server.address().port);
    });
  });
}

function okHandler(_request, response) {
  response.writeHead(200, { "content-type": "text/plain", "cache-control": "no-store" });
  response.end("ok\n");
}

/**
 * An HTTP(S) server on 127.0.0.1 with a WebSocket server whose connections go to `route(ws, req)`.
 * `tls` is `{cert, key}` or null for plain ws://. `onUpgrade(req, socket)` may answer an upgrade
 * itself by returning true.
 */
async function startWsServer({ tls, route, onUpgrade, requests }) {
  // `requests`, if given, records every plain (non-upgrade) request: what a probe sends.
  const handler = (request, response) => {
    requests?.push({
      method: request.method,
      url: request.url,
      cookie: request.headers.cookie ?? null,
      authorization: request.headers.authorization ?? null,
      referer: request.headers.referer ?? null,
    });
    okHandler(request, response);
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  server.on("upgrade", (request, socket, head) => {
    if (onUpgrade?.(request, socket)) return;
    wss.handleUpgrade(request, socket, head, (ws) => route(ws, request));
  });
  const stopServer = track(server);
  const port = await listen(server);
  return {
    port,
    stop: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await stopServer();
    },
  };
}

/**
 * Echoes, and destroys the TCP connection (no close frame) after `idleMs` without a message in
 * either direction: what a proxy or load balancer with an idle timeout does.
 */
export function cutWhenIdle(ws, socket, idleMs) {
  let timer;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => socket.destroy(), idleMs);
  };
  ws.on("message", (data, isBinary) => {
    arm();
    ws.send(data, { binary: isBinary }, arm);
  });
  socket.once("close", () => clearTimeout(timer));
  arm();
}

function echo(ws) {
  ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
}

/** Routes of the trusted application server: /echo, /drop, /idle, /close. */
function appRoute(ws, request) {
  const path = pathOf(request);
  const q = query(request);
  const socket = request.socket; // the TLS socket under the WebSocket
  if (path === "/echo") return echo(ws);
  if (path === "/drop") {
    // Destroy the TCP connection without a close frame after `after` ms.
    echo(ws);
    const timer = setTimeout(() => socket.destroy(), Number(q.get("after") ?? 300));
    socket.once("close", () => clearTimeout(timer));
    return;
  }
  if (path === "/idle") {
    cutWhenIdle(ws, socket, Number(q.get("idle") ?? 2000));
    return;
  }
  if (path === "/close") {
    const code = Number(q.get("code") ?? 1000);
    const reason = q.get("reason") ?? "";
    const timer = setTimeout(() => ws.close(code, reason), Number(q.get("after") ?? 20));
    socket.once("close", () => clearTimeout(timer));
    return;
  }
  ws.close(4404, "no such endpoint");
}

/** Answers `/status/N` upgrades with HTTP status N, as a proxy or a server refusing the path would. */
function rejectUpgrade(request, socket) {
  const match = pathOf(request).match(/^\/status\/(\d{3})$/);
  const status = match ? Number(match[1]) : 404;
  const body = `upgrade refused with ${status}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? "Status"}\r\n` +
      "Content-Type: text/plain\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      "Connection: close\r\n\r\n" +
      body,
  );
  return true;
}

/** A raw TCP server; `onSocket` decides what happens to each accepted socket. */
async function startTcpServer(onSocket) {
  const server = net.createServer(onSocket);
  const stop = track(server);
  const port = await listen(server);
  return { port, stop };
}

/** A port where nothing listens: bound, then closed, so that no other test takes it meanwhile. */
async function freePort() {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise((done) => server.close(done));
  return port;
}

/**
 * The request handler of a page server: "/" is `page` (HTML), "/pkg/…" the built npm package,
 * anything else 404 "not found". The scenario lab's HTTPS page and the proxy lab's app server
 * (static-site.mjs) both use it.
 */
export function pageHandler(page = BLANK_PAGE) {
  return async (request, response) => {
    const path = pathOf(request);
    const headers = { "cache-control": "no-store" };
    if (path === "/" || path === "/index.html") {
      response.writeHead(200, { ...headers, "content-type": TYPES[".html"] });
      return response.end(page);
    }
    if (path.startsWith("/pkg/")) {
      const file = normalize(join(PKG_DIR, decodeURIComponent(path.slice("/pkg/".length))));
      if (file.startsWith(PKG_DIR + "/")) {
        try {
          const body = await readFile(file);
          const type = TYPES[extname(file)] ?? "application/octet-stream";
          response.writeHead(200, { ...headers, "content-type": type });
          return response.end(body);
        } catch {
          // fall through to 404
        }
      }
    }
    response.writeHead(404, { ...headers, "content-type": "text/plain" });
    response.end("not found\n");
  };
}

/** The HTTPS page server: "/" is a blank page, "/pkg/…" the built npm package. */
async function startPageServer(tls) {
  const server = https.createServer(tls, pageHandler());
  const stop = track(server);
  const port = await listen(server);
  return { port, stop };
}

/** Starts the page server and every scenario server; `stop()` closes them all. */
export async function startScenarios() {
  const certs = ensureCerts();
  const trusted = { cert: certs.trusted.cert, key: certs.trusted.key };
  const stops = [];
  const started = async (promise) => {
    const server = await promise;
    stops.push(server.stop);
    return server.port;
  };
  const stop = async () => {
    await Promise.allSettled(stops.splice(0).map((s) => s()));
  };
  try {
    const page = await started(startPageServer(trusted));
    const untrusted = await started(
      startWsServer({ tls: certs.untrusted, route: echo }),
    );
    const wrongHost = await started(startWsServer({ tls: certs.wronghost, route: echo }));
    const expired = await started(startWsServer({ tls: certs.expired, route: echo }));
    const rejectingRequests = [];
    const rejecting = await started(
      startWsServer({ tls: trusted, route: echo, onUpgrade: rejectUpgrade, requests: rejectingRequests }),
    );
    const app = await started(startWsServer({ tls: trusted, route: appRoute }));
    const plain = await started(startWsServer({ tls: null, route: echo }));
    const silent = await started(startTcpServer(() => {}));
    const tcpClosed = await started(startTcpServer((socket) => socket.destroy()));
    const refused = await freePort();

    const urls = {
      untrusted: `wss://127.0.0.1:${untrusted}/echo`,
      wrongHost: `wss://127.0.0.1:${wrongHost}/echo`,
      expired: `wss://127.0.0.1:${expired}/echo`,
      tlsToPlain: `wss://127.0.0.1:${plain}/echo`,
      ...Object.fromEntries(
        REJECT_STATUSES.map((s) => [`rejected${s}`, `wss://127.0.0.1:${rejecting}/status/${s}`]),
      ),
      refusedWss: `wss://127.0.0.1:${refused}/`,
      refusedWs: `ws://127.0.0.1:${refused}/`,
      tcpClosed: `wss://127.0.0.1:${tcpClosed}/`,
      silent: `wss://127.0.0.1:${silent}/`,
      echo: `wss://127.0.0.1:${app}/echo`,
      drop: `wss://127.0.0.1:${app}/drop?after=300`,
      idle: `wss://127.0.0.1:${app}/idle?idle=2000`,
      ...Object.fromEntries(
        CLOSE_CODES.map((c) => [`close${c}`, `wss://127.0.0.1:${app}/close?code=${c}&reason=bye`]),
      ),
      mixedContent: `ws://echo.test:${plain}/`,
      loopbackWs: `ws://127.0.0.1:${plain}/`,
      offline: `wss://127.0.0.1:${app}/echo`,
    };
    return {
      urls,
      ports: { page, untrusted, wrongHost, expired, rejecting, app, plain, silent, tcpClosed, refused },
      pageOrigin: `https://127.0.0.1:${page}`,
      spkiHash: certs.spkiHash,
      nssHome: certs.nssHome,
      // Plain requests the rejecting server received (the diagnosis probe's), oldest first.
      requests: { rejecting: rejectingRequests },
      certDir: certs.dir,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The origin a probe would fetch for a WebSocket URL: wss→https, ws→http, same host:port. */
export function probeUrlFor(wsUrl) {
  const url = new URL(wsUrl);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  url.username = "";
  url.password = "";
  url.pathname = "/";
  url.search = "";
  url.hash = "";
  return url.href;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const lab = await startScenarios();
  const { stop, ...rest } = lab;
  console.log(`scenarios: ready ${JSON.stringify(rest)}`);
  const quit = async () => {
    await stop();
    process.exit(0);
  };
  process.on("SIGINT", quit);
  process.on("SIGTERM", quit);
}
