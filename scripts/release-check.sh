#!/usr/bin/env bash
# `npm run release:check`: everything short of uploading. Installs what is missing, builds pkg/,
# runs the host tests, checks that every place carrying the version agrees with Cargo.toml, packs
# the npm package and the crate, runs the registries' own dry runs (`npm publish --dry-run` on the
# packed tarball, `cargo publish --dry-run` for the crate, which builds the packaged crate), builds
# the crate's documentation for wasm32 as docs.rs will, and prints what would be published.
# Ends with:
#   release-check: npm=<name>@<version> files=<n> gz_bytes=<n> crate=<name>@<version> files=<n> ok
# Uploading is a manual step: see RELEASING.md.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

fail() { echo "release-check: $*" >&2; exit 1; }
warnings=()
warn() { echo "release-check: warning: $*" >&2; warnings+=("$*"); }

# Paths (relative to the package root) that neither package may contain.
forbidden='^(tests|bench|www|target|node_modules|pkg|dist|\.cache)/|(^|/)node_modules/'

step "release-check: setup"
bash scripts/setup.sh

step "release-check: build"
bash scripts/build.sh

step "release-check: host tests"
cargo test --workspace

step "release-check: version"
node scripts/check-version.mjs
version="$(node --input-type=module -e 'import { workspaceVersion } from "./scripts/check-version.mjs"; console.log(workspaceVersion())')"
grep -qE "^## \[$(printf '%s' "$version" | sed 's/\./\\./g')\]( |$)" CHANGELOG.md \
  || fail "CHANGELOG.md has no '## [$version]' section"

# ---------------------------------------------------------------------------------------- npm
step "release-check: npm pack"
rm -f dist/*.tgz
pack_line="$(bash scripts/pack.sh)"
echo "$pack_line"
tarball="$(printf '%s\n' "$pack_line" | sed -nE 's/^pack: (\S+\.tgz) .*/\1/p')"
[ -f "$tarball" ] || fail "scripts/pack.sh produced no tarball"

step "release-check: npm publish --dry-run"
# From dist/, so that nothing of the workspace's own package.json is involved.
(cd dist && npm publish --dry-run "$tarball")

