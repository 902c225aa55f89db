// Reads and checks the JS values users pass (options, close() arguments, classifyClose input,
// resolveUrl options) before they reach the Rust session, which checks the rules on values.
// A value of the wrong type is a TypeError; a value out of range (as Rust decides) a
// RangeError; both name the option and show the value. Only own string keys count, getters
// and Proxy traps run once per key, and whatever they throw propagates as it is. Values are
// checked by type and never converted: a toString, valueOf or Symbol.toPrimitive is never
// called, so an object where a string or number belongs is a TypeError.
import { optionExpected } from "./wsguard.js";

const SHOWN_CHARS = 40;

/** A rejected value as a message shows it: numbers and strings as they are, others by type. */
export function show(value) {
  if (typeof value === "string") {
    return JSON.stringify(value.length > SHOWN_CHARS ? `${value.slice(0, SHOWN_CHARS)}…` : value);
  }
  if (value === null || value === undefined || typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return "an array";
  if (value instanceof Map || value instanceof Set) return value instanceof Map ? "a Map" : "a Set";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** The `binaryType` a client is set to; throws a TypeError for anything else. */
export function readBinaryType(value) {
  if (value === "blob" || value === "arraybuffer") return value;
  throw new TypeError(`wsguard: binaryType must be "blob" or "arraybuffer"; got ${describe(value)}`);
}

/** A value of the wrong type as a message shows it: its type, with the value for a number. */
export const describe = (value) => (typeof value === "number" ? `${value} (a number)` : show(value));

/** A plain object's shape: not an array, and not a Map or Set, whose entries are not properties. */
const isObject = (value) =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Map) && !(value instanceof Set);

/** The options, with the JS type each must have. */
const OPTIONS = new Map([
  ["minDelayMs", "number"],
  ["maxDelayMs", "number"],
  ["factor", "number"],
  ["jitter", "string"],
  ["maxRetries", "number"],
  ["connectTimeoutMs", "number"],
  ["stableAfterMs", "number"],
  ["maxBufferedMessages", "number"],
  ["maxBufferedBytes", "number"],
  ["heartbeat", "heartbeat"],
  ["reconnectAfterSuspendMs", "number"],
  ["protocols", "protocols"],
  ["binaryType", "string"],
  ["insecure", "string"],
  ["probe", "boolean"],
  ["fatalCodes", "codes"],
  ["log", "boolean"],
]);
const HEARTBEAT = new Map([
  ["intervalMs", "number"],
  ["message", "string"],
  ["timeoutMs", "number"],
]);
const MAX_PROTOCOLS = 64;
const MAX_FATAL_CODES = 256;

const message = (name, expected, got) => `wsguard: option "${name}" must be ${expected}; got ${got}`;
const wrongType = (name, value) => new TypeError(message(name, optionExpected(name, false), describe(value)));

/** The own string keys of `object` with their values, each a known one. */
function entries(object, known, prefix) {
  const found = [];
  for (const key of Reflect.ownKeys(object)) {
    if (typeof key !== "string") continue;
    if (!known.has(key)) {
      throw new TypeError(`wsguard: unknown option ${show(prefix + key)}; the options are ${[...known.keys()].join(", ")}`);
    }
    const value = Reflect.get(object, key);
    if (value !== undefined && value !== null) found.push([key, value]);
  }
  return found;
}

/**
 * A list option's items: an array, refused as a whole when longer than `max`. Its length is
 * read once and its items by index, so a getter or Proxy cannot make it longer than checked.
 */
function list(name, value, max) {
  if (!Array.isArray(value)) throw wrongType(name, value);
  const length = value.length;
  if (length > max) throw new RangeError(message(name, optionExpected(name, true), `${length} items`));
  const items = [];
  for (let index = 0; index < length; index++) items[index] = value[index];
  return items;
}

/**
 * The options object as the Session constructor takes them: `scalars` (the single values in
 * order, each undefined when absent), `protocols` (an array of strings, checked by the session,
 * then used for every socket) and `fatalCodes` (undefined when absent); and the values as given
 * (to show the one Rust refuses).
 */
export function readOptions(options) {
  // Without a prototype: a polluted Object.prototype must not fill in options.
  const given = Object.create(null);
  const absent = options === undefined || options === null;
  if (!absent && !isObject(options)) {
    throw new TypeError(`wsguard: options must be an object such as { maxRetries: 5 }; got ${describe(options)}`);
  }
  for (const [name, value] of absent ? [] : entries(options, OPTIONS, "")) {
    const kind = OPTIONS.get(name);
    given[name] = value;
    if (kind === "heartbeat") {
      if (value === false) continue;
      if (!isObject(value)) throw wrongType(name, value);
      const settings = Object.create(null);
      for (const [key, setting] of entries(value, HEARTBEAT, "heartbeat.")) {
        if (typeof setting !== HEARTBEAT.get(key)) throw wrongType(`heartbeat.${key}`, setting);
        settings[key] = setting;
      }
      given[name] = settings;
    } else if (kind === "protocols") {
      const protocols = typeof value === "string" ? [value] : list(name, value, MAX_PROTOCOLS);
      for (const protocol of protocols) if (typeof protocol !== "string") throw wrongType(name, protocol);
      given[name] = protocols;
    } else if (kind === "codes") {
      const codes = list(name, value, MAX_FATAL_CODES);
      for (const code of codes) if (typeof code !== "number") throw wrongType(name, code);
      given[name] = codes;
    } else if (typeof value !== kind) {
      throw wrongType(name, value);
    }
  }
  const heartbeat = isObject(given.heartbeat) ? given.heartbeat : null;
  const scalars = [
    given.minDelayMs,
    given.maxDelayMs,
    given.factor,
    given.jitter,
    given.maxRetries,
    given.connectTimeoutMs,
    given.stableAfterMs,
    given.maxBufferedMessages,
    given.maxBufferedBytes,
    heartbeat !== null,
    heartbeat?.intervalMs,
    heartbeat?.message,
    heartbeat?.timeoutMs,
    given.reconnectAfterSuspendMs,
    given.binaryType,
    given.insecure,
    given.probe,
    given.log,
  ];
  return { scalars, protocols: given.protocols ?? [], fatalCodes: given.fatalCodes, given };
}

/** The RangeError for `[name, index, expected]` thrown by Rust, showing the value given. */
export function refusedOption(refusal, given) {
  if (!Array.isArray(refusal)) return refusal;
  const [name, index, expected] = refusal;
  const [option, field] = name.split(".");
  let value = given[option];
  if (field !== undefined) value = value?.[field];
  if (index >= 0) value = value?.[index];
  return new RangeError(message(name, expected, show(value)));
}

/** The URL argument: a string or a function. */
export function checkUrl(url) {
  if (typeof url !== "string" && typeof url !== "function") {
    throw new TypeError(`wsguard: the URL must be a string or a function returning one; got ${describe(url)}`);
  }
}

/** close()'s arguments: a whole code below 65536 (1000 by default) and a string reason. */
export function readClose(code, reason) {
  if (code !== undefined && !(typeof code === "number" && Number.isInteger(code) && code >= 0 && code <= 65535)) {
    throw new DOMException(`wsguard: close() code must be 1000 or an integer in 3000-4999; got ${show(code)}`, "InvalidAccessError");
  }
  if (reason !== undefined && typeof reason !== "string") {
    throw new TypeError(`wsguard: close() reason must be a string; got ${describe(reason)}`);
  }
  return [code ?? 1000, reason ?? ""];
}

/** resolveUrl's options: `{ insecure? }`, null or undefined. */
export function readResolveOptions(options) {
  if (options === undefined || options === null) return undefined;
  const refuse = (what, got) => new TypeError(`wsguard: invalid options for resolveUrl: ${what}; got ${describe(got)}`);
  if (!isObject(options)) throw refuse('expected an object such as { insecure: "error" }', options);
  let insecure;
  for (const key of Reflect.ownKeys(options)) {
    if (typeof key !== "string") continue;
    const value = Reflect.get(options, key);
    if (key !== "insecure") throw refuse(`unknown option ${show(key)} (only insecure is known)`, value);
    if (value === undefined || value === null) continue;
    if (typeof value !== "string") throw refuse(`insecure must be ${optionExpected("insecure", false)}`, value);
    insecure = value;
  }
  return insecure;
}

const CLASSIFY_FIELDS = [
  ["code", "code"],
  ["reason", "string"],
  ["wasClean", "boolean"],
  ["wasOpen", "boolean"],
  ["openForMs", "ms"],
  ["idleForMs", "ms"],
  ["lifetimeMs", "ms"],
  ["url", "string"],
  ["pageSecure", "boolean"],
  ["online", "boolean"],
  ["errored", "boolean"],
  ["probe", "probe"],
  ["closedByApp", "boolean"],
  ["mixedContent", "boolean"],
  ["heartbeat", "boolean"],
  ["previousIdleMs", "ms"],
  ["attempt", "count"],
];
const CLASSIFY_EXPECTED = {
  code: "a close code (an integer from 0 to 65535)",
  string: "a string",
  boolean: "true or false",
  ms: "a whole number of milliseconds",
  probe: '"tls-ok", "tls-failed" or "skipped"',
  count: "a whole number",
};
const whole = (value, max) => typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= max;

/**
 * classifyClose's input (a CloseEvent fits: its fields are read by name, own or inherited) as
 * the values the Rust classifier takes, in order, each undefined when absent.
 */
export function readClassifyInput(input) {
  if (input === undefined || input === null) return new Array(CLASSIFY_FIELDS.length);
  if (typeof input !== "object") {
    throw new TypeError(`wsguard: classifyClose takes an object such as a CloseEvent; got ${describe(input)}`);
  }
  return CLASSIFY_FIELDS.map(([name, kind]) => {
    const value = Reflect.get(input, name);
    if (value === undefined || value === null) return undefined;
    const fits =
      kind === "code"
        ? whole(value, 65535)
        : kind === "ms"
          ? whole(value, Number.MAX_SAFE_INTEGER)
          : kind === "count"
            ? whole(value, 4294967295)
            : kind === "probe"
              ? value === "tls-ok" || value === "tls-failed" || value === "skipped"
              : typeof value === kind;
    if (!fits) throw new TypeError(`wsguard: classifyClose: "${name}" must be ${CLASSIFY_EXPECTED[kind]}; got ${show(value)}`);
    return value;
  });
}
