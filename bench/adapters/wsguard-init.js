// An extra start-up row only: wsguard through the package's manual entry ("wsguard/raw",
// `pkg/raw.js`) and an explicit `await init()`, instead of the auto-initialising main entry.
// bench/sizes.mjs rewrites the specifier to what pkg/package.json's "./raw" export names
// (`pkg/wsguard.js` in packages that have no such export).
import init, { WsGuard } from "/pkg/raw.js";

await init();
export const name = "wsguard-init";

export function create(url, { onopen, onmessage } = {}) {
  const socket = new WsGuard(url);
  if (onopen) socket.addEventListener("open", onopen);
  if (onmessage) socket.addEventListener("message", onmessage);
  return socket;
}

export function reconnect(socket) {
  socket.reconnect();
  return socket;
}

export const wasmBytes = async () => null;
