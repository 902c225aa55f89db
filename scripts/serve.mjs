// The demo server behind `npm start`: builds the demo app in www/ with Vite (against the local
// pkg/, which scripts/build.sh builds first), then serves www/dist over HTTPS and plain HTTP with
// the WebSocket endpoints and failure scenarios the demo's buttons drive.
//
//   node scripts/serve.mjs [--port N] [--http-port N] [--host H] [--no-build]
//
//   --port N        HTTPS port (also PORT env). Default 8443; 0 = any free port.
//   --http-port N   plain-HTTP port. Default 8080, or any free port when --port is 0.
//   --host H        interface to listen on. Default localhost.
//   --no-build      serve the existing www/dist without running Vite first.
//
// Same-origin endpoints on both the HTTPS and the HTTP server:
//
//   /ws                  WebSocket echo
//   /idle                WebSocket echo the server cuts (TCP reset, no close frame) after 5 s
//                        without a message in either direction, like an idle-timeout proxy
//   POST /control/drop   destroys every open /ws and /idle connection (no close frame)
//   POST /control/down?ms=N  drops them and answers every upgrade with 503 for N ms
//   POST /control/silence    every open /ws and /idle connection goes silent: the server stops
//                        reading it and never answers again, without closing it (a NAT that
//                        forgot the connection while the device slept)
//   GET  /demo/config.json   the scenario URLs below, for the page
//
// Separate local servers on free ports, for the demo's failure buttons:
//
//   untrusted   wss://localhost:P/      a self-signed certificate no browser trusts
//   rejecting   //localhost:P/          answers every upgrade with 403 Forbidden (TLS or plain
//                                       on the same port, so it works from both pages)
//   plain       ws://localhost:P/       an echo speaking ws:// (and wss:// on the same port, so
//                                       that wsguard's automatic upgrade from an HTTPS page works)
//
// Certificates: made with openssl by tests/servers/certs.mjs into .cache/certs/ (git-ignored):
// a local CA and a localhost leaf signed by it for the page, plus a self-signed leaf for the
// untrusted server. .cache/certs/mkcert.pem + mkcert-key.pem, when present, replace the page's
// certificate (see the hints printed at start).
//
// Prints "wsguard demo: https://localhost:<port>/" and "wsguard demo (http): http://localhost:<port>/"
// once every server listens; SIGINT/SIGTERM stop them all.
import { existsSync, readFileSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { Duplex } from "node:stream";
import { extname, join, normalize, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { WebSocketServer } from "ws";
import { ensureCerts } from "../tests/servers/certs.mjs";
import { cutWhenIdle, track } from "../tests/servers/scenarios.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WWW = join(ROOT, "www");
const DIST = join(WWW, "dist");
const CERT_DIR = join(ROOT, ".cache", "certs");
const IDLE_CUT_MS = 5_000;

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
  ".map": "application/json; charset=utf-8",
};

function arg(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
}

/** Builds www/ into www/dist with Vite (www/vite.config.js resolves "wsguard" to ../pkg). */
export async function buildDemo({ logLevel = "warn" } = {}) {
  if (!existsSync(join(ROOT, "pkg", "index.js"))) {
    throw new Error("pkg/ is missing: run `npm run build` (or `bash scripts/build.sh`) first");
  }
  const { build } = await import("vite");
  await build({ configFile: join(WWW, "vite.config.js"), logLevel });
}

/** The page certificate: mkcert's when the user made one, else the locally generated one. */
function pageCertificate(certs) {
  const cert = join(CERT_DIR, "mkcert.pem");
  const key = join(CERT_DIR, "mkcert-key.pem");
  if (existsSync(cert) && existsSync(key)) {
    return { tls: { cert: readFileSync(cert), key: readFileSync(key) }, source: "mkcert" };
  }
  return { tls: certs.trusted, source: "local" };
}

function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address().port);
    });
  });
}

function refuseUpgrade(socket, status, text) {
  const body = `${text}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n` +
      "Content-Type: text/plain\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      "Connection: close\r\n\r\n" +
      body,
  );
}

function echo(ws) {
  ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
}

