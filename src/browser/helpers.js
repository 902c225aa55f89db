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

// What the response to a same-origin probe says, as [status, Server header, start of body]: the
// body (its first 512 characters) is read only for an error status, since HAProxy names itself
// only in the text of its error pages. Rejects when the response cannot be read (a replaced
// fetch's odd answer), which the probe reports as a failure, as driver.js does.
export async function readAnswer(fetched) {
  const response = await fetched;
  const status = Number(response?.status) || 0;
  const server = String(response?.headers?.get("server") ?? "");
  const body = status >= 400 ? await response.text().then((text) => String(text).slice(0, 512), () => "") : "";
  return [status, server, body];
}
