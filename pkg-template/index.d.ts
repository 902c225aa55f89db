// Types of the package's main entry (index.js): everything wsguard.js declares, with the
// WebAssembly already loaded when the import resolves.
import type { InitOutput } from "./wsguard.js";

export * from "./wsguard.js";

/**
 * wasm-bindgen's init(). Not needed with this entry, which loads the WebAssembly on import:
 * calling it resolves at once with the loaded module. Kept so `import init from "wsguard";
 * await init();` code keeps working.
 */
export { default } from "./wsguard.js";

/** Resolved once the WebAssembly is loaded, which importing "wsguard" already waits for. */
export declare const ready: Promise<InitOutput>;
