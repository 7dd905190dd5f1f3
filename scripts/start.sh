#!/usr/bin/env bash
# One command for a fresh Debian 12 machine: install what building and running
# need, build the server binary and the web UI, and start the studio on its
# embedded defaults (SQLite in ./studio-data, UI and API on http://127.0.0.1:8000).
# Extra arguments go to `studio serve` (e.g. --port 9000).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh studio
scripts/web.sh build
exec build/studio serve "$@"
