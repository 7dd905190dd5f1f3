#!/usr/bin/env bash
# One command for a fresh Debian 12 machine: install, build, and run every
# test: unit, engine, store and black-box HTTP tests against the real binary
# (store and black-box suites on SQLite and on PostgreSQL), the multi-process
# tests, and the web UI's component and end-to-end tests in Chromium.
#
# A throwaway PostgreSQL cluster is started on 127.0.0.1 for the run (in a
# temp dir, as the `postgres` user when run as root) and stopped at the end.
# Extra arguments go to ctest (e.g. -R blackbox.sqlite).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh

pg_dir=$(mktemp -d /tmp/studio-test-pg.XXXXXX)
pg_port=$((40000 + RANDOM % 20000))  # a clash fails the start loudly
cleanup() {
  scripts/pg-test-cluster.sh stop "$pg_dir" 2>/dev/null || true
  rm -rf "$pg_dir"
}
trap cleanup EXIT
STUDIO_TEST_PG_URL=$(scripts/pg-test-cluster.sh start "$pg_dir" "$pg_port")
export STUDIO_TEST_PG_URL STUDIO_TEST_PG_DIR="$pg_dir"
echo "PostgreSQL test cluster: $STUDIO_TEST_PG_URL"

# The black-box suites' HTTP client records every response here; the web
# tests (web/e2e/openapi.test.mjs) check each one against the OpenAPI document.
export STUDIO_TEST_RECORD_RESPONSES="$PWD/build/api-responses.jsonl"
rm -f "$STUDIO_TEST_RECORD_RESPONSES"

(cd build && ctest --output-on-failure --timeout 900 "$@")
if [ $# -eq 0 ]; then
  # The e2e run's screenshots go to the build dir; docs/screenshots holds the
  # ones the README shows (refresh them with `scripts/web.sh test`).
  STUDIO_SCREENSHOT_DIR="$PWD/build/screenshots" scripts/web.sh test
fi
