#!/usr/bin/env bash
# GET /api/jobs?limit=20 side by side with nginx serving the very same bytes
# as static files (issue 14).
#
#   bench/list_nginx.sh [--sizes "100000 1000000 10000000"] [--rounds 3] [--duration 10s]
#                       [--db postgresql://user@host:port/postgres] [--reuse] [--no-build]
#
# For each size: seeds bench/out/data-N-sqlite (or, with --db, the database
# studio_bench_N on that server) with bench/seed, unless --reuse finds one
# already seeded (with the same job count); records the seed's time and disk
# use; starts `studio serve --workers 0`; saves the answers of
#   GET /api/jobs?limit=20                    (list)
#   GET /api/jobs?status=completed&limit=20   (status)
# as files and starts nginx (1 worker, access log off) serving them; then runs
# wrk -t1 -c32 on each, in --rounds alternating rounds (studio list, nginx
# list, studio status, nginx status, studio list built every time), and
# prints the medians and the ratios studio / nginx as markdown.
#
# "built every time" is the same list request against a second server
# started with --job-list-cache 0: what a request costs when the kept answer
# cannot be used (something a list shows changed since it was built).
#
# Installs nginx-light (Debian) when nginx is missing. Everything goes to
# bench/out/ (git-ignored).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/bench/common.sh"
BUILD=${BUILD_DIR:-$ROOT/build}
OUT=$ROOT/bench/out
SIZES="100000 1000000"
ROUNDS=3
DURATION=10s
PG_URL=""
REUSE=0
BUILD_FIRST=1

while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) SIZES="$2"; shift ;;
    --rounds) ROUNDS="$2"; shift ;;
    --duration) DURATION="$2"; shift ;;
    --db) PG_URL="$2"; shift ;;
    --reuse) REUSE=1 ;;
    --no-build) BUILD_FIRST=0 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "list_nginx.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
BE=sqlite
[[ -n $PG_URL ]] && BE=postgresql

if ! command -v nginx >/dev/null && [[ ! -x /usr/sbin/nginx ]]; then
  SUDO=""; [[ $(id -u) == 0 ]] || SUDO=sudo
  $SUDO apt-get install -y nginx-light >&2
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "list_nginx.sh: $tool is not installed" >&2; exit 1; }
done

mkdir -p "$OUT"
START_TIME=$SECONDS
if [[ $BUILD_FIRST == 1 ]]; then
  [[ -f $BUILD/CMakeCache.txt ]] || cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  log "building studio seed (-j2)"
  cmake --build "$BUILD" -j2 --target studio seed >"$OUT/build-list.log" 2>&1 ||
    { tail -30 "$OUT/build-list.log" >&2; echo "list_nginx.sh: build failed" >&2; exit 1; }
fi
BIN=$OUT/bin-list
mkdir -p "$BIN"
for b in "$BUILD/studio" "$BUILD/bench/seed"; do  # by rename: a running seed keeps its old file
  cp "$b" "$BIN/.new" && mv -f "$BIN/.new" "$BIN/$(basename "$b")"
done

PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_http() {  # url pid
  for _ in $(seq 1 600); do
    curl -sf -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

rps_of() { parse_wrk "$1" | awk '{ print $1 }'; }
errors_of() { parse_wrk "$1" | awk '{ print $4 + $5 }'; }

declare -A MED CPUMED SEEDINFO BYTES
ENDPOINTS=(studio_list nginx_list studio_status nginx_status studio_uncached)

for size in $SIZES; do
  DIR=$OUT/data-$size-$BE
  db_args=()
  if [[ $BE == postgresql ]]; then
    dbname=studio_bench_$size
    db_args=(--db "$(url_with_db "$PG_URL" "$dbname")")
  fi
  seeded=0
  if [[ $REUSE == 1 && -f $DIR/seed-info.txt ]] && grep -q "^jobs $size\$" "$DIR/seed-info.txt"; then
    seeded=1
    log "reusing $DIR"
  fi
  if [[ $seeded == 0 ]]; then
    rm -rf "$DIR"
    if [[ $BE == postgresql ]]; then
      psql -X -q -v ON_ERROR_STOP=1 "$PG_URL" -c "DROP DATABASE IF EXISTS $dbname" -c "CREATE DATABASE $dbname" >&2
    fi
    log "seeding $size jobs ($BE) into $DIR"
    t0=$(date +%s.%N)
    "$BIN/seed" --data-dir "$DIR" "${db_args[@]}" --jobs "$size" >"$OUT/seed-list-$size-$BE.log" 2>&1 ||
      { tail "$OUT/seed-list-$size-$BE.log" >&2; exit 1; }
    t1=$(date +%s.%N)
    [[ $BE == postgresql ]] && psql -X -q "${db_args[1]}" -c "VACUUM ANALYZE" >&2
    if [[ $BE == postgresql ]]; then
      disk=$(psql -X -At "${db_args[1]}" -c "SELECT pg_size_pretty(pg_database_size(current_database()))")
    else
      disk=$(du -sh "$DIR" | cut -f1)
    fi
    { echo "jobs $size"; echo "seconds $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')"; echo "disk $disk"; } \
      >"$DIR/seed-info.txt"
  fi
  SEEDINFO[$size]="seeded in $(awk '/^seconds/ { print $2 }' "$DIR/seed-info.txt") s, $(sed -n 's/^disk //p' "$DIR/seed-info.txt") on disk"

  port=$(free_port)
  "$BIN/studio" serve --port "$port" --data-dir "$DIR" "${db_args[@]}" --workers 0 --log-level warn \
    >"$OUT/server-list-$size-$BE.log" 2>&1 &
  spid=$!
  PIDS+=("$spid")
  wait_http "http://127.0.0.1:$port/api/health" "$spid" || { cat "$OUT/server-list-$size-$BE.log" >&2; exit 1; }
  uport=$(free_port)
  "$BIN/studio" serve --port "$uport" --data-dir "$DIR" "${db_args[@]}" --workers 0 --log-level warn \
    --job-list-cache 0 >"$OUT/server-list-uncached-$size-$BE.log" 2>&1 &
  upid=$!
  PIDS+=("$upid")
  wait_http "http://127.0.0.1:$uport/api/health" "$upid" || { cat "$OUT/server-list-uncached-$size-$BE.log" >&2; exit 1; }

  NG=$OUT/nginx-$size-$BE
  rm -rf "$NG"
  mkdir -p "$NG/root" "$NG/tmp"
  curl -sf "http://127.0.0.1:$port/api/jobs?limit=20" -o "$NG/root/list.json"
  curl -sf "http://127.0.0.1:$port/api/jobs?status=completed&limit=20" -o "$NG/root/status.json"
  cmp -s "$NG/root/list.json" <(curl -sf "http://127.0.0.1:$uport/api/jobs?limit=20") ||
    { echo "list_nginx.sh: the two servers answered the list differently" >&2; exit 1; }
  BYTES[$size]="$(stat -c %s "$NG/root/list.json") / $(stat -c %s "$NG/root/status.json")"
  nport=$(free_port)
  cat >"$NG/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $NG/nginx.pid;
error_log $NG/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $NG/tmp; proxy_temp_path $NG/tmp; fastcgi_temp_path $NG/tmp;
  uwsgi_temp_path $NG/tmp; scgi_temp_path $NG/tmp;
  default_type application/json;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$nport; root $NG/root; }
}
EOF
  "$NGINX" -c "$NG/nginx.conf" -p "$NG" 2>"$NG/stderr.log" &
  npid=$!
  PIDS+=("$npid")
  wait_http "http://127.0.0.1:$nport/list.json" "$npid" || { cat "$NG/stderr.log" "$NG/error.log" >&2; exit 1; }
  cmp -s "$NG/root/list.json" <(curl -sf "http://127.0.0.1:$nport/list.json") ||
    { echo "list_nginx.sh: nginx does not serve the studio's bytes" >&2; exit 1; }

  declare -A URL=(
    [studio_list]="http://127.0.0.1:$port/api/jobs?limit=20"
    [nginx_list]="http://127.0.0.1:$nport/list.json"
    [studio_status]="http://127.0.0.1:$port/api/jobs?status=completed&limit=20"
    [nginx_status]="http://127.0.0.1:$nport/status.json"
    [studio_uncached]="http://127.0.0.1:$uport/api/jobs?limit=20"
  )
  nworker=$(pgrep -P "$npid" | head -1)
  declare -A PID_OF=([studio_list]=$spid [studio_status]=$spid [studio_uncached]=$upid
                     [nginx_list]=$nworker [nginx_status]=$nworker)
  log "warming up"
  for ep in "${ENDPOINTS[@]}"; do wrk -t1 -c32 -d2s "${URL[$ep]}" >/dev/null; done
  for round in $(seq 1 "$ROUNDS"); do
    for ep in "${ENDPOINTS[@]}"; do
      f=$OUT/wrk-list-$size-$BE-$ep-$round.txt
      c0=$(cpu_ticks "${PID_OF[$ep]}")
      wrk -t1 -c32 -d"$DURATION" "${URL[$ep]}" >"$f"
      c1=$(cpu_ticks "${PID_OF[$ep]}")
      # The server's CPU per request (all its threads), steadier than req/s on a busy machine.
      awk -v t=$((c1 - c0)) -v hz="$CLK_TCK" '/ requests in / { printf "%.1f\n", t / hz * 1e6 / $1 }' "$f" >"$f.cpu"
      [[ $(errors_of "$f") == 0 ]] || { echo "list_nginx.sh: errors in $f" >&2; exit 1; }
      log "$size $BE round $round $ep: $(rps_of "$f") req/s, server CPU $(cat "$f.cpu") µs/req"
    done
  done
  for ep in "${ENDPOINTS[@]}"; do
    MED[$size,$ep]=$(for round in $(seq 1 "$ROUNDS"); do rps_of "$OUT/wrk-list-$size-$BE-$ep-$round.txt"; done | median)
    CPUMED[$size,$ep]=$(for round in $(seq 1 "$ROUNDS"); do cat "$OUT/wrk-list-$size-$BE-$ep-$round.txt.cpu"; done | median)
  done
  cleanup
  PIDS=()
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
echo
echo "## GET /api/jobs?limit=20 against nginx — $(date -u +%Y-%m-%dT%H:%MZ), $BE, $(nproc) cores, wrk -t1 -c32 -d$DURATION, median of $ROUNDS alternating rounds"
echo
echo "Commit $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src bench 2>/dev/null || echo ' (with uncommitted changes)'); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| jobs | bytes (list / status) | studio list | nginx list | **× nginx** | studio status=completed | nginx | **× nginx** | list built every time (--job-list-cache 0) | × nginx | seed |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for size in $SIZES; do
  echo "| $(printf "%'d" "$size") | ${BYTES[$size]} | ${MED[$size,studio_list]} | ${MED[$size,nginx_list]} | **$(ratio "${MED[$size,studio_list]}" "${MED[$size,nginx_list]}")** | ${MED[$size,studio_status]} | ${MED[$size,nginx_status]} | **$(ratio "${MED[$size,studio_status]}" "${MED[$size,nginx_status]}")** | ${MED[$size,studio_uncached]} | $(ratio "${MED[$size,studio_uncached]}" "${MED[$size,nginx_list]}") | ${SEEDINFO[$size]} |"
done
echo
echo "Server CPU per request (µs, median of the rounds; nginx: its one worker). nginx CPU / studio CPU is the"
echo "ratio an idle machine would show if both were CPU-bound alone, and moves far less with other load than req/s."
echo
echo "| jobs | studio list | nginx list | **nginx / studio** | studio status | nginx status | **nginx / studio** | list built every time | nginx / it |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for size in $SIZES; do
  echo "| $(printf "%'d" "$size") | ${CPUMED[$size,studio_list]} | ${CPUMED[$size,nginx_list]} | **$(ratio "${CPUMED[$size,nginx_list]}" "${CPUMED[$size,studio_list]}")** | ${CPUMED[$size,studio_status]} | ${CPUMED[$size,nginx_status]} | **$(ratio "${CPUMED[$size,nginx_status]}" "${CPUMED[$size,studio_status]}")** | ${CPUMED[$size,studio_uncached]} | $(ratio "${CPUMED[$size,nginx_list]}" "${CPUMED[$size,studio_uncached]}") |"
done
