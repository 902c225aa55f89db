// Bundles for the page and the production sizes: esbuild --bundle --minify --format=esm, then
// gzip (level 9) and brotli (quality 11) with node's zlib. wsguard's own figure comes from
// scripts/size.mjs (what `node scripts/size.mjs` prints), so both always agree.
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

/** The peers: adapter and size-entry file name → label. */
export const PEERS = { partysocket: "partysocket", rws: "reconnecting-websocket", "websocket-ts": "websocket-ts", sockette: "sockette" };

/** The page's adapter modules, written into `libDir`: the peers bundled, raw and wsguard's as they are. */
export async function buildAdapters(benchDir, libDir, { manualEntry }) {
  const { writeFileSync } = await import("node:fs");
  copyFileSync(join(benchDir, "adapters/raw.js"), join(libDir, "raw.js"));
  copyFileSync(join(benchDir, "adapters/wsguard.js"), join(libDir, "wsguard.js"));
  if (manualEntry) {
    const code = readFileSync(join(benchDir, "adapters/wsguard-init.js"), "utf8").replace('"/pkg/raw.js"', JSON.stringify(`/pkg/${manualEntry}`));
    writeFileSync(join(libDir, "wsguard-init.js"), code);
  }
  for (const name of Object.keys(PEERS)) {
    writeFileSync(join(libDir, `${name}.js`), await bundle(join(benchDir, `adapters/${name}.js`)));
  }
}

/**
 * The package's module for manual initialisation (its "./raw" export, else wasm-bindgen's
 * wsguard.js), relative to pkg/, or null when there is none.
 */
export function manualEntryOf(pkgDir) {
  let entry = "wsguard.js";
  try {
    const raw = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")).exports?.["./raw"];
    const path = typeof raw === "string" ? raw : (raw?.default ?? raw?.import);
    if (path) entry = path.replace(/^\.\//, "");
  } catch {}
  return existsSync(join(pkgDir, entry)) ? entry : null;
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

/**
 * Production sizes. Peers: the size entry (what the adapter imports) bundled and minified.
 * wsguard: scripts/size.mjs's packageSize(), the files a page fetches when it imports the main
 * entry, and its .wasm split into the code section, the data section and the other sections.
 */
export async function measureSizes(benchDir, pkgDir) {
  const peers = [];
  for (const [name, label] of Object.entries(PEERS)) {
    const code = await bundle(join(benchDir, `size-entries/${name}.js`));
    peers.push({ lib: name, label, ...compressed(code) });
  }
  const { packageSize } = await import("../scripts/size.mjs");
  const pkg = await packageSize(pkgDir, { esbuild });
  const wasmFile = pkg.files.find((f) => f.kind === "wasm");
  const wasm = wasmFile ? readFileSync(join(pkgDir, ...wasmFile.path.split("/"))) : null;
  const sections = wasm
    ? wasmSections(wasm).map(({ name, size, count, bytes }) => ({
        name,
        size,
        count,
        gzip: compressed(Buffer.from(bytes)).gzip,
        strings: name === "data" ? dataStrings(bytes) : null,
      }))
    : [];
  // Code, data, and everything else together (the 8-byte header included), each gzipped alone.
  const parts = [];
  if (wasm) {
    const all = wasmSections(wasm);
    const pick = (test) => Buffer.concat(all.filter(test).map((x) => x.bytes));
    const code = pick((x) => x.name === "code");
    const data = pick((x) => x.name === "data");
    const other = Buffer.concat([wasm.subarray(0, 8), ...all.filter((x) => x.name !== "code" && x.name !== "data").map((x) => x.bytes)]);
    const otherNames = all.filter((x) => x.name !== "code" && x.name !== "data").map((x) => x.name);
    parts.push({ part: `${wasmFile.path}: code section`, raw: code.length, gzip: compressed(code).gzip, note: `${num(all.find((x) => x.name === "code")?.count)} functions` });
    parts.push({ part: `${wasmFile.path}: data section`, raw: data.length, gzip: compressed(data).gzip, note: `${num(all.find((x) => x.name === "data")?.count)} segments` });
    parts.push({ part: `${wasmFile.path}: other sections`, raw: other.length, gzip: compressed(other).gzip, note: otherNames.join(", ") });
  }
  return { peers, pkg, sections, parts, wsguardTotal: pkg.total };
}

const num = (x) => (Number.isFinite(x) ? x.toLocaleString("en-US") : "?");
