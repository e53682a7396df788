#!/usr/bin/env bash
# Runs PhotoShare's benchmarks and prints the figures (markdown), each beside its comparator:
# upload latency with S3 healthy/down/slow, draining to S3 vs aws-sdk-s3 and rclone, serving vs
# nginx under wrk. Installs the comparators from Debian if missing. Loopback only.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || missing+=(nginx-light)
command -v rclone >/dev/null || missing+=(rclone)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} (Debian)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
cd "$PHOTOSHARE_ROOT"
PHOTOSHARE_LOG=error cargo bench -p photoshare-server --bench media "$@"
