#!/usr/bin/env node
// The size of what a page fetches when it imports the package's main entry, gzipped:
//
//   node scripts/size.mjs [pkgDir] [--ceiling=N]   (pkgDir defaults to pkg/ at the repository root)
//
// Walks the module graph from <pkgDir>/index.js: every `import … from "./x"`, `import("./x")`,
// `import "./x"` and `export … from "./x"` with a relative specifier, recursively (so
// wasm-bindgen's snippets/ files too), and every `new URL("./x", import.meta.url)` asset such as
// the .wasm. Each JS file is minified on its own with esbuild (transform, minify, format esm;
// not bundled) and gzipped at level 9; the .wasm is gzipped as shipped, level 9. The total adds
// the files compressed one by one, as a server sends them. Prints one line per file, then
//
//   size: gz_bytes=<total> limit=25600 ok      (exit 0)
//   size: gz_bytes=<total> limit=25600 over    (exit 1)
//
// With --ceiling=N (what `npm test` passes while the package is still above the 25,600 B
// target), the exit code follows the ceiling instead, so the size can only go down:
//
//   size: gz_bytes=<total> limit=25600 over ceiling=<N> ok   (exit 0; exit 1 above N)
//
// esbuild comes from the repository's node_modules (root package.json devDependencies);
// bench/sizes.mjs calls packageSize() with its own esbuild, the same version.
import { readFileSync, realpathSync } from "node:fs";
import { dirname, join, posix, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export const LIMIT_GZ_BYTES = 25_600;
const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;

/**
 * Relative specifiers of the imports and re-exports of the ES module `file` (static ones, and
 * `import("./x")` with a literal specifier), as esbuild parses them (every import left
 * external, so nothing is bundled or resolved).
 */
async function staticImports(esbuild, file) {
  const result = await esbuild.build({
    entryPoints: [file],
    bundle: true,
    write: false,
    metafile: true,
    format: "esm",
    platform: "neutral",
    logLevel: "silent",
    plugins: [
      {
        name: "all-external",
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) => (args.kind === "entry-point" ? undefined : { path: args.path, external: true }));
        },
      },
    ],
  });
  return Object.values(result.metafile.inputs)
    .flatMap((input) => input.imports)
    .filter((i) => (i.kind === "import-statement" || i.kind === "dynamic-import") && /^\.{1,2}\//.test(i.path))
    .map((i) => i.path);
}

/** `new URL("x", import.meta.url)` assets of a (minified, so comment-free) module, relative ones only. */
export function assetUrls(code) {
  const assets = /\bnew\s+URL\(\s*(["'`])([^"'`\n]+)\1\s*,\s*import\.meta\.url\s*\)/g;
  return [...code.matchAll(assets)].map((m) => m[2]).filter((u) => !/^[a-z][a-z0-9+.-]*:|^\//i.test(u));
}

/**
 * Every file a page fetches when it imports `<pkgDir>/index.js`, with its sizes.
 * Returns { files: [{ path, kind: "js" | "wasm", bytes, minifiedBytes, gzip }], total }, total
 * being the sum of the files' gzip sizes.
 */
export async function packageSize(pkgDir = join(root, "pkg"), { esbuild, entry = "index.js" } = {}) {
  esbuild ??= await import("esbuild");
  const base = resolve(pkgDir);
  const files = [];
  const seen = new Set();
  const queue = [entry];
  while (queue.length) {
    const path = queue.shift();
    if (seen.has(path)) continue;
    seen.add(path);
    const file = join(base, ...path.split("/"));
    const bytes = readFileSync(file);
    if (path.endsWith(".wasm")) {
      files.push({ path, kind: "wasm", bytes: bytes.length, minifiedBytes: bytes.length, gzip: gzip(bytes) });
      continue;
    }
    const { code } = await esbuild.transform(bytes.toString("utf8"), { loader: "js", format: "esm", minify: true });
    const minified = Buffer.from(code);
    files.push({ path, kind: "js", bytes: bytes.length, minifiedBytes: minified.length, gzip: gzip(minified) });
    for (const specifier of [...(await staticImports(esbuild, file)), ...assetUrls(code)]) {
      const target = posix.normalize(posix.join(posix.dirname(path), specifier));
      if (target.startsWith("../") || relative(base, join(base, target)).startsWith(`..${sep}`)) {
        throw new Error(`${path} loads ${specifier}, outside ${pkgDir}`);
      }
      queue.push(target);
    }
  }
  return { files, total: files.reduce((n, f) => n + f.gzip, 0) };
}

const runDirectly = (() => {
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();

if (runDirectly) {
  const args = process.argv.slice(2);
  const ceilingArg = args.find((a) => a.startsWith("--ceiling="));
  const ceiling = ceilingArg === undefined ? null : Number(ceilingArg.slice("--ceiling=".length));
  const pkgDir = args.find((a) => !a.startsWith("--")) ?? join(root, "pkg");
  try {
    const { files, total } = await packageSize(pkgDir);
    const n = (x) => x.toLocaleString("en-US").padStart(9);
    for (const f of files) {
      console.log(`size: ${f.kind.padEnd(4)} ${n(f.bytes)} B ${f.kind === "js" ? `minified ${n(f.minifiedBytes)} B` : "as shipped        "}  gzip ${n(f.gzip)} B  ${f.path}`);
    }
    const ok = total <= LIMIT_GZ_BYTES;
    if (ceiling === null || ok) {
      console.log(`size: gz_bytes=${total} limit=${LIMIT_GZ_BYTES} ${ok ? "ok" : "over"}`);
      process.exit(ok ? 0 : 1);
    }
    const underCeiling = total <= ceiling;
    console.log(`size: gz_bytes=${total} limit=${LIMIT_GZ_BYTES} over ceiling=${ceiling} ${underCeiling ? "ok" : "over"}`);
    process.exit(underCeiling ? 0 : 1);
  } catch (error) {
    console.error(`size: failed: ${error.message}`);
    process.exit(2);
  }
}
