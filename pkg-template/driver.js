// The browser side of one WsGuard: the socket, the timer, the page's network and visibility
// listeners and the HTTPS probe. What to do and what it means is decided by the Rust session
// (wsguard.js, made by wasm-bindgen): this file reports what happens to it, carries out the
// actions it returns, and hands its events to the WsGuard.
//
// Messages never enter WebAssembly: queued payloads stay here in a map and the session only
// sees their ids and sizes; an inbound message only stores its time (read lazily, when a timer
// or a socket event needs it).
import { Session } from "./wsguard.js";
import { describe, readClose, refusedOption } from "./arguments.js";

// Taken once, so that page code replacing them later cannot intercept wsguard's own calls.
const { addEventListener: add, removeEventListener: remove } = EventTarget.prototype;
const later = setTimeout;
const cancel = clearTimeout;
const clock = performance.now.bind(performance);
const microtask = typeof queueMicrotask === "function" ? queueMicrotask : (task) => Promise.resolve().then(task);
const warn = console.warn.bind(console);
const encoder = new TextEncoder();

/** What all clients hold right now, for leak tests. */
export const held = { listeners: 0, timers: 0, sockets: 0 };

/** How long after `online` the change is reported: routes and DNS often lag the event. */
const ONLINE_SETTLE_MS = 500;
/** How long the HTTPS probe may take. */
const PROBE_TIMEOUT_MS = 3000;

const isOnline = () => globalThis.navigator?.onLine !== false;

/** Adds a listener; returns what removes it. Counted in `held`. */
function listen(target, type, listener) {
  add.call(target, type, listener);
  held.listeners++;
  return () => {
    remove.call(target, type, listener);
    held.listeners--;
  };
}

/** A counted setTimeout; returns what clears it (a no-op once it has run). */
function timer(delay, run) {
  let pending = true;
  held.timers++;
  const id = later(() => {
    pending = false;
    held.timers--;
    run();
  }, Math.min(2147483647, Math.max(0, delay)));
  return () => {
    if (!pending) return;
    pending = false;
    held.timers--;
    cancel(id);
  };
}

/** What a thrown value says: an Error's message, a string as it is. */
const messageOf = (thrown) =>
  thrown instanceof Error ? thrown.message : typeof thrown === "string" ? thrown : "a value that is not an Error";

/** Whether `data` is something a WebSocket sends as it is. */
export const sendable = (data) =>
  typeof data === "string" ||
  data instanceof ArrayBuffer ||
  ArrayBuffer.isView(data) ||
  (typeof Blob === "function" && data instanceof Blob);

/** The bytes a queued message takes: UTF-8 length of a string, byte length of binary data. */
const byteSize = (data) =>
  typeof data === "string" ? encoder.encode(data).length : data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? data.byteLength : data.size;

/** The Diagnosis object, from the fields the Rust session reports in this order. */
export const diagnosisObject = (kind, summary, advice, code, reason, wasClean, wasOpen, openForMs, idleForMs, pageSecure, url, attempt, probe, willRetry, retryInMs) => ({
  kind,
  summary,
  advice,
  code,
  reason,
  wasClean,
  wasOpen,
  openForMs,
  idleForMs,
  pageSecure,
  url,
  attempt,
  probe,
  willRetry,
  retryInMs: retryInMs ?? null,
});

/** Records the session's actions, in order. */
class ActionQueue {
  items = [];
  open(socket) {
    this.items.push(["open", socket]);
  }
  close(socket, code, reason) {
    this.items.push(["close", socket, code, reason]);
  }
  send(socket, id) {
    this.items.push(["send", socket, id]);
  }
  heartbeat(socket, text) {
    this.items.push(["heartbeat", socket, text]);
  }
  take() {
    const items = this.items;
    this.items = [];
    return items;
  }
}

/** Records one event of the session. */
class EventSlot {
  event = null;
  warning = "";
  opened() {
    this.event = ["open"];
  }
  error(thrown) {
    this.event = ["error", thrown];
  }
  closed(code, reason, wasClean, unsent) {
    this.event = ["close", code, reason, wasClean, unsent];
  }
  statechange(from, to) {
    this.event = ["statechange", from, to];
  }
  reconnecting(attempt, delayMs) {
    this.event = ["reconnecting", attempt, delayMs];
  }
  warn(text) {
    this.warning = text;
  }
  diagnosis(...fields) {
    this.event = ["diagnosis", diagnosisObject(...fields), this.warning];
    this.warning = "";
  }
  probe(origin) {
    this.event = ["probe", origin];
  }
}

