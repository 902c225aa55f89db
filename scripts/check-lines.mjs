// Fails when a source file grows past the line limit: every `.rs` and `.js` file in src/,
// wasm/src/ and pkg-template/ stays at most 450 lines, so that each file keeps to one job.
// Prints `lines: <files> files, longest <path> (<n>)`.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const LIMIT = 450;
const ROOTS = ["src", "wasm/src", "pkg-template"];
const root = new URL("..", import.meta.url).pathname;

function* sources(dir) {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (/\.(rs|js)$/.test(entry.name)) yield path;
  }
}

const files = ROOTS.flatMap((dir) => [...sources(dir)]).map((path) => {
  const text = readFileSync(join(root, path), "utf8");
  return { path, lines: text.split("\n").length - (text.endsWith("\n") ? 1 : 0) };
});
const longest = files.reduce((a, b) => (b.lines > a.lines ? b : a));
const over = files.filter((file) => file.lines > LIMIT);
for (const file of over) console.log(`lines: ${file.path} has ${file.lines} lines (at most ${LIMIT})`);
console.log(`lines: ${files.length} files, longest ${longest.path} (${longest.lines})`);
process.exit(over.length === 0 ? 0 : 1);
