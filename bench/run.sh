#!/usr/bin/env bash
# Song Studio benchmarks: one command, figures in a markdown table.
#
#   bench/run.sh              100,000 then 1,000,000 jobs (~7 minutes on 2 cores)
#   bench/run.sh --quick      10,000 jobs, 1 round of 5 s (a smoke test, ~1 minute)
#
# Options: --sizes "N M ..."  --rounds R (default 3)  --duration 10s  --port P
#          --server-args "--io-threads 1"  (extra `studio serve` arguments)
#          --no-build  --keep-going (do not stop at the first failing check)
#
# For each size: seeds a fresh data dir under bench/out/ (bench/seed: 10% of
# the jobs soft-deleted, 2 samples per completed job, as many feedback rows
# as jobs), starts `studio serve --workers 0` on it, waits for /api/health,
# warms up, then runs `wrk -t1 -c32` (same machine) on each endpoint in R
# alternating rounds and keeps the median req/s (and that round's latency):
#   GET /api/health         the cheapest route: the same-run reference
#   GET /api/jobs/{id}      Lua script cycling over bench-ids.txt (random live jobs)
#   GET /api/jobs?limit=20
#   GET /api/jobs/stats
#   GET /api/adapters
# then 200 sequential DELETE /api/jobs/{id} (bench/delete_latency), stops the
# server and checks it exited cleanly. Finally runs the engine's render
# benchmark (build/bench/render_bench) when it exists.
#
# The server runs with --log-level warn: at the default "info" it writes one
# access-log line per request, and the benchmark would measure the log file.
# Nothing is written to docs/; copy figures into docs/BENCHMARKS.md by hand.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
OUT=$ROOT/bench/out
SIZES="100000 1000000"
ROUNDS=3
DURATION=10s
PORT=""
BUILD_FIRST=1
KEEP_GOING=0
DELETES=200
SERVER_ARGS=""

while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) SIZES="10000"; ROUNDS=1; DURATION=5s ;;
    --sizes) SIZES="$2"; shift ;;
    --rounds) ROUNDS="$2"; shift ;;
    --duration) DURATION="$2"; shift ;;
    --port) PORT="$2"; shift ;;
    --server-args) SERVER_ARGS="$2"; shift ;;
    --no-build) BUILD_FIRST=0 ;;
    --keep-going) KEEP_GOING=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is not installed" >&2; exit 1; }
done
mkdir -p "$OUT"
START_TIME=$SECONDS
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
log() { printf '[%4ds] %s\n' $((SECONDS - START_TIME)) "$*" >&2; }

# ---- build ----
if [[ $BUILD_FIRST == 1 ]]; then
  [[ -f $BUILD/CMakeCache.txt ]] || cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake -S "$ROOT" -B "$BUILD" >/dev/null  # picks up new bench/*.cc
  targets=(studio seed delete_latency)
  # (Not `| grep -q`: under pipefail, grep quitting early fails the pipeline.)
  if [[ $(cmake --build "$BUILD" --target help 2>/dev/null) == *" render_bench"* ]]; then
    targets+=(render_bench)
  fi
  log "building ${targets[*]} (-j2)"
  cmake --build "$BUILD" -j2 --target "${targets[@]}" >"$OUT/build.log" 2>&1 ||
    { tail -30 "$OUT/build.log" >&2; echo "run.sh: build failed (bench/out/build.log)" >&2; exit 1; }
fi
for bin in "$BUILD/studio" "$BUILD/bench/seed" "$BUILD/bench/delete_latency"; do
  [[ -x $bin ]] || { echo "run.sh: $bin is missing; run without --no-build" >&2; exit 1; }
done
# Pin the binaries: the build dir may be rebuilt by someone else while this
# runs, and both sizes must measure the same server.
BIN=$OUT/bin
rm -rf "$BIN"
mkdir -p "$BIN"
cp "$BUILD/studio" "$BUILD/bench/seed" "$BUILD/bench/delete_latency" "$BIN/"
[[ -x $BUILD/bench/render_bench ]] && cp "$BUILD/bench/render_bench" "$BIN/"
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- src bench 2>/dev/null || echo ' (with uncommitted changes in src/ or bench/)')"

