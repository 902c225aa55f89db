// sockette, default options (reconnects 1 s after an abnormal close). Bundled by esbuild into
// /lib/sockette.js. Its callbacks are options given to the constructor (`onmessage`,
// `onopen`…); it does not expose its WebSocket, so binaryType is set on the socket that fires
// `open` (before any message can arrive). A forced reconnect is close() then open(), both
// public methods: sockette's reconnect() only schedules an open() after `timeout` (1 s) and
// leaves the current socket open.
import Sockette from "sockette";

export const name = "sockette";

export function create(url, { onopen, onmessage, binary = false } = {}) {
  return new Sockette(url, {
    onopen(event) {
      if (binary) event.target.binaryType = "arraybuffer";
      onopen?.(event);
    },
    ...(onmessage ? { onmessage } : {}),
  });
}

export function reconnect(socket) {
  socket.close();
  socket.open();
  return socket;
}

export const wasmBytes = async () => null;
