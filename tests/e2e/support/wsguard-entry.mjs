// Which file of pkg/ a page should import to get wsguard as users do, and loading it in a page.
//
// The package's main entry (its exports map's "."), which loads the WebAssembly on import.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const pkgDir = join(fileURLToPath(new URL("../../..", import.meta.url)), "pkg");

/**
 * The URL path of the package's main entry ("/pkg/index.js"). pkg/ may be
 * missing for a moment while another job rebuilds it: waits up to `timeoutMs` for it.
 */
export async function packageEntry({ timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
      const file = manifest.exports["."].default.replace(/^\.\//, "");
      if (existsSync(join(pkgDir, file)) && existsSync(join(pkgDir, "wsguard_bg.wasm"))) return `/pkg/${file}`;
    } catch {}
    if (Date.now() > deadline) throw new Error("pkg/ holds no complete build; run bash scripts/build.sh");
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Imports `entry` in `page` (retrying while pkg/ is rebuilt) as `window.wsguard`. */
export function loadInPage(page, entry) {
  return page.evaluate(async (entry) => {
    for (let i = 0; ; i++) {
      try {
        window.wsguard = await import(`${entry}?try=${i}`);
        return entry;
      } catch (error) {
        if (i >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }, entry);
}
