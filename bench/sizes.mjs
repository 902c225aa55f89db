// Bundles for the page and the production sizes: esbuild --bundle --minify --format=esm, then
// gzip (level 9) and brotli (quality 11) with node's zlib.
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

export function compressed(bytes) {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
  };
}

async function bundle(entry, { external = [] } = {}) {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
    external,
    logLevel: "silent",
  });
  return Buffer.from(result.outputFiles[0].contents);
}

/** Writes the page's adapter modules into `libDir`. */
export async function buildAdapters(benchDir, libDir, { withIndex }) {
  const { writeFileSync } = await import("node:fs");
  copyFileSync(join(benchDir, "adapters/raw.js"), join(libDir, "raw.js"));
  copyFileSync(join(benchDir, "adapters/wsguard.js"), join(libDir, "wsguard.js"));
  if (withIndex) copyFileSync(join(benchDir, "adapters/wsguard-index.js"), join(libDir, "wsguard-index.js"));
  writeFileSync(join(libDir, "partysocket.js"), await bundle(join(benchDir, "adapters/partysocket.js")));
  writeFileSync(join(libDir, "rws.js"), await bundle(join(benchDir, "adapters/rws.js")));
}

/** Sizes of the section kinds of a WebAssembly binary (custom sections by name). */
export function wasmSections(bytes) {
  const names = ["custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data", "datacount", "tag"];
  const sections = [];
  let at = 8;
  const leb = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[at++];
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(byte & 0x80)) return result;
    }
  };
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = leb();
    const start = at;
    let name = names[id] ?? `section ${id}`;
    if (id === 0) {
      const length = leb();
      name = `custom "${bytes.subarray(at, at + length).toString("utf8")}"`;
    }
    let count = null;
    if (id === 10 || id === 11) count = leb();
    sections.push({ name, size, count, bytes: bytes.subarray(start, start + size) });
    at = start + size;
  }
  return sections;
}

/** Printable strings of 24+ bytes in the data section, longest first (what the data holds). */
export function dataStrings(dataBytes, minLength = 24) {
  const text = Buffer.from(dataBytes).toString("latin1");
  const found = text.match(new RegExp(`[\\x20-\\x7e]{${minLength},}`, "g")) ?? [];
  return { count: found.length, bytes: found.reduce((n, s) => n + s.length, 0) };
}

/** Production sizes of each library, and of wsguard's pieces. */
export async function measureSizes(benchDir, pkgDir) {
  const rows = [];
  const peer = async (name, label) => {
    const code = await bundle(join(benchDir, `size-entries/${name}.js`));
    rows.push({ lib: label, part: "JS (bundle)", ...compressed(code) });
  };
  await peer("partysocket", "partysocket");
  await peer("rws", "reconnecting-websocket");

  const wasm = readFileSync(join(pkgDir, "wsguard_bg.wasm"));
  const js = await bundle(join(pkgDir, "wsguard.js"));
  const parts = [
    { lib: "wsguard", part: "wsguard_bg.wasm", ...compressed(wasm) },
    { lib: "wsguard", part: "wsguard.js (minified)", ...compressed(js) },
  ];
  if (existsSync(join(pkgDir, "index.js"))) {
    const index = await bundle(join(pkgDir, "index.js"), { external: ["./wsguard.js"] });
    parts.push({ lib: "wsguard", part: "index.js (minified, auto-init entry)", ...compressed(index) });
  }
  const sum = (key) => parts.reduce((n, p) => n + p[key], 0);
  const total = { lib: "wsguard", part: "total (each file compressed on its own)", raw: sum("raw"), gzip: sum("gzip"), brotli: sum("brotli") };
  const sections = wasmSections(wasm).map(({ name, size, count, bytes }) => ({
    name,
    size,
    count,
    gzip: compressed(Buffer.from(bytes)).gzip,
    strings: name === "data" ? dataStrings(bytes) : null,
  }));
  return { rows: [...rows, ...parts, total], wsguardTotal: total, sections };
}
