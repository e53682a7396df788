#!/usr/bin/env bash
# Installs what PhotoShare needs and is missing; safe to run again (each step checks first).
#   scripts/setup.sh build   tools to build and run the app
#   scripts/setup.sh test    … plus what the tests need (Chromium, Playwright, PostgreSQL running)
# Source it (`. scripts/setup.sh build`) to also get the environment it sets (PATH, CARGO_TARGET_DIR).
set -euo pipefail

PHOTOSHARE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PHOTOSHARE_CACHE="${PHOTOSHARE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/photoshare}"
# One target dir outside the clone, shared by every build and kept between runs.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PHOTOSHARE_CACHE/target}"
export PATH="$HOME/.cargo/bin:$PHOTOSHARE_CACHE/tools/binaryen/node_modules/.bin:$PATH"

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132.0.0

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$PHOTOSHARE_ROOT/Cargo.lock"
}

setup_build() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION"; then
    say "installing Trunk $TRUNK_VERSION (about 10 minutes, once)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
  local wbg
  wbg="$(wasm_bindgen_version)"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wbg"; then
    say "installing wasm-bindgen-cli $wbg (about 5 minutes, once)"
    # Not --locked: its lock file pins a crate version this registry lacks.
    cargo install wasm-bindgen-cli --version "$wbg" --force
  fi
  if ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
    say "installing wasm-opt (binaryen $BINARYEN_VERSION from npm; Debian's is too old)"
    mkdir -p "$PHOTOSHARE_CACHE/tools/binaryen"
    npm install --no-audit --no-fund --prefix "$PHOTOSHARE_CACHE/tools/binaryen" "binaryen@$BINARYEN_VERSION" >&2
  fi
  # Trunk runs cargo offline (Trunk.toml), so fetch the crates first.
  (cd "$PHOTOSHARE_ROOT" && cargo fetch --quiet)
}

setup_test() {
  if [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-noto-color-emoji >/dev/null 2>&1; then
    say "installing Chromium and fonts for CJK and emoji captions (Debian)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      chromium fonts-noto-cjk fonts-noto-color-emoji >/dev/null
  fi
  if [ ! -x /usr/sbin/nginx ]; then
    say "installing nginx (Debian's nginx-light: the balancer of the several-node drills)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null
    # Only the binary is wanted: the drills run their own nginx on loopback ports.
    service nginx stop >/dev/null 2>&1 || true
  fi
  if [ ! -d "$PHOTOSHARE_ROOT/end2end/node_modules/@playwright/test" ] \
     || ! cmp -s "$PHOTOSHARE_ROOT/end2end/package-lock.json" "$PHOTOSHARE_ROOT/end2end/node_modules/.package-lock.json" 2>/dev/null; then
    say "installing Playwright (npm ci; the browser is Debian's Chromium, never downloaded)"
    (cd "$PHOTOSHARE_ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >&2)
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    say "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  if ! command -v cargo-nextest >/dev/null; then
    say "installing cargo-nextest"
    cargo install cargo-nextest --locked
  fi
}

# Builds the front end (wasm, size-tuned profile) into dist/: the bundle every visitor gets, then
# the admins' bundle (with the console) into dist/admin/, served at /admin to admins only.
# Trunk writes brotli and gzip copies of each file (scripts/precompress.mjs, a hook in Trunk.toml).
build_frontend() {
  say "building the front end (Trunk): the visitors' bundle, then the admins'"
  (cd "$PHOTOSHARE_ROOT" && trunk build --release \
    && trunk build console.html --release --dist dist/admin --public-url /admin/)
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-build}" in
    build) setup_build ;;
    test) setup_build; setup_test ;;
    *) echo "usage: $0 [build|test]" >&2; exit 2 ;;
  esac
fi