/** The file under www/dist a request path maps to, or null. */
function distFile(pathname) {
  let rel;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (rel.endsWith("/")) rel += "index.html";
  const file = normalize(join(DIST, rel));
  if (file !== DIST && !file.startsWith(DIST + sep)) return null;
  try {
    return statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

/**
 * The demo application: one request handler and one upgrade handler, mounted on both the HTTPS
 * and the HTTP server, sharing the live connections and the "down" state.
 */
function createApp(config) {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const live = new Set(); // TCP sockets under /ws and /idle connections
  let downUntil = 0;
  let downTimer = null;

  const dropAll = () => {
    const n = live.size;
    for (const socket of live) socket.destroy();
    return n;
  };

  const json = (res, status, value) => {
    res.writeHead(status, { "content-type": TYPES[".json"], "cache-control": "no-store" });
    res.end(JSON.stringify(value) + "\n");
  };

  const onRequest = async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    const { pathname } = url;
    if (pathname === "/demo/config.json") {
      return json(res, 200, { ...config(), idleCutMs: IDLE_CUT_MS, downUntil });
    }
    if (pathname.startsWith("/control/")) {
      if (req.method !== "POST") return json(res, 405, { error: "use POST" });
      if (pathname === "/control/drop") return json(res, 200, { dropped: dropAll() });
      if (pathname === "/control/silence") {
        for (const socket of live) socket.pause();
        return json(res, 200, { silenced: live.size });
      }
      if (pathname === "/control/down") {
        const ms = Math.max(0, Math.min(120_000, Number(url.searchParams.get("ms") ?? 5000) || 0));
        downUntil = Date.now() + ms;
        clearTimeout(downTimer);
        downTimer = setTimeout(() => (downUntil = 0), ms);
        downTimer.unref();
        return json(res, 200, { dropped: dropAll(), downForMs: ms });
      }
      return json(res, 404, { error: "no such control" });
    }
    const file = distFile(pathname);
    if (!file) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      return res.end("not found\n");
    }
    const body = await readFile(file);
    const immutable = pathname.startsWith("/assets/");
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-store",
    });
    res.end(body);
  };

  const onUpgrade = (req, socket, head) => {
    const { pathname } = new URL(req.url, "http://localhost");
    if (pathname !== "/ws" && pathname !== "/idle") {
      return refuseUpgrade(socket, 404, `no WebSocket endpoint at ${pathname}`);
    }
    if (Date.now() < downUntil) {
      return refuseUpgrade(socket, 503, "the demo server is down (scenario)");
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      live.add(socket);
      socket.once("close", () => live.delete(socket));
      if (pathname === "/ws") return echo(ws);
      // /idle: like a proxy with an idle timeout, cut the TCP connection after IDLE_CUT_MS
      // without a message in either direction.
      cutWhenIdle(ws, socket, IDLE_CUT_MS);
    });
  };

  const close = () => {
    clearTimeout(downTimer);
    for (const client of wss.clients) client.terminate();
    wss.close();
  };
  return { onRequest, onUpgrade, close };
}

/**
 * A port that speaks both TLS and plain TCP: the first byte of each connection (0x16, a TLS
 * handshake record) picks the HTTPS or the HTTP parser. `onUpgrade(req, socket, head)` gets
 * upgrades from both.
 */
async function startDualServer({ tls, onUpgrade, host }) {
  const ok = (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain", "cache-control": "no-store" });
    res.end("ok\n");
  };
  const secure = https.createServer(tls, ok);
  const plain = http.createServer(ok);
  secure.on("upgrade", onUpgrade);
  plain.on("upgrade", onUpgrade);
  const front = net.createServer((socket) => {
    socket.on("error", () => {});
    socket.once("data", (chunk) => {
      socket.pause();
      if (chunk[0] !== 0x16) {
        socket.unshift(chunk);
        plain.emit("connection", socket);
        socket.resume();
        return;
      }
      // TLS reads a net.Socket's handle directly, past anything unshifted: hand it a JS
      // stream instead, fed with the first chunk and everything after.
      const duplex = new Duplex({
        read() {
          socket.resume();
        },
        write(data, encoding, done) {
          socket.write(data, encoding, done);
        },
        final(done) {
          socket.end();
          done();
        },
        destroy(error, done) {
          socket.destroy();
          done(error);
        },
      });
      duplex.on("error", () => {});
      socket.on("data", (data) => {
        if (!duplex.push(data)) socket.pause();
      });
      socket.once("end", () => duplex.push(null));
      socket.once("close", () => duplex.destroy());
      duplex.push(chunk);
      secure.emit("connection", duplex);
    });
  });
  const stop = track(front);
  const port = await listen(front, 0, host);
  return { port, stop };
}

/** An HTTPS (tls) or HTTP server whose upgrades all go to `onUpgrade`. */
async function startWsServer({ tls, onUpgrade, host }) {
  const ok = (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain", "cache-control": "no-store" });
    res.end("ok\n");
  };
  const server = tls ? https.createServer(tls, ok) : http.createServer(ok);
  server.on("upgrade", onUpgrade);
  const stop = track(server);
  const port = await listen(server, 0, host);
  return { port, stop };
}

