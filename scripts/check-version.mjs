// The version is written in one place: `version` in Cargo.toml's [workspace.package]. This checks
// that everything else that carries it agrees:
//   - the crates' own manifests (Cargo.toml's [package], wasm/Cargo.toml): `version.workspace = true`
//     or the same literal;
//   - Cargo.lock's entries for wsguard and wsguard-wasm;
//   - pkg-template/package.json, if it has a `version` (it should not: the build writes it);
//   - the built pkg/package.json, if pkg/ exists.
// Prints `version: <v> ok`, or one line per mismatch on stderr and exits 1.
// scripts/merge-template.mjs imports workspaceVersion() from here.
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const defaultRoot = fileURLToPath(new URL("..", import.meta.url));

// The key/value lines of each table of a TOML file, enough for Cargo.toml and Cargo.lock:
// returns [{ header, entries: Map }] in file order (`[[package]]` gives one table per entry).
function tomlTables(text) {
  const tables = [{ header: "", entries: new Map() }];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\s+#.*$/, "").trim();
    if (line === "" || line.startsWith("#")) continue;
    const header = line.match(/^\[\[?\s*([^\]]+?)\s*\]\]?$/);
    if (header) {
      tables.push({ header: header[1], entries: new Map() });
      continue;
    }
    const pair = line.match(/^([A-Za-z0-9_.-]+)\s*=\s*(.*)$/);
    if (pair) tables.at(-1).entries.set(pair[1], pair[2]);
  }
  return tables;
}

const unquote = (value) => value?.match(/^"([^"]*)"$/)?.[1];

// `version` of a [package] table: the literal, "workspace" when inherited, or undefined.
function packageVersion(entries) {
  if (entries.get("version.workspace") === "true") return "workspace";
  const value = entries.get("version");
  if (value !== undefined && /^\{\s*workspace\s*=\s*true\s*\}$/.test(value)) return "workspace";
  return unquote(value);
}

/** The workspace version: `version` in [workspace.package] of the root Cargo.toml. */
export function workspaceVersion(root = defaultRoot) {
  const tables = tomlTables(readFileSync(join(root, "Cargo.toml"), "utf8"));
  const version = unquote(tables.find((t) => t.header === "workspace.package")?.entries.get("version"));
  if (!version) throw new Error("check-version: Cargo.toml has no [workspace.package] version");
  return version;
}

/** Every place that carries the version and disagrees with the workspace's: [{ where, found }]. */
export function versionMismatches(root = defaultRoot) {
  const expected = workspaceVersion(root);
  const mismatches = [];
  const expect = (where, found) => {
    if (found !== expected) mismatches.push({ where, found: found ?? "(none)" });
  };

  for (const manifest of ["Cargo.toml", "wasm/Cargo.toml"]) {
    const table = tomlTables(readFileSync(join(root, manifest), "utf8")).find((t) => t.header === "package");
    if (!table) continue;
    const version = packageVersion(table.entries);
    if (version !== "workspace") expect(`${manifest} [package] version`, version);
  }

  const lockPath = join(root, "Cargo.lock");
  if (existsSync(lockPath)) {
    const locked = tomlTables(readFileSync(lockPath, "utf8")).filter((t) => t.header === "package");
    for (const name of ["wsguard", "wsguard-wasm"]) {
      const entries = locked.filter((t) => unquote(t.entries.get("name")) === name);
      if (entries.length === 0) mismatches.push({ where: `Cargo.lock ${name}`, found: "(no entry)" });
      for (const entry of entries) expect(`Cargo.lock ${name}`, unquote(entry.entries.get("version")));
    }
  } else {
    mismatches.push({ where: "Cargo.lock", found: "(missing)" });
  }

  const template = JSON.parse(readFileSync(join(root, "pkg-template", "package.json"), "utf8"));
  if ("version" in template) expect("pkg-template/package.json version", template.version);

  const built = join(root, "pkg", "package.json");
  if (existsSync(built)) {
    expect(`${relative(root, built)} version`, JSON.parse(readFileSync(built, "utf8")).version);
  }
  return { expected, mismatches };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { expected, mismatches } = versionMismatches();
  if (mismatches.length === 0) {
    console.log(`version: ${expected} ok`);
  } else {
    for (const { where, found } of mismatches) {
      console.error(`version: mismatch: ${where} is ${found}, Cargo.toml [workspace.package] version is ${expected}`);
    }
    console.error("version: the version is set only in Cargo.toml [workspace.package]; run `cargo update --workspace` for Cargo.lock and rebuild (bash scripts/build.sh) for pkg/");
    process.exit(1);
  }
}
