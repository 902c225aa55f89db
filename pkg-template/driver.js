// The browser side of one WsGuard: the socket, the timer, the page's network and visibility
// listeners and the HTTPS probe. What to do and what it means is decided by the Rust session
// (wsguard.js, made by wasm-bindgen): this file reports what happens to it, carries out the
// actions it returns, and hands its events to the WsGuard.
//
// Messages never enter WebAssembly: queued payloads stay here in a map and the session only
// sees their ids and sizes; an inbound message only stores its time (read lazily, when a timer
// or a socket event needs it).
//
// Page code inside wsguard's calls. The rule: no state of the session is borrowed across a call
// into page code, and no exception from page code unwinds through a Rust frame.
// - Every call that page code can replace or answer (the WebSocket constructor, the socket's
//   methods and setters, fetch, a URL function and what it returns, getters on the values users
//   pass, and the globals below) is made from this file or raw.js, between Session methods,
//   inside a try/catch wherever wsguard goes on afterwards, and with only primitives passed on
//   to the session. After such a call the driver checks again that the attempt it worked for is
//   still the session's (`#current`): the page may have called back and moved the client on.
// - A Session method's own calls into JavaScript reach only the driver's Recorder
//   (records.js), which builds plain records: no page code runs inside WebAssembly. What needs
//   page code is done here before the call (the URL parsed with the page's URL, the jitter's
//   seed drawn, the page's address read) or after it (a refusal turned into its error object,
//   the session's warnings written with the page's console.warn as it is at that moment).
// - Calls back into the client from page code act at once, as calls from
//   listeners do (the session queues what they cause, in order), except free(): while one of the
//   driver's own calls is on the stack (`#depth`) it takes effect when that call returns, so no
//   frame is left holding a freed session.
import { Session, takeWarning } from "./wsguard.js";
import { describe, handOver, readClose, refusedOption } from "./arguments.js";
import { Recorder, toError } from "./records.js";

// Taken once, so that page code replacing them later cannot intercept wsguard's own calls.
// WebSocket and fetch are read when used: monitoring code replaces them on purpose.
const { addEventListener: add, removeEventListener: remove } = EventTarget.prototype;
const later = setTimeout;
const cancel = clearTimeout;
const clock = performance.now.bind(performance);
const microtask = typeof queueMicrotask === "function" ? queueMicrotask : null;
const reportAtLoad = typeof reportError === "function" ? reportError : null;
const encoder = new TextEncoder();
const ArrayBufferClass = ArrayBuffer;
const isView = ArrayBuffer.isView;
const BlobClass = typeof Blob === "function" ? Blob : null;
const DataViewClass = DataView;
const getterOf = (prototype, key) => Object.getOwnPropertyDescriptor(prototype, key)?.get;
const bufferBytes = getterOf(ArrayBuffer.prototype, "byteLength");
const viewBytes = getterOf(Object.getPrototypeOf(Uint8Array.prototype), "byteLength");
const dataViewBytes = getterOf(DataView.prototype, "byteLength");
const blobSize = BlobClass === null ? undefined : getterOf(BlobClass.prototype, "size");
const URLClass = URL;

/** What all clients hold right now, for leak tests. */
export const held = { listeners: 0, timers: 0, sockets: 0 };

/** How long after `online` the change is reported: routes and DNS often lag the event. */
const ONLINE_SETTLE_MS = 500;
/**
 * A page hidden this long is treated as suspended when it becomes visible again: Chromium
 * throttles a hidden page's timers to once a minute after five minutes, and freezes some.
 */
const LONG_HIDDEN_MS = 300_000;
/** How long the HTTPS probe may take. */
const PROBE_TIMEOUT_MS = 3000;

/**
 * Writes with the page's console.warn as it is now (an error reporter may have wrapped it after
 * wsguard loaded); a broken or throwing console is ignored.
 */
const warn = (...args) => {
  try {
    Reflect.apply(console.warn, console, args);
  } catch {}
};

