// "wsguard/raw": the WsGuard class and the free functions, without loading the WebAssembly.
// Call the default export, init(), once before the first use (the main entry, index.js, does it
// for you).
//
// WsGuard is the public face: an EventTarget with WebSocket's properties and methods. Its
// Driver (driver.js) runs the socket for the Rust session, which decides when to connect,
// queue, retry and what a failure means; this class turns the session's events into DOM
// events. Two paths never enter WebAssembly, so that wsguard costs what a plain WebSocket
// costs per message:
// - receiving: `message` listeners are attached to the live browser socket itself and moved to
//   each new one, so the browser's own MessageEvent reaches them;
// - sending: while the client is open (its queue is then empty) send() calls the socket directly.
import init, { classifyClose as classify, resolveUrl as resolve } from "./wsguard.js";
import { checkUrl, describe, readClassifyInput, readOptions, readResolveOptions } from "./arguments.js";
import { diagnosisObject, resolving, sendable } from "./boundary.js";
import { Driver } from "./driver.js";
import { held, pageHref, report } from "./page.js";

export { init as default };
export { initSync } from "./wsguard.js";

const FREED = "wsguard: this WsGuard was freed (free() or Symbol.dispose); create a new one";
const HANDLER_EVENTS = ["open", "message", "close", "error", "statechange", "reconnecting", "diagnosis"];

// Taken once, so that page code replacing them later cannot intercept wsguard's own calls.
const { addEventListener: add, removeEventListener: remove, dispatchEvent: dispatch } = EventTarget.prototype;
const EventClass = Event;
const CloseEventClass = CloseEvent;
const CustomEventClass = CustomEvent;

let handlerSlot;
let setHandlerSlot;

const captureOf = (options) => (typeof options === "boolean" ? options : Boolean(options?.capture));

/**
 * A reconnecting WebSocket: picks wss:/ws: from the page, retries with jittered backoff, queues
 * sends while disconnected, and diagnoses every failure.
 */
export class WsGuard extends EventTarget {
  /** The driver; null once freed. */
  #driver;
  /** The live browser socket, if any. */
  #socket = null;
  /** The socket send() may use directly: set while open. */
  #direct = null;
  /** The `message` listeners: { listener, capture, attached } with `attached` what sits on the socket. */
  #messageListeners = [];
  /** The on<event> handlers, and the listener each one sits behind. */
  #handlers = new Map();
  #lastDiagnosis = null;

