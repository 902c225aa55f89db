// partysocket's drop-in WebSocket class (ReconnectingWebSocket on EventTarget), default options.
// Bundled by esbuild into /lib/partysocket.js.
import { WebSocket as PartySocket } from "partysocket";

export const name = "partysocket";

export function create(url, { onopen, onmessage, binary = false } = {}) {
  const socket = new PartySocket(url);
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
