// The input/action loop of one WsGuard: feeds the Rust session (wsguard.js) what happens, with
// the time, carries out the actions it returns, keeps the browser side in line with it, and
// hands its events to the WsGuard. The parts: page.js (built-ins, timer, clock), boundary.js
// (what crosses to the session), attempt.js (the URL function, the socket), lifecycle.js,
// probe.js. Messages never enter WebAssembly: queued payloads stay in a map (`Values`), the
// session sees their ids and sizes; an inbound message only stores its time.
//
// Page code inside wsguard's calls. No state of the session is borrowed across a call into
// page code, and no exception from page code unwinds through a Rust frame:
// - every call page code can replace or answer (the WebSocket constructor, the socket's methods
//   and setters, fetch, a URL function and its Promise, getters on the values users pass, the
//   page's globals) is made from JavaScript, between Session methods, inside a try/catch
//   wherever wsguard goes on afterwards, passing only primitives on to the session; afterwards
//   `#current` checks that the attempt is still the session's (the page may have moved it on);
// - a Session method's own calls reach only the driver's Recorder (boundary.js), which builds
//   plain records: no page code runs inside WebAssembly. What needs page code happens before
//   the call (the URL parsed with the page's URL, the seed drawn, the page's address read) or
//   after it (a refusal turned into its error, warnings written with the page's console.warn
//   as it is then);
// - calls back into the client from page code act at once (the session queues what they
//   cause, in order), except free(): while one of the driver's own calls is on the stack
//   (`#depth`) it takes effect when that call returns.
import { Session } from "./wsguard.js";
import { describe, handOver, readBinaryType, readClose, refusedOption } from "./arguments.js";
import { Deadline, isOnline, messageOf, now, pageHref, parseUrl, queueTask, randomSeed, warn } from "./page.js";
import { byteSize, closeFields, Recorder, resolving, sendable, sendRefusal, toError, unsendable, Values } from "./boundary.js";
import { LiveSocket, openSocket, urlFunctionFailed, whenSettled } from "./attempt.js";
import { watchPage } from "./lifecycle.js";
import { startProbe } from "./probe.js";

/**
 * One client's browser side, for `url` and the options as `readOptions` (arguments.js) read
 * them. `host` receives `event(record)` (a SessionEvent of boundary.js, completed by `Values`),
 * `socket(ws | null)` when the live socket changes (before the old one is closed) and
 * `sendable(ws | null)` for the socket `send` may use directly.
 */
export class Driver {
  #session;
  #host;
  #urlFunction;
  /** The sub-protocols to offer, as the session accepted them. */
  #protocols;
  #binaryType;
  #recorder = new Recorder();
  /** Queued payloads and thrown errors, by id. */
  #values = new Values();
  #live = new LiveSocket();
  #timer = new Deadline();
  #unwatch = null;
  /** What abandons each probe still out, by URL. */
  #probes = new Map();
  #running = false;
  /** An input arrived while the actions were being carried out: reconcile again. */
  #dirty = false;
  #delivering = false;
  #deliveryQueued = false;
  /** The driver's own calls on the stack; free() waits for them to return. */
  #depth = 0;
  #freeing = false;

