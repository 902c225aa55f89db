// reconnecting-websocket, default options. Bundled by esbuild into /lib/rws.js.
import ReconnectingWebSocket from "reconnecting-websocket";

export const name = "reconnecting-websocket";
export const create = (url) => new ReconnectingWebSocket(url);
export function reconnect(socket) {
  socket.reconnect();
  return socket;
}
