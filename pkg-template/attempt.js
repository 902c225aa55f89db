// What one attempt needs from the page: the URL function's answer, and a socket with wsguard's
// listeners on it. Which attempt is still current, and what its outcome means, is the driver's
// and the session's.
import { held, listen, messageOf } from "./page.js";

/**
 * Waits for the URL function's Promise: `answered(fulfilled, result)` is called once, when it
 * settles, or at once (rejected) if its `then` throws.
 */
export function whenSettled(promise, answered) {
  let settled = false;
  const once = (fulfilled, result) => {
    if (settled) return;
    settled = true;
    answered(fulfilled, result);
  };
  try {
    promise.then(
      (result) => once(true, result),
      (reason) => once(false, reason),
    );
  } catch (thrown) {
    once(false, thrown);
  }
}

/**
 * Creates a socket to `url` (a fresh copy of `protocols` for each: a replaced WebSocket
 * constructor may keep or change it) and listens to it with `on.open()`, `on.error()`,
 * `on.close(event)` and `on.message(timeStamp)`, unless `current()` says the attempt was
 * abandoned meanwhile (a replaced constructor may have called back). Returns `[socket,
 * release]`, or null when abandoned; throws what the constructor threw, or a TypeError when the
 * socket refuses listeners.
 */
export function openSocket(url, protocols, binaryType, current, on) {
  const offered = [];
  for (let i = 0; i < protocols.length; i++) offered[i] = protocols[i];
  const socket = offered.length > 0 ? new WebSocket(url, offered) : new WebSocket(url);
  if (!current()) {
    closeQuietly(socket);
    return null;
  }
  const releases = [];
  const release = () => releases.forEach((remove) => remove());
  try {
    try {
      socket.binaryType = binaryType;
    } catch {}
    releases.push(
      listen(socket, "open", on.open),
      listen(socket, "error", on.error),
      listen(socket, "close", on.close),
      listen(socket, "message", (event) => on.message(event.timeStamp)),
    );
  } catch (error) {
    release();
    closeQuietly(socket);
    throw new TypeError(`wsguard: cannot listen to what the WebSocket constructor returned: ${messageOf(error)}`, { cause: error });
  }
  if (!current()) {
    release();
    closeQuietly(socket);
    return null;
  }
  held.sockets++;
  return [socket, release];
}

/** The client's live socket: its id in the session, wsguard's listeners on it, and the last inbound message's time. */
export class LiveSocket {
  socket = null;
  id = 0;
  /** The `timeStamp` of the last message (set by the message listener). */
  inboundAt = -1;
  #reported = -1;
  #release = null;

  /** Holds `[socket, release]` from `openSocket` as attempt `id`'s. */
  hold([socket, release], id) {
    this.socket = socket;
    this.#release = release;
    this.id = id;
    this.inboundAt = -1;
    this.#reported = -1;
  }

  /** The last inbound message's time if it was not reported yet, else -1. */
  unreported() {
    const at = this.inboundAt;
    if (typeof at !== "number" || at <= this.#reported) return -1;
    this.#reported = at;
    return at;
  }

  /** Lets go of the socket: `detach()` first (the host's listeners), then wsguard's, then it is closed. */
  letGo(detach) {
    const socket = this.socket;
    if (socket === null) return;
    const release = this.#release;
    this.socket = null;
    this.id = 0;
    this.#release = null;
    held.sockets--;
    detach();
    release();
    closeQuietly(socket);
  }
}

/** The error for a URL function that threw or whose Promise rejected, with it as `cause`. */
export function urlFunctionFailed(thrown) {
  return new Error(`wsguard: the URL function failed: ${messageOf(thrown)}`, { cause: thrown });
}

/** Closes a socket that is still connecting or open; a broken `close` is ignored. */
export function closeQuietly(socket) {
  try {
    if (socket.readyState <= 1) socket.close(1000);
  } catch {}
}
