#!/usr/bin/env bash
# Installs the Debian 12 packages Song Studio needs.
#
#   scripts/install-deps.sh          what building and running need (scripts/start.sh)
#   scripts/install-deps.sh --test   that plus what the tests and benchmarks need
#                                    (scripts/test.sh): GoogleTest, PostgreSQL,
#                                    chromium, aubio, sox, wrk, hyperfine, ...
#
# Node.js: when the machine has no node (or no npm), Debian's nodejs and npm
# are installed; Debian 12's node 18 is too old for the UI's toolchain, so
# scripts/web.sh then brings a newer node from the npm registry into
# build/tools/node (no other apt sources).
# Idempotent: does nothing when everything is already installed.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git ca-certificates
  libboost-dev nlohmann-json3-dev libsqlite3-dev libspdlog-dev libcli11-dev libpq-dev
  libfluidsynth-dev libsndfile1-dev libebur128-dev libarchive-dev fluid-soundfont-gm timgm6mb-soundfont
)
TEST_PACKAGES=(
  libgtest-dev sqlite3 aubio-tools python3-aubio python3-numpy python3-mido sox wrk hyperfine curl
  chromium postgresql postgresql-contrib clang
)

case "${1:-}" in
  "") ;;
  --test) PACKAGES+=("${TEST_PACKAGES[@]}") ;;
  *) echo "usage: scripts/install-deps.sh [--test]" >&2; exit 2 ;;
esac

# Any node and npm will do here (a machine image's newer one included): the
# web build only needs npm to fetch a newer node when this one is too old.
command -v node >/dev/null || PACKAGES+=(nodejs)
command -v npm >/dev/null || PACKAGES+=(npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
