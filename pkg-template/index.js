// The package's main entry: loads the WebAssembly once, at import time, so that
//
//     import { WsGuard } from "wsguard";
//
// works with no init() call, in Vite, webpack 5 and a plain <script type="module">.
//
// - `new URL("./wsguard_bg.wasm", import.meta.url)` is the pattern bundlers recognise as an
//   asset: they copy the .wasm into the build and rewrite the URL. Without a bundler it
//   resolves next to this file.
// - Top-level await: importing this module finishes only once the WebAssembly is ready.
// - `./wsguard.js` (wasm-bindgen's output, also exported as "wsguard/raw") stays untouched for
//   anyone who wants to call init() themselves.
import init, { WsGuard } from "./wsguard.js";

export * from "./wsguard.js";
// The default export stays wasm-bindgen's init(): code written for the manual API
// (`import init from "wsguard"; await init();`) keeps working, as a no-op.
export { default } from "./wsguard.js";

const wasmUrl = new URL("./wsguard_bg.wasm", import.meta.url);

/** Settled once the WebAssembly is loaded; importing this module already waited for it. */
export const ready = init({ module_or_path: wasmUrl }).catch((error) => {
  const reason = String(error?.message ?? error);
  const advice = /Content[ -]Security[ -]Policy/i.test(reason)
    ? "The page's Content-Security-Policy forbids compiling WebAssembly: add 'wasm-unsafe-eval' " +
      "to script-src (and allow the .wasm in connect-src)."
    : "A bundler must copy wsguard_bg.wasm into the build, and a server must serve it " +
      "(ideally as application/wasm).";
  throw new Error(`wsguard: could not load its WebAssembly from ${wasmUrl} (${reason}). ${advice}`, {
    cause: error,
  });
});

await ready;

// Calls on a freed WsGuard: wasm-bindgen's class keeps its Rust object's address in
// `__wbg_ptr` and sets it to 0 in free() (also Symbol.dispose); any later call would fail with
// an opaque "null pointer passed to rust". Every method and accessor gets a clear error
// instead, and free()/dispose become no-ops the second time.
const FREED = "wsguard: this WsGuard was freed (free() or Symbol.dispose); create a new one";
const proto = WsGuard.prototype;
const INTERNAL = new Set(["constructor", "__destroy_into_raw"]);

function guard(fn, onFreed) {
  return {
    [fn.name || "guarded"](...args) {
      if (this != null && this.__wbg_ptr === 0) return onFreed();
      if (!(this instanceof WsGuard)) throw new TypeError(`wsguard: WsGuard.prototype.${fn.name} called on an object that is not a WsGuard`);
      return fn.apply(this, args);
    },
  }[fn.name || "guarded"];
}
const throwFreed = () => {
  throw new Error(FREED);
};

const free = proto.free;
for (const key of Reflect.ownKeys(proto)) {
  if (INTERNAL.has(key)) continue;
  const descriptor = Object.getOwnPropertyDescriptor(proto, key);
  if (typeof descriptor.value === "function") {
    const release = descriptor.value === free;
    descriptor.value = guard(descriptor.value, release ? () => undefined : throwFreed);
  } else {
    if (descriptor.get) descriptor.get = guard(descriptor.get, throwFreed);
    if (descriptor.set) descriptor.set = guard(descriptor.set, throwFreed);
  }
  Object.defineProperty(proto, key, descriptor);
}
