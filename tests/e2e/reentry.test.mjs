// Page code inside wsguard's calls: every place where wsguard calls into JavaScript that page
// code can replace or answer (globals, the socket's methods, fetch, getters and Proxy traps on
// the values users pass, a URL function and what it returns), with the released package (pkg/)
// in Chromium against a local HTTPS server (an HTTPS page, so that ws:// URLs are upgraded and
// the TLS probe runs).
//
// At each touch point the page installs code that, the first time wsguard reaches it, (a) calls
// back into the same client (send, close, reconnect, state, readyState, bufferedAmount, free:
// one case each) and then (b) throws. Each case checks:
//   - no WebAssembly trap (RuntimeError, `unreachable`, a Rust panic), thrown or uncaught;
//   - the outer call (the one that made wsguard reach the touch point) completes, or throws a
//     clear error: a "wsguard: …" one, or the page's own exception passed on;
//   - the call back into the client works or throws a clear "wsguard: …" error;
//   - whether wsguard reached the page code at all is what the table says: wsguard takes some
//     globals once at load (replacing them later has no effect; a page that replaces them
//     before wsguard loads, with an init script, is tested too) and reads others when it uses
//     them (WebSocket, fetch, Math.random, navigator.onLine);
//   - the client is usable afterwards: it echoes a message (after reconnect() if the case
//     closed it; a freed client must say so, and a new one echoes);
//   - a second client on the same page saw no event and still echoes.
// Then a URL function that never answers (or answers too late): each attempt fails after
// connectTimeoutMs with a diagnosis naming the URL function, a late answer opens nothing, and
// retries leave debugCounts() and the JS heap as they were; close() while it is pending ends
// the client at once. And a Math.random that always throws, over 3000 constructions (each
// exception through a Rust frame used to leak WebAssembly stack until it trapped).
//
// It ends with `reentry: touch_points=<n> cases=<m> traps=0 stuck=0` (stuck: cases after which
// either client was unusable).
import assert from "node:assert/strict";
import https from "node:https";
import { after, before, describe, test } from "node:test";
import { WebSocketServer } from "ws";
import { ensureCerts } from "../servers/certs.mjs";
import { blankPage, echo, servePackage } from "../servers/lab.mjs";
import { launchChromium } from "./support/browser.mjs";
import { packageEntry } from "./support/wsguard-entry.mjs";

const TRAP = /RuntimeError|unreachable|panicked|wasm-function|memory access out of bounds/i;
const ACTIONS = ["send", "close", "reconnect", "state", "readyState", "bufferedAmount", "free"];
/** WSGUARD_REENTRY_ONLY=<regex> runs only the touch points it matches (to debug one). */
const only = new RegExp(process.env.WSGUARD_REENTRY_ONLY ?? "");

let server;
let wss;
let origin;
let browser;
let entry;
const totals = { touchPoints: 0, cases: 0, traps: 0, stuck: 0 };