free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  else
    local p
    for p in $(seq 18400 18500); do
      ss -ltn | grep -q ":$p\b" || { echo "$p"; return; }
    done
  fi
}

SERVER_PID=""
stop_server() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    local rc=0
    wait "$SERVER_PID" || rc=$?
    SERVER_PID=""
    return $rc
  fi
  SERVER_PID=""
  return 0
}
trap 'stop_server || true' EXIT
trap 'exit 130' INT TERM

PROBLEMS=()
problem() {
  PROBLEMS+=("$*")
  log "PROBLEM: $*"
  [[ $KEEP_GOING == 1 ]] || { echo "run.sh: $* (use --keep-going to continue)" >&2; exit 1; }
}

# wrk output -> "rps p50_ms p99_ms non2xx socket_errors requests"
parse_wrk() {
  awk '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /s$/)  return substr(v, 1, length(v) - 1) * 1000
      return v + 0
    }
    /Requests\/sec:/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { bad = $5 }
    /Socket errors:/ { gsub(",", ""); err = $4 + $6 + $8 + $10 }
    / requests in / { n = $1 }
    END { printf "%.0f %.3f %.3f %d %d %d\n", rps, p50, p99, bad + 0, err + 0, n + 0 }' "$1"
}

# CPU time (clock ticks, all threads) a process has used so far.
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# Median of the numbers on stdin (the middle one; the lower middle for an even count).
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

ENDPOINTS=(health get_job list stats adapters)
declare -A EP_LABEL=(
  [health]="GET /api/health (reference)"
  [get_job]="GET /api/jobs/{id}"
  [list]="GET /api/jobs?limit=20"
  [stats]="GET /api/jobs/stats"
  [adapters]="GET /api/adapters"
)
declare -A RESULT  # RESULT[size,endpoint]="rps p50 p99 non2xx errors requests"
declare -A CPU     # CPU[size,endpoint]="server_us_per_request wrk_us_per_request"
declare -A DELETE_RESULT SEED_SECONDS

# Runs wrk on an endpoint; writes wrk's output to out_file and, to
# out_file.cpu, the CPU the server and wrk used per request (µs).
run_wrk() {  # endpoint port out_file duration
  local ep=$1 port=$2 out=$3 dur=$4 base="http://127.0.0.1:$2" args
  case "$ep" in
    health) args=("$base/api/health") ;;
    get_job) args=(-s "$OUT/get_job.lua" "$base" -- "$IDS_FILE") ;;
    list) args=("$base/api/jobs?limit=20") ;;
    stats) args=("$base/api/jobs/stats") ;;
    adapters) args=("$base/api/adapters") ;;
  esac
  local before after wrk_cpu requests
  before=$(cpu_ticks "$SERVER_PID")
  local t0=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
  wrk -t1 -c32 -d"$dur" --latency "${args[@]}" >"$out"
  after=$(cpu_ticks "$SERVER_PID")
  # wrk ran as a child of this shell: its CPU is in our children's times (cutime + cstime).
  wrk_cpu=$(( $(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat) - t0 ))
  requests=$(parse_wrk "$out" | awk '{ print $6 }')
  awk -v s=$((after - before)) -v w="$wrk_cpu" -v n="$requests" -v hz="$CLK_TCK" \
    'BEGIN { if (n > 0) printf "%.1f %.1f\n", s * 1e6 / hz / n, w * 1e6 / hz / n; else print "0 0" }' >"$out.cpu"
}

# GET /api/jobs/{id}: one pre-formatted request per id, cycled through.
cat >"$OUT/get_job.lua" <<'EOF'
local requests, n, i = {}, 0, 0
function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      n = n + 1
      requests[n] = wrk.format("GET", "/api/jobs/" .. line)
    end
  end
  if n == 0 then error("no ids in " .. args[1]) end
