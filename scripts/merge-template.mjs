// Merges pkg-template/ into wasm-pack's output in pkg/: the template's files win, the license
// texts and the changelog come from the repository root, and package.json gets its version from
// Cargo.toml's [workspace.package], the one place the version is written (scripts/check-version.mjs
// checks the others).
import { cpSync, readFileSync, writeFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { workspaceVersion } from "./check-version.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = join(root, "pkg");
const template = join(root, "pkg-template");
const fromRoot = ["LICENSE-MIT", "LICENSE-APACHE", "CHANGELOG.md"];

const version = workspaceVersion(root);
const built = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
if (built.version !== version) {
  // wasm-pack takes it from wasm/Cargo.toml, which inherits the workspace's: a difference means a
  // stale pkg/ or a crate that stopped inheriting.
  console.error(`merge-template: wasm-pack wrote version ${built.version}, Cargo.toml [workspace.package] says ${version}`);
  process.exit(1);
}

for (const name of readdirSync(template)) {
  if (name !== "package.json") cpSync(join(template, name), join(pkg, name), { recursive: true });
}
for (const name of fromRoot) cpSync(join(root, name), join(pkg, name));

// The template's keys in their order, with `version` right after `name`.
const manifest = {};
for (const [key, value] of Object.entries(JSON.parse(readFileSync(join(template, "package.json"), "utf8")))) {
  if (key === "version") continue;
  manifest[key] = value;
  if (key === "name") manifest.version = version;
}
manifest.version = version;
for (const name of fromRoot) {
  if (!manifest.files?.includes(name)) {
    console.error(`merge-template: pkg-template/package.json "files" must list ${name}`);
    process.exit(1);
  }
}
writeFileSync(join(pkg, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
