#!/usr/bin/env bash
# Sets up what is missing, builds, and runs PhotoShare on http://127.0.0.1:3000 with SQLite, an
# embedded S3 server and demo data under ./data. Extra arguments go to `photoshare serve`.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_build
build_frontend
say "building the server (release)"
(cd "$PHOTOSHARE_ROOT" && cargo build --release -p photoshare-server)
cd "$PHOTOSHARE_ROOT"
exec "$CARGO_TARGET_DIR/release/photoshare" serve --dist "$PHOTOSHARE_ROOT/dist" "$@"
