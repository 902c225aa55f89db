// Types of the package's main entry (index.js): everything "wsguard/raw" declares, with the
// WebAssembly already loaded when the import resolves.
export * from "./raw.js";

/**
 * init(). Not needed with this entry, which loads the WebAssembly on import: calling it
 * resolves at once. Kept so `import init from "wsguard"; await init();` code keeps working.
 */
export { default } from "./raw.js";

/** Resolved once the WebAssembly is loaded, which importing "wsguard" already waits for. */
export declare const ready: Promise<unknown>;