before(async () => {
  const certs = ensureCerts();
  entry = await packageEntry();
  wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  server = https.createServer(certs.trusted, (req, res) => {
    const url = new URL(req.url, "https://127.0.0.1");
    if (url.pathname === "/") res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(blankPage("wsguard reentry"));
    else if (url.pathname.startsWith("/pkg/")) servePackage(url.pathname, res);
    else res.writeHead(204).end();
  });
  server.on("upgrade", (req, socket, head) => {
    if (req.url.startsWith("/reject")) {
      socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => echo(ws));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `https://127.0.0.1:${server.address().port}`;
  browser = await launchChromium([`--ignore-certificate-errors-spki-list=${certs.spkiHash}`]);
});

after(async () => {
  await browser?.close();
  for (const client of wss?.clients ?? []) client.terminate();
  wss?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

// ---------------------------------------------------------------------------------------------
// The page side, installed before any page script runs (so that `preload` hooks are in place
// before wsguard loads). It must not use anything from this module.

function pageInit({ preload }) {
  const BOOM = "page hook boom";
  // The test's own helpers use the originals, taken before any hook is installed.
  const T = {
    setTimeout: window.setTimeout.bind(window),
    clearTimeout: window.clearTimeout.bind(window),
    now: performance.now.bind(performance),
    Error,
  };
  const sleep = (ms) => new Promise((resolve) => T.setTimeout(resolve, ms));
  const until = async (check, ms) => {
    const end = T.now() + ms;
    while (!check() && T.now() < end) await sleep(5);
    return check();
  };
  const next = (target, type, ms = 5000) =>
    new Promise((resolve, reject) => {
      const timer = T.setTimeout(() => reject(new Error(`no ${type} event within ${ms} ms`)), ms);
      target.addEventListener(type, (event) => {
        T.clearTimeout(timer);
        resolve(event);
      }, { once: true });
    });
  let unique = 0;

  const rx = {
    armed: false,
    fired: 0,
    target: null,
    action: null,
    reentry: [],
    url: "/echo",
    urlFn: null,
    /** Called by every hook: the first time while armed, calls back into the target. */
    fire() {
      if (!rx.armed) return false;
      rx.armed = false;
      rx.fired++;
      try {
        const value = act(rx.target, rx.action);
        rx.reentry.push({ ok: true, value: String(value) });
      } catch (error) {
        rx.reentry.push({ ok: false, name: String(error?.name), message: String(error?.message ?? error) });
      }
      return true;
    },
    /** A function that calls back (once, while armed), then throws; otherwise `pass(...)`. */
    hook(pass) {
      return function (...args) {
        if (rx.fire()) throw new T.Error(BOOM);
        return new.target ? Reflect.construct(pass, args) : Reflect.apply(pass, this, args);
      };
    },
  };
  window.rx = rx;
  const defaultUrl = () => rx.url;
  rx.urlFn = defaultUrl;

  function act(target, action) {
    switch (action) {
      case "send":
        return target.send("reentry");
      case "close":
        return target.close();
      case "reconnect":
        return target.reconnect();
      case "free":
        return target.free();
      default:
        return target[action];
    }
  }

  /** Replaces `owner[key]` (a method) by a hook; returns what puts it back. */
  function replace(owner, key) {
    const original = owner[key];
    owner[key] = rx.hook(original);
    return () => {
      owner[key] = original;
    };
  }

  /** Replaces the getter or setter `kind` of `owner[key]` by a hook; returns what puts it back. */
  function replaceAccessor(owner, key, kind) {
    const descriptor = Object.getOwnPropertyDescriptor(owner, key);
    Object.defineProperty(owner, key, { ...descriptor, [kind]: rx.hook(descriptor[kind]) });
    return () => Object.defineProperty(owner, key, descriptor);
  }

  /** An object whose every conversion to a string or number calls back and throws. */
  const convertible = () => ({
    [Symbol.toPrimitive]: rx.hook(() => "/echo"),
    toString: rx.hook(() => "/echo"),
    valueOf: rx.hook(() => 1000),
  });

  /** A getter that calls back and throws. */
  const getter = (value) => ({ get: rx.hook(() => value), enumerable: true, configurable: true });

  /** A Proxy whose traps all call back and throw. */
  const trapping = (target) =>
    new Proxy(target, {
      get: rx.hook((t, key) => Reflect.get(t, key)),
      ownKeys: rx.hook((t) => Reflect.ownKeys(t)),
      getPrototypeOf: rx.hook((t) => Reflect.getPrototypeOf(t)),
      getOwnPropertyDescriptor: rx.hook((t, key) => Reflect.getOwnPropertyDescriptor(t, key)),
      has: rx.hook((t, key) => Reflect.has(t, key)),
    });

  const arm = () => {
    rx.armed = true;
  };
  /** Arms only for the synchronous `call` (the page's own helpers are not to set it off). */
  const armedFor = (call) => {
    arm();
    try {
      return call();
    } finally {
      rx.armed = false;
    }
  };
  /** Waits for the hook (async touch points), at most `ms`. */
  const fired = (ms) => until(() => rx.fired > 0, ms);

  /**
   * Points A at the endpoint that refuses the upgrade, so that the diagnosis runs the TLS probe
   * (armed), and waits for the diagnosis that follows it (unless the call back freed A).
   */
  const probe = async (A) => {
    const kinds = [];
    A.addEventListener("diagnosis", (event) => kinds.push(event.detail.kind));
    rx.url = "/reject";
    arm();
    A.reconnect();
    await fired(3000);
    // Chromium slows down every WebSocket connect of a page after a dozen failed handshakes.
    rx.url = "/echo";
    if (rx.action !== "free" && !(await until(() => kinds.some((kind) => kind !== "normal"), 4000))) {
      throw new Error(`no diagnosis after the probe (${kinds.join(", ")})`);
    }
    return kinds.join(", ");
  };

  // The touch points. `expect`: whether wsguard reaches the page code (true), or takes the
  // original once at load or never converts the value (false). `install` returns what undoes
  // it; `trigger(A, extra)` makes the outer call and returns its value; `options` are A's.
  const TOUCH = {
    // --- globals replaced after wsguard loaded ---
    // An error reporter wraps console.warn after the imports (Sentry's init() does): it must
    // receive wsguard's warnings as they are written (the failed attempt, its diagnosis line,
    // the ws:// upgrade), and its call back into the client (then a throw), made from the
    // diagnosis line, must neither trap nor leave a client stuck.
    "console.warn, wrapped after load (an error reporter)": {
      expect: true,
      install: () => {
        const original = console.warn;
        const lines = (rx.warned = []);
        console.warn = function (...args) {
          const line = args.map(String).join(" ");
          lines.push(line);
          if (/^wsguard: [a-z-]+, /.test(line) && rx.fire()) throw new T.Error(BOOM);
          return Reflect.apply(original, this, args);
        };
        return () => {
          console.warn = original;
        };
      },
      trigger: async (A) => {
        rx.urlFn = () => {
          rx.urlFn = defaultUrl;
          throw new Error("a failing URL function");
        };
        arm();
        A.reconnect();
        await fired(5000);
        const upgraded = wsguard.resolveUrl(`ws://${location.host}/echo?warn=${++unique}`);
        const missed = [
          ["the failed attempt", /^wsguard: this attempt could not open a socket: .*a failing URL function/],
          ["its diagnosis line", /^wsguard: [a-z-]+, .*What to do: /],
          ["the upgrade", /^wsguard: upgraded ws:\/\/.* to wss:\/\//],
        ].filter(([, pattern]) => !rx.warned.some((line) => pattern.test(line)));
        if (missed.length > 0) throw new T.Error(`the wrapper missed ${missed.map(([what]) => what).join(", ")}: ${JSON.stringify(rx.warned).slice(0, 300)}`);
        return upgraded;
      },
    },
    "console.error": {
      expect: false,
      install: () => replace(console, "error"),
      trigger: async (A) => {
        const diagnosis = next(A, "diagnosis");
        rx.urlFn = () => {
          rx.urlFn = defaultUrl;
          throw new Error("a failing URL function");
        };
        arm();
        A.reconnect();
        await diagnosis;
      },
    },
    "WebSocket constructor": {
      expect: true,
      install: () => {
        const Original = WebSocket;
        const Hooked = function WebSocket(...args) {
          if (rx.fire()) throw new T.Error(BOOM);
          return new Original(...args);
        };
        Hooked.prototype = Original.prototype;
        window.WebSocket = Hooked;
        return () => {
          window.WebSocket = Original;
        };
      },
      trigger: async (A) => {
        arm();
        A.reconnect();
      },
    },
    "WebSocket constructor: a Proxy (construct trap)": {
      expect: true,
      install: () => {
        const Original = WebSocket;
        window.WebSocket = new Proxy(Original, { construct: rx.hook((target, args) => Reflect.construct(target, args)) });
        return () => {
          window.WebSocket = Original;
        };
      },
      trigger: async (A) => {
        arm();
        A.reconnect();
      },
    },
    "WebSocket constructor: returns something that is not a socket": {
      expect: true,
      install: () => {
        const Original = WebSocket;
        window.WebSocket = function WebSocket(...args) {
          if (!rx.fire()) return new Original(...args);
          return { readyState: 0, close: () => { throw new T.Error(BOOM); }, addEventListener: rx.hook(() => {}) };
        };
        return () => {
          window.WebSocket = Original;
        };
      },
      trigger: async (A) => {
        arm();
        A.reconnect();
      },
    },
    "socket.send: WsGuard.send() on an open client": {
      expect: true,
      install: () => replace(WebSocket.prototype, "send"),
      trigger: async (A) => armedFor(() => A.send("direct")),
    },
    "socket.send: the queue flushed on open": {
      expect: true,
      install: () => replace(WebSocket.prototype, "send"),
      trigger: async (A) => {
        A.reconnect();
        A.send("queued");
        arm();
        await fired(3000);
      },
    },
    "socket.close": {
      expect: true,
      install: () => replace(WebSocket.prototype, "close"),
      trigger: async (A) => armedFor(() => A.close(4000, "bye")),
    },
    "socket.binaryType setter": {
      expect: true,
      install: () => replaceAccessor(WebSocket.prototype, "binaryType", "set"),
      trigger: async (A) => {
        armedFor(() => {
          A.binaryType = "arraybuffer";
        });
        armedFor(() => A.reconnect());
      },
    },
    "socket.bufferedAmount getter": {
      expect: true,
      install: () => replaceAccessor(WebSocket.prototype, "bufferedAmount", "get"),
      trigger: async (A) => armedFor(() => A.bufferedAmount),
    },
    "socket.addEventListener (an own method on WebSocket.prototype)": {
      expect: false,
      install: () => {
        WebSocket.prototype.addEventListener = rx.hook(EventTarget.prototype.addEventListener);
        return () => delete WebSocket.prototype.addEventListener;
      },
      trigger: async (A) => armedFor(() => A.reconnect()),
    },
    "EventTarget.prototype.addEventListener": {
      expect: false,
      install: () => replace(EventTarget.prototype, "addEventListener"),
      trigger: async (A) => armedFor(() => A.reconnect()),
    },
    "EventTarget.prototype.removeEventListener": {
      expect: false,
      install: () => replace(EventTarget.prototype, "removeEventListener"),
      trigger: async (A) => armedFor(() => A.reconnect()),
    },
    "EventTarget.prototype.dispatchEvent": {
      expect: false,
      install: () => replace(EventTarget.prototype, "dispatchEvent"),
      trigger: async (A) => {
        arm();
        A.reconnect();
        await until(() => A.state === "open", 3000);
      },
    },
    "performance.now": {
      expect: false,
      install: () => replace(performance, "now"),
      trigger: async (A) => armedFor(() => {
        A.reconnect();
        A.send("x");
      }),
    },
    "Math.random": {
      expect: true,
      install: () => replace(Math, "random"),
      trigger: async (A, extra) => armedFor(() => extra.push(new wsguard.WsGuard("/echo", { log: false }))),
    },
    setTimeout: {
      expect: false,
      install: () => replace(window, "setTimeout"),
      trigger: async (A) => armedFor(() => A.reconnect()),
    },
    clearTimeout: {
      expect: false,
      install: () => replace(window, "clearTimeout"),
      trigger: async (A) => armedFor(() => A.reconnect()),
    },
    queueMicrotask: {
      expect: false,
      install: () => replace(window, "queueMicrotask"),
      trigger: async (A) => {
        armedFor(() => A.reconnect());
      },
    },
    "fetch (the TLS probe)": {
      expect: true,
      options: { probe: true, minDelayMs: 100, maxDelayMs: 100 },
      install: () => replace(window, "fetch"),
      trigger: probe,
    },
    "AbortController (the TLS probe)": {
      expect: true,
      options: { probe: true, minDelayMs: 100, maxDelayMs: 100 },
      install: () => {
        const Original = AbortController;
        window.AbortController = function AbortController() {
          if (rx.fire()) throw new T.Error(BOOM);
          return new Original();
        };
        return () => {
          window.AbortController = Original;
        };
      },
      trigger: probe,
    },
    "Event, CloseEvent and CustomEvent constructors": {
      expect: false,
      install: () => {
        const undo = ["Event", "CloseEvent", "CustomEvent"].map((name) => {
          const Original = window[name];
          window[name] = function (...args) {
            if (rx.fire()) throw new T.Error(BOOM);
            return new Original(...args);
          };
          return () => {
            window[name] = Original;
          };
        });
        return () => undo.forEach((u) => u());
      },
      trigger: async (A) => {
        arm();
        A.reconnect();
        await until(() => A.state === "open", 3000);
      },
    },
    "navigator.onLine getter": {
      expect: true,
      install: () => replaceAccessor(Navigator.prototype, "onLine", "get"),
      trigger: async (A) => {
        arm();
        A.reconnect();
        await fired(1000);
      },
    },
    "PageTransitionEvent persisted getter (a pageshow event)": {
      expect: true,
      install: () => replaceAccessor(PageTransitionEvent.prototype, "persisted", "get"),
      trigger: async () => {
        arm();
        dispatchEvent(new PageTransitionEvent("pageshow", { persisted: true }));
        await fired(1000);
      },
    },
    "document.visibilityState getter (a visibilitychange event)": {
      expect: true,
      install: () => replaceAccessor(Document.prototype, "visibilityState", "get"),
      trigger: async () => {
        arm();
        document.dispatchEvent(new Event("visibilitychange"));
        await fired(1000);
      },
    },
    "reportError (wsguard reports an event constructor that threw)": {
      expect: false,
      install: () => replace(window, "reportError"),
      trigger: async (A) => armedFor(() => A.reconnect()),
    },

    // --- the built-ins wasm-bindgen's glue calls from inside the session, replaced after load ---
    "URL constructor (a URL function's result resolved)": {
      expect: false,
      install: () => replace(window, "URL"),
      trigger: async (A) => armedFor(() => A.reconnect()),
    },
    "TypeError constructor (a URL the session refuses)": {
      expect: false,
      install: () => replace(window, "TypeError"),
      trigger: async (A) => {
        rx.urlFn = () => {
          rx.urlFn = defaultUrl;
          return "ftp://127.0.0.1/refused";
        };
        const diagnosis = next(A, "diagnosis");
        armedFor(() => A.reconnect());
        return (await diagnosis).detail.summary;
      },
    },
    "RangeError constructor (a send the session refuses)": {
      expect: false,
      options: { maxBufferedMessages: 1 },
      install: () => replace(window, "RangeError"),
      trigger: async (A) => {
        A.reconnect();
        A.send("first");
        return armedFor(() => A.send("second"));
      },
    },
    "DOMException and Error constructors (a close() the session refuses)": {
      expect: false,
      install: () => {
        const undo = [replace(window, "DOMException"), replace(window, "Error")];
        return () => undo.forEach((u) => u());
      },
      trigger: async (A) => armedFor(() => A.close(1000, "x".repeat(200))),
    },
    "Array.of (an option the session refuses)": {
      expect: false,
      install: () => replace(Array, "of"),
      trigger: async () => armedFor(() => new wsguard.WsGuard("/echo", { maxDelayMs: 5, minDelayMs: 10 })),
    },

    // --- values users pass ---
    "options: a getter": {
      expect: true,
      trigger: async () => armedFor(() => new wsguard.WsGuard("/echo", Object.defineProperty({ log: false }, "minDelayMs", getter(10)))),
    },
    "options.heartbeat: a getter": {
      expect: true,
      trigger: async () => armedFor(() => new wsguard.WsGuard("/echo", { log: false, heartbeat: Object.defineProperty({}, "intervalMs", getter(1000)) })),
    },
    "options.protocols: an item getter": {
      expect: true,
      trigger: async () => armedFor(() => new wsguard.WsGuard("/echo", { log: false, protocols: Object.defineProperty(["a", "b"], 1, getter("b")) })),
    },
    "options: a Proxy": {
      expect: true,
      trigger: async () => armedFor(() => new wsguard.WsGuard("/echo", trapping({ log: false }))),
    },
    "options.fatalCodes: a Proxy": {
      expect: true,
      trigger: async () => armedFor(() => new wsguard.WsGuard("/echo", { log: false, fatalCodes: trapping([4001]) })),
    },
    "send(Blob) with its own size getter, queued": {
      expect: false,
      trigger: async (A) => {
        const blob = Object.defineProperty(new Blob(["blob"]), "size", getter(4));
        A.reconnect();
        return armedFor(() => A.send(blob));
      },
    },
    "send(Uint8Array) with its own byteLength getter, queued": {
      expect: false,
      trigger: async (A) => {
        const bytes = Object.defineProperty(new Uint8Array(4), "byteLength", getter(4));
        A.reconnect();
        return armedFor(() => A.send(bytes));
      },
    },
    "send(DataView) with its own byteLength getter, queued": {
      expect: false,
      trigger: async (A) => {
        const view = Object.defineProperty(new DataView(new ArrayBuffer(4)), "byteLength", getter(4));
        A.reconnect();
        return armedFor(() => A.send(view));
      },
    },
    "send(a Proxy of a Uint8Array) on an open client": {
      expect: true,
      trigger: async (A) => armedFor(() => A.send(trapping(new Uint8Array(2)))),
    },
    "addEventListener options: getters": {
      expect: true,
      trigger: async (A) => {
        const options = Object.defineProperty({}, "capture", getter(false));
        return armedFor(() => A.addEventListener("message", () => {}, options));
      },
    },
    "URL function: throws": {
      expect: true,
      trigger: async (A) => {
        rx.urlFn = () => {
          if (rx.fire()) throw new T.Error(BOOM);
          return rx.url;
        };
        arm();
        A.reconnect();
      },
    },
    "URL function: a Proxy (apply trap)": {
      expect: true,
      client: (options) => new wsguard.WsGuard(new Proxy(() => rx.url, { apply: rx.hook((target, self, args) => Reflect.apply(target, self, args)) }), options),
      trigger: async (A) => armedFor(() => A.reconnect()),
    },
    "URL function: throws a Proxy (getPrototypeOf trap)": {
      expect: true,
      trigger: async (A) => {
        rx.urlFn = () => {
          rx.urlFn = defaultUrl;
          throw trapping({});
        };
        return armedFor(() => A.reconnect());
      },
    },
    "URL function: returns an object with toString and Symbol.toPrimitive": {
      expect: false,
      trigger: async (A) => {
        rx.urlFn = () => {
          rx.urlFn = defaultUrl;
          return convertible();
        };
        const diagnosis = next(A, "diagnosis");
        armedFor(() => A.reconnect());
        arm();
        return (await diagnosis).detail.summary;
      },
    },
    "URL function: a Promise with its own then": {
      expect: true,
      trigger: async (A) => {
        rx.urlFn = () => {
          rx.urlFn = defaultUrl;
          const promise = Promise.resolve(rx.url);
          promise.then = rx.hook(Promise.prototype.then);
          return promise;
        };
        return armedFor(() => A.reconnect());
      },
    },
    "URL function: a Promise of an object with Symbol.toPrimitive": {
      expect: false,
      trigger: async (A) => {
        rx.urlFn = () => {
          rx.urlFn = defaultUrl;
          return Promise.resolve(convertible());
        };
        const diagnosis = next(A, "diagnosis");
        arm();
        A.reconnect();
        return (await diagnosis).detail.summary;
      },
    },
    "classifyClose: a getter": {
      expect: true,
      trigger: async () => armedFor(() => wsguard.classifyClose(Object.defineProperty({ code: 1006 }, "reason", getter("")))),
    },
    "classifyClose: a Proxy": {
      expect: true,
      trigger: async () => armedFor(() => wsguard.classifyClose(trapping({ code: 1006 }))),
    },
    "resolveUrl: an options getter": {
      expect: true,
      trigger: async () => armedFor(() => wsguard.resolveUrl("/echo", Object.defineProperty({}, "insecure", getter("upgrade")))),
    },
    "toPrimitive: close(code)": {
      expect: false,
      trigger: async (A) => armedFor(() => A.close(convertible())),
    },
    "toString: close(1000, reason)": {
      expect: false,
      trigger: async (A) => armedFor(() => A.close(1000, convertible())),
    },
    "toString: send(object)": {
      expect: false,
      trigger: async (A) => armedFor(() => A.send(convertible())),
    },
    "toString: binaryType = object": {
      expect: false,
      trigger: async (A) => armedFor(() => {
        A.binaryType = convertible();
      }),
    },
    "toPrimitive: an option's value": {
      expect: false,
      trigger: async () => armedFor(() => new wsguard.WsGuard("/echo", { log: false, minDelayMs: convertible() })),
    },
    "toString: the URL argument": {
      expect: false,
      trigger: async () => armedFor(() => new wsguard.WsGuard(convertible())),
    },
    "toString: resolveUrl(object)": {
      expect: false,
      trigger: async () => armedFor(() => wsguard.resolveUrl(convertible())),
    },
    "toPrimitive: a classifyClose field": {
      expect: false,
      trigger: async () => armedFor(() => wsguard.classifyClose({ code: convertible() })),
    },

    // --- globals replaced before wsguard loaded (each on a page of its own) ---
    "console.warn, before load": {
      expect: true,
      preload: () => replace(console, "warn"),
      // The upgrade warning of the session's own URL resolution, written once it has returned.
      trigger: async (A) => {
        rx.url = `ws://${location.host}/echo?warn=${++unique}`;
        return armedFor(() => A.reconnect());
      },
    },
    "EventTarget.prototype.addEventListener, before load": {
      expect: true,
      preload: () => replace(EventTarget.prototype, "addEventListener"),
      trigger: async (A) => armedFor(() => A.reconnect()),
    },
    "EventTarget.prototype.removeEventListener, before load": {
      expect: true,
      preload: () => replace(EventTarget.prototype, "removeEventListener"),
      trigger: async (A) => armedFor(() => A.reconnect()),
    },
    "EventTarget.prototype.dispatchEvent, before load": {
      expect: true,
      preload: () => replace(EventTarget.prototype, "dispatchEvent"),
      trigger: async (A) => {
        arm();
        A.reconnect();
        await fired(3000);
      },
    },
    "performance.now, before load": {
      expect: true,
      preload: () => replace(performance, "now"),
      trigger: async (A) => armedFor(() => A.reconnect()),
    },
    "Math.random, before load": {
      expect: true,
      preload: () => replace(Math, "random"),
      trigger: async (A, extra) => armedFor(() => extra.push(new wsguard.WsGuard("/echo", { log: false }))),
    },
    "setTimeout, before load": {
      expect: true,
      preload: () => replace(window, "setTimeout"),
      trigger: async (A) => armedFor(() => A.reconnect()),
    },
    "clearTimeout, before load": {
      expect: true,
      preload: () => replace(window, "clearTimeout"),
      trigger: async (A) => armedFor(() => A.reconnect()),
    },
    "queueMicrotask, before load": {
      expect: true,
      preload: () => replace(window, "queueMicrotask"),
      trigger: async (A) => armedFor(() => A.reconnect()),
    },
    "CustomEvent, before load": {
      expect: true,
      preload: () => {
        const Original = CustomEvent;
        window.CustomEvent = function CustomEvent(...args) {
          if (rx.fire()) throw new T.Error(BOOM);
          return new Original(...args);
        };
      },
      trigger: async (A) => {
        arm();
        A.reconnect();
        await fired(3000);
      },
    },
    "reportError, before load": {
      expect: true,
      preload: () => {
        replace(EventTarget.prototype, "dispatchEvent");
        replace(window, "reportError");
      },
      // dispatchEvent's hook throws; wsguard reports that with reportError, whose hook calls
      // back and throws again.
      trigger: async (A) => {
        arm();
        A.reconnect();
        await fired(3000);
        arm();
        await fired(3000);
      },
    },
    "fetch, before load": {
      expect: true,
      options: { probe: true, minDelayMs: 100, maxDelayMs: 100 },
      preload: () => replace(window, "fetch"),
      trigger: probe,
    },
  };
  // The built-ins the WebAssembly itself calls, also replaced before it loaded: its `catch`
  // imports must keep whatever they do out of Rust, and this time the hook is reached.
  // (The TypeError case refuses a URL through resolveUrl: through a URL function, a free() from
  // the hook would end the client before the diagnosis that case waits for.)
  const refusedUrl = async () => armedFor(() => wsguard.resolveUrl("ftp://127.0.0.1/refused"));
  for (const [name, trigger] of [
    ["URL constructor (a URL function's result resolved)"],
    ["TypeError constructor (a URL the session refuses)", refusedUrl],
    ["RangeError constructor (a send the session refuses)"],
    ["DOMException and Error constructors (a close() the session refuses)"],
    ["Array.of (an option the session refuses)"],
  ]) {
    const { install, ...touch } = TOUCH[name];
    TOUCH[`${name}, before load`] = { ...touch, expect: true, preload: install, trigger: trigger ?? touch.trigger };
  }

  if (preload) TOUCH[preload].preload();

  const isTrap = (error) => error instanceof WebAssembly.RuntimeError || /unreachable|panicked|RuntimeError|memory access out of bounds/.test(String(error?.message));

  /** Echoes `text` through `guard` (waiting for it to open; earlier messages may come first). */
  async function echoes(guard, text, ms = 5000) {
    if (!(await until(() => guard.state === "open", ms))) return false;
    let echoed = false;
    const listener = (event) => {
      if (event.data === text) echoed = true;
    };
    guard.addEventListener("message", listener);
    try {
      guard.send(text);
      return await until(() => echoed, ms);
    } finally {
      guard.removeEventListener("message", listener);
    }
  }

  const B_EVENTS = ["open", "close", "error", "statechange", "reconnecting", "diagnosis"];
  /** The second client, open, with what it saw. */
  async function second() {
    const B = new wsguard.WsGuard("/echo", { log: false });
    const log = [];
    for (const type of B_EVENTS) B.addEventListener(type, () => log.push(type));
    await next(B, "open");
    log.length = 0;
    return { B, log };
  }

  /** Runs one case: `name`'s touch point with `action` as the call back. */
  async function runCase(name, action) {
    const touch = TOUCH[name];
    const result = { fired: 0, outer: null, reentry: [], traps: 0, usable: false, freed: false, second: false, secondEvents: [] };
    window.__b ??= await second();
    const { B, log } = window.__b;
    const options = { minDelayMs: 10, maxDelayMs: 40, log: true, probe: false, ...touch.options };
    rx.url = "/echo";
    rx.urlFn = defaultUrl;
    const A = touch.client ? touch.client(options) : new wsguard.WsGuard(() => rx.urlFn(), options);
    const events = [];
    for (const type of B_EVENTS) {
      A.addEventListener(type, (event) => events.push(type === "statechange" ? event.detail.to : type === "diagnosis" ? `${type}:${event.detail.kind}` : type));
    }
    const extra = [];
    try {
      await next(A, "open");
      log.length = 0;
      rx.fired = 0;
      rx.reentry = [];
      rx.target = A;
      rx.action = action;
      const undo = touch.install?.();
      try {
        const value = await touch.trigger(A, extra);
        result.outer = { threw: false, value: value === undefined ? null : String(value).slice(0, 200) };
      } catch (error) {
        result.outer = { threw: true, name: String(error?.name), message: String(error?.message ?? error).slice(0, 300), trap: isTrap(error) };
      } finally {
        rx.armed = false;
        undo?.();
      }
      rx.url = "/echo";
      rx.urlFn = defaultUrl;
      await sleep(30);
      result.fired = rx.fired;
      result.reentry = rx.reentry.slice();
      // Is A still usable?
      let state = null;
      try {
        state = A.state;
      } catch (error) {
        if (isTrap(error)) result.traps++;
        result.freed = /was freed/.test(String(error?.message));
      }
      if (result.freed) {
        const fresh = new wsguard.WsGuard("/echo", { log: false });
        result.usable = await echoes(fresh, "fresh");
        fresh.close();
        fresh.free();
      } else if (state !== null) {
        try {
          if (state !== "open" && state !== "connecting" && state !== "reconnecting") A.reconnect();
          result.usable = await echoes(A, `a-${name}-${action}`);
        } catch (error) {
          if (isTrap(error)) result.traps++;
          result.usable = false;
        }
      }
      if (!result.usable) {
        let state;
        try {
          state = A.state;
        } catch (error) {
          state = String(error?.message);
        }
        result.why = `A is ${state}; A saw ${events.slice(-12).join(" ")}; counts ${JSON.stringify(wsguard.debugCounts())}`;
      }
      for (const other of extra) {
        try {
          result.usable &&= await echoes(other, "extra");
        } catch (error) {
          if (isTrap(error)) result.traps++;
          result.usable = false;
        }
      }
      // The second client saw nothing and still echoes.
      result.secondEvents = log.slice();
      try {
        result.second = log.length === 0 && B.state === "open" && (await echoes(B, "b"));
      } catch (error) {
        if (isTrap(error)) result.traps++;
      }
    } catch (error) {
      if (isTrap(error)) result.traps++;
      result.outer ??= { threw: true, name: "HarnessError", message: String(error?.message ?? error), trap: isTrap(error) };
    } finally {
      for (const guard of [A, ...extra]) {
        try {
          guard.close();
          guard.free();
        } catch {}
      }
      rx.armed = false;
    }
    return result;
  }

  window.reentry = {
    runCase,
    touchPoints: () => Object.entries(TOUCH).map(([name, touch]) => ({ name, expect: touch.expect, preload: Boolean(touch.preload) })),
    sleep,
    next,
  };
}

// ---------------------------------------------------------------------------------------------
// The node side.

/** A fresh page (with `preload`'s hook installed before wsguard loads) and the package loaded. */
async function openPage(preload = null) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(`${error.name}: ${error.message}`));
  await page.addInitScript(pageInit, { preload });
  await page.goto(`${origin}/`);
  await page.evaluate(async (entry) => {
    window.wsguard = await import(entry);
  }, entry);
  return { context, page, pageErrors };
}

/** Whether an error (name, message) a case produced is a clear one. */
const clear = (name, message) => !TRAP.test(`${name}: ${message}`) && (/^wsguard: /.test(message) || message === "page hook boom");

/** What is wrong with one case's result (empty when nothing is). */
function judge(expectFire, result, newErrors) {
  const wrong = [];
  const traps = result.traps + (result.outer?.trap ? 1 : 0) + newErrors.filter((e) => TRAP.test(e)).length + result.reentry.filter((r) => !r.ok && TRAP.test(`${r.name}: ${r.message}`)).length;
  if (traps > 0) wrong.push(`trapped (${traps})`);
  if (result.outer?.threw && !clear(result.outer.name, result.outer.message)) wrong.push(`outer call threw ${result.outer.name}: ${result.outer.message}`);
  for (const r of result.reentry) if (!r.ok && !clear(r.name, r.message)) wrong.push(`call back threw ${r.name}: ${r.message}`);
  if (expectFire === true && result.fired === 0) wrong.push("the page code was never reached");
  if (expectFire === false && result.fired > 0) wrong.push("the page code was reached");
  const unexpected = newErrors.filter((e) => !/page hook boom|wsguard: /.test(e));
  if (unexpected.length) wrong.push(`uncaught: ${unexpected.join(" | ").slice(0, 300)}`);
  if (!result.usable) wrong.push(`the client was not usable afterwards (${result.why ?? ""})`);
  if (!result.second) wrong.push(`the second client noticed (${result.secondEvents.join(", ") || "did not echo"})`);
  return { wrong, traps, stuck: !result.usable || !result.second };
}

/** Runs every action at touch point `name` in `page`; counts into `totals`. */
async function runTouchPoint({ page, pageErrors }, name, expectFire) {
  const failures = [];
  const lines = new Set();
  for (const action of ACTIONS) {
    const errorsBefore = pageErrors.length;
    let result;
    try {
      result = await page.evaluate(({ name, action }) => window.reentry.runCase(name, action), { name, action });
    } catch (error) {
      result = { fired: 0, outer: { threw: true, name: "HarnessError", message: error.message, trap: TRAP.test(error.message) }, reentry: [], traps: 0, usable: false, second: false, secondEvents: [] };
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
    const { wrong, traps, stuck } = judge(expectFire, result, pageErrors.slice(errorsBefore));
    totals.cases++;
    totals.traps += traps;
    if (stuck) totals.stuck++;
    if (wrong.length) {
      failures.push(`${action}: ${wrong.join("; ")}`);
    }
    const outer = result.outer?.threw ? `threw "${result.outer.message.slice(0, 50)}"` : "completed";
    const back = result.reentry.map((r) => (r.ok ? "ok" : `threw "${r.message.slice(0, 40)}"`)).join(",") || "-";
    const line = `reached=${result.fired} outer ${outer}, call back ${back}`;
    if (wrong.length) console.log(`reentry-case: FAIL ${name} / ${action}: ${line} — ${wrong.join("; ")}`);
    else lines.add(`${action}: ${line}`);
  }
  if (failures.length === 0) console.log(`reentry-case: ok   ${name}: ${[...lines].join(" | ")}`);
  totals.touchPoints++;
  return failures;
}

describe("page code inside wsguard's calls", () => {
  let touchPoints = [];

  before(async () => {
    const { context, page } = await openPage();
    try {
      touchPoints = await page.evaluate(() => window.reentry.touchPoints());
    } finally {
      await context.close();
    }
  });

  test("globals replaced, and values passed, after wsguard loaded", async () => {
    const failures = [];
    for (const { name, expect } of touchPoints.filter((t) => !t.preload && only.test(t.name))) {
      const page = await openPage();
      try {
        failures.push(...(await runTouchPoint(page, name, expect)).map((f) => `${name}: ${f}`));
      } finally {
        await page.context.close();
      }
    }
    assert.deepEqual(failures, []);
  });

  test("globals replaced before wsguard loaded", async () => {
    const failures = [];
    for (const { name, expect } of touchPoints.filter((t) => t.preload && only.test(t.name))) {
      const page = await openPage(name);
      try {
        failures.push(...(await runTouchPoint(page, name, expect)).map((f) => `${name}: ${f}`));
      } finally {
        await page.context.close();
      }
    }
    assert.deepEqual(failures, []);
  });

  test("a URL function that never answers: each attempt fails after connectTimeoutMs, naming it; nothing grows", async () => {
    const { context, page, pageErrors } = await openPage();
    try {
      const cdp = await context.newCDPSession(page);
      const heap = async () => {
        await cdp.send("HeapProfiler.collectGarbage");
        await cdp.send("HeapProfiler.collectGarbage");
        return (await cdp.send("Runtime.getHeapUsage")).usedSize;
      };
      await page.evaluate(() => {
        window.baseline = wsguard.debugCounts();
        window.diagnoses = [];
        window.opens = 0;
        window.calls = 0;
        // Never answers; every other call answers late, after the attempt gave up.
        const guard = new wsguard.WsGuard(
          () => {
            window.calls++;
            return window.calls % 2 ? new Promise(() => {}) : new Promise((resolve) => setTimeout(() => resolve("/echo"), 150));
          },
          { connectTimeoutMs: 100, minDelayMs: 0, maxDelayMs: 10, log: false },
        );
        guard.addEventListener("diagnosis", (event) => window.diagnoses.push({ summary: event.detail.summary, counts: wsguard.debugCounts() }));
        guard.addEventListener("open", () => window.opens++);
        window.guard = guard;
      });
      const waitFor = (n) => page.waitForFunction((n) => window.diagnoses.length >= n, n, { timeout: 10_000 });
      // Ten retries to warm up (the JIT, inline caches), then ten more must not grow the heap.
      await waitFor(12);
      const heapBefore = await heap();
      await waitFor(22);
      const heapAfter = await heap();
      const result = await page.evaluate(async () => {
        const diagnoses = window.diagnoses.slice(0, 22);
        const held = { ...window.diagnoses[1].counts };
        const heldLater = { ...window.diagnoses[21].counts };
        window.guard.close();
        await window.reentry.sleep(50);
        const afterClose = wsguard.debugCounts();
        window.guard.free();
        return { summaries: diagnoses.map((d) => d.summary), held, heldLater, afterClose, baseline: window.baseline, opens: window.opens };
      });
      console.log(`reentry-url-function: never answers: ${result.summaries.length} attempts, heap ${heapBefore} -> ${heapAfter} B, held ${JSON.stringify(result.held)} -> ${JSON.stringify(result.heldLater)}`);
      for (const summary of result.summaries) assert.match(summary, /URL function did not answer within 100 ms/);
      assert.equal(result.opens, 0, "a late answer never opens a socket");
      assert.deepEqual(result.heldLater, result.held, "debugCounts() does not grow with the retries");
      assert.deepEqual(result.afterClose, result.baseline, "close() leaves nothing pending");
      assert.ok(heapAfter - heapBefore < 64 * 1024, `the JS heap does not grow (${heapBefore} -> ${heapAfter} B)`);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test("a Math.random that always throws: 3000 clients constructed and freed, no trap", async () => {
    const { context, page, pageErrors } = await openPage();
    try {
      const result = await page.evaluate(async () => {
        const before = wsguard.debugCounts();
        const random = Math.random;
        Math.random = () => {
          throw new Error("page hook boom");
        };
        let constructed = 0;
        let error = null;
        try {
          for (let i = 0; i < 3000; i++) {
            const guard = new wsguard.WsGuard(() => new Promise(() => {}), { log: false });
            constructed++;
            guard.free();
          }
        } catch (thrown) {
          error = `${thrown?.name}: ${thrown?.message}`;
        } finally {
          Math.random = random;
        }
        const guard = new wsguard.WsGuard("/echo", { log: false });
        await window.reentry.next(guard, "open");
        const echoed = window.reentry.next(guard, "message");
        guard.send("after");
        const data = (await echoed).data;
        guard.close();
        guard.free();
        return { constructed, error, data, before, after: wsguard.debugCounts() };
      });
      assert.equal(result.error, null);
      assert.equal(result.constructed, 3000);
      assert.equal(result.data, "after");
      assert.deepEqual(result.after, result.before);
      assert.deepEqual(pageErrors.filter((e) => TRAP.test(e)), []);
    } finally {
      await context.close();
    }
  });

  test("close() while a URL function has not answered ends the client at once", async () => {
    const { context, page } = await openPage();
    try {
      const result = await page.evaluate(async () => {
        const before = wsguard.debugCounts();
        const guard = new wsguard.WsGuard(() => new Promise(() => {}), { log: false });
        await window.reentry.sleep(20);
        const closed = window.reentry.next(guard, "close", 1000);
        guard.close(4000, "bye");
        const event = await closed;
        const state = guard.state;
        const held = wsguard.debugCounts();
        guard.free();
        return { code: event.code, reason: event.reason, state, held, before };
      });
      assert.equal(result.state, "closed");
      assert.equal(result.code, 4000);
      assert.equal(result.reason, "bye");
      assert.deepEqual(result.held, result.before);
    } finally {
      await context.close();
    }
  });

  // Every case was judged in its touch point's test (a trap or a stuck client fails it); this
  // checks that the page offered the touch points it should.
  test("the page offers at least 40 touch points", (t) => {
    if (process.env.WSGUARD_REENTRY_ONLY) return t.skip("WSGUARD_REENTRY_ONLY runs a subset");
    assert.ok(totals.touchPoints >= 40, `at least 40 touch points (ran ${totals.touchPoints})`);
  });

  after(() => console.log(`reentry: touch_points=${totals.touchPoints} cases=${totals.cases} traps=${totals.traps} stuck=${totals.stuck}`));
});
