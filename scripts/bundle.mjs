// Joins the package's JavaScript into one module: pkg/raw.js with the driver's files (driver.js, page.js,
// boundary.js, attempt.js, lifecycle.js, probe.js), arguments.js, schema.js, spelling.js and
// wasm-bindgen's wsguard.js (and its snippets) inside, so that a page imports index.js and
// raw.js, then fetches the .wasm: one round trip fewer, and one gzip stream for the shared code.
// The parts are removed from pkg/. Readable output (not minified): bundlers minify it anyway.
// First it checks that arguments.js hands classifyClose's fields over in the order of the
// export's parameters (wasm/src/classify.rs), as wasm-bindgen declared them in wsguard.d.ts.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as esbuild from "esbuild";

const pkg = new URL("../pkg/", import.meta.url).pathname;

const camel = (name) => name.replace(/_([a-z])/g, (_, letter) => letter.toUpperCase());
const exported = /export function classifyClose\(([^)]*)\)/.exec(readFileSync(join(pkg, "wsguard.d.ts"), "utf8"));
const parameters = exported?.[1].split(",").map((parameter) => camel(parameter.split(":")[0].trim())).slice(0, -1);
const fieldList = /const CLASSIFY_FIELDS = \[([\s\S]*?)\n\];/.exec(readFileSync(join(pkg, "arguments.js"), "utf8"));
const fields = fieldList ? [...fieldList[1].matchAll(/\["(\w+)"/g)].map((match) => match[1]) : [];
if (parameters === undefined || parameters.join() !== fields.join()) {
  console.error(`bundle: arguments.js's CLASSIFY_FIELDS (${fields}) must follow classifyClose's parameters (${parameters})`);
  process.exit(1);
}

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
for (const part of ["driver.js", "page.js", "boundary.js", "attempt.js", "lifecycle.js", "probe.js", "arguments.js", "schema.js", "spelling.js", "wsguard.js", "wsguard.d.ts", "wsguard_bg.wasm.d.ts", "snippets"]) {
  rmSync(join(pkg, part), { recursive: true, force: true });
}
console.log("bundle: pkg/raw.js holds raw.js, the driver, arguments.js, schema.js and wsguard.js");