  /**
   * @param {string | (() => string | Promise<string>)} url
   * @param {object} [options]
   */
  constructor(url, options) {
    super();
    checkUrl(url);
    this.#driver = new Driver(url, readOptions(options), {
      event: (event) => this.#deliver(event),
      socket: (socket) => this.#moveListeners(socket),
      sendable: (socket) => {
        this.#direct = socket;
      },
    });
  }

  /** The driver, or the error for a freed WsGuard. */
  #live() {
    const driver = this.#driver;
    if (driver === null) throw new Error(FREED);
    return driver;
  }

  /**
   * Dispatches one event of the session as a DOM event. A listener's exception is reported by
   * dispatchEvent itself; anything else that throws here (an EventTarget or event constructor
   * replaced before wsguard loaded) is reported the same way and does not reach the driver.
   */
  #deliver([type, a, b, c, d]) {
    try {
      let event;
      if (type === "open") event = new EventClass("open");
      else if (type === "error") {
        event = new EventClass("error");
        if (a !== undefined) event.error = a;
      } else if (type === "close") {
        event = new CloseEventClass("close", { code: a, reason: b, wasClean: c });
        if (d !== undefined) event.unsent = d;
      } else if (type === "statechange") event = new CustomEventClass(type, { detail: { from: a, to: b } });
      else if (type === "reconnecting") event = new CustomEventClass(type, { detail: { attempt: a, delayMs: b } });
      else {
        this.#lastDiagnosis = a;
        event = new CustomEventClass("diagnosis", { detail: a });
      }
      dispatch.call(this, event);
    } catch (error) {
      report(error);
    }
  }

  /** Moves the `message` listeners from the previous socket to `socket` (or to none). */
  #moveListeners(socket) {
    const previous = this.#socket;
    this.#socket = socket;
    for (const entry of this.#messageListeners) {
      try {
        if (previous !== null) remove.call(previous, "message", entry.attached, entry.capture);
      } catch {}
      try {
        if (socket !== null) add.call(socket, "message", entry.attached, entry.capture);
      } catch {}
    }
  }

  #addMessageListener(listener, options) {
    const capture = captureOf(options);
    if (this.#messageListeners.some((e) => e.listener === listener && e.capture === capture)) return;
    const signal = options?.signal;
    if (signal?.aborted) return;
    const entry = { listener, capture, attached: listener };
    if (options?.once) {
      const guard = this;
      entry.attached = function (event) {
        guard.#removeMessageListener(listener, capture);
        return typeof listener === "function" ? listener.call(this, event) : listener.handleEvent(event);
      };
    }
    this.#messageListeners.push(entry);
    // On the WsGuard too, so that dispatchEvent(new MessageEvent("message")) reaches it.
    add.call(this, "message", entry.attached, capture);
    if (this.#socket !== null) add.call(this.#socket, "message", entry.attached, capture);
    signal?.addEventListener("abort", () => this.#removeMessageListener(listener, capture), { once: true });
  }

  #removeMessageListener(listener, capture) {
    const index = this.#messageListeners.findIndex((e) => e.listener === listener && e.capture === capture);
    if (index < 0) return;
    const [entry] = this.#messageListeners.splice(index, 1);
    remove.call(this, "message", entry.attached, capture);
    if (this.#socket !== null) remove.call(this.#socket, "message", entry.attached, capture);
  }

  addEventListener(type, listener, options) {
    this.#live();
    if (type === "message" && listener != null) this.#addMessageListener(listener, options);
    else add.call(this, type, listener, options);
  }

  removeEventListener(type, listener, options) {
    this.#live();
    if (type === "message" && listener != null) this.#removeMessageListener(listener, captureOf(options));
    else remove.call(this, type, listener, options);
  }

  dispatchEvent(event) {
    this.#live();
    return dispatch.call(this, event);
  }

  /**
   * Sends a string, ArrayBuffer, ArrayBufferView or Blob: at once when open, else queued and
   * sent in order on open.
   */
  send(data) {
    let direct;
    try {
      direct = this.#direct;
    } catch {
      throw new TypeError("wsguard: WsGuard.prototype.send() called on an object that is not a WsGuard");
    }
    if (direct !== null && sendable(data)) direct.send(data);
    else this.#live().send(data);
  }

  /** Closes for good: code 1000 (default) or 3000–4999, reason at most 123 UTF-8 bytes. */
  close(code, reason) {
    this.#live().close(code, reason);
  }

  /** Connects again now with a fresh backoff; also revives a closed client. */
  reconnect() {
    this.#live().reconnect();
  }

  /** Releases the client now: socket, timers and listeners. Later calls throw. */
  free() {
    const driver = this.#driver;
    if (driver === null) return;
    this.#driver = null;
    driver.free();
  }

  get url() {
    return this.#live().session.url;
  }

  get readyState() {
    return this.#live().session.readyState;
  }

  get state() {
    return this.#live().session.state;
  }

  get attempt() {
    return this.#live().session.attempt;
  }

  get protocol() {
    this.#live();
    const protocol = this.#socket?.protocol;
    return typeof protocol === "string" ? protocol : "";
  }

  get extensions() {
    this.#live();
    const extensions = this.#socket?.extensions;
    return typeof extensions === "string" ? extensions : "";
  }

  get bufferedAmount() {
    const queued = this.#live().session.queuedBytes;
    const buffered = this.#socket?.bufferedAmount;
    return (typeof buffered === "number" ? buffered : 0) + queued;
  }

  get binaryType() {
    return this.#live().binaryType;
  }

  set binaryType(value) {
    this.#live().binaryType = value;
  }

  get lastDiagnosis() {
    this.#live();
    return this.#lastDiagnosis;
  }

  get CONNECTING() {
    return 0;
  }

  get OPEN() {
    return 1;
  }

  get CLOSING() {
    return 2;
  }

  get CLOSED() {
    return 3;
  }

  /** The on<event> handler for `type`, or null. */
  #handler(type) {
    this.#live();
    return this.#handlers.get(type)?.handler ?? null;
  }

  /** Sets the on<event> handler: one slot, kept in place when replaced, cleared by a non-function. */
  #setHandler(type, handler) {
    this.#live();
    let slot = this.#handlers.get(type);
    if (slot === undefined) {
      if (typeof handler !== "function") return;
      slot = { handler: null, listener: (event) => slot.handler?.call(this, event) };
      this.#handlers.set(type, slot);
      this.addEventListener(type, slot.listener);
    }
    slot.handler = typeof handler === "function" ? handler : null;
  }

  // The on<event> accessors are defined below the class; this gives them the private slots.
  static #exposeHandlers = (() => {
    handlerSlot = (guard, type) => guard.#handler(type);
    setHandlerSlot = (guard, type, handler) => guard.#setHandler(type, handler);
  })();
}

for (const type of HANDLER_EVENTS) {
  Object.defineProperty(WsGuard.prototype, `on${type}`, {
    get() {
      return handlerSlot(this, type);
    },
    set(handler) {
      setHandlerSlot(this, type, handler);
    },
    configurable: true,
    enumerable: true,
  });
}
if (typeof Symbol.dispose === "symbol") {
  Object.defineProperty(WsGuard.prototype, Symbol.dispose, {
    value() {
      this.free();
    },
    configurable: true,
    writable: true,
  });
}

/**
 * The WebSocket URL wsguard would open for `input` on this page (wss: on HTTPS pages, relative
 * URLs joined with the page, http(s): mapped to ws(s):). Throws a TypeError for an unusable input.
 */
export function resolveUrl(input, options) {
  if (typeof input !== "string") throw new TypeError(`wsguard: the URL must be a string; got ${describe(input)}`);
  const insecure = readResolveOptions(options);
  try {
    return resolving(() => resolve(input, insecure, pageHref()));
  } catch (refusal) {
    if (!Array.isArray(refusal)) throw refusal;
    throw new TypeError(`wsguard: invalid options for resolveUrl: insecure must be ${refusal[2]}; got ${describe(insecure)}`);
  }
}

/**
 * The Diagnosis for a close of a WebSocket you manage yourself: pass what the page observed
 * (a CloseEvent fits as it is, plus wasOpen, openForMs, idleForMs, url, …; every key optional).
 */
export function classifyClose(input) {
  return classify(readClassifyInput(input), { diagnosis: diagnosisObject });
}

/** What all clients hold right now: { listeners, timers, sockets }, for leak tests. */
export function debugCounts() {
  return { ...held };
}
