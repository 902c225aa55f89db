#!/usr/bin/env bash
# Builds the npm package into pkg/: wasm-pack (target web, release), wasm-opt from npm's
# binaryen, the .wasm's import and export names shortened (scripts/short-names.mjs), then
# pkg-template/ merged in and its JavaScript joined into raw.js. Prints the sizes.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

step "build: wasm-pack build (release, target web)"
rm -rf pkg
wasm-pack --log-level warn build wasm --release --target web --out-dir ../pkg --out-name wsguard

# Refuse any wasm-opt older than 110: binaryen 108 (Debian's) emits modules that validate but
# fail in Chromium at load time.
wasm_opt="$(command -v wasm-opt)"
wasm_opt_version="$(wasm-opt --version | awk '{print $3}')"
if [ "${wasm_opt_version:-0}" -lt 110 ]; then
  echo "build: refusing $wasm_opt (binaryen $wasm_opt_version < 110); run npm ci for npm's binaryen" >&2
  exit 1
fi
before=$(stat -c %s pkg/wsguard_bg.wasm)
# --low-memory-unused: nothing lives in the lowest 1 KiB of linear memory (the stack starts at
# 1 MiB and grows down, data and heap lie above it), so constant offsets fold into loads and stores.
# Flattening and re-looping the control flow between two -Oz rounds saves about 120 B gzip more
# (both measured with binaryen 132).
# --strip-target-features: the "target_features" section is for tools such as wasm-opt itself
# (which is why Cargo.toml keeps it, see `strip`); the browser ignores it (about 110 B gzip).
opt=(-Oz --flatten --rereloop -Oz --converge --low-memory-unused --strip-producers --strip-target-features)
# The same optimisation keeping the function names, for `twiggy` (the bench reads it): what the
# shipped .wasm holds, by name.
wasm-opt "${opt[@]}" -g pkg/wsguard_bg.wasm -o target/wsguard_bg.named.wasm
wasm-opt "${opt[@]}" pkg/wsguard_bg.wasm -o pkg/wsguard_bg.wasm
# Then the names the .wasm and the glue use for each other, shortened (see the script).
node scripts/short-names.mjs
after=$(stat -c %s pkg/wsguard_bg.wasm)

node scripts/merge-template.mjs
node scripts/bundle.mjs

gz() { gzip -9 -c "$1" | wc -c; }
wasm_gz=$(gz pkg/wsguard_bg.wasm)
echo "build: wsguard_bg.wasm ${before} B before wasm-opt (binaryen ${wasm_opt_version}), ${after} B after, ${wasm_gz} B gzip"
# Prints the size only: the gate on it is the `size` suite of `npm test`.
(node scripts/size.mjs || true) | tail -n 1
