// partysocket's drop-in WebSocket class (ReconnectingWebSocket on EventTarget), default options.
// Bundled by esbuild into /lib/partysocket.js.
import { WebSocket as PartySocket } from "partysocket";

export const name = "partysocket";
export const create = (url) => new PartySocket(url);
export function reconnect(socket) {
  socket.reconnect();
  return socket;
}