/** Runs `call` (it resolves a URL), then writes the upgrade warning it left, if any. */
export function resolving(call) {
  try {
    return call();
  } finally {
    const text = takeWarning();
    if (text !== "") warn(text);
  }
}

/** Reports an error as uncaught, without throwing here. */
export function report(error) {
  try {
    if (reportAtLoad !== null) return reportAtLoad(error);
  } catch {}
  try {
    later(() => {
      throw error;
    });
  } catch {}
}

let lastTime = 0;
/** performance.now() as taken at load; if it throws or answers nonsense, the last good time. */
function now() {
  let time;
  try {
    time = clock();
  } catch {}
  if (typeof time === "number" && time >= lastTime && time < 9e15) lastTime = time;
  return lastTime;
}

/** Runs `task` from a microtask; a broken queueMicrotask falls back to a Promise. */
function queueTask(task) {
  try {
    if (microtask !== null) return microtask(task);
  } catch {}
  Promise.resolve().then(task);
}

/** The page's address (`location.href`), read for each URL resolved; undefined outside a page. */
export function pageHref() {
  try {
    const href = globalThis.location?.href;
    if (typeof href === "string") return href;
  } catch {}
}

const isOnline = () => {
  try {
    return globalThis.navigator?.onLine !== false;
  } catch {
    return true;
  }
};

let fallbackSeed = 0x2545f491;
/** A number in [0, 1) from `random` (the page's Math.random), or from a xorshift if it fails. */
function safeRandom(random) {
  let value;
  try {
    value = Reflect.apply(random, Math, []);
  } catch {}
  if (typeof value === "number" && value >= 0 && value < 1) return value;
  fallbackSeed ^= fallbackSeed << 13;
  fallbackSeed ^= fallbackSeed >>> 17;
  fallbackSeed ^= fallbackSeed << 5;
  return ((fallbackSeed >>> 0) + (now() % 1)) / 4294967297;
}

/** `new URL(input, base).href` with the URL taken at load; undefined where it throws. */
function parse(input, base) {
  try {
    const href = new URLClass(input, base).href;
    if (typeof href === "string") return href;
  } catch {}
}

/**
 * `input` as the page's URL parses it, joined with the page's address `page` and alone: the
 * two results the core's URL rules choose from (wasm/src/url.rs), computed before the call.
 */
export const parseUrl = (input, page) => [parse(input, page), parse(input)];

/** Adds a listener (throws if the target refuses it); returns what removes it. Counted in `held`. */
function listen(target, type, listener) {
  add.call(target, type, listener);
  held.listeners++;
  return () => {
    held.listeners--;
    try {
      remove.call(target, type, listener);
    } catch {}
  };
}

/** A counted setTimeout; returns what clears it (a no-op once it has run), or null if none could be set. */
function timer(delay, run) {
  let pending = true;
  let id;
  held.timers++;
  try {
    id = later(
      () => {
        if (!pending) return;
        pending = false;
        held.timers--;
        run();
      },
      Math.min(2147483647, Math.max(0, delay)),
    );
  } catch {
    if (pending) held.timers--;
    pending = false;
    return null;
  }
  return () => {
    if (!pending) return;
    pending = false;
    held.timers--;
    try {
      cancel(id);
    } catch {}
  };
}

/** What a thrown value says: an Error's message, a string as it is. Never throws. */
function messageOf(thrown) {
  try {
    if (typeof thrown === "string") return thrown;
    if (thrown instanceof Error) {
      const message = thrown.message;
      return typeof message === "string" ? message : "an Error without a message";
    }
  } catch {}
  return "a value that is not an Error";
}

/** Whether `data` is something a WebSocket sends as it is. */
export const sendable = (data) =>
  typeof data === "string" || data instanceof ArrayBufferClass || isView(data) || (BlobClass !== null && data instanceof BlobClass);

/**
 * The bytes a queued message takes: UTF-8 length of a string, byte length of binary data (read
 * with the built-in getters, so an object's own `size` or `byteLength` cannot answer).
 */
