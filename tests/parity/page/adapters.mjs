// The two drivers behind one small surface, for the parity scenarios (tests/e2e/parity.test.mjs).
// Loaded in a page or a dedicated module worker served by tests/parity/server.mjs:
//
//   import * as parity from "/parity/adapters.mjs";
//   const client = parity.create("js" | "rust", url, options);
//   client.send(data); client.close(code, reason); client.reconnect();
//   client.state; client.url; client.queuedBytes; client.lastDiagnosis; client.binaryType = "arraybuffer";
//   client.free()            js only: a Rust Client is dropped, never used after
//   client.events            every event as plain data: { type, at, ...detail }
//   client.on(type, fn)      a listener called synchronously as the event is dispatched
//   await client.next(type, accept?, ms?)   the next such event from now on
//   await client.until(type, accept?, ms?)  the first such event, recorded already or to come
//   parity.attempt(fn)       what fn threw, as { name, message, data }, or null
//
// `js` is WsGuard from the package (pkg/index.js); `rust` the Rust `Client` through the harness
// (tests/parity/harness, built into /harness/). The adapters add nothing: they forward each call,
// and record each event's fields under the JS API's names (the harness already names them so).
import { WsGuard } from "/pkg/index.js";
import initHarness, { RustGuard } from "/harness/wsguard_parity_harness.js";

await initHarness({ module_or_path: new URL("/harness/wsguard_parity_harness_bg.wasm", import.meta.url) });

/** The page's clock as it was at load: a scenario may break `performance.now` later. */
export const now = performance.now.bind(performance);
const EVENT_TYPES = ["open", "message", "close", "error", "statechange", "reconnecting", "diagnosis"];

/** Message data as plain data: a string stays, binary becomes `{ bytes: [...] }`. */
async function plainData(data) {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return { bytes: [...new Uint8Array(data)] };
  if (data instanceof Blob) return { blob: [...new Uint8Array(await data.arrayBuffer())] };
  return { other: String(data) };
}

/** What was thrown, as plain data. */
export function thrown(error) {
  if (error === undefined || error === null) return null;
  return { name: error?.name ?? typeof error, message: String(error?.message ?? error), data: error?.data };
}

/** Calls `fn`; returns null, or what it threw as `{ name, message, data }`. */
export function attempt(fn) {
  try {
    fn();
    return null;
  } catch (error) {
    return thrown(error);
  }
}

class Recorder {
  constructor() {
    this.events = [];
    this.listeners = [];
    this.waiters = [];
  }

  on(type, fn) {
    this.listeners.push({ type, fn });
  }

  /** Records an event (detail already plain), then runs the listeners and waiters. */
  deliver(type, detail, raw) {
    const record = { type, at: now(), ...detail };
    this.events.push(record);
    if (type === "message") {
      // Binary data arrives as a Blob or ArrayBuffer: recorded once read.
      plainData(raw).then((data) => {
        record.data = data;
        this.wake(record);
      });
    }
    for (const { type: wanted, fn } of this.listeners) {
      if (wanted === type) {
        try {
          fn(record, raw);
        } catch (error) {
          this.events.push({ type: "listener-threw", at: now(), error: thrown(error) });
        }
      }
    }
    if (type !== "message") this.wake(record);
  }

  wake(record) {
    for (const waiter of [...this.waiters]) waiter(record);
  }

  /** The next `type` event from now on that passes `accept`. */
  next(type, accept = () => true, ms = 8000) {
    return this.wait(type, accept, ms, this.events.length);
  }

  /** The first `type` event, already recorded or to come, that passes `accept`. */
  until(type, accept = () => true, ms = 8000) {
    return this.wait(type, accept, ms, 0);
  }

  wait(type, accept, ms, from) {
    const ready = (e) => e.type === type && !(type === "message" && e.data === undefined) && accept(e);
    const found = this.events.slice(from).find(ready);
    if (found) return Promise.resolve(found);
    const startedAt = this.events.length;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no ${type} event within ${ms} ms; events: ${JSON.stringify(this.events.slice(startedAt > 10 ? startedAt - 10 : 0).map((e) => e.type))}`));
      }, ms);
      const waiter = (e) => {
        if (!ready(e)) return;
        clearTimeout(timer);
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        resolve(e);
      };
      this.waiters.push(waiter);
    });
  }

  count(type) {
    return this.events.filter((e) => e.type === type).length;
  }
}

/** WsGuard from the package. */
class JsClient extends Recorder {
  constructor(url, options) {
    super();
    this.side = "js";
    this.guard = new WsGuard(url, options);
    for (const type of EVENT_TYPES) {
      this.guard.addEventListener(type, (event) => this.deliver(type, jsDetail(type, event), event.data));
    }
  }
  send(data) { this.guard.send(data); }
  close(code, reason) { this.guard.close(code, reason); }
  reconnect() { this.guard.reconnect(); }
  get state() { return this.guard.state; }
  get url() { return this.guard.url; }
  get queuedBytes() { return this.guard.bufferedAmount; }
  get lastDiagnosis() { return this.guard.lastDiagnosis && { ...this.guard.lastDiagnosis }; }
  set binaryType(value) { this.guard.binaryType = value; }
  free() { this.guard.free(); }
}

function jsDetail(type, event) {
  switch (type) {
    case "close":
      return { code: event.code, reason: event.reason, wasClean: event.wasClean, unsent: event.unsent };
    case "error":
      return { error: thrown(event.error) };
    case "statechange":
    case "reconnecting":
    case "diagnosis":
      return { ...event.detail };
    default:
      return {};
  }
}

/** The Rust `Client`, through the harness. */
class RustClient extends Recorder {
  constructor(url, options) {
    super();
    this.side = "rust";
    this.guard = new RustGuard(url, JSON.stringify(options ?? {}), (type, detail) =>
      this.deliver(type, rustDetail(type, detail), detail?.data),
    );
  }
  send(data) { this.guard.send(data); }
  close(code = 1000, reason = "") { this.guard.close(code, reason); }
  reconnect() { this.guard.reconnect(); }
  get state() { return this.guard.state; }
  get url() { return this.guard.url; }
  get queuedBytes() { return this.guard.queuedBytes; }
  get lastDiagnosis() { return this.guard.lastDiagnosis; }
  set binaryType(value) { this.guard.binaryType = value; }
}

function rustDetail(type, detail) {
  switch (type) {
    case "error":
      return { error: thrown(detail?.error) };
    case "message":
      return {};
    default:
      return { ...(detail ?? {}) };
  }
}

/** A client of `side` ("js" or "rust") for `url` (a string or a URL function). */
export function create(side, url, options) {
  if (side === "js") return new JsClient(url, options);
  if (side === "rust") return new RustClient(url, options);
  throw new Error(`no side ${side}`);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
