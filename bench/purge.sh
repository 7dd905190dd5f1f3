#!/usr/bin/env bash
# The purge and bulk-delete benchmarks of SPEC section 7 (docs/BENCHMARKS.md).
#
#   bench/purge.sh [--trashed 100000] [--bulk 10000] [--file-bytes 1024] [--no-build]
#
# 1. Seeds a data dir (bench/seed) with 2 x --trashed jobs, half of them in
#    the trash, 2 samples per completed job, and writes every sample's file
#    (--file-bytes bytes each).
# 2. Starts `studio serve --workers 0 --retention-days 0` on it and measures
#    GET /api/jobs/{id} (wrk -t1 -c32, 10 s, random live ids) while idle.
# 3. Purges the whole trash in one call (POST /api/admin/purge
#    {"older_than_days": 0}) while wrk runs the same GET again: the purge's
#    duration and jobs/s, and the GET's p99 during it against the idle p99.
# 4. Bulk-deletes --bulk live jobs in one call (a created_at window that
#    holds exactly that many), after a dry run: both durations.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
START_TIME=$SECONDS
TRASHED=100000 BULK=10000 FILE_BYTES=1024 BUILD=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --trashed) TRASHED=$2; shift 2 ;;
    --bulk) BULK=$2; shift 2 ;;
    --file-bytes) FILE_BYTES=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
BUILD_DIR=${BUILD_DIR:-build}
if [[ $BUILD == 1 ]]; then
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTUDIO_BUILD_TESTS=ON >/dev/null
  cmake --build "$BUILD_DIR" -j"$(nproc)" --target studio seed >/dev/null
fi
OUT=bench/out/purge
rm -rf "$OUT" && mkdir -p "$OUT"
DATA=$OUT/data

log "seeding $((2 * TRASHED)) jobs, half trashed, with ${FILE_BYTES}-byte files"
t0=$(date +%s.%N)
"$BUILD_DIR/bench/seed" --data-dir "$DATA" --jobs $((2 * TRASHED)) --deleted-fraction 0.5 \
  --samples-per-job 2 --bench-ids 5000 >"$OUT/seed.log"
# Every sample row gets its file (seed writes rows only).
python3 - "$DATA" "$FILE_BYTES" <<'PY'
import os, sqlite3, sys
data, size = sys.argv[1], int(sys.argv[2])
blob = b"x" * size
made = set()
for (key,) in sqlite3.connect(os.path.join(data, "studio.db")).execute("SELECT storage_path FROM audio_samples"):
    path = os.path.join(data, key)
    folder = os.path.dirname(path)
    if folder not in made:
        os.makedirs(folder, exist_ok=True)
        made.add(folder)
    with open(path, "wb") as f:
        f.write(blob)
PY
log "seeded in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }') s"

PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
"$BUILD_DIR/studio" serve --port "$PORT" --data-dir "$DATA" --workers 0 --retention-days 0 \
  --log-level warn >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "$BASE/api/health" >/dev/null && break; sleep 0.1; done

cat >"$OUT/get_job.lua" <<'LUA'
local requests, n, i = {}, 0, 0
function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then n = n + 1; requests[n] = wrk.format("GET", "/api/jobs/" .. line) end
  end
end
function request() i = i % n + 1; return requests[i] end
LUA
p99() { awk '/ 99%/ { print $2 }' "$1"; }
rps() { awk '/Requests\/sec/ { print $2 }' "$1"; }
run_get() { wrk -t1 -c32 -d"$1" --latency -s "$OUT/get_job.lua" "$BASE" -- "$DATA/bench-ids.txt" >"$2"; }

json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }
storage() { curl -fs "$BASE/api/admin/storage"; }

log "GET /api/jobs/{id}, idle"
run_get 10s "$OUT/idle.txt"
before=$(storage)

log "purge of the trash while GET /api/jobs/{id} runs"
run_get 60s "$OUT/during.txt" &
WRK=$!
sleep 2
t0=$(date +%s.%N)
curl -fs -H 'Content-Type: application/json' -d '{"older_than_days": 0}' "$BASE/api/admin/purge" >"$OUT/purge.json"
purge_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
wait $WRK
after=$(storage)
jobs=$(json_field jobs <"$OUT/purge.json")
files=$(json_field files <"$OUT/purge.json")
bytes=$(json_field bytes_reclaimed <"$OUT/purge.json")

# The bulk delete: the newest live jobs' created_at window holding exactly BULK of them.
db=$DATA/studio.db
start=$(sqlite3 "$db" "SELECT created_at FROM generation_jobs WHERE deleted_at IS NULL ORDER BY created_at DESC LIMIT 1 OFFSET $((BULK - 1))")
body="{\"filter\": {\"start_date\": \"$start\"}"
t0=$(date +%s.%N)
curl -fs -H 'Content-Type: application/json' -d "$body, \"dry_run\": true}" "$BASE/api/jobs/bulk-delete" >"$OUT/bulk-dry.json"
dry_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
t0=$(date +%s.%N)
curl -fs -H 'Content-Type: application/json' -d "$body}" "$BASE/api/jobs/bulk-delete" >"$OUT/bulk.json"
bulk_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')

echo "## Purge and bulk delete ($(date -u +%Y-%m-%d), $(nproc) cores, SQLite)"
echo
echo "| measure | value |"
echo "|---|---|"
echo "| purge of $jobs trashed jobs ($files files, $bytes bytes) in one call | ${purge_s} s, $(awk -v j="$jobs" -v s="$purge_s" 'BEGIN { printf "%.0f", j / s }') jobs/s |"
echo "| GET /api/jobs/{id} idle: req/s, p99 | $(rps "$OUT/idle.txt"), $(p99 "$OUT/idle.txt") |"
echo "| GET /api/jobs/{id} during the purge: req/s, p99 | $(rps "$OUT/during.txt"), $(p99 "$OUT/during.txt") |"
echo "| storage before → after (trashed_bytes) | $(json_field trashed_bytes <<<"$before") → $(json_field trashed_bytes <<<"$after") |"
echo "| bulk delete of $(json_field jobs_deleted <"$OUT/bulk.json") jobs, dry run | ${dry_s} s |"
echo "| bulk delete of $(json_field jobs_deleted <"$OUT/bulk.json") jobs in one call | ${bulk_s} s |"
log "done in $((SECONDS - START_TIME)) s"