/**
 * One client's browser side, for `url` and the options as `readOptions` (arguments.js) read
 * them. `host` receives `event([type, ...fields])`, `socket(ws | null)` when the live socket
 * changes (before the old one is closed) and `sendable(ws | null)` for the socket `send` may
 * use directly.
 */
export class Driver {
  #session;
  #host;
  #urlFunction;
  #binaryType;
  #actions = new ActionQueue();
  #slot = new EventSlot();
  /** Queued payloads and thrown errors, by id. */
  #values = new Map();
  #nextId = 1;
  #socket = null;
  #socketId = 0;
  #releaseSocketListeners = null;
  #inboundAt = -1;
  #inboundReported = -1;
  #clearTimer = null;
  #deadline = -1;
  #unwatch = null;
  #clearSettle = null;
  #urlWait = 0;
  #probe = null;
  #running = false;
  #delivering = false;
  #deliveryQueued = false;

  constructor(url, { values, given }, host) {
    try {
      this.#session = new Session(url, ...values);
    } catch (refusal) {
      throw refusedOption(refusal, given);
    }
    this.#host = host;
    this.#urlFunction = typeof url === "function" ? url : null;
    this.#binaryType = this.#session.binaryType;
    this.#input((session, now) => session.start(now, isOnline()), true);
  }

  /** The session, or null once freed. */
  get session() {
    return this.#session;
  }

  get socket() {
    return this.#socket;
  }

  get binaryType() {
    return this.#binaryType;
  }

