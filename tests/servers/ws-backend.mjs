// The WebSocket application behind the proxy lab's nginx and HAProxy: a Node `ws` server set up
// the way people deploy one, `new WebSocketServer({ port })` standalone. Its own HTTP server
// answers every plain (non-upgrade) request with 426 Upgrade Required, whatever the path: that is
// what a proxy that drops the Upgrade headers, or a probe `fetch` of the socket's URL, gets back.
//
//   const backend = await startWsBackend();
//   backend.port                      127.0.0.1:port, for the proxy's upstream
//   await backend.restart({ code: 1012, downMs: 8000 })   close all, stop listening, come back
//   backend.connections()             sockets open now
//   await backend.stop();
//
// Paths (the proxy routes each of them, exactly):
//   /ws              echoes every message
//   /mute            accepts, then never sends anything (a server that ignores the heartbeat)
//   /tick?every=N    sends "tick" every N ms (default 1000) and ignores what it receives
import net from "node:net";
import { WebSocketServer } from "ws";

/** A port where nothing listens: bound, then closed (the proxies' "backend down" upstream). */
export function closedPort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** What one connection does, by the path of its upgrade request. */
function route(ws, request) {
  const url = new URL(request.url, "http://127.0.0.1");
  if (url.pathname === "/mute") return; // receives, never answers
  if (url.pathname === "/tick") {
    const every = Number(url.searchParams.get("every") ?? 1000);
    const timer = setInterval(() => ws.send("tick"), every);
    ws.once("close", () => clearInterval(timer));
    return;
  }
  ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
}

/** Listens on `port` (0: any free one) on 127.0.0.1; resolves once listening. */
function listen(port) {
  return new Promise((resolve, reject) => {
    const wss = new WebSocketServer({ port, host: "127.0.0.1", perMessageDeflate: false });
    wss.once("error", reject);
    wss.once("listening", () => {
      wss.off("error", reject);
      wss.on("connection", route);
      resolve(wss);
    });
  });
}

/** Stops listening; existing connections are left to finish (ws 8 does not close them). */
function unlisten(wss) {
  return new Promise((resolve) => wss.close(() => resolve()));
}

export async function startWsBackend() {
  let wss = await listen(0);
  const port = wss.address().port;
  // Every socket ever accepted, so that stop() and restart() reach those of older servers too.
  const sockets = new Set();
  const track = (ws) => {
    sockets.add(ws);
    ws.once("close", () => sockets.delete(ws));
  };
  wss.on("connection", track);
  let restarting = null;
  let stopped = false;

  return {
    port,
    connections: () => [...sockets].filter((ws) => ws.readyState === ws.OPEN).length,
    /**
     * A deploy: every socket is closed with `code` (1012 "service restart" or 1001 "going
     * away"), the port stops listening for `downMs` (connects are refused, so the proxy answers
     * 502/503), then the server listens again on the same port. Resolves once it listens again.
     */
    restart({ code = 1012, reason = "restarting", downMs = 8000 } = {}) {
      if (restarting) return restarting;
      restarting = (async () => {
        for (const ws of sockets) ws.close(code, reason);
        await unlisten(wss);
        await new Promise((resolve) => setTimeout(resolve, downMs));
        if (stopped) return;
        wss = await listen(port);
        wss.on("connection", track);
      })().finally(() => {
        restarting = null;
      });
      return restarting;
    },
    async stop() {
      stopped = true;
      for (const ws of sockets) ws.terminate();
      await unlisten(wss);
      await restarting?.catch(() => {});
    },
  };
}
