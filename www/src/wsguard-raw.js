// Used by vite.config.js when the package has no auto-initialising index.js: wasm-bindgen's
// output needs an explicit init() before the first call, so this module awaits it (top-level
// await) and re-exports everything, making `import { WsGuard } from "wsguard"` work either way.
import init from "../../pkg/wsguard.js";

export * from "../../pkg/wsguard.js";
export { default } from "../../pkg/wsguard.js";

await init({ module_or_path: new URL("../../pkg/wsguard_bg.wasm", import.meta.url) });
