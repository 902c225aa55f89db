// wsguard through the package's main entry (pkg/index.js), which loads the WebAssembly itself.
import { WsGuard } from "/pkg/index.js";

export const name = "wsguard-index";
export const create = (url) => new WsGuard(url);
export function reconnect(socket) {
  socket.reconnect();
  return socket;
}
