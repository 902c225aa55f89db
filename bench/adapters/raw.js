// Raw browser WebSocket: the baseline. `reconnect` is close + new.
export const name = "raw";
export const create = (url) => new WebSocket(url);
export function reconnect(socket) {
  socket.close();
  return new WebSocket(socket.url);
}

/**
 * For the reconnect storm only: a naive client that opens a new WebSocket as soon as the
 * previous one closes (no delay, no jitter), re-dispatching `open` on one EventTarget.
 */
export function createNaive(url) {
  const target = new EventTarget();
  let stopped = false;
  let socket;
  const connect = () => {
    socket = new WebSocket(url);
    socket.addEventListener("open", () => target.dispatchEvent(new Event("open")));
    socket.addEventListener("close", () => {
      if (!stopped) connect();
    });
  };
  connect();
  Object.defineProperty(target, "readyState", { get: () => socket.readyState });
  target.close = () => {
    stopped = true;
    socket.close();
  };
  return target;
}
