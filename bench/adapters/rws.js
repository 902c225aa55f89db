// reconnecting-websocket, default options. Bundled by esbuild into /lib/rws.js.
import ReconnectingWebSocket from "reconnecting-websocket";

export const name = "reconnecting-websocket";

export function create(url, { onopen, onmessage, binary = false } = {}) {
  const socket = new ReconnectingWebSocket(url);
  if (binary) socket.binaryType = "arraybuffer";
  if (onopen) socket.addEventListener("open", onopen);
  if (onmessage) socket.addEventListener("message", onmessage);
  return socket;
}

export function reconnect(socket) {
  socket.reconnect();
  return socket;
}

export const wasmBytes = async () => null;