end
function request()
  i = i % n + 1
  return requests[i]
end
EOF

for size in $SIZES; do
  DIR=$OUT/data-$size
  rm -rf "$DIR"
  log "seeding $size jobs into bench/out/data-$size"
  c0=$(awk '{ print $16 + $17 }' /proc/$$/stat)
  "$BIN/seed" --data-dir "$DIR" --jobs "$size" >"$OUT/seed-$size.log" 2>&1 ||
    { cat "$OUT/seed-$size.log" >&2; echo "run.sh: seeding failed" >&2; exit 1; }
  c1=$(awk '{ print $16 + $17 }' /proc/$$/stat)
  SEED_SECONDS[$size]="$(awk '/^seeded/ { print $4 }' "$OUT/seed-$size.log") s ($(( (c1 - c0) / CLK_TCK )) s CPU)"
  sed -n '/^seeded/,$p' "$OUT/seed-$size.log" >&2
  IDS_FILE=$DIR/bench-ids.txt

  port=${PORT:-$(free_port)}
  log "starting studio serve on port $port"
  # shellcheck disable=SC2086  # SERVER_ARGS is split on purpose
  "$BIN/studio" serve --port "$port" --data-dir "$DIR" --workers 0 --log-level warn $SERVER_ARGS \
    >"$OUT/server-$size.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if ! curl -sf "http://127.0.0.1:$port/api/health" >/dev/null 2>&1; then
    cat "$OUT/server-$size.log" >&2
    echo "run.sh: the server did not come up on port $port" >&2
    exit 1
  fi

  log "warming up"
  run_wrk get_job "$port" "$OUT/warmup.txt" 3s
  run_wrk list "$port" "$OUT/warmup.txt" 2s

  for round in $(seq 1 "$ROUNDS"); do
    for ep in "${ENDPOINTS[@]}"; do
      f=$OUT/wrk-$size-$ep-$round.txt
      run_wrk "$ep" "$port" "$f" "$DURATION"
      r=$(parse_wrk "$f")
      log "round $round ${EP_LABEL[$ep]}: $(awk '{ printf "%s req/s, p50 %s ms, p99 %s ms", $1, $2, $3 }' <<<"$r"), $(awk '{ printf "server CPU %s µs/req, wrk CPU %s µs/req", $1, $2 }' "$f.cpu")"
      read -r rps _ _ bad err _ <<<"$r"
      [[ $bad == 0 ]] || problem "$size jobs: ${EP_LABEL[$ep]}: $bad non-2xx answers (bench/out/wrk-$size-$ep-$round.txt)"
      [[ $err == 0 ]] || problem "$size jobs: ${EP_LABEL[$ep]}: $err socket errors (bench/out/wrk-$size-$ep-$round.txt)"
      kill -0 "$SERVER_PID" 2>/dev/null || problem "$size jobs: the server died during ${EP_LABEL[$ep]}"
    done
  done
  for ep in "${ENDPOINTS[@]}"; do
    med=$(for round in $(seq 1 "$ROUNDS"); do parse_wrk "$OUT/wrk-$size-$ep-$round.txt" | awk '{ print $1 }'; done | median)
    # The figures of the round whose req/s is the median.
    for round in $(seq 1 "$ROUNDS"); do
      r=$(parse_wrk "$OUT/wrk-$size-$ep-$round.txt")
      if [[ ${r%% *} == "$med" ]]; then
        RESULT[$size,$ep]=$r
        CPU[$size,$ep]=$(cat "$OUT/wrk-$size-$ep-$round.txt.cpu")
        break
      fi
    done
  done

  log "$DELETES sequential DELETE /api/jobs/{id}"
  "$BIN/delete_latency" --port "$port" --ids "$DIR/bench-delete-ids.txt" --count "$DELETES" \
    --csv "$OUT/delete-$size.csv" >"$OUT/delete-$size.txt" 2>&1 ||
    problem "$size jobs: delete_latency failed (bench/out/delete-$size.txt)"
  cat "$OUT/delete-$size.txt" >&2
  [[ -f $OUT/delete-$size.csv ]] &&
    log "slowest deletes (request #: ms): $(tail -n +2 "$OUT/delete-$size.csv" | sort -t, -k4 -g -r | head -5 |
                                           awk -F, '{ printf "#%s: %.1f  ", $1, $4 }')"
  DELETE_RESULT[$size]=$(awk '/^RESULT/ { for (i = 2; i <= NF; ++i) { split($i, kv, "="); v[kv[1]] = kv[2] }
                                          print v["p50_ms"], v["p90_ms"], v["p99_ms"], v["max_ms"], v["failures"] }' \
                         "$OUT/delete-$size.txt")
  [[ -n ${DELETE_RESULT[$size]} ]] || DELETE_RESULT[$size]="- - - - -"

  log "stopping the server"
  kill -0 "$SERVER_PID" 2>/dev/null || problem "$size jobs: the server was no longer running at the end"
  rc=0
  stop_server || rc=$?
  [[ $rc == 0 ]] || problem "$size jobs: the server exited with status $rc (bench/out/server-$size.log)"
  if grep -qiE '\[(error|critical)\]' "$OUT/server-$size.log"; then
    problem "$size jobs: errors in bench/out/server-$size.log"
  fi
