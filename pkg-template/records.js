// The shapes that cross the boundary with WebAssembly, each declared once, with named fields.
// The Rust side calls the Recorder's methods (wasm/src/recorder.rs declares the same list);
// each one only builds a plain object from numbers, booleans and strings and keeps or returns
// it, so no page code runs while a Session method is on the stack. The driver acts on the
// records once the call has returned: it carries out the actions, delivers the events, and
// throws a refusal as the error object built here, with the constructors taken at load.
import { jsSpelling } from "./spelling.js";

// Taken once, so that page code replacing them later does not build wsguard's errors.
const ErrorClass = Error;
const TypeErrorClass = TypeError;
const RangeErrorClass = RangeError;
const DOMExceptionClass = typeof DOMException === "function" ? DOMException : null;

/**
 * What the session asks the driver to do.
 * @typedef {{ type: "open", socket: number }
 *   | { type: "close", socket: number, code: number, reason: string }
 *   | { type: "send", socket: number, message: number }
 *   | { type: "heartbeat", socket: number, text: string }} Action
 */

/**
 * What the session tells: an event for the user, or the probe it asks for. `thrown` and the
 * `unsent` items are ids of values the driver keeps.
 * @typedef {{ type: "open" }
 *   | { type: "error", thrown: number }
 *   | { type: "close", code: number, reason: string, wasClean: boolean, unsent: number[] | undefined }
 *   | { type: "statechange", from: string, to: string }
 *   | { type: "reconnecting", attempt: number, delayMs: number }
 *   | { type: "diagnosis", diagnosis: Diagnosis, warning: string }
 *   | { type: "probe", url: string, sameOrigin: boolean }} SessionEvent
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
  error(thrown) {
    this.event = { type: "error", thrown };
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
 * The error a `{ name, message }` refusal stands for: a TypeError, a RangeError, or a
 * DOMException with that name; with `spell`, the option names in its message in the package's
 * spelling. Anything else (a value page code threw) is returned as it is.
 */
export function toError(refusal, spell = false) {
  if (typeof refusal?.name !== "string" || typeof refusal.message !== "string") return refusal;
  const message = spell ? jsSpelling(refusal.message) : refusal.message;
  if (refusal.name === "TypeError") return new TypeErrorClass(message);
  if (refusal.name === "RangeError") return new RangeErrorClass(message);
  return DOMExceptionClass === null ? new ErrorClass(message) : new DOMExceptionClass(message, refusal.name);
}
