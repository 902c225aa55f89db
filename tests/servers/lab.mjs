// The local servers the browser tests talk to, all on 127.0.0.1.
//
//   node tests/servers/lab.mjs            prints "lab: ready <json>" with the ports, then serves
//                                         until stdin closes or SIGINT/SIGTERM arrives.
//
// Endpoints (WebSocket paths on the "ws" port):
//   /echo    echoes every text and binary message back.
import http from "node:http";
import { WebSocketServer } from "ws";

/** Starts an HTTP server on 127.0.0.1 with a WebSocket server on it; resolves with both. */
export async function startWsServer(onConnection) {
  const server = http.createServer((req, res) => {
    res.writeHead(426, { "content-type": "text/plain" });
    res.end("WebSocket only\n");
  });
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on("connection", onConnection);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, wss, port: server.address().port };
}

/** An echo endpoint: every message goes back as it came, text as text and binary as binary. */
export function echo(socket) {
  socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
}

function route(socket, request) {
  const { pathname } = new URL(request.url, "http://127.0.0.1");
  if (pathname === "/echo") return echo(socket);
  socket.close(4404, "no such endpoint");
}

/** Starts every lab server; `stop()` closes them all. */
export async function startLab() {
  const ws = await startWsServer(route);
  return {
    ports: { ws: ws.port },
    stop: async () => {
      for (const client of ws.wss.clients) client.terminate();
      await new Promise((resolve) => ws.wss.close(resolve));
      await new Promise((resolve) => ws.server.close(resolve));
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
  process.stdin.on("end", stop);
  process.stdin.resume();
}
