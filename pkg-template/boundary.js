// The shapes that cross between the driver and the Rust session: what a WebSocket may send and
// how many bytes a queued message takes, a close event's fields, the Diagnosis object, and the
// two recorders the session writes its actions and events into.
import { takeWarning } from "./wsguard.js";
import { describe } from "./arguments.js";
import { jsSpelling } from "./spelling.js";
import { shielded, warn } from "./page.js";

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

/** Runs `call` (it resolves a URL) shielded, then writes the upgrade warning it left, if any. */
export function resolving(call) {
  try {
    return shielded(call);
  } finally {
    const text = takeWarning();
    if (text !== "") warn(text);
  }
}

/** Whether `data` is something a WebSocket sends as it is. */
export const sendable = (data) =>
  typeof data === "string" || data instanceof ArrayBufferClass || isView(data) || (BlobClass !== null && data instanceof BlobClass);

/** The TypeError send() throws for a value a WebSocket cannot send, carrying it as `data`. */
export function unsendable(data) {
  const error = new TypeError(`wsguard: send() takes a string, ArrayBuffer, ArrayBufferView or Blob; got ${describe(data)}`);
  error.data = data;
  return error;
}

/**
 * What send() throws for a refusal of the session: its Error, in the user's spelling of option
 * names and carrying `data`. Only where page code broke the Error constructors is the refusal
 * the message alone, a string. Both are defined, not assigned: a DOMException's `message` is a
 * getter, and Firefox's inherits a getter-only `data`.
 */
export function sendRefusal(error, data) {
  if (typeof error === "string") return jsSpelling(error);
  try {
    Object.defineProperty(error, "message", { value: jsSpelling(error.message), writable: true, configurable: true });
    Object.defineProperty(error, "data", { value: data });
  } catch {}
  return error;
}

/**
 * The bytes a queued message takes: UTF-8 length of a string, byte length of binary data (read
 * with the built-in getters, so an object's own `size` or `byteLength` cannot answer).
 */
export function byteSize(data) {
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
export function closeFields(event) {
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

/** The Diagnosis object, from the fields the Rust session reports in this order. */
export const diagnosisObject = (kind, summary, advice, code, reason, wasClean, wasOpen, openForMs, idleForMs, pageSecure, url, attempt, probe, probeStatus, willRetry, retryInMs) => ({
  kind,
  summary: jsSpelling(summary),
  advice: jsSpelling(advice),
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
  probeStatus: probeStatus ?? null,
  willRetry,
  retryInMs: retryInMs ?? null,
});

/** The kinds of the session's actions: open a socket, close it, send a queued message, send the heartbeat. */
export const OPEN = 0;
export const CLOSE = 1;
export const SEND = 2;

/** Records the session's actions, in order: [kind, socket, number, text]. */
export class ActionQueue {
  items = [];
  action(kind, socket, number, text) {
    this.items.push([kind, socket, number, text]);
  }
  take() {
    const items = this.items;
    this.items = [];
    return items;
  }
}

/** Records one event of the session. */
export class EventSlot {
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
    this.warning = jsSpelling(text);
  }
  diagnosis(...fields) {
    this.event = ["diagnosis", diagnosisObject(...fields), this.warning];
    this.warning = "";
  }
  probe(url, sameOrigin) {
    this.event = ["probe", url, sameOrigin];
  }
  abandon(url) {
    this.event = ["abandon", url];
  }
  urlTimeout(message, warn) {
    this.event = ["timeout", jsSpelling(message), warn];
  }
}


/** The values that ids stand for across the boundary: queued payloads and thrown errors. */
export class Values {
  #values = new Map();
  #next = 1;
  /** Keeps `value`; returns its id. */
  keep(value) {
    const id = this.#next++;
    this.#values.set(id, value);
    return id;
  }
  /** The value of `id`, forgotten. */
  take(id) {
    const value = this.#values.get(id);
    this.#values.delete(id);
    return value;
  }
  clear() {
    this.#values.clear();
  }
  /** Replaces the ids in an event of the EventSlot by the values they stand for. */
  complete(event) {
    const take = (id) => this.take(id);
    if (event[0] === "error") event[1] = event[1] === 0 ? undefined : take(event[1]);
    if (event[0] === "close" && event[4] !== undefined) event[4] = Array.from(event[4], take);
  }
}
