// Raw browser WebSocket: the baseline. `reconnect` is close() + a new WebSocket with the same
// callbacks.
//
// Every adapter exports the same three things, which bench/page.js uses:
//   create(url, { onopen, onmessage, binary }) → a client with send(data) and close();
//     `onmessage` is attached with the library's own message callback API, so the page's
//     counter runs exactly where a user's handler would; `onopen` fires on every open.
//   reconnect(client) → the client to use from now on (forces a new connection).
//   wasmBytes() → the library's WebAssembly memory in bytes, or null.
export const name = "raw";
const options = new WeakMap();

export function create(url, { onopen, onmessage, binary = false } = {}) {
  const socket = new WebSocket(url);
  if (binary) socket.binaryType = "arraybuffer";
  if (onopen) socket.addEventListener("open", onopen);
  if (onmessage) socket.addEventListener("message", onmessage);
  options.set(socket, { onopen, onmessage, binary });
  return socket;
}

export function reconnect(socket) {
  socket.close();
  return create(socket.url, options.get(socket));
}

export const wasmBytes = async () => null;

/**
 * For the reconnect storm only: a naive client that opens a new WebSocket as soon as the
 * previous one closes (no delay, no jitter).
 */
export function createNaive(url, { onopen } = {}) {
  let stopped = false;
  let socket;
  const connect = () => {
    socket = new WebSocket(url);
    if (onopen) socket.addEventListener("open", onopen);
    socket.addEventListener("close", () => {
      if (!stopped) connect();
    });
  };
  connect();
  return {
    close() {
      stopped = true;
      socket.close();
    },
  };
}
