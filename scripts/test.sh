#!/usr/bin/env bash
# Sets up what is missing and runs every test: Rust tests on SQLite and on PostgreSQL, then
# Playwright in Debian's Chromium against the real server.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_build
setup_test
cd "$PHOTOSHARE_ROOT"

say "Rust tests on SQLite"
# The several-node drills (tests/cluster) need PostgreSQL: they run once, in the pass below.
cargo nextest run --workspace --no-fail-fast -E 'not binary(cluster)'

say "Rust tests on PostgreSQL (a fresh database per test), and the several-node drills"
# Databases left by earlier runs are dropped first.
psql -h 127.0.0.1 -U postgres -d postgres -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'ps\_test\_%'" \
  | while read -r db; do [ -n "$db" ] && psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE \"$db\" WITH (FORCE)"; done
PHOTOSHARE_TEST_DATABASE=postgres cargo nextest run --workspace --no-fail-fast

build_frontend
say "building the server for the browser tests"
cargo build -p photoshare-server
say "Playwright (Chromium) against the real server"
cd end2end
rm -rf test-results playwright-report
PHOTOSHARE_BIN="$CARGO_TARGET_DIR/debug/photoshare" PHOTOSHARE_DIST="$PHOTOSHARE_ROOT/dist" npx playwright test