function byteSize(data) {
  if (typeof data === "string") return encoder.encode(data).length;
  try {
    if (data instanceof ArrayBufferClass) return bufferBytes.call(data);
    if (isView(data)) return (data instanceof DataViewClass ? dataViewBytes : viewBytes).call(data);
    return blobSize.call(data);
  } catch {
    return 0;
  }
}

/** The fields of a close event, as the session takes them whatever the event's getters do. */
function closeFields(event) {
  let code = 1006;
  let reason = "";
  let wasClean = false;
  try {
    const c = event.code;
    const r = event.reason;
    const w = event.wasClean;
    if (typeof c === "number" && c >= 0 && c <= 65535) code = c;
    if (typeof r === "string") reason = r;
    wasClean = w === true;
  } catch {}
  return [code, reason, wasClean];
}

/**
 * One client's browser side, for `url` and the options as `readOptions` (arguments.js) read
 * them. `host` receives `event(record)` (a SessionEvent of records.js but the probe, with
 * `thrown` and `unsent` ids replaced by the values: `{ type: "error", error }`, `unsent` the
 * payloads), `socket(ws | null)` when the live socket changes (before the old one is closed)
 * and `sendable(ws | null)` for the socket `send` may use directly.
 */
export class Driver {
  #session;
  #host;
  #urlFunction;
  /** The sub-protocols to offer, as the session accepted them. */
  #protocols;
  #binaryType;
  #connectTimeoutMs;
  #recorder = new Recorder();
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
  /** Counts URL function calls: an answer to an earlier one is ignored. */
  #urlWait = 0;
  /** The attempt whose URL function's Promise has not answered yet, or 0. */
  #urlPending = 0;
  #probe = null;
  #running = false;
  /** An input arrived while the actions were being carried out: reconcile again. */
  #dirty = false;
  #delivering = false;
  #deliveryQueued = false;
  /** The driver's own calls on the stack; free() waits for them to return. */
  #depth = 0;
  #freeing = false;