/** Starts every server; resolves with their URLs and a `stop()` that closes them all. */
export async function startDemo({ port = 8443, httpPort = 8080, host = "localhost" } = {}) {
  const certs = ensureCerts(CERT_DIR);
  const page = pageCertificate(certs);
  const stops = [];
  const stop = async () => {
    await Promise.allSettled(stops.splice(0).map((s) => s()));
  };
  try {
    // Scenario servers first, so that the page's config has their ports.
    const echoWss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    stops.push(async () => {
      for (const client of echoWss.clients) client.terminate();
      echoWss.close();
    });
    const echoUpgrade = (req, socket, head) =>
      echoWss.handleUpgrade(req, socket, head, (ws) => echo(ws));

    const untrusted = await startWsServer({ tls: certs.untrusted, onUpgrade: echoUpgrade, host });
    stops.push(untrusted.stop);
    const rejecting = await startDualServer({
      tls: page.tls,
      host,
      onUpgrade: (_req, socket) => refuseUpgrade(socket, 403, "upgrade refused (scenario: 403)"),
    });
    stops.push(rejecting.stop);
    const plain = await startDualServer({ tls: page.tls, host, onUpgrade: echoUpgrade });
    stops.push(plain.stop);

    let securePort = 0;
    let insecurePort = 0;
    const config = () => ({
      origins: {
        https: securePort ? `https://localhost:${securePort}` : null,
        http: insecurePort ? `http://localhost:${insecurePort}` : null,
      },
      urls: {
        untrusted: `wss://localhost:${untrusted.port}/`,
        rejected: `//localhost:${rejecting.port}/`,
        plain: `ws://localhost:${plain.port}/`,
      },
    });
    const app = createApp(config);
    stops.push(async () => app.close());

    const secure = https.createServer(page.tls, app.onRequest);
    secure.on("upgrade", app.onUpgrade);
    stops.push(track(secure));
    securePort = await listen(secure, port, host);

    const insecure = http.createServer(app.onRequest);
    insecure.on("upgrade", app.onUpgrade);
    stops.push(track(insecure));
    insecurePort = await listen(insecure, httpPort, host);

    return {
      httpsUrl: `https://localhost:${securePort}/`,
      httpUrl: `http://localhost:${insecurePort}/`,
      ports: {
        https: securePort,
        http: insecurePort,
        untrusted: untrusted.port,
        rejecting: rejecting.port,
        plain: plain.port,
      },
      spkiHash: certs.spkiHash,
      certSource: page.source,
      certDir: CERT_DIR,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const portArg = arg("port", process.env.PORT ?? "8443");
  const port = Number(portArg);
  const httpPort = Number(arg("http-port", port === 0 ? "0" : "8080"));
  const host = arg("host", "localhost");
  if (!process.argv.includes("--no-build")) {
    const started = Date.now();
    try {
      await buildDemo();
    } catch (error) {
      console.error(`wsguard demo: the Vite build failed: ${error.message ?? error}`);
      process.exit(1);
    }
    console.log(`Built the demo with Vite into www/dist in ${Date.now() - started} ms.`);
  } else if (!existsSync(join(DIST, "index.html"))) {
    console.error("wsguard demo: www/dist is missing; run without --no-build");
    process.exit(1);
  }

  let demo;
  try {
    demo = await startDemo({ port, httpPort, host });
  } catch (error) {
    const hint = error.code === "EADDRINUSE" ? " (port in use: try --port 0 or PORT=…)" : "";
    console.error(`wsguard demo: could not start: ${error.message}${hint}`);
    process.exit(1);
  }
  const certs = relative(ROOT, demo.certDir);
  console.log(`wsguard demo: ${demo.httpsUrl}`);
  console.log(`wsguard demo (http): ${demo.httpUrl}`);
  console.log("");
  if (demo.certSource === "mkcert") {
    console.log(`HTTPS uses your mkcert certificate (${certs}/mkcert.pem).`);
  } else {
    console.log(
      [
        `HTTPS uses a certificate made just now for localhost (${certs}/trusted.pem, signed by ${certs}/ca.pem),`,
        "which your browser does not trust yet. Any one of these works:",
        `  - open ${demo.httpUrl} instead: the same demo over plain HTTP (ws:// instead of wss://)`,
        '  - accept the warning: "Advanced" → "Proceed to localhost" (Chrome), "Accept the risk" (Firefox)',
        `  - Chromium/Chrome: start it with --ignore-certificate-errors-spki-list=${demo.spkiHash}`,
        "  - mkcert: mkcert -install && mkcert -cert-file " +
          `${certs}/mkcert.pem -key-file ${certs}/mkcert-key.pem localhost 127.0.0.1 ::1`,
        "    then restart: the demo serves that certificate, trusted by your browsers",
      ].join("\n"),
    );
  }
  console.log("Press Ctrl-C to stop.");

  let stopping = false;
  const quit = async () => {
    if (stopping) return;
    stopping = true;
    await demo.stop();
    process.exit(0);
  };
  process.on("SIGINT", quit);
  process.on("SIGTERM", quit);
}