  set binaryType(value) {
    if (value !== "blob" && value !== "arraybuffer") {
      throw new TypeError(`wsguard: binaryType must be "blob" or "arraybuffer"; got ${describe(value)}`);
    }
    this.#binaryType = value;
    if (this.#socket !== null) this.#socket.binaryType = value;
  }

  /** Queues `data`, or sends it on the open socket; throws, with `error.data`, when refused. */
  send(data) {
    if (!sendable(data)) {
      const error = new TypeError(`wsguard: send() takes a string, ArrayBuffer, ArrayBufferView or Blob; got ${describe(data)}`);
      error.data = data;
      throw error;
    }
    const size = this.#session.readyState === 1 ? 0 : byteSize(data);
    const id = this.#nextId++;
    this.#values.set(id, data);
    try {
      this.#input((session, now) => session.send(now, id, size), true);
    } catch (error) {
      this.#values.delete(id);
      error.data = data;
      throw error;
    }
  }

  close(code, reason) {
    const [checkedCode, checkedReason] = readClose(code, reason);
    this.#input((session, now) => session.close(now, checkedCode, checkedReason), true);
  }

  reconnect() {
    this.#input((session, now) => session.reconnect(now), true);
  }

  /** Releases everything now: socket, timer, listeners, probe. Nothing is delivered afterwards. */
  free() {
    const session = this.#session;
    if (session === null) return;
    this.#session = null;
    this.#host.sendable(null);
    this.#releaseSocket();
    this.#clearTimer?.();
    this.#clearTimer = null;
    this.#unwatch?.();
    this.#unwatch = null;
    this.#probe?.();
    this.#probe = null;
    this.#urlWait++;
    this.#values.clear();
    session.free();
  }

  /** Feeds one input to the session (after the last message's time), then carries it out. */
  #input(feed, later) {
    const session = this.#session;
    if (session === null) return;
    const now = clock();
    if (this.#inboundAt > this.#inboundReported) {
      this.#inboundReported = this.#inboundAt;
      session.inbound(this.#inboundAt, this.#socketId);
    }
    feed(session, now);
    this.#run(later);
  }

  /** Carries out the session's actions (unless an outer call already does), then delivers. */
  #run(deferred) {
    if (!this.#running) {
      this.#running = true;
      try {
        for (;;) {
          if (this.#performActions()) continue;
          this.#reconcile();
          if (!this.#performActions()) break;
        }
      } finally {
        this.#running = false;
      }
    }
    if (deferred) this.#scheduleDelivery();
    else this.#deliver();
  }

  /** Carries out the pending actions; false when there were none. */
  #performActions() {
    const session = this.#session;
    if (session === null) return false;
    session.actions(this.#actions);
    const actions = this.#actions.take();
    for (const [kind, socket, a, b] of actions) {
      if (kind === "open") this.#open(socket);
      else if (socket !== this.#socketId) continue;
      else if (kind === "close") {
        try {
          this.#socket.close(a, b);
        } catch {}
      } else {
        const data = kind === "send" ? this.#values.get(a) : a;
        if (kind === "send") this.#values.delete(a);
        try {
          this.#socket.send(data);
        } catch {
          this.#session?.sendFailed();
        }
      }
    }
    return actions.length > 0;
  }

  /** Resolves the attempt's URL (calling the URL function, which may return a Promise), then connects. */
  #open(socketId) {
    const urlFunction = this.#urlFunction;
    if (urlFunction === null) return this.#connect(socketId, this.#session.url);
    let value;
    try {
      value = urlFunction();
    } catch (thrown) {
      return this.#failed(socketId, urlFunctionFailed(thrown));
    }
    if (!(value instanceof Promise)) return this.#resolved(socketId, value);
    const wait = ++this.#urlWait;
    const answered = (fulfilled, result) => {
      if (wait !== this.#urlWait || this.#session === null) return;
      if (fulfilled) this.#resolved(socketId, result);
      else this.#failed(socketId, urlFunctionFailed(result));
      this.#run(false);
    };
    value.then(
      (result) => answered(true, result),
      (reason) => answered(false, reason),
    );
  }

  #resolved(socketId, value) {
    const session = this.#session;
    if (session === null || session.socket !== socketId) return;
    if (typeof value !== "string") {
      return this.#failed(socketId, new TypeError("wsguard: the URL function must return a string or a Promise of one"));
    }
    let url;
    try {
      url = session.resolve(value);
    } catch (error) {
      return this.#failed(socketId, error);
    }
    this.#connect(socketId, url);
  }

  #connect(socketId, url) {
    const session = this.#session;
    if (session === null || session.socket !== socketId) return;
    this.#releaseSocket();
    const protocols = session.protocols;
    let socket;
    try {
      socket = protocols.length > 0 ? new WebSocket(url, protocols) : new WebSocket(url);
    } catch (error) {
      return this.#failed(socketId, error);
    }
    // A replaced WebSocket constructor may have called back and moved the session on.
    if (this.#session !== session || session.socket !== socketId) {
      closeQuietly(socket);
      return;
    }
    try {
      socket.binaryType = this.#binaryType;
    } catch {}
    const releases = [
      listen(socket, "open", () => this.#input((s, now) => s.opened(now, socketId), false)),
      listen(socket, "error", () => this.#input((s, now) => s.errored(now, socketId), false)),
      listen(socket, "close", (event) =>
        this.#input((s, now) => s.closed(now, socketId, event.code, event.reason, event.wasClean), false),
      ),
      listen(socket, "message", (event) => {
        this.#inboundAt = event.timeStamp;
      }),
    ];
    this.#releaseSocketListeners = () => releases.forEach((release) => release());
    this.#socket = socket;
    this.#socketId = socketId;
    this.#inboundAt = -1;
    this.#inboundReported = -1;
    held.sockets++;
    session.created(socketId);
    this.#host.socket(socket);
  }

  /** An attempt that failed before a socket existed: logged, and reported with what was thrown. */
  #failed(socketId, error) {
    const session = this.#session;
    if (session === null || session.socket !== socketId) return;
    const mixedContent = typeof DOMException === "function" && error instanceof DOMException && error.name === "SecurityError";
    if (session.log && !mixedContent) warn("wsguard: this attempt could not open a socket:", error);
    const id = this.#nextId++;
    this.#values.set(id, error);
    session.failed(clock(), socketId, id, messageOf(error), mixedContent);
  }

  /** Lets go of the live socket: the host first (it detaches its listeners), then ours, then the socket. */
  #releaseSocket() {
    const socket = this.#socket;
    if (socket === null) return;
    this.#host.socket(null);
    this.#releaseSocketListeners();
    this.#releaseSocketListeners = null;
    this.#socket = null;
    this.#socketId = 0;
    held.sockets--;
    closeQuietly(socket);
  }

  /**
   * Brings the browser side in line with the session: the socket `send` may use directly, a
   * socket the session no longer tracks, the one timer, and the page listeners (kept only
   * while the client is not closed).
   */
  #reconcile() {
    const session = this.#session;
    if (session === null) return;
    const direct = this.#socketId !== 0 && session.sendable === this.#socketId ? this.#socket : null;
    this.#host.sendable(direct);
    if (this.#socketId !== 0 && session.socket !== this.#socketId) this.#releaseSocket();
    const deadline = session.deadline;
    if (deadline !== this.#deadline) {
      this.#clearTimer?.();
      this.#clearTimer = null;
      this.#deadline = deadline;
      if (deadline >= 0) {
        this.#clearTimer = timer(deadline - clock(), () => {
          this.#clearTimer = null;
          this.#deadline = -1;
          this.#input((s, now) => s.timeout(now), false);
        });
      }
    }
    const closed = session.readyState === 3;
    if (closed && this.#unwatch !== null) {
      this.#unwatch();
      this.#unwatch = null;
    } else if (!closed && this.#unwatch === null) {
      this.#unwatch = this.#watch();
    }
  }

  /** Listens for the network and, in a page, for visibility and back/forward-cache restores. */
  #watch() {
    const releases = [
      listen(globalThis, "online", () => {
        this.#clearSettle?.();
        this.#clearSettle = timer(ONLINE_SETTLE_MS, () => {
          this.#clearSettle = null;
          this.#input((s, now) => s.network(now, true), false);
        });
      }),
      listen(globalThis, "offline", () => {
        this.#clearSettle?.();
        this.#clearSettle = null;
        this.#input((s, now) => s.network(now, false), false);
      }),
    ];
    if (typeof document === "object") {
      releases.push(
        listen(globalThis, "pageshow", () => this.#input((s, now) => s.visible(now), false)),
        listen(document, "visibilitychange", () => {
          if (document.visibilityState === "visible") this.#input((s, now) => s.visible(now), false);
        }),
      );
    }
    return () => {
      releases.forEach((release) => release());
      this.#clearSettle?.();
      this.#clearSettle = null;
    };
  }

  /** Delivers the events from a microtask (events caused by a call on the client). */
  #scheduleDelivery() {
    if (this.#deliveryQueued) return;
    this.#deliveryQueued = true;
    microtask(() => {
      this.#deliveryQueued = false;
      this.#deliver();
    });
  }

  /** Delivers the events in order; a listener's call back into the client only adds to them. */
  #deliver() {
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      for (;;) {
        const session = this.#session;
        if (session === null || !session.event(this.#slot, isOnline())) break;
        const event = this.#slot.event;
        this.#slot.event = null;
        if (event[0] === "probe") this.#startProbe(event[1]);
        else this.#host.event(this.#complete(event));
      }
    } finally {
      this.#delivering = false;
    }
  }

  /** Replaces the ids in an event by the values they stand for. */
  #complete(event) {
    const take = (id) => {
      const value = this.#values.get(id);
      this.#values.delete(id);
      return value;
    };
    if (event[0] === "error") event[1] = event[1] === 0 ? undefined : take(event[1]);
    if (event[0] === "close" && event[4] !== undefined) event[4] = Array.from(event[4], take);
    if (event[0] === "diagnosis" && event[2] !== "") warn(event[2]);
    return event;
  }

  /** One request to `origin` without credentials, cookies, referrer, path or query. */
  #startProbe(origin) {
    const controller = typeof AbortController === "function" ? new AbortController() : null;
    let finished = false;
    const finish = (reached, skipped) => {
      if (finished) return;
      finished = true;
      clearDeadline();
      if (this.#probe === abandon) this.#probe = null;
      const session = this.#session;
      if (session === null) return;
      session.probed(origin, reached, skipped);
      this.#deliver();
    };
    const abandon = () => {
      finished = true;
      clearDeadline();
      controller?.abort();
    };
    const clearDeadline = timer(PROBE_TIMEOUT_MS, () => controller?.abort());
    this.#probe?.();
    this.#probe = abandon;
    let request;
    try {
      request = fetch(origin, {
        mode: "no-cors",
        cache: "no-store",
        credentials: "omit",
        referrerPolicy: "no-referrer",
        signal: controller?.signal,
      });
    } catch {
      return finish(false, true);
    }
    Promise.resolve(request).then(
      () => finish(true, false),
      () => finish(false, false),
    );
  }
}

/** The error for a URL function that threw or whose Promise rejected, with it as `cause`. */
function urlFunctionFailed(thrown) {
  return new Error(`wsguard: the URL function failed: ${messageOf(thrown)}`, { cause: thrown });
}

/** Closes a socket that is still connecting or open; a broken `close` is ignored. */
function closeQuietly(socket) {
  try {
    if (socket.readyState <= 1) socket.close(1000);
  } catch {}
}
