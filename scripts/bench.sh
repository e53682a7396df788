#!/usr/bin/env bash
# Runs PhotoShare's benchmarks and prints the figures (markdown), each beside its comparator or goal:
#   media   upload latency with S3 healthy/down/slow, draining to S3 vs aws-sdk-s3 and rclone,
#           serving vs nginx under wrk;
#   feeds   feed latency through the HTTP API with 100k users, 1M photos, 10M favorites, on SQLite
#           and on Postgres (127.0.0.1:5432), against p99 < 5 ms;
#   thumbs  making the large and thumb sizes of a 12-megapixel JPEG vs vipsthumbnail;
#   cluster several app nodes behind nginx: upload latency with replicas 1 vs 2, cached-media
#           requests/s with 1 vs 3 nodes (needs PostgreSQL on 127.0.0.1:5432);
#   account "export my data" throughput and memory, "delete my account" time, for a user with
#           200 photos, on SQLite and on Postgres;
#   web     the web app on an emulated 4G phone: bytes and time to the first photo on a first visit,
#           bytes on a repeat visit, and Lighthouse-style checks (Chromium, demo data).
# Installs the comparators from Debian if missing. Loopback only.
#
#   scripts/bench.sh                    all six
#   scripts/bench.sh feeds thumbs       just those (leading bench names pick)
#   scripts/bench.sh feeds -- sqlite    the rest goes to `cargo bench` (here: feeds on SQLite only)
# feeds also reads PHOTOSHARE_BENCH_SCALE (e.g. 0.1 for a quick try) and PHOTOSHARE_BENCH_REQUESTS.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
benches=()
while [ $# -gt 0 ]; do
  case "$1" in
    media|feeds|thumbs|cluster|account|web) benches+=("$1"); shift ;;
    *) break ;;
  esac
done
[ ${#benches[@]} -gt 0 ] || benches=(media feeds thumbs cluster account web)
wants() { [[ " ${benches[*]} " == *" $1 "* ]]; }
missing=()
if wants media || wants cluster; then
  command -v wrk >/dev/null || missing+=(wrk)
  [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  command -v rclone >/dev/null || missing+=(rclone)
fi
if wants thumbs; then
  command -v vipsthumbnail >/dev/null || missing+=(libvips-tools)
fi
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} (Debian)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if { wants feeds || wants cluster || wants account; } && ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  say "PostgreSQL is not running on 127.0.0.1:5432 (scripts/setup.sh test starts it); run 'scripts/bench.sh feeds -- sqlite' for SQLite alone"
fi
cd "$PHOTOSHARE_ROOT"
for bench in "${benches[@]}"; do
  if [ "$bench" = web ]; then
    setup_build
    setup_test
    build_frontend
    cargo build --release -p photoshare-server
    (cd end2end && node bench/web.mjs "$CARGO_TARGET_DIR/release/photoshare" "$PHOTOSHARE_ROOT/dist")
    continue
  fi
  PHOTOSHARE_LOG=error cargo bench -p photoshare-server --bench "$bench" "$@"
done
