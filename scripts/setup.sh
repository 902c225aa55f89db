#!/usr/bin/env bash
# Installs what wsguard's build and tests need, skipping every step already satisfied.
# Needs only rustup/cargo, node/npm and apt-get on the machine.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "setup: rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if [ ! -f Cargo.lock ]; then
  cargo generate-lockfile
fi
want="$(locked_wasm_bindgen_version)"
have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have" != "$want" ]; then
  step "setup: cargo install wasm-bindgen-cli $want (found: ${have:-none})"
  # Not --locked: the CLI's own lock file names a webpki-roots version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$want" --force
fi

if ! command -v wasm-pack >/dev/null 2>&1; then
  step "setup: cargo install wasm-pack"
  cargo install wasm-pack --locked
fi

if [ ! -x "$CHROMIUM" ] || [ ! -x "$CHROMEDRIVER" ]; then
  step "setup: apt-get install chromium chromium-driver"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver
fi

# openssl makes the test certificates; certutil (libnss3-tools) lets Chromium trust a local CA,
# so a certificate for the wrong host fails as it does in production (ERR_CERT_COMMON_NAME_INVALID).
if ! command -v openssl >/dev/null 2>&1 || ! command -v certutil >/dev/null 2>&1; then
  step "setup: apt-get install openssl libnss3-tools"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssl libnss3-tools
fi

# The other two engines of the engines suite (tests/e2e/engines.test.mjs): Firefox ESR, driven
# over WebDriver BiDi by puppeteer-core (an npm package below), and WebKitGTK's MiniBrowser
# through WebKitWebDriver, which needs a virtual display (xvfb-run, with xauth).
MINIBROWSER="${MINIBROWSER:-/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser}"
if ! command -v firefox-esr >/dev/null 2>&1 || ! command -v WebKitWebDriver >/dev/null 2>&1 \
  || [ ! -x "$MINIBROWSER" ] || ! command -v xvfb-run >/dev/null 2>&1 || ! command -v xauth >/dev/null 2>&1; then
  step "setup: apt-get install firefox-esr webkit2gtk-driver xvfb xauth"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends firefox-esr webkit2gtk-driver xvfb xauth
fi

# The reverse proxies of the proxy lab (tests/servers/proxies.mjs, tests/e2e/proxies.test.mjs):
# Debian's nginx (in Debian 12 the `nginx` package holds the binary; nginx-light only adds a module)
# and HAProxy. The tests run them as child processes with configs of their own; the packages'
# maintainer scripts would start the system services, so a policy-rc.d that refuses every start
# (exit 101) is in place during the install, unless one already is (as in Docker images), and the
# services are stopped after, in case an init script started them anyway.
if [ ! -x /usr/sbin/nginx ] || [ ! -x /usr/sbin/haproxy ]; then
  step "setup: apt-get install nginx haproxy (system services not started)"
  temporary_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# wsguard setup: no service starts during this install\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    temporary_policy=/usr/sbin/policy-rc.d
  fi
  remove_policy() { if [ -n "$temporary_policy" ]; then rm -f "$temporary_policy"; fi; }
  trap remove_policy EXIT
  # The lock timeout: another setup may be installing its own packages at the same moment.
  apt-get update -o DPkg::Lock::Timeout=600
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=600 nginx haproxy
  remove_policy
  trap - EXIT
  # Belt and braces: no system nginx or HAProxy may stay up (the tests start their own).
  for service in nginx haproxy; do
    if [ -x "/etc/init.d/$service" ]; then "/etc/init.d/$service" stop >/dev/null 2>&1 || true; fi
  done
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "setup: npm ci"
  npm ci --no-audit --no-fund
fi

# React and react-dom for tests/fixtures/react, from its lock file: the fixture's own dependencies,
# never the package's (tests/e2e/frameworks.test.mjs adds wsguard from the packed tarball).
react_fixture=tests/fixtures/react
if [ ! -f "$react_fixture/node_modules/.package-lock.json" ] \
   || [ "$react_fixture/package-lock.json" -nt "$react_fixture/node_modules/.package-lock.json" ]; then
  step "setup: npm ci in $react_fixture"
  (cd "$react_fixture" && npm ci --no-audit --no-fund)
fi

echo "setup: ok (wasm-bindgen $want, $(wasm-pack --version), $("$CHROMIUM" --version 2>/dev/null | head -n1), $(firefox-esr --version 2>/dev/null | head -n1), WebKitGTK $(dpkg-query -W -f='${Version}' libwebkit2gtk-4.1-0 2>/dev/null), wasm-opt $(wasm-opt --version | awk '{print $3}'), $(/usr/sbin/nginx -v 2>&1 | sed 's/^nginx version: //'), HAProxy $(/usr/sbin/haproxy -v 2>/dev/null | awk 'NR==1 {print $3}'))"