step "release-check: npm tarball contents"
# Checks the packed manifest and the file list; prints `<name> <version> <files>`.
npm_summary="$(tar -tzf "$tarball" | node --input-type=module -e '
  import { execFileSync } from "node:child_process";
  const [tarball, version, forbidden] = process.argv.slice(1);
  const listing = await new Response(process.stdin).text();
  const entries = listing.split("\n").filter((line) => line && !line.endsWith("/"));
  const problems = [];
  const files = entries.map((entry) => {
    if (!entry.startsWith("package/")) problems.push(`entry outside package/: ${entry}`);
    return entry.replace(/^package\//, "");
  });
  const manifest = JSON.parse(execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" }));
  const re = new RegExp(forbidden);
  for (const file of files) if (re.test(file)) problems.push(`forbidden path in the tarball: ${file}`);
  for (const file of ["package.json", "README.md", "LICENSE-MIT", "LICENSE-APACHE", "CHANGELOG.md"]) {
    if (!files.includes(file)) problems.push(`missing from the tarball: ${file}`);
  }
  if (manifest.version !== version) problems.push(`packed version ${manifest.version}, Cargo.toml says ${version}`);
  for (const key of ["name", "version", "description", "license", "repository", "homepage", "bugs", "keywords",
                     "type", "main", "types", "exports", "sideEffects", "files"]) {
    if (manifest[key] === undefined) problems.push(`package.json has no "${key}"`);
  }
  if (manifest.license !== "MIT OR Apache-2.0") problems.push(`package.json license is ${manifest.license}`);
  for (const key of ["devDependencies", "scripts", "private"]) {
    if (manifest[key] !== undefined) problems.push(`package.json has "${key}", which a published package should not carry`);
  }
  // Every file that main, module, types and exports point to must be in the tarball.
  const targets = [];
  const collect = (value) => {
    if (typeof value === "string") targets.push(value);
    else if (value && typeof value === "object") Object.values(value).forEach(collect);
  };
  collect([manifest.main, manifest.module, manifest.types, manifest.exports]);
  for (const target of new Set(targets)) {
    const file = target.replace(/^\.\//, "");
    if (!file.includes("*") && !files.includes(file)) problems.push(`package.json points to ${target}, not in the tarball`);
  }
  if (problems.length) {
    for (const problem of problems) console.error(`release-check: npm: ${problem}`);
    process.exit(1);
  }
  console.log([manifest.name, manifest.version, files.length].join(" "));
' "$tarball" "$version" "$forbidden")" || fail "the npm tarball failed its checks"
read -r npm_name npm_version npm_files <<< "$npm_summary"
npm_gz_bytes="$(stat -c %s "$tarball")"

# Text files still naming a placeholder address.
if placeholders="$(tar -xzOf "$tarball" --wildcards 'package/*.md' 'package/*.json' 'package/*.js' 'package/*.d.ts' 2>/dev/null | grep -c 'example\.invalid')" \
   && [ "$placeholders" -gt 0 ]; then
  warn "the npm tarball still names https://example.invalid ($placeholders line(s)); grep -rn example.invalid pkg-template/"
fi

# -------------------------------------------------------------------------------------- crate
step "release-check: cargo package --list"
crate_list="$(cargo package -p wsguard --list --allow-dirty)"
printf '%s\n' "$crate_list"
# Exactly what a Rust user needs: the sources (with the JavaScript snippets wasm-bindgen ships
# from src/browser/), the manifest, README, changelog and license texts, plus what cargo itself
# adds (Cargo.toml.orig, Cargo.lock, .cargo_vcs_info.json).
unexpected="$(printf '%s\n' "$crate_list" | grep -vE '^(src/.+\.rs|src/browser/[a-z_]+\.js|Cargo\.toml|Cargo\.toml\.orig|Cargo\.lock|\.cargo_vcs_info\.json|README\.md|CHANGELOG\.md|LICENSE-MIT|LICENSE-APACHE)$' || true)"
[ -z "$unexpected" ] || fail "the crate would include files a Rust user does not need:"$'\n'"$unexpected"
if printf '%s\n' "$crate_list" | grep -qE "$forbidden"; then fail "the crate includes a forbidden path"; fi
for file in Cargo.toml README.md CHANGELOG.md LICENSE-MIT LICENSE-APACHE src/lib.rs; do
  printf '%s\n' "$crate_list" | grep -qx "$file" || fail "the crate does not include $file"
done

# --allow-dirty here and below: CI runs on a clean clone, a maintainer's tree may hold
# uncommitted work. Cargo warns that the tests and the example are not in the package: that is
# the point of `include`.
step "release-check: cargo package"
# Writes <target>/package/<name>-<version>.crate and builds the unpacked copy on the host.
cargo package -p wsguard --allow-dirty
crate_id="$(cargo metadata --format-version 1 --no-deps | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const metadata = JSON.parse(s);
    const p = metadata.packages.find((p) => p.manifest_path === process.argv[1]);
    console.log(`${p.name} ${p.version} ${metadata.target_directory}`);
  });' "$ROOT/Cargo.toml")"
read -r crate_name crate_version target_dir <<< "$crate_id"
crate_file="$target_dir/package/$crate_name-$crate_version.crate"
[ -f "$crate_file" ] || fail "cargo package left no $crate_file"
crate_files="$(tar -tzf "$crate_file" | grep -vc '/$')"
# The .crate itself, not only the --list above: nothing forbidden, the licenses and changelog in.
packed_crate="$(tar -tzf "$crate_file" | grep -v '/$' | sed "s|^$crate_name-$crate_version/||")"
if printf '%s\n' "$packed_crate" | grep -qE "$forbidden"; then fail "$crate_file holds a forbidden path"; fi
for file in CHANGELOG.md LICENSE-MIT LICENSE-APACHE; do
  printf '%s\n' "$packed_crate" | grep -qx "$file" || fail "$crate_file does not hold $file"
done

step "release-check: cargo publish --dry-run"
# The registry's own dry run: packages and verifies again, checks the manifest and the
# dependencies against crates.io, and stops before uploading.
cargo publish -p wsguard --dry-run --allow-dirty

step "release-check: docs.rs build (wasm32-unknown-unknown)"
# [package.metadata.docs.rs] documents the wasm32 target, where wsguard::browser exists.
cargo doc -p wsguard --no-deps --target wasm32-unknown-unknown

# ------------------------------------------------------------------------------------ summary
step "release-check: what would be published"
echo "npm: $tarball ($npm_gz_bytes B gzip)"
tar -tvzf "$tarball" | awk '$1 !~ /^d/ { sub(/^package\//, "", $6); printf "  %10d  %s\n", $3, $6 }' | sort -k2
echo "crate: $crate_file ($(stat -c %s "$crate_file") B gzip)"
tar -tvzf "$crate_file" | awk -v top="$crate_name-$crate_version/" '$1 !~ /^d/ { sub("^" top, "", $6); printf "  %10d  %s\n", $3, $6 }' | sort -k2

[ "$npm_version" = "$crate_version" ] || fail "npm version $npm_version differs from crate version $crate_version"
[ "$npm_version" = "$version" ] || fail "packed version $npm_version differs from Cargo.toml's $version"
for warning in "${warnings[@]}"; do echo "release-check: warning: $warning"; done
echo "release-check: npm=$npm_name@$npm_version files=$npm_files gz_bytes=$npm_gz_bytes crate=$crate_name@$crate_version files=$crate_files ok"
