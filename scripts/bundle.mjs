// Joins the package's JavaScript into one module: pkg/raw.js with the driver's files (driver.js, page.js,
// boundary.js, attempt.js, lifecycle.js, probe.js), arguments.js, spelling.js and
// wasm-bindgen's wsguard.js (and its snippets) inside, so that a page imports index.js and
// raw.js, then fetches the .wasm: one round trip fewer, and one gzip stream for the shared code.
// The parts are removed from pkg/. Readable output (not minified): bundlers minify it anyway.
import { rmSync } from "node:fs";
import { join } from "node:path";
import * as esbuild from "esbuild";

const pkg = new URL("../pkg/", import.meta.url).pathname;

await esbuild.build({
  entryPoints: [join(pkg, "raw.js")],
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  outfile: join(pkg, "raw.js"),
  allowOverwrite: true,
  legalComments: "none",
  logLevel: "warning",
});
for (const part of ["driver.js", "page.js", "boundary.js", "attempt.js", "lifecycle.js", "probe.js", "arguments.js", "spelling.js", "wsguard.js", "wsguard.d.ts", "wsguard_bg.wasm.d.ts", "snippets"]) {
  rmSync(join(pkg, part), { recursive: true, force: true });
}
console.log("bundle: pkg/raw.js holds raw.js, the driver, arguments.js and wsguard.js");
