#!/usr/bin/env bash
# One command for a fresh Debian 12 machine: install, build, and run every
# test (unit, engine and black-box HTTP tests against the real binary).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure --timeout 600 "$@"
