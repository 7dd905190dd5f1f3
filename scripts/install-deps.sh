#!/usr/bin/env bash
# Installs the Debian 12 packages Song Studio builds, runs and tests with.
# Idempotent: does nothing when everything is already installed.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git
  libboost-dev nlohmann-json3-dev libsqlite3-dev sqlite3 libspdlog-dev libcli11-dev libgtest-dev
  libfluidsynth-dev libsndfile1-dev fluid-soundfont-gm timgm6mb-soundfont
  aubio-tools sox wrk hyperfine curl
  chromium postgresql postgresql-contrib libpq-dev
)

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
