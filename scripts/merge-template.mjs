// Merges pkg-template/ into wasm-pack's output in pkg/: the template's files win, and the
// package.json keeps the crate's version so it is written in one place (Cargo.toml).
import { cpSync, readFileSync, writeFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const pkg = join(root, "pkg");
const template = join(root, "pkg-template");

const built = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
for (const name of readdirSync(template)) {
  if (name !== "package.json") cpSync(join(template, name), join(pkg, name), { recursive: true });
}
const manifest = JSON.parse(readFileSync(join(template, "package.json"), "utf8"));
manifest.version = built.version;
writeFileSync(join(pkg, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
