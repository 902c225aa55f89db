// websocket-ts, configured as its README's first example: a message buffer and a reconnect
// every second (`ConstantBackoff(1000)`); without a backoff it never reconnects. Bundled by
// esbuild into /lib/websocket-ts.js. Its listeners get (instance, event); the page's counter
// ignores both. It has no reconnect(): a forced reconnect is close() + a new instance with the
// same callbacks, as for the raw WebSocket.
import { ArrayQueue, ConstantBackoff, WebsocketBuilder } from "websocket-ts";

export const name = "websocket-ts";
const options = new WeakMap();

export function create(url, { onopen, onmessage, binary = false } = {}) {
  const builder = new WebsocketBuilder(url).withBuffer(new ArrayQueue()).withBackoff(new ConstantBackoff(1000));
  if (onopen) builder.onOpen(onopen);
  if (onmessage) builder.onMessage(onmessage);
  const socket = builder.build();
  if (binary) socket.binaryType = "arraybuffer";
  options.set(socket, { onopen, onmessage, binary });
  return socket;
}

export function reconnect(socket) {
  socket.close();
  return create(socket.url, options.get(socket));
}

export const wasmBytes = async () => null;
