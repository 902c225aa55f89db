# Sourced by the other scripts: puts the project's own tools first on PATH.
# node_modules/.bin comes first so that npm's binaryen (>= 110) is the wasm-opt that runs,
# never Debian's /usr/bin/wasm-opt (108), whose output fails to load in Chromium.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

# The wasm-bindgen version pinned in Cargo.lock: the one place it is written.
locked_wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
