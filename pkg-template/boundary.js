// The shapes that cross between the driver and the Rust session, each declared once with named
// fields: the Recorder the session hands its actions, events, diagnoses and refusals to
// (wasm/src/recorder.rs declares the same methods), the values that ids stand for, what a
// WebSocket may send and how many bytes a queued message takes, a close event's fields.
//
// The Recorder's methods are the only JavaScript that runs inside a Session call: each only
// builds a plain object from numbers, booleans and strings and keeps or returns it, so no page
// code runs inside WebAssembly. The driver acts on the records once the call has returned.
import { describe } from "./arguments.js";
import { jsSpelling } from "./spelling.js";
import { errorNamed, warn } from "./page.js";

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

/** Runs `call` (it resolves a URL), then writes the upgrade warning it left on `recorder`, if any. */
export function resolving(recorder, call) {
  try {
    return call();
  } finally {
    const text = recorder.upgrade;
    recorder.upgrade = "";
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
 * What send() throws for a refusal of the session: its error, in the user's spelling of option
 * names and carrying `data` (defined, not assigned: Firefox's DOMException inherits a
 * getter-only `data`).
 */
export function sendRefusal(refusal, data) {
  const error = toError(refusal, true);
  try {
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

/**
 * What the session asks the driver to do.
 * @typedef {{ type: "open", socket: number }
 *   | { type: "close", socket: number, code: number, reason: string }
 *   | { type: "send", socket: number, message: number }
 *   | { type: "heartbeat", socket: number, text: string }} Action
 */

/**
 * What the session tells: an event for the user, or a probe to start or abandon. `thrown` and the
 * `unsent` items are ids of values the driver keeps.
 * @typedef {{ type: "open" }
 *   | { type: "error", thrown: number, warn: boolean }
 *   | { type: "close", code: number, reason: string, wasClean: boolean, unsent: number[] | undefined }
 *   | { type: "statechange", from: string, to: string }
 *   | { type: "reconnecting", attempt: number, delayMs: number }
 *   | { type: "diagnosis", diagnosis: Diagnosis, warning: string }
 *   | { type: "probe", url: string, sameOrigin: boolean }
 *   | { type: "abandon", url: string }
 *   | { type: "urltimeout", message: string, warn: boolean }} SessionEvent
 */

/**
 * What wsguard concluded about one ended socket (summary and advice in the package's spelling).
 * @typedef {{ kind: string, summary: string, advice: string, code: number, reason: string,
 *   wasClean: boolean, wasOpen: boolean, openForMs: number, idleForMs: number,
 *   pageSecure: boolean, url: string, attempt: number, probe: string,
 *   probeStatus: number | null, willRetry: boolean, retryInMs: number | null }} Diagnosis
 */

/**
 * A refusal: `{ name, message }` (an error's name and message), or `{ option, item, expected }`
 * (an option out of range: its index in schema.js, the list item or -1, what it must be).
 * @typedef {{ name: string, message: string } | { option: number, item: number, expected: string }} Refusal
 */

/** Records what one Session call hands over: the actions in order, or one event. */
export class Recorder {
  /** @type {Action[]} */
  actions = [];
  /** @type {SessionEvent | null} */
  event = null;
  /** The console line of the diagnosis that follows. */
  warning = "";
  /** The warning of a URL resolution that upgraded a `ws://` URL, until `resolving` writes it. */
  upgrade = "";

  /** The actions recorded so far, in order; the list starts empty again. */
  take() {
    const actions = this.actions;
    this.actions = [];
    return actions;
  }

  /** @param {Action} action */
  #act(action) {
    // An index, not push(): no method that page code could replace.
    this.actions[this.actions.length] = action;
  }

  open(socket) {
    this.#act({ type: "open", socket });
  }
  close(socket, code, reason) {
    this.#act({ type: "close", socket, code, reason });
  }
  send(socket, message) {
    this.#act({ type: "send", socket, message });
  }
  heartbeat(socket, text) {
    this.#act({ type: "heartbeat", socket, text });
  }

  opened() {
    this.event = { type: "open" };
  }
  error(thrown, warn) {
    this.event = { type: "error", thrown, warn };
  }
  closed(code, reason, wasClean, last) {
    this.event = { type: "close", code, reason, wasClean, unsent: last ? [] : undefined };
  }
  unsent(id) {
    const unsent = this.event.unsent;
    unsent[unsent.length] = id;
  }
  statechange(from, to) {
    this.event = { type: "statechange", from, to };
  }
  reconnecting(attempt, delayMs) {
    this.event = { type: "reconnecting", attempt, delayMs };
  }
  warn(text) {
    this.warning = jsSpelling(text);
  }
  /** @returns {Diagnosis} */
  diagnosis(kind, summary, advice, code, reason, wasClean, wasOpen, openForMs, idleForMs, pageSecure, url, attempt, probe, probeStatus, willRetry, retryInMs) {
    summary = jsSpelling(summary);
    advice = jsSpelling(advice);
    const diagnosis = { kind, summary, advice, code, reason, wasClean, wasOpen, openForMs, idleForMs, pageSecure, url, attempt, probe, probeStatus: probeStatus ?? null, willRetry, retryInMs: retryInMs ?? null };
    this.event = { type: "diagnosis", diagnosis, warning: this.warning };
    this.warning = "";
    return diagnosis;
  }
  probe(url, sameOrigin) {
    this.event = { type: "probe", url, sameOrigin };
  }
  upgraded(text) {
    this.upgrade = text;
  }
  abandon(url) {
    this.event = { type: "abandon", url };
  }
  urlTimeout(message, warn) {
    this.event = { type: "urltimeout", message: jsSpelling(message), warn };
  }

  /** @returns {Refusal} */
  refused(name, message) {
    return { name, message };
  }
  /** @returns {Refusal} */
  optionRefused(option, item, expected) {
    return { option, item, expected };
  }
}

/**
 * The error a `{ name, message }` refusal stands for (page.js's `errorNamed`); with `spell`, the
 * option names in its message in the package's spelling. Anything else (a value page code
 * threw) is returned as it is.
 */
export function toError(refusal, spell = false) {
  if (typeof refusal?.name !== "string" || typeof refusal.message !== "string") return refusal;
  return errorNamed(refusal.name, spell ? jsSpelling(refusal.message) : refusal.message);
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
  /**
   * The event as the WsGuard gets it: the ids replaced by the values they stand for (an error's
   * `thrown` becomes `error`, `unsent` the payloads).
   */
  complete(event) {
    if (event.type === "error") return { type: "error", error: event.thrown === 0 ? undefined : this.take(event.thrown), warn: event.warn };
    if (event.type === "close" && event.unsent !== undefined) event.unsent = event.unsent.map((id) => this.take(id));
    return event;
  }
}