  constructor(url, { values, protocols, given }, host) {
    // What may run page code first: the seed, the page's address, the URL parsed.
    const [high, low, page] = [randomSeed(), randomSeed(), pageHref()];
    const input = typeof url === "string" ? url : undefined;
    const [joined, alone] = input === undefined ? [] : parseUrl(input, page);
    try {
      this.#session = resolving(this.#recorder, () => {
        handOver(values);
        return new Session(input, joined, alone, page, high, low, this.#recorder);
      });
    } catch (refusal) {
      throw refusedOption(refusal, given) ?? toError(refusal);
    }
    this.#host = host;
    this.#urlFunction = typeof url === "function" ? url : null;
    this.#protocols = protocols;
    this.#binaryType = this.#session.binaryType;
    this.#input((session, time) => session.start(time, isOnline()), true);
  }

  /** The session, or null once freed. */
  get session() {
    return this.#session;
  }

  get socket() {
    return this.#live.socket;
  }

  get binaryType() {
    return this.#binaryType;
  }

  set binaryType(value) {
    this.#binaryType = readBinaryType(value);
    try {
      if (this.#live.socket !== null) this.#live.socket.binaryType = value;
    } catch {}
  }

  /** Queues `data`, or sends it on the open socket; throws, with `error.data`, when refused. */
  send(data) {
    if (!sendable(data)) throw unsendable(data);
    const size = this.#session.readyState === 1 ? 0 : byteSize(data);
    const id = this.#values.keep(data);
    try {
      this.#input((session, time) => session.send(time, id, size, this.#recorder), true);
    } catch (refusal) {
      this.#values.take(id);
      throw sendRefusal(refusal, data);
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
    this.#values.clear();
    const unwatch = this.#unwatch;
    const probes = [...this.#probes.values()];
    this.#unwatch = null;
    this.#probes.clear();
    this.#timer.set(-1);
    unwatch?.();
    probes.forEach((abandon) => abandon());
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
      const inboundAt = this.#live.unreported();
      if (inboundAt >= 0) session.inbound(inboundAt, this.#live.id);
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
      else if (socket !== this.#live.id) continue; // a socket already let go of, or never made
      else if (type === "close") {
        try {
          this.#live.socket.close(action.code, action.reason);
        } catch {}
      } else {
        // A queued message (by id), or the heartbeat's text.
        const data = type === "send" ? this.#values.take(action.message) : action.text;
        try {
          this.#live.socket.send(data);
        } catch {
          if (!this.#freeing) this.#session?.sendFailed();
        }
      }
    }
    return actions.length > 0;
  }

  /**
   * Resolves the attempt's URL (calling the URL function, which may return a Promise: the
   * session is told that it waits, and says whether its answer is still wanted), then connects.
   */
  #open(socketId) {
    const session = this.#session;
    const urlFunction = this.#urlFunction;
    if (urlFunction === null) return this.#connect(socketId, session.url);
    let value;
    let promise = false;
    try {
      value = urlFunction();
      promise = value instanceof Promise;
    } catch (thrown) {
      return this.#failed(socketId, urlFunctionFailed(thrown));
    }
    if (!promise) return this.#resolved(socketId, value);
    if (!this.#current(session, socketId)) return;
    session.urlWait(socketId, false);
    whenSettled(value, (fulfilled, result) => {
      if (this.#freeing || this.#session !== session || !session.urlWait(socketId, true)) return;
      this.#depth++;
      try {
        if (fulfilled) this.#resolved(socketId, result);
        else this.#failed(socketId, urlFunctionFailed(result));
        if (!this.#running) this.#run(false);
      } finally {
        this.#leave();
      }
    });
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
      url = resolving(this.#recorder, () => session.resolve(value, page, joined, alone, this.#recorder));
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
    let opened;
    try {
      opened = openSocket(url, this.#protocols, this.#binaryType, () => this.#current(session, socketId), {
        open: () => this.#input((s, time) => s.opened(time, socketId), false),
        error: () => this.#input((s, time) => s.errored(time, socketId), false),
        close: (event) => {
          const [code, reason, wasClean] = closeFields(event);
          this.#input((s, time) => s.closed(time, socketId, code, reason, wasClean), false);
        },
        message: (timeStamp) => {
          this.#live.inboundAt = timeStamp;
        },
      });
    } catch (error) {
      return this.#failed(socketId, error);
    }
    if (opened === null) return;
    this.#live.hold(opened, socketId);
    session.created(socketId);
    this.#host.socket(this.#live.socket);
  }

  /** An attempt that failed before a socket existed: logged, and reported with what was thrown. */
  #failed(socketId, error) {
    const session = this.#session;
    if (!this.#current(session, socketId)) return;
    let mixedContent = false;
    try {
      mixedContent = typeof DOMException === "function" && error instanceof DOMException && error.name === "SecurityError";
    } catch {}
    const message = messageOf(error);
    const time = now();
    // Page code (a getter) may have moved the client on meanwhile.
    if (!this.#current(session, socketId)) return;
    session.failed(time, socketId, this.#values.keep(error), message, mixedContent);
  }

  /** Lets go of the live socket: the host first (it detaches its listeners), then ours, then the socket. */
  #releaseSocket() {
    this.#live.letGo(() => this.#host.socket(null));
  }

  /**
   * Brings the browser side in line with the session: the socket `send` may use directly, a
   * socket the session no longer tracks, the one timer, and the page listeners (kept only
   * while the client is not closed).
   */
  #reconcile() {
    const session = this.#session;
    if (session === null || this.#freeing) return;
    const live = this.#live;
    const direct = live.id !== 0 && session.sendable === live.id ? live.socket : null;
    this.#host.sendable(direct);
    if (live.id !== 0 && session.socket !== live.id) this.#releaseSocket();
    if (this.#freeing) return;
    this.#rearm(session);
    if (this.#freeing) return;
    const closed = session.readyState === 3;
    if (closed && this.#unwatch !== null) {
      const unwatch = this.#unwatch;
      this.#unwatch = null;
      unwatch();
    } else if (!closed && this.#unwatch === null) {
      this.#unwatch = watchPage((fact) => this.#input((s, time) => s.page(time, fact), false));
    }
  }

  /** Arms the one timer for the session's deadline. */
  #rearm(session) {
    this.#timer.set(session.deadline, () => this.#input((s, time) => s.timeout(time), false));
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
        let event = this.#recorder.event;
        this.#recorder.event = null;
        if (event.type === "probe") this.#startProbe(session, event.url, event.sameOrigin);
        else if (event.type === "abandon") this.#abandonProbe(event.url);
        else {
          // The URL function did not answer in time: the session's words, as an Error.
          if (event.type === "urltimeout") event = { type: "error", error: new Error(event.message), warn: event.warn };
          else event = this.#values.complete(event);
          if (event.type === "error" && event.warn) warn("wsguard: this attempt could not open a socket:", event.error);
          if (event.type === "diagnosis" && event.warning !== "") warn(event.warning);
          this.#host.event(event);
        }
      }
    } finally {
      this.#delivering = false;
      this.#leave();
    }
  }

  /**
   * Runs the probe the session asked for (probe.js), until it answers (the answer goes back to
   * the session) or the session abandons it; then arms the timer for the probe's deadline.
   */
  #startProbe(session, url, sameOrigin) {
    let answered = false;
    let abandon = null;
    abandon = startProbe(url, sameOrigin, (reached, skipped, status, server, body) => {
      answered = true;
      if (this.#probes.get(url) === abandon) this.#probes.delete(url);
      this.#input((s) => s.probed(url, reached, skipped, status, server, body), false);
    });
    if (!answered) this.#probes.set(url, abandon);
    if (!this.#freeing && this.#session === session) this.#rearm(session);
  }

  /** Abandons the probe of `url`, as the session asks at its deadline. */
  #abandonProbe(url) {
    const abandon = this.#probes.get(url);
    this.#probes.delete(url);
    abandon?.();
  }
}
