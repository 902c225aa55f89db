// Shortens the names the .wasm and wasm-bindgen's glue use for each other:
//
//   node scripts/short-names.mjs [pkgDir]   (pkgDir defaults to pkg/; run after wasm-opt)
//
// wasm-bindgen names each import after its Rust function plus a hash
// (`__wbg_close_150e5e514a0aecff`) and each export after its Rust path (`session_new`,
// `__wbindgen_malloc`). Every such name is written twice, in the .wasm and in wsguard.js, and the
// hashes do not compress: about 1.5 KB gzip in all. This renames every import field and every
// export but `memory` (which code reading the exports object, such as the bench, looks up) to
// one or two letters, in the .wasm's import and export sections and in wsguard.js: the keys of
// its imports object (each name written exactly once there) and its `wasm.<export>` uses. The
// import module ("./wsguard_bg.js") stays. Fails if the glue uses a name in any other way.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const pkg = process.argv[2] ?? fileURLToPath(new URL("../pkg/", import.meta.url));
const wasmPath = join(pkg, "wsguard_bg.wasm");
const jsPath = join(pkg, "wsguard.js");
const IMPORT_SECTION = 2;
const EXPORT_SECTION = 7;
const KEPT_EXPORTS = new Set(["memory"]);

const fail = (message) => {
  console.error(`short-names: ${message}`);
  process.exit(1);
};

/** The `index`-th short name: a, b, …, Z, aa, ba, … */
function shortName(index) {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  let name = "";
  do {
    name += letters[index % letters.length];
    index = Math.floor(index / letters.length);
  } while (index > 0);
  return name;
}

const uleb = (n) => {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};
const name = (text) => {
  const bytes = Buffer.from(text, "utf8");
  return [...uleb(bytes.length), ...bytes];
};

const bytes = readFileSync(wasmPath);
let pos = 8;
const readUleb = () => {
  let result = 0;
  let shift = 0;
  let byte;
  do {
    byte = bytes[pos++];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return result;
};
const readName = () => {
  const length = readUleb();
  const text = bytes.subarray(pos, pos + length).toString("utf8");
  pos += length;
  return text;
};
/** Skips a table's or a memory's limits. */
const skipLimits = () => {
  const flags = readUleb();
  readUleb();
  if (flags & 1) readUleb();
};

const imports = new Map();
const exports = new Map();
const parts = [bytes.subarray(0, 8)];
while (pos < bytes.length) {
  const sectionStart = pos;
  const id = bytes[pos++];
  const size = readUleb();
  const end = pos + size;
  if (id !== IMPORT_SECTION && id !== EXPORT_SECTION) {
    parts.push(bytes.subarray(sectionStart, end));
    pos = end;
    continue;
  }
  const count = readUleb();
  const body = [...uleb(count)];
  for (let i = 0; i < count; i++) {
    if (id === IMPORT_SECTION) {
      const module = readName();
      const field = readName();
      const descStart = pos;
      const kind = bytes[pos++];
      if (kind === 0) readUleb(); // function: type index
      else if (kind === 1) pos++, skipLimits(); // table: reference type, limits
      else if (kind === 2) skipLimits(); // memory
      else if (kind === 3) pos += 2; // global: value type, mutability
      else fail(`import ${field} has an unknown kind ${kind}`);
      if (imports.has(field)) fail(`two imports named ${field}`);
      const short = shortName(imports.size);
      imports.set(field, short);
      body.push(...name(module), ...name(short), ...bytes.subarray(descStart, pos));
    } else {
      const field = readName();
      const descStart = pos;
      pos++;
      readUleb();
      const short = KEPT_EXPORTS.has(field) ? field : shortName(exports.size);
      exports.set(field, short);
      body.push(...name(short), ...bytes.subarray(descStart, pos));
    }
  }
  if (pos !== end) fail(`section ${id} did not parse to its end`);
  parts.push(Buffer.from([id, ...uleb(body.length), ...body]));
}

let js = readFileSync(jsPath, "utf8");
for (const [field, short] of imports) {
  const uses = js.split(field).length - 1;
  if (uses !== 1) fail(`wsguard.js names import ${field} ${uses} times, not once`);
  js = js.replace(new RegExp(`\\b${field}(?=\\s*:)`), short);
  if (js.includes(field)) fail(`wsguard.js names import ${field} other than as a key`);
}
js = js.replace(/\bwasm\.([A-Za-z_$][\w$]*)/g, (use, field) => {
  if (!exports.has(field)) fail(`wsguard.js uses ${use}, which the .wasm does not export`);
  return `wasm.${exports.get(field)}`;
});
// Any other way to reach an export (by a computed key, by destructuring) would miss the rename.
const other = js.match(/\bwasm\s*\[|\}\s*=\s*wasm\b|\bexports\s*[.[]/);
if (other !== null) fail(`wsguard.js reaches the exports other than as wasm.<name>: ${other[0]}`);
writeFileSync(wasmPath, Buffer.concat(parts));
writeFileSync(jsPath, js);
console.log(`short-names: ${imports.size} imports and ${exports.size - KEPT_EXPORTS.size} exports renamed`);
