// The page's built-ins as wsguard uses them, and the small helpers around them: the clock, the
// timer, listeners (counted in `held` for leak tests), the page's address and network, the
// console, error reporting and a random number that survives a broken Math.random.
//
// Taken once, at load, so that page code replacing them later cannot intercept wsguard's own
// calls; WebSocket, fetch and console.warn are read when used (monitoring code and error reporters
// replace them on purpose, often after wsguard was imported).
const { addEventListener: add, removeEventListener: remove } = EventTarget.prototype;
const later = setTimeout;
const cancel = clearTimeout;
const clock = performance.now.bind(performance);
const microtask = typeof queueMicrotask === "function" ? queueMicrotask : null;
const reportAtLoad = typeof reportError === "function" ? reportError : null;

/** The built-ins that wasm-bindgen's glue calls from inside Session methods, as at load. */
const INTRINSICS = [
  [globalThis, "URL", globalThis.URL],
  [globalThis, "TypeError", TypeError],
  [globalThis, "RangeError", RangeError],
  [globalThis, "Error", Error],
  [globalThis, "DOMException", globalThis.DOMException],
  [Array, "of", Array.of],
];

/** What all clients hold right now, for leak tests. */
export const held = { listeners: 0, timers: 0, sockets: 0 };

/**
 * Writes with the page's console.warn as it is now (an error reporter may have wrapped it after
 * wsguard loaded); a broken or throwing console is ignored.
 */
export const warn = (...args) => {
  try {
    Reflect.apply(console.warn, console, args);
  } catch {}
};

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
/**
 * performance.now() as taken at load, as it answers (the session takes a time earlier than one
 * it saw as that one); if it throws or answers what no clock can (not a number, negative,
 * beyond 9e15), its last good answer.
 */
export function now() {
  try {
    const time = clock();
    if (typeof time === "number" && time >= 0 && time < 9e15) lastTime = time;
  } catch {}
  return lastTime;
}

/** Runs `task` from a microtask; a broken queueMicrotask falls back to a Promise. */
export function queueTask(task) {
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

export const isOnline = () => {
  try {
    return globalThis.navigator?.onLine !== false;
  } catch {
    return true;
  }
};

let fallbackSeed = 0x2545f491;
/** A 32-bit seed from the page's Math.random as it is now, or from a xorshift if that fails. */
export function randomSeed() {
  let value;
  try {
    value = Reflect.apply(Math.random, Math, []);
  } catch {}
  if (typeof value !== "number" || !(value >= 0 && value < 1)) {
    fallbackSeed ^= fallbackSeed << 13;
    fallbackSeed ^= fallbackSeed >>> 17;
    fallbackSeed ^= fallbackSeed << 5;
    value = ((fallbackSeed >>> 0) + (now() % 1)) / 4294967297;
  }
  return Math.floor(value * 4294967296);
}

/** Sets `owner[key]`; whether it took. */
function put(owner, key, value) {
  try {
    owner[key] = value;
    return owner[key] === value;
  } catch {
    return false;
  }
}

/**
 * Runs `call` (a Session method, or a free Rust function) with the built-ins its glue calls as
 * they were at load, so that no page code that replaced them later runs inside Rust.
 */
export function shielded(call) {
  let swapped = null;
  for (const [owner, key, original] of INTRINSICS) {
    let current;
    try {
      current = owner[key];
    } catch {
      continue;
    }
    if (current !== original && put(owner, key, original)) (swapped ??= []).push([owner, key, current]);
  }
  try {
    return call();
  } finally {
    if (swapped !== null) for (const [owner, key, value] of swapped) put(owner, key, value);
  }
}

/** Adds a listener (throws if the target refuses it); returns what removes it. Counted in `held`. */
export function listen(target, type, listener) {
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
export function timer(delay, run) {
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
export function messageOf(thrown) {
  try {
    if (typeof thrown === "string") return thrown;
    if (thrown instanceof Error) {
      const message = thrown.message;
      return typeof message === "string" ? message : "an Error without a message";
    }
  } catch {}
  return "a value that is not an Error";
}


/** The one timer a client keeps, set to the session's deadline (a `now()` time). */
export class Deadline {
  #at = -1;
  #clear = null;
  /** Arms the timer to call `fire()` at `at` (-1: none), unless it already is. */
  set(at, fire) {
    if (at === this.#at) return;
    const clear = this.#clear;
    this.#clear = null;
    this.#at = -1;
    clear?.();
    if (at < 0) return;
    this.#at = at;
    const set = timer(at - now(), () => {
      this.#clear = null;
      this.#at = -1;
      fire();
    });
    // Without a timer (a broken setTimeout) the next call tries again; one that already ran (a
    // setTimeout that calls at once) has nothing left to clear.
    if (set === null) this.#at = -1;
    else if (this.#at === at) this.#clear = set;
  }
}
