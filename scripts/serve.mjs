// The demo server behind `npm start`: serves www/ and the built package pkg/ over HTTP, with a
// WebSocket echo endpoint at /ws on the same origin.
//
//   node scripts/serve.mjs [--port N] [--host H]     (PORT env also works; 0 = any free port)
//
// Prints "wsguard demo: http://localhost:<port>/" once listening; SIGINT/SIGTERM stop it.
import { createReadStream, statSync } from "node:fs";
import http from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { WebSocketServer } from "ws";

const root = fileURLToPath(new URL("..", import.meta.url));
const mounts = [
  ["/pkg/", join(root, "pkg")],
  ["/", join(root, "www")],
];
const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".wasm": "application/wasm",
  ".ts": "text/plain; charset=utf-8",
};

function arg(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
}

/** The file a request path maps to, or null when it is outside every mount. */
function fileFor(pathname) {
  for (const [prefix, dir] of mounts) {
    if (!pathname.startsWith(prefix)) continue;
    let relative = decodeURIComponent(pathname.slice(prefix.length));
    if (relative === "" || relative.endsWith("/")) relative += "index.html";
    const file = normalize(join(dir, relative));
    if (file !== dir && !file.startsWith(dir + sep)) return null;
    try {
      if (statSync(file).isFile()) return file;
    } catch {
      // Not in this mount; try the next one.
    }
  }
  return null;
}

export function createDemoServer() {
  const server = http.createServer((req, res) => {
    const { pathname } = new URL(req.url, "http://localhost");
    const file = fileFor(pathname);
    if (!file) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found\n");
      return;
    }
    res.writeHead(200, {
      "content-type": types[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-store",
    });
    createReadStream(file).pipe(res);
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  server.on("upgrade", (req, socket, head) => {
    const { pathname } = new URL(req.url, "http://localhost");
    if (pathname !== "/ws") {
      socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
    });
  });
  const close = () =>
    new Promise((resolve) => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.close(resolve);
      server.closeAllConnections();
    });
  return { server, close };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(arg("port", process.env.PORT ?? 8080));
  const host = arg("host", "localhost");
  const demo = createDemoServer();
  demo.server.listen(port, host, () => {
    console.log(`wsguard demo: http://localhost:${demo.server.address().port}/`);
    console.log("Press Ctrl-C to stop.");
  });
  const stop = async () => {
    await demo.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
