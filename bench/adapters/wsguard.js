// wsguard as its README tells users to load it: wasm-bindgen's module, then `await init()`.
// Served unbundled; `/pkg/` is a snapshot of the built package taken when the bench started.
import init, { WsGuard } from "/pkg/wsguard.js";

export const name = "wsguard";
/** wasm-bindgen's exports; `memory` is the module's WebAssembly.Memory. */
export const wasm = await init();
export const create = (url) => new WsGuard(url);
export function reconnect(socket) {
  socket.reconnect();
  return socket;
}
