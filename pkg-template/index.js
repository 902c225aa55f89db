// The package's main entry: loads the WebAssembly once, at import time, so that
//
//     import { WsGuard } from "wsguard";
//
// works with no init() call, in Vite, webpack 5 and a plain <script type="module">.
//
// - `new URL("./wsguard_bg.wasm", import.meta.url)` is the pattern bundlers recognise as an
//   asset: they copy the .wasm into the build and rewrite the URL. Without a bundler it
//   resolves next to this file.
// - This module has no static import: it starts fetching the .wasm and loading raw.js at the same
//   moment, instead of fetching the .wasm only once raw.js has arrived.
// - Top-level await: importing this module finishes only once the WebAssembly is ready.
// - "wsguard/raw" (raw.js) is the same API without the automatic load.
const wasmUrl = new URL("./wsguard_bg.wasm", import.meta.url);
const wasm = fetch(wasmUrl);
wasm.catch(() => {}); // reported by init() below, which awaits it
const raw = await import("./raw.js");

/** Settled once the WebAssembly is loaded; importing this module already waited for it. */
export const ready = raw.default({ module_or_path: wasm }).catch((error) => {
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

// raw.js's exports. The default export stays init(): code written for the manual API
// (`import init from "wsguard"; await init();`) keeps working, as a no-op.
export const { WsGuard, resolveUrl, classifyClose, debugCounts, initSync } = raw;
export default raw.default;
