#!/usr/bin/env bash
# Configures and builds into build/.
#
#   scripts/build.sh          everything: server, tests, benchmarks (needs the
#                             test packages: scripts/install-deps.sh --test)
#   scripts/build.sh studio   only the `studio` binary (what scripts/start.sh
#                             needs; tests stay as configured before, or off
#                             when GoogleTest is not installed)
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-all}" in
  all)
    cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTUDIO_BUILD_TESTS=ON >/dev/null
    cmake --build build -j"$(nproc)"
    ;;
  studio)
    cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build build -j"$(nproc)" --target studio
    ;;
  *) echo "usage: scripts/build.sh [studio]" >&2; exit 2 ;;
esac
