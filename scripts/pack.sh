#!/usr/bin/env bash
# Packs the already built package (pkg/) into dist/wsguard-<version>.tgz with `npm pack`, the
# tarball `npm publish` would upload. Builds nothing: run scripts/build.sh first. Refuses a pkg/
# whose version differs from Cargo.toml's (scripts/check-version.mjs).
# Prints one line: `pack: <absolute tarball path> <bytes> B (<files> files, <bytes> B unpacked)`.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

for file in package.json index.js raw.js wsguard_bg.wasm LICENSE-MIT LICENSE-APACHE CHANGELOG.md; do
  if [ ! -f "pkg/$file" ]; then
    echo "pack: pkg/$file is missing; build the package first (bash scripts/build.sh)" >&2
    exit 1
  fi
done
# The version comes from Cargo.toml: refuse a pkg/ built for another one (the mismatch goes to stderr).
node scripts/check-version.mjs > /dev/null

mkdir -p dist
json="$(npm pack ./pkg --pack-destination dist --ignore-scripts --json --silent)"
node -e '
  const [info] = JSON.parse(process.argv[1]);
  const path = require("node:path").resolve("dist", info.filename);
  const size = require("node:fs").statSync(path).size;
  console.log(`pack: ${path} ${size} B (${info.entryCount} files, ${info.unpackedSize} B unpacked)`);
' "$json"
