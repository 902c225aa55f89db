// When the last message arrived on a socket, kept on the JavaScript side: the driver reads it
// only when a timer fires or the socket ends, so an inbound message never calls into WebAssembly.
export class Inbound {
  constructor(socket) {
    this.socket = socket;
    this.at = -1;
    this.listener = (event) => {
      this.at = event.timeStamp;
    };
    try {
      socket.addEventListener("message", this.listener);
    } catch {}
  }

  release() {
    try {
      this.socket.removeEventListener("message", this.listener);
    } catch {}
  }
}

// Calls `callback(true, value)` or `callback(false, reason)` once `promise` settles, unless the
// returned function was called first: Rust drops its callback only after cancelling, so a late
// settlement never reaches a freed closure.
export function settle(promise, callback) {
  let pending = callback;
  Promise.resolve(promise).then(
    (value) => pending?.(true, value),
    (reason) => pending?.(false, reason),
  );
  return () => {
    pending = null;
  };
}