  constructor(url, { values, protocols, given }, host) {
    // Everything that may run page code first: the page's address, Math.random, the URL parsed.
    let random;
    try {
      random = Math.random;
    } catch {}
    const seed = () => Math.floor(safeRandom(random) * 4294967296);
    const [high, low] = [seed(), seed()];
    const page = pageHref();
    const input = typeof url === "string" ? url : undefined;
    const [joined, alone] = input === undefined ? [] : parseUrl(input, page);
    try {
      this.#session = resolving(() => {
        handOver(values);
        return new Session(input, joined, alone, page, high, low, this.#recorder);
      });
    } catch (refusal) {
      throw refusedOption(refusal, given);
    }
    this.#host = host;
    this.#urlFunction = typeof url === "function" ? url : null;
    this.#protocols = protocols;
    this.#binaryType = this.#session.binaryType;
    this.#connectTimeoutMs = this.#session.connectTimeoutMs;
    this.#input((session, time) => session.start(time, isOnline()), true);
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
    try {
      if (this.#socket !== null) this.#socket.binaryType = value;
    } catch {}
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
      this.#input((session, time) => session.send(time, id, size, this.#recorder), true);
    } catch (refusal) {
      this.#values.delete(id);
      const error = toError(refusal, true);
      // Defined, not assigned: Firefox's DOMException inherits a getter-only `data`.
      try {
        Object.defineProperty(error, "data", { value: data });
      } catch {}
      throw error;
    }
  }

  close(code, reason) {
    const [checkedCode, checkedReason] = readClose(code, reason);
    try {
      this.#input((session, time) => session.close(time, checkedCode, checkedReason, this.#recorder), true);
    } catch (refusal) {
      throw toError(refusal);
    }
  }

  reconnect() {
    this.#input((session, time) => session.reconnect(time), true);
  }

  /**
   * Releases everything: socket, timer, listeners, probe. Nothing is delivered afterwards. From
   * inside one of the driver's own calls, the release happens when that call returns.
   */
  free() {
    if (this.#session === null || this.#freeing) return;
    this.#freeing = true;
    this.#host.sendable(null);
    if (this.#depth === 0) this.#release();
  }

  #release() {
    const session = this.#session;
    if (session === null) return;
    this.#session = null;
    this.#freeing = true;
    this.#urlWait++;
    this.#urlPending = 0;
    this.#values.clear();
    const clearTimer = this.#clearTimer;
    const unwatch = this.#unwatch;
    const probe = this.#probe;
    this.#clearTimer = this.#unwatch = this.#probe = null;
    clearTimer?.();
    unwatch?.();
    probe?.();
    this.#releaseSocket();
    session.free();
  }

  /** Leaves one of the driver's own calls; the last one out carries out a pending free(). */
  #leave() {
    if (--this.#depth === 0 && this.#freeing) this.#release();
  }

  /** Whether attempt `socketId` of `session` is still the one to work for. */
  #current(session, socketId) {
    return !this.#freeing && this.#session === session && session !== null && session.socket === socketId;
  }

  /** Feeds one input to the session (after the last message's time), then carries it out. */
  #input(feed, deferred) {
    if (this.#session === null || this.#freeing) return;
    this.#depth++;
    try {
      const time = now();
      const session = this.#session;
      if (session === null || this.#freeing) return;
      const inboundAt = this.#inboundAt;
      if (typeof inboundAt === "number" && inboundAt > this.#inboundReported) {
        this.#inboundReported = inboundAt;
        session.inbound(inboundAt, this.#socketId);
      }
      if (this.#running) this.#dirty = true;
      feed(session, time);
      this.#run(deferred);
    } finally {
      this.#leave();
    }
  }

  /** Carries out the session's actions (unless an outer call already does), then delivers. */
  #run(deferred) {
    if (!this.#running) {
      this.#running = true;
      try {
        for (;;) {
          this.#dirty = false;
          if (this.#performActions()) continue;
          this.#reconcile();
          if (!this.#performActions() && !this.#dirty) break;
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
    if (session === null || this.#freeing) return false;
    session.actions(this.#recorder);
    const actions = this.#recorder.take();
    for (const action of actions) {
      if (this.#freeing) break;
      const { type, socket } = action;
      if (type === "open") this.#open(socket);
      else if (socket !== this.#socketId) {
        // close() while the attempt's URL function has not answered: there is no socket to
        // wait for, so the attempt ends at once.
        if (type === "close" && socket === session.socket) session.closed(now(), socket, action.code, action.reason, true);
      } else if (type === "close") {
        try {
          this.#socket.close(action.code, action.reason);
        } catch {}
      } else {
        // A queued message (by id), or the heartbeat's text.
        const data = type === "send" ? this.#values.get(action.message) : action.text;
        if (type === "send") this.#values.delete(action.message);
        try {
          this.#socket.send(data);
        } catch {
          if (!this.#freeing) this.#session?.sendFailed();
        }
      }
    }
    return actions.length > 0;
  }

  /**
   * Resolves the attempt's URL (calling the URL function, which may return a Promise: it has
   * `connectTimeoutMs` to answer, see `#timeout`), then connects.
   */
  #open(socketId) {
    const session = this.#session;
    const urlFunction = this.#urlFunction;
    if (urlFunction === null) return this.#connect(socketId, session.url);
    const wait = ++this.#urlWait;
    let value;
    let promise = false;
    try {
      value = urlFunction();
      promise = value instanceof Promise;
    } catch (thrown) {
      return this.#failed(socketId, urlFunctionFailed(thrown));
    }
    if (!promise) return this.#resolved(socketId, value);
    if (!this.#current(session, socketId) || wait !== this.#urlWait) return;
    let settled = false;
    const answered = (fulfilled, result) => {
      if (settled) return;
      settled = true;
      if (wait !== this.#urlWait || !this.#current(session, socketId)) return;
      this.#urlPending = 0;
      this.#depth++;
      try {
        if (fulfilled) this.#resolved(socketId, result);
        else this.#failed(socketId, urlFunctionFailed(result));
        if (!this.#running) this.#run(false);
      } finally {
        this.#leave();
      }
    };
    this.#urlPending = socketId;
    try {
      value.then(
        (result) => answered(true, result),
        (reason) => answered(false, reason),
      );
    } catch (thrown) {
      if (settled) return;
      settled = true;
      this.#urlPending = 0;
      this.#failed(socketId, urlFunctionFailed(thrown));
    }
  }

  #resolved(socketId, value) {
    const session = this.#session;
    if (!this.#current(session, socketId)) return;
    if (typeof value !== "string") {
      return this.#failed(socketId, new TypeError(`wsguard: the URL function must return a string or a Promise of one; got ${describe(value)}`));
    }
    const page = pageHref();
    const [joined, alone] = parseUrl(value, page);
    // The page's URL (replaced before wsguard loaded) may have called back meanwhile.
    if (!this.#current(session, socketId)) return;
    let url;
    try {
      url = resolving(() => session.resolve(value, page, joined, alone, this.#recorder));
    } catch (refusal) {
      return this.#failed(socketId, toError(refusal));
    }
    this.#connect(socketId, url);
  }

  #connect(socketId, url) {
    const session = this.#session;
    if (!this.#current(session, socketId)) return;
    this.#releaseSocket();
    if (!this.#current(session, socketId)) return;
    // A fresh array for each socket: a replaced WebSocket constructor may keep or change it.
    const protocols = [];
    for (let i = 0; i < this.#protocols.length; i++) protocols[i] = this.#protocols[i];
    let socket;
    try {
      socket = protocols.length > 0 ? new WebSocket(url, protocols) : new WebSocket(url);
    } catch (error) {
      return this.#failed(socketId, error);
    }
    // A replaced WebSocket constructor may have called back and moved the session on.
    if (!this.#current(session, socketId)) return closeQuietly(socket);
    const releases = [];
    const releaseAll = () => releases.forEach((release) => release());
    try {
      try {
        socket.binaryType = this.#binaryType;
      } catch {}
      releases.push(
        listen(socket, "open", () => this.#input((s, time) => s.opened(time, socketId), false)),
        listen(socket, "error", () => this.#input((s, time) => s.errored(time, socketId), false)),
        listen(socket, "close", (event) => {
          const [code, reason, wasClean] = closeFields(event);
          this.#input((s, time) => s.closed(time, socketId, code, reason, wasClean), false);
        }),
      );
      releases.push(
        listen(socket, "message", (event) => {
          this.#inboundAt = event.timeStamp;
        }),
      );
    } catch (error) {
      releaseAll();
      closeQuietly(socket);
      return this.#failed(socketId, new TypeError(`wsguard: cannot listen to what the WebSocket constructor returned: ${messageOf(error)}`, { cause: error }));
    }
    if (!this.#current(session, socketId)) {
      releaseAll();
      return closeQuietly(socket);
    }
    this.#releaseSocketListeners = releaseAll;
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
    if (!this.#current(session, socketId)) return;
    let mixedContent = false;
    try {
      mixedContent = typeof DOMException === "function" && error instanceof DOMException && error.name === "SecurityError";
    } catch {}
    if (session.log && !mixedContent) warn("wsguard: this attempt could not open a socket:", error);
    const message = messageOf(error);
    const time = now();
    // Page code (a console.warn, a getter) may have moved the client on meanwhile.
    if (!this.#current(session, socketId)) return;
    const id = this.#nextId++;
    this.#values.set(id, error);
    session.failed(time, socketId, id, message, mixedContent);
  }

  /** Lets go of the live socket: the host first (it detaches its listeners), then ours, then the socket. */
  #releaseSocket() {
    const socket = this.#socket;
    if (socket === null) return;
    const release = this.#releaseSocketListeners;
    this.#socket = null;
    this.#socketId = 0;
    this.#releaseSocketListeners = null;
    held.sockets--;
    this.#host.socket(null);
    release();
    closeQuietly(socket);
  }

  /**
   * Brings the browser side in line with the session: the socket `send` may use directly, a
   * socket the session no longer tracks, the one timer, and the page listeners (kept only
   * while the client is not closed).
   */
  #reconcile() {
    const session = this.#session;
    if (session === null || this.#freeing) return;
    const direct = this.#socketId !== 0 && session.sendable === this.#socketId ? this.#socket : null;
    this.#host.sendable(direct);
    if (this.#socketId !== 0 && session.socket !== this.#socketId) this.#releaseSocket();
    if (this.#freeing) return;
    if (this.#urlPending !== 0 && session.socket !== this.#urlPending) {
      this.#urlPending = 0;
      this.#urlWait++;
    }
    const deadline = session.deadline;
    if (deadline !== this.#deadline) {
      const clear = this.#clearTimer;
      this.#clearTimer = null;
      this.#deadline = -1;
      clear?.();
      if (deadline >= 0 && !this.#freeing) {
        this.#deadline = deadline;
        const set = timer(deadline - now(), () => {
          this.#clearTimer = null;
          this.#deadline = -1;
          this.#input((s, time) => this.#timeout(s, time), false);
        });
        // Without a timer (a broken setTimeout) the next reconcile tries again; one that
        // already ran (a setTimeout that calls at once) has nothing left to clear.
        if (set === null) this.#deadline = -1;
        else if (this.#deadline === deadline) this.#clearTimer = set;
      }
    }
    if (this.#freeing) return;
    const closed = session.readyState === 3;
    if (closed && this.#unwatch !== null) {
      const unwatch = this.#unwatch;
      this.#unwatch = null;
      unwatch();
    } else if (!closed && this.#unwatch === null) {
      this.#unwatch = this.#watch();
    }
  }

  /**
   * The timer fired. While the attempt still waits for its URL function, the only timer is the
   * connect timeout: the attempt fails, saying so, and the late answer is ignored.
   */
  #timeout(session, time) {
    const pending = this.#urlPending;
    if (pending !== 0 && pending === session.socket && time >= session.deadline) {
      this.#urlPending = 0;
      this.#urlWait++;
      const error = new Error(`wsguard: the URL function did not answer within ${this.#connectTimeoutMs} ms (connectTimeoutMs)`);
      return this.#failed(pending, error);
    }
    session.timeout(time);
  }

  /**
   * Listens for the network (in a worker also through navigator.connection) and, in a page, for
   * its lifecycle: visibility, freeze and resume, and back/forward-cache restores.
   */
  #watch() {
    const releases = [];
    const watch = (target, type, listener) => {
      try {
        releases.push(listen(target, type, listener));
      } catch {}
    };
    const online = () => {
      this.#clearSettle?.();
      this.#clearSettle = timer(ONLINE_SETTLE_MS, () => {
        this.#clearSettle = null;
        this.#input((s, time) => s.network(time, true), false);
      });
    };
    const offline = () => {
      this.#clearSettle?.();
      this.#clearSettle = null;
      this.#input((s, time) => s.network(time, false), false);
    };
    watch(globalThis, "online", online);
    watch(globalThis, "offline", offline);
    // Chromium fires neither in a worker, but NetworkInformation's `change` reaches it there.
    if (typeof document !== "object") {
      try {
        watch(navigator.connection, "change", () => (isOnline() ? online : offline)());
      } catch {}
    } else {
      // The page's lifecycle: when it stopped running (left for the back/forward cache, was
      // frozen, or hidden), so that its return is reported with how long it was away. No
      // `unload` listener: it would keep the page out of the back/forward cache.
      const stopped = {};
      const since = (key) => {
        const at = stopped[key];
        stopped[key] = undefined;
        return at === undefined ? 0 : now() - at;
      };
      const resumed = (pausedMs, restored) => this.#input((s, time) => s.resumed(time, pausedMs, restored), false);
      watch(globalThis, "pagehide", () => (stopped.left = now()));
      watch(globalThis, "pageshow", (event) => {
        let restored = false;
        try {
          restored = event.persisted === true;
        } catch {}
        resumed(restored ? since("left") : 0, restored);
      });
      watch(document, "freeze", () => (stopped.frozen = now()));
      watch(document, "resume", () => resumed(since("frozen"), false));
      watch(document, "visibilitychange", () => {
        let visible = false;
        try {
          visible = document.visibilityState === "visible";
        } catch {}
        if (!visible) return void (stopped.hidden = now());
        const hiddenMs = since("hidden");
        resumed(hiddenMs < LONG_HIDDEN_MS ? 0 : hiddenMs, false);
      });
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
    queueTask(() => {
      this.#deliveryQueued = false;
      this.#deliver();
    });
  }

  /** Delivers the events in order; a listener's call back into the client only adds to them. */
  #deliver() {
    if (this.#delivering || this.#session === null || this.#freeing) return;
    this.#delivering = true;
    this.#depth++;
    try {
      for (;;) {
        const online = isOnline();
        const session = this.#session;
        if (session === null || this.#freeing || !session.event(this.#recorder, online)) break;
        const event = this.#recorder.event;
        this.#recorder.event = null;
        if (event.type === "probe") this.#startProbe(event.url, event.sameOrigin);
        else this.#host.event(this.#complete(event));
      }
    } finally {
      this.#delivering = false;
      this.#leave();
    }
  }

  /**
   * The event as the host gets it: the ids replaced by the values they stand for (an error's
   * `thrown` becomes `error`), and a diagnosis's console line written.
   */
  #complete(event) {
    const take = (id) => {
      const value = this.#values.get(id);
      this.#values.delete(id);
      return value;
    };
    if (event.type === "error") return { type: "error", error: event.thrown === 0 ? undefined : take(event.thrown) };
    if (event.type === "close" && event.unsent !== undefined) event.unsent = event.unsent.map(take);
    if (event.type === "diagnosis" && event.warning !== "") warn(event.warning);
    return event;
  }

  /**
   * The probe the session asked for (see the core's `ProbeRequest`): on the page's own origin
   * (`sameOrigin`), a plain GET of the socket's own URL with the page's cookies, whose status,
   * `Server` header and (for an error) the first 512 characters of its body go back to the session; elsewhere, one
   * `no-cors` request to `https://host:port/` without credentials, cookies, referrer, path or
   * query, which only resolves or rejects. Whatever fetch does (throws, never answers, calls
   * back), the diagnosis comes within 3 s.
   */
  #startProbe(url, sameOrigin) {
    let controller = null;
    try {
      controller = new AbortController();
    } catch {}
    const abort = () => {
      try {
        controller?.abort();
      } catch {}
    };
    let finished = false;
    let clearDeadline = null;
    const finish = (report) => {
      if (finished) return;
      finished = true;
      clearDeadline?.();
      if (this.#probe === abandon) this.#probe = null;
      const session = this.#session;
      if (session === null || this.#freeing) return;
      this.#depth++;
      try {
        report(session);
        this.#deliver();
      } finally {
        this.#leave();
      }
    };
    const settled = (reached, skipped) => finish((session) => session.probed(url, reached, skipped, undefined, "", ""));
    const abandon = () => {
      finished = true;
      clearDeadline?.();
      abort();
    };
    clearDeadline = timer(PROBE_TIMEOUT_MS, () => {
      abort();
      settled(false, false);
    });
    this.#probe?.();
    this.#probe = abandon;
    const init = sameOrigin
      ? { cache: "no-store", credentials: "same-origin", redirect: "manual" }
      : { mode: "no-cors", cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer" };
    init.signal = controller?.signal;
    try {
      Promise.resolve(fetch(url, init))
        .then(async (response) => {
          if (!sameOrigin) return settled(true, false);
          const number = Number(response?.status);
          const status = number >= 0 && number <= 999 ? number | 0 : 0;
          const server = String(response?.headers?.get("server") ?? "");
          // HAProxy names itself only in the text of its error pages.
          const body = status >= 400 ? await response.text().then((text) => String(text).slice(0, 512), () => "") : "";
          finish((session) => session.probed(url, true, false, status, server, body));
        })
        .catch(() => settled(false, false));
    } catch {
      settled(false, true);
    }
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