done

# ---- render speed ----
RENDER_OUT=""
if [[ -x $BIN/render_bench ]]; then
  log "render benchmark (build/bench/render_bench)"
  if "$BIN/render_bench" >"$OUT/render.txt" 2>&1; then
    RENDER_OUT=$(cat "$OUT/render.txt")
  else
    problem "render_bench failed (bench/out/render.txt)"
    RENDER_OUT="render_bench failed; see bench/out/render.txt"
  fi
else
  RENDER_OUT="build/bench/render_bench does not exist (not built yet): render speed not measured"
  log "$RENDER_OUT"
fi

# ---- report ----
verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN { ok = (op == ">=") ? v >= t : v <= t; print ok ? "met" : "MISSED" }'; }
echo
echo "## Song Studio benchmarks — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk -t1 -c32 -d$DURATION on the same machine, median of $ROUNDS round(s)"
echo
echo "Server: studio serve --workers 0 --log-level warn${SERVER_ARGS:+ $SERVER_ARGS}, commit $COMMIT (as built when the run started)"
echo
echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average at the start: $LOAD_AT_START, at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "CPU µs/req: CPU time the server (all threads) and wrk used during the run, divided by the"
echo "requests served. The ceiling, $(nproc) cores / (server + wrk CPU per request), is what the"
echo "machine could do if nothing else ran on it; compare it with req/s to see how much other load cost."
for size in $SIZES; do
  echo
  echo "### $(printf "%'d" "$size") jobs (seeded in ${SEED_SECONDS[$size]:-?})"
  echo
  echo "| endpoint | req/s | × health | p50 ms | p99 ms | server CPU µs/req | wrk CPU µs/req | CPU-bound ceiling req/s |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  read -r hrps _ <<<"${RESULT[$size,health]}"
  for ep in "${ENDPOINTS[@]}"; do
    read -r rps p50 p99 _ <<<"${RESULT[$size,$ep]}"
    read -r scpu wcpu <<<"${CPU[$size,$ep]:-0 0}"
    ratio=$(awk -v a="$rps" -v b="$hrps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    ceiling=$(awk -v s="$scpu" -v w="$wcpu" -v c="$(nproc)" 'BEGIN { printf "%.0f", (s + w > 0 ? c * 1e6 / (s + w) : 0) }')
    echo "| ${EP_LABEL[$ep]} | $rps | $ratio | $p50 | $p99 | $scpu | $wcpu | $ceiling |"
  done
  read -r d50 d90 d99 dmax dfail <<<"${DELETE_RESULT[$size]}"
  echo
  echo "DELETE /api/jobs/{id}, $DELETES sequential over one connection: p50 $d50 ms, p90 $d90 ms, p99 $d99 ms, max $dmax ms ($dfail not 200)"
done

echo
echo "### Targets"
echo
echo "| target | measured | verdict |"
echo "|---|---|---|"
ceiling_of() {  # size endpoint -> the CPU-bound ceiling in req/s
  read -r scpu wcpu <<<"${CPU[$1,$2]:-0 0}"
  awk -v s="$scpu" -v w="$wcpu" -v c="$(nproc)" 'BEGIN { printf "%.0f", (s + w > 0 ? c * 1e6 / (s + w) : 0) }'
}
for size in $SIZES; do
  read -r rps _ <<<"${RESULT[$size,get_job]}"
  echo "| GET /jobs/{id} ≥ 25,000 req/s ($size jobs) | $rps req/s (CPU-bound ceiling $(ceiling_of "$size" get_job)) | $(verdict "$rps" 25000 '>=') |"
  read -r rps _ <<<"${RESULT[$size,list]}"
  echo "| GET /jobs?limit=20 ≥ 5,000 req/s ($size jobs) | $rps req/s (CPU-bound ceiling $(ceiling_of "$size" list)) | $(verdict "$rps" 5000 '>=') |"
  read -r _ _ d99 _ <<<"${DELETE_RESULT[$size]}"
  echo "| DELETE /jobs/{id} p99 ≤ 10 ms ($size jobs) | $d99 ms | $(verdict "$d99" 10 '<=') |"
done
set -- $SIZES
if [[ $# -ge 2 ]]; then
  small=$1; large=${!#}
  read -r ls _ <<<"${RESULT[$small,list]}"
  read -r ll _ <<<"${RESULT[$large,list]}"
  read -r hs _ <<<"${RESULT[$small,health]}"
  read -r hl _ <<<"${RESULT[$large,health]}"
  read -r cs _ <<<"${CPU[$small,list]}"
  read -r cl _ <<<"${CPU[$large,list]}"
  raw=$(awk -v a="$ll" -v b="$ls" 'BEGIN { printf "%.2f", a / b }')
  norm=$(awk -v a="$ll" -v b="$ls" -v c="$hl" -v d="$hs" 'BEGIN { printf "%.2f", (a / c) / (b / d) }')
  # Server CPU per request is what the table size can change; req/s on a shared machine
  # also moves with whatever else runs. The verdict uses the CPU ratio.
  cpu_ratio=$(awk -v a="$cs" -v b="$cl" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
  echo "| GET /jobs?limit=20 at $large ≥ 0.80 × at $small | server CPU/request $cs → $cl µs (speed ratio $cpu_ratio); req/s ratio $raw raw, $norm relative to health | $(verdict "$cpu_ratio" 0.8 '>=') |"
fi
if [[ -f $OUT/render.txt && -x $BIN/render_bench ]]; then
  # "<soundfont> (loaded in X s)" ... "total: ...: 83.1x real time per thread (slowest sample 44.6x)"
  awk '/\(loaded in/ { sf = $1; n = split(sf, parts, "/"); sf = parts[n] }
       /total:/ { match($0, /[0-9.]+x real time/); x = substr($0, RSTART, RLENGTH - 11)
                  printf "| rendering ≥ 50× real time per worker thread (%s) | %s× | %s |\n", sf, x, (x + 0 >= 50 ? "met" : "MISSED") }' \
    "$OUT/render.txt"
fi
echo
echo "### Render speed (build/bench/render_bench: seconds of audio per CPU second, one thread)"
echo
echo '```'
echo "$RENDER_OUT"
echo '```'
if [[ ${#PROBLEMS[@]} -gt 0 ]]; then
  echo
  echo "### Problems"
  for p in "${PROBLEMS[@]}"; do echo "- $p"; done
fi
log "done in $((SECONDS - START_TIME)) s"
[[ ${#PROBLEMS[@]} -eq 0 ]]
