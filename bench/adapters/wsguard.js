// wsguard through the package's main entry, as users import it: `pkg/index.js` loads and
// instantiates the WebAssembly itself (top-level await), so no init() call. Served unbundled;
// `/pkg/` is a snapshot of the built package taken when the bench started.
import * as wsguard from "/pkg/index.js";

const { WsGuard } = wsguard;
export const name = "wsguard";

export function create(url, { onopen, onmessage, binary = false } = {}) {
  const socket = new WsGuard(url);
  if (binary) socket.binaryType = "arraybuffer";
  if (onopen) socket.addEventListener("open", onopen);
  if (onmessage) socket.addEventListener("message", onmessage);
  return socket;
}

export function reconnect(socket) {
  socket.reconnect();
  return socket;
}

/** The WebAssembly memory: `ready` (or the no-op default init()) resolves to wasm-bindgen's exports. */
export async function wasmBytes() {
  const exports = await (wsguard.ready ?? wsguard.default?.());
  return exports?.memory?.buffer?.byteLength ?? null;
}
