#!/usr/bin/env bash
# Song Studio benchmarks: one command, figures in a markdown table.
#
#   bench/run.sh              100,000 then 1,000,000 jobs (~7 minutes on 2 cores)
#   bench/run.sh --quick      10,000 jobs, 1 round of 5 s (a smoke test, ~1 minute)
#   bench/run.sh --db postgresql://studio@127.0.0.1:55500/postgres --compare --sizes 100000
#                             SQLite and PostgreSQL in the same run, alternating
#
# Options: --sizes "N M ..."  --rounds R (default 3)  --duration 10s  --port P
#          --server-args "--io-threads 1"  (extra `studio serve` arguments)
#          --no-build  --keep-going (do not stop at the first failing check)
#          --no-render (skip the render benchmark)
#          --endpoints "health get_job list metrics"  measure only these (names as
#                      in ENDPOINTS below; the verdicts need health, get_job, list)
#          --db URL    measure PostgreSQL: URL names a server (and a database
#                      to connect to for admin commands); for each size run.sh
#                      drops and creates the database studio_bench_<size> on
#                      it (needs psql and CREATEDB), seeds it through
#                      `seed --db`, and runs `studio serve --db`
#          --compare   with --db: measure SQLite as well, in the same rounds:
#                      both servers stay up and each endpoint runs on SQLite,
#                      then on PostgreSQL, round after round, so the ratio is
#                      same-run (req/s on this shared machine vary up to 2x
#                      over minutes)
#          --pg-setting NAME=VALUE  ALTER DATABASE studio_bench_<size> SET it
#                      (repeatable), to measure a database setting, e.g.
#                      plan_cache_mode=force_generic_plan
#          --pg-pid P  the postmaster's pid, to count the database's CPU per
#                      request (default: the process listening on the URL's
#                      port, when it is on this machine)
#
# For each size: seeds a fresh data dir under bench/out/ (bench/seed: 10% of
# the jobs soft-deleted, 2 samples per completed job, as many feedback rows
# as jobs), starts `studio serve --workers 0` on it, waits for /api/health,
# warms up, then runs `wrk -t1 -c32` (same machine) on each endpoint in R
# alternating rounds and keeps the median req/s (and that round's latency):
#   GET /api/health         the cheapest route: the same-run reference
#   GET /api/jobs/{id}      Lua script cycling over bench-ids.txt (random live jobs)
#   GET /api/jobs?limit=20
#   GET /api/trash?type=jobs&limit=20   (the trash list: the partial index on deleted_at)
#   GET /api/jobs/stats
#   GET /api/adapters
#   GET /api/metrics/overview, GET /api/metrics/feedback  (trigger-kept counters)
# then 200 sequential DELETE /api/jobs/{id} (bench/delete_latency), stops the
# server and checks it exited cleanly. Finally runs the engine's render
# benchmark (build/bench/render_bench) when it exists.
#
# The server runs with --log-level warn: at the default "info" it writes one
# access-log line per request, and the benchmark would measure the log file.
# Nothing is written to docs/; copy figures into docs/BENCHMARKS.md by hand.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/bench/common.sh"
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
RENDER=1
PG_URL=""
COMPARE=0
PG_PID=""
PG_SETTINGS=()
ONLY_ENDPOINTS=""

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
    --no-render) RENDER=0 ;;
    --endpoints) ONLY_ENDPOINTS="$2"; shift ;;
    --db) PG_URL="$2"; shift ;;
    --compare) COMPARE=1 ;;
    --pg-pid) PG_PID="$2"; shift ;;
    --pg-setting) PG_SETTINGS+=("$2"); shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

BACKENDS=(sqlite)
if [[ -n $PG_URL ]]; then
  [[ $PG_URL == postgresql://* || $PG_URL == postgres://* ]] || { echo "run.sh: --db needs a postgresql:// URL" >&2; exit 2; }
  if [[ $COMPARE == 1 ]]; then BACKENDS=(sqlite postgresql); else BACKENDS=(postgresql); fi
elif [[ $COMPARE == 1 ]]; then
  echo "run.sh: --compare needs --db URL" >&2; exit 2
fi
declare -A BACKEND_LABEL=([sqlite]=SQLite [postgresql]=PostgreSQL)

tools=(wrk curl)
[[ -n $PG_URL ]] && tools+=(psql ss)
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is not installed" >&2; exit 1; }
done

if [[ -n $PG_URL && -z $PG_PID ]]; then
  PG_PID=$(postgres_pid_of "$PG_URL")
  [[ -n $PG_PID ]] || echo "run.sh: the PostgreSQL server is not on this machine (or not visible): its CPU is not counted" >&2
fi
mkdir -p "$OUT"
START_TIME=$SECONDS
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)

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


declare -A SERVER_PID=()  # backend -> pid of its `studio serve`
stop_server() {  # backend
  local pid=${SERVER_PID[$1]:-}
  SERVER_PID[$1]=""
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    local rc=0
    wait "$pid" || rc=$?
    return $rc
  fi
  return 0
}
stop_all_servers() {
  local b
  for b in "${!SERVER_PID[@]}"; do stop_server "$b" || true; done
}
trap 'stop_all_servers' EXIT
trap 'exit 130' INT TERM

PROBLEMS=()
problem() {
  PROBLEMS+=("$*")
  log "PROBLEM: $*"
  [[ $KEEP_GOING == 1 ]] || { echo "run.sh: $* (use --keep-going to continue)" >&2; exit 1; }
}

# wrk output -> "rps p50_ms p99_ms non2xx socket_errors requests"



ENDPOINTS=(health get_job list trash stats adapters)
ENDPOINTS+=(metrics feedback_metrics)
if [[ -n $ONLY_ENDPOINTS ]]; then read -r -a ENDPOINTS <<<"$ONLY_ENDPOINTS"; fi
declare -A EP_LABEL=(
  [health]="GET /api/health (reference)"
  [get_job]="GET /api/jobs/{id}"
  [list]="GET /api/jobs?limit=20"
  [trash]="GET /api/trash?type=jobs&limit=20"
  [stats]="GET /api/jobs/stats"
  [adapters]="GET /api/adapters"
  [metrics]="GET /api/metrics/overview"
  [feedback_metrics]="GET /api/metrics/feedback"
)
declare -A RESULT  # RESULT[size,backend,endpoint]="rps p50 p99 non2xx errors requests"
declare -A CPU     # CPU[size,backend,endpoint]="server_us db_us wrk_us" (per request)
declare -A DELETE_RESULT SEED_SECONDS PORT_OF DIR_OF

# Runs wrk on an endpoint of a backend's server; writes wrk's output to
# out_file and, to out_file.cpu, the CPU the server, the database (PostgreSQL
# only: the postmaster and its children) and wrk used per request (µs).
run_wrk() {  # backend endpoint out_file duration
  local be=$1 ep=$2 out=$3 dur=$4 base="http://127.0.0.1:${PORT_OF[$1]}" args
  local ids="${DIR_OF[$be]}/bench-ids.txt"
  case "$ep" in
    health) args=("$base/api/health") ;;
    get_job) args=(-s "$OUT/get_job.lua" "$base" -- "$ids") ;;
    list) args=("$base/api/jobs?limit=20") ;;
    trash) args=("$base/api/trash?type=jobs&limit=20") ;;
    stats) args=("$base/api/jobs/stats") ;;
    adapters) args=("$base/api/adapters") ;;
    metrics) args=("$base/api/metrics/overview") ;;
    feedback_metrics) args=("$base/api/metrics/feedback") ;;
  esac
  local pid=${SERVER_PID[$be]} before after wrk_cpu requests db=0
  [[ $be == postgresql ]] && pg_ticks >"$out.pg0"
  before=$(cpu_ticks "$pid")
  local t0=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
  wrk -t1 -c32 -d"$dur" --latency "${args[@]}" >"$out"
  after=$(cpu_ticks "$pid")
  # wrk ran as a child of this shell: its CPU is in our children's times (cutime + cstime).
  wrk_cpu=$(( $(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat) - t0 ))
  if [[ $be == postgresql ]]; then
    pg_ticks >"$out.pg1"
    db=$(pg_delta "$out.pg0" "$out.pg1")
    rm -f "$out.pg0" "$out.pg1"
  fi
  requests=$(parse_wrk "$out" | awk '{ print $6 }')
  awk -v s=$((after - before)) -v d="$db" -v w="$wrk_cpu" -v n="$requests" -v hz="$CLK_TCK" \
    'BEGIN { if (n > 0) printf "%.1f %.1f %.1f\n", s * 1e6 / hz / n, d * 1e6 / hz / n, w * 1e6 / hz / n; else print "0 0 0" }' >"$out.cpu"
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

start_server() {  # backend size
  local be=$1 size=$2 port db_args=()
  port=${PORT:-$(free_port)}
  [[ -n $PORT && ${#BACKENDS[@]} -gt 1 && $be == postgresql ]] && port=$((PORT + 1))
  [[ $be == postgresql ]] && db_args=(--db "$(url_with_db "$PG_URL" "studio_bench_$size")")
  log "starting studio serve ($be) on port $port"
  # shellcheck disable=SC2086  # SERVER_ARGS is split on purpose
  "$BIN/studio" serve --port "$port" --data-dir "${DIR_OF[$be]}" "${db_args[@]}" --workers 0 \
    --log-level warn $SERVER_ARGS >"$OUT/server-$size-$be.log" 2>&1 &
  SERVER_PID[$be]=$!
  PORT_OF[$be]=$port
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && break
    kill -0 "${SERVER_PID[$be]}" 2>/dev/null || break
    sleep 0.1
  done
  if ! curl -sf "http://127.0.0.1:$port/api/health" >/dev/null 2>&1; then
    cat "$OUT/server-$size-$be.log" >&2
    echo "run.sh: the $be server did not come up on port $port" >&2
    exit 1
  fi
}

for size in $SIZES; do
  for be in "${BACKENDS[@]}"; do
    DIR=$OUT/data-$size-$be
    DIR_OF[$be]=$DIR
    rm -rf "$DIR"
    seed_args=(--data-dir "$DIR" --jobs "$size")
    if [[ $be == postgresql ]]; then
      dbname=studio_bench_$size
      log "creating the PostgreSQL database $dbname"
      psql -X -q -v ON_ERROR_STOP=1 "$PG_URL" -c "DROP DATABASE IF EXISTS $dbname" -c "CREATE DATABASE $dbname" >&2 ||
        { echo "run.sh: cannot create the database $dbname on $PG_URL" >&2; exit 1; }
      for setting in "${PG_SETTINGS[@]}"; do
        psql -X -q -v ON_ERROR_STOP=1 "$PG_URL" -c "ALTER DATABASE $dbname SET ${setting%%=*} = '${setting#*=}'" >&2
      done
      seed_args+=(--db "$(url_with_db "$PG_URL" "$dbname")")
    fi
    log "seeding $size jobs ($be) into bench/out/data-$size-$be"
    c0=$(awk '{ print $16 + $17 }' /proc/$$/stat)
    [[ $be == postgresql ]] && pg_ticks >"$OUT/seed.pg0"
    "$BIN/seed" "${seed_args[@]}" >"$OUT/seed-$size-$be.log" 2>&1 ||
      { cat "$OUT/seed-$size-$be.log" >&2; echo "run.sh: seeding failed" >&2; exit 1; }
    c1=$(awk '{ print $16 + $17 }' /proc/$$/stat)
    extra=""
    if [[ $be == postgresql ]]; then
      sleep 1  # the seed's backend exits after the seed does: let the postmaster reap it
      pg_ticks >"$OUT/seed.pg1"
      [[ -n $PG_PID ]] && extra=", PostgreSQL $(( $(pg_delta "$OUT/seed.pg0" "$OUT/seed.pg1") / CLK_TCK )) s CPU"
      # Fresh statistics, as autovacuum would have them after a while.
      psql -X -q "$(url_with_db "$PG_URL" "$dbname")" -c "VACUUM ANALYZE" >&2 || true
    fi
    SEED_SECONDS[$size,$be]="$(awk '/^seeded/ { print $4 }' "$OUT/seed-$size-$be.log") s (seed $(( (c1 - c0) / CLK_TCK )) s CPU$extra)"
    sed -n '/^seeded/,$p' "$OUT/seed-$size-$be.log" >&2
    start_server "$be" "$size"
  done

  log "warming up"
  for be in "${BACKENDS[@]}"; do
    run_wrk "$be" get_job "$OUT/warmup.txt" 3s
    run_wrk "$be" list "$OUT/warmup.txt" 2s
  done

  for round in $(seq 1 "$ROUNDS"); do
    for ep in "${ENDPOINTS[@]}"; do
      for be in "${BACKENDS[@]}"; do
        f=$OUT/wrk-$size-$be-$ep-$round.txt
        run_wrk "$be" "$ep" "$f" "$DURATION"
        r=$(parse_wrk "$f")
        log "round $round $be ${EP_LABEL[$ep]}: $(awk '{ printf "%s req/s, p50 %s ms, p99 %s ms", $1, $2, $3 }' <<<"$r"), $(awk '{ printf "server CPU %s µs/req, db CPU %s µs/req, wrk CPU %s µs/req", $1, $2, $3 }' "$f.cpu")"
        read -r rps _ _ bad err _ <<<"$r"
        [[ $bad == 0 ]] || problem "$size jobs ($be): ${EP_LABEL[$ep]}: $bad non-2xx answers (bench/out/wrk-$size-$be-$ep-$round.txt)"
        [[ $err == 0 ]] || problem "$size jobs ($be): ${EP_LABEL[$ep]}: $err socket errors (bench/out/wrk-$size-$be-$ep-$round.txt)"
        kill -0 "${SERVER_PID[$be]}" 2>/dev/null || problem "$size jobs ($be): the server died during ${EP_LABEL[$ep]}"
      done
    done
  done
  for be in "${BACKENDS[@]}"; do
    for ep in "${ENDPOINTS[@]}"; do
      med=$(for round in $(seq 1 "$ROUNDS"); do parse_wrk "$OUT/wrk-$size-$be-$ep-$round.txt" | awk '{ print $1 }'; done | median)
      # The figures of the round whose req/s is the median.
      for round in $(seq 1 "$ROUNDS"); do
        r=$(parse_wrk "$OUT/wrk-$size-$be-$ep-$round.txt")
        if [[ ${r%% *} == "$med" ]]; then
          RESULT[$size,$be,$ep]=$r
          CPU[$size,$be,$ep]=$(cat "$OUT/wrk-$size-$be-$ep-$round.txt.cpu")
          break
        fi
      done
    done
  done

  for be in "${BACKENDS[@]}"; do
    log "$DELETES sequential DELETE /api/jobs/{id} ($be)"
    "$BIN/delete_latency" --port "${PORT_OF[$be]}" --ids "${DIR_OF[$be]}/bench-delete-ids.txt" --count "$DELETES" \
      --csv "$OUT/delete-$size-$be.csv" >"$OUT/delete-$size-$be.txt" 2>&1 ||
      problem "$size jobs ($be): delete_latency failed (bench/out/delete-$size-$be.txt)"
    cat "$OUT/delete-$size-$be.txt" >&2
    [[ -f $OUT/delete-$size-$be.csv ]] &&
      log "slowest deletes (request #: ms): $(tail -n +2 "$OUT/delete-$size-$be.csv" | sort -t, -k4 -g -r | head -5 |
                                             awk -F, '{ printf "#%s: %.1f  ", $1, $4 }')"
    DELETE_RESULT[$size,$be]=$(awk '/^RESULT/ { for (i = 2; i <= NF; ++i) { split($i, kv, "="); v[kv[1]] = kv[2] }
                                                print v["p50_ms"], v["p90_ms"], v["p99_ms"], v["max_ms"], v["failures"] }' \
                               "$OUT/delete-$size-$be.txt")
    [[ -n ${DELETE_RESULT[$size,$be]} ]] || DELETE_RESULT[$size,$be]="- - - - -"
  done

  for be in "${BACKENDS[@]}"; do
    log "stopping the server ($be)"
    kill -0 "${SERVER_PID[$be]}" 2>/dev/null || problem "$size jobs ($be): the server was no longer running at the end"
    rc=0
    stop_server "$be" || rc=$?
    [[ $rc == 0 ]] || problem "$size jobs ($be): the server exited with status $rc (bench/out/server-$size-$be.log)"
    if grep -qiE '\[(error|critical)\]' "$OUT/server-$size-$be.log"; then
      problem "$size jobs ($be): errors in bench/out/server-$size-$be.log"
    fi
  done
done

# ---- render speed ----
RENDER_OUT=""
if [[ $RENDER == 0 ]]; then
  RENDER_OUT="not measured (--no-render)"
elif [[ -x $BIN/render_bench ]]; then
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
ceiling_of() {  # size backend endpoint -> the CPU-bound ceiling in req/s
  read -r scpu dcpu wcpu <<<"${CPU[$1,$2,$3]:-0 0 0}"
  awk -v s="$scpu" -v d="$dcpu" -v w="$wcpu" -v c="$(nproc)" 'BEGIN { printf "%.0f", (s + d + w > 0 ? c * 1e6 / (s + d + w) : 0) }'
}
echo
echo "## Song Studio benchmarks — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk -t1 -c32 -d$DURATION on the same machine, median of $ROUNDS round(s)"
echo
echo "Server: studio serve --workers 0 --log-level warn${SERVER_ARGS:+ $SERVER_ARGS}, commit $COMMIT (as built when the run started)"
echo
echo "Backends: $(for be in "${BACKENDS[@]}"; do printf '%s ' "${BACKEND_LABEL[$be]}"; done)${PG_URL:+(PostgreSQL at ${PG_URL%%\?*}$( [[ ${#BACKENDS[@]} -gt 1 ]] && echo '; each endpoint alternates SQLite, PostgreSQL in every round'))}"
if [[ -n $PG_URL ]]; then
  settings=$(psql -X -At "$PG_URL" -c "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync','synchronous_commit','full_page_writes','shared_buffers','max_connections')" 2>/dev/null || echo '?')
  echo
  echo "PostgreSQL: $(psql -X -At "$PG_URL" -c 'SHOW server_version' 2>/dev/null || echo '?'); $settings (shared_buffers in 8 kB pages)${PG_SETTINGS[*]:+; on the benchmark databases: ${PG_SETTINGS[*]}}"
fi
echo
echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average at the start: $LOAD_AT_START, at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "CPU µs/req: CPU time the server (all threads), the database (PostgreSQL: the postmaster and"
echo "all its children) and wrk used during the run, divided by the requests served. The ceiling,"
echo "$(nproc) cores / (server + db + wrk CPU per request), is what the machine could do if nothing"
echo "else ran on it; compare it with req/s to see how much other load cost."
for size in $SIZES; do
  for be in "${BACKENDS[@]}"; do
    echo
    echo "### $(printf "%'d" "$size") jobs, ${BACKEND_LABEL[$be]} (seeded in ${SEED_SECONDS[$size,$be]:-?})"
    echo
    echo "| endpoint | req/s | × health | p50 ms | p99 ms | server CPU µs/req | db CPU µs/req | wrk CPU µs/req | CPU-bound ceiling req/s |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    read -r hrps _ <<<"${RESULT[$size,$be,health]}"
    for ep in "${ENDPOINTS[@]}"; do
      read -r rps p50 p99 _ <<<"${RESULT[$size,$be,$ep]}"
      read -r scpu dcpu wcpu <<<"${CPU[$size,$be,$ep]:-0 0 0}"
      ratio=$(awk -v a="$rps" -v b="$hrps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
      [[ $be == sqlite ]] && dcpu="–"
      echo "| ${EP_LABEL[$ep]} | $rps | $ratio | $p50 | $p99 | $scpu | $dcpu | $wcpu | $(ceiling_of "$size" "$be" "$ep") |"
    done
    read -r d50 d90 d99 dmax dfail <<<"${DELETE_RESULT[$size,$be]}"
    echo
    echo "DELETE /api/jobs/{id}, $DELETES sequential over one connection: p50 $d50 ms, p90 $d90 ms, p99 $d99 ms, max $dmax ms ($dfail not 200)"
  done
  if [[ ${#BACKENDS[@]} -gt 1 ]]; then
    echo
    echo "### $(printf "%'d" "$size") jobs: PostgreSQL against SQLite, same run"
    echo
    echo "| endpoint | SQLite req/s | PostgreSQL req/s | PostgreSQL / SQLite | SQLite server CPU µs/req | PostgreSQL server + db CPU µs/req |"
    echo "|---|---:|---:|---:|---:|---:|"
    for ep in "${ENDPOINTS[@]}"; do
      read -r a _ <<<"${RESULT[$size,sqlite,$ep]}"
      read -r b _ <<<"${RESULT[$size,postgresql,$ep]}"
      read -r sa _ _ <<<"${CPU[$size,sqlite,$ep]}"
      read -r sb db _ <<<"${CPU[$size,postgresql,$ep]}"
      echo "| ${EP_LABEL[$ep]} | $a | $b | $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (a > 0 ? b / a : 0) }') | $sa | $sb + $db |"
    done
    read -r _ _ a _ <<<"${DELETE_RESULT[$size,sqlite]}"
    read -r _ _ b _ <<<"${DELETE_RESULT[$size,postgresql]}"
    echo "| DELETE /api/jobs/{id} p99 ms | $a | $b | $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (a > 0 ? b / a : 0) }') (latency) | | |"
  fi
done

echo
echo "### Targets"
echo
echo "| target | measured | verdict |"
echo "|---|---|---|"
for size in $SIZES; do
  for be in "${BACKENDS[@]}"; do
    [[ $be == sqlite ]] || continue
    read -r rps _ <<<"${RESULT[$size,$be,get_job]}"
    echo "| GET /jobs/{id} ≥ 25,000 req/s ($size jobs) | $rps req/s (CPU-bound ceiling $(ceiling_of "$size" "$be" get_job)) | $(verdict "$rps" 25000 '>=') |"
    read -r rps _ <<<"${RESULT[$size,$be,list]}"
    echo "| GET /jobs?limit=20 ≥ 5,000 req/s ($size jobs) | $rps req/s (CPU-bound ceiling $(ceiling_of "$size" "$be" list)) | $(verdict "$rps" 5000 '>=') |"
    read -r _ _ d99 _ <<<"${DELETE_RESULT[$size,$be]}"
    echo "| DELETE /jobs/{id} p99 ≤ 10 ms ($size jobs) | $d99 ms | $(verdict "$d99" 10 '<=') |"
  done
  if [[ ${#BACKENDS[@]} -gt 1 ]]; then
    for ep in "${ENDPOINTS[@]}"; do
      [[ $ep == health ]] && continue
      read -r a _ <<<"${RESULT[$size,sqlite,$ep]}"
      read -r b _ <<<"${RESULT[$size,postgresql,$ep]}"
      r=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (a > 0 ? b / a : 0) }')
      echo "| PostgreSQL ${EP_LABEL[$ep]} within 2× of SQLite ($size jobs) | $b vs $a req/s (×$r) | $(verdict "$r" 0.5 '>=') |"
    done
    read -r _ _ a _ <<<"${DELETE_RESULT[$size,sqlite]}"
    read -r _ _ b _ <<<"${DELETE_RESULT[$size,postgresql]}"
    r=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (a > 0 ? b / a : 0) }')
    echo "| PostgreSQL DELETE p99 within 2× of SQLite ($size jobs) | $b vs $a ms (×$r) | $(verdict "$r" 2 '<=') |"
  fi
done
set -- $SIZES
if [[ $# -ge 2 ]]; then
  small=$1; large=${!#}
  for be in "${BACKENDS[@]}"; do
    read -r ls _ <<<"${RESULT[$small,$be,list]}"
    read -r ll _ <<<"${RESULT[$large,$be,list]}"
    read -r hs _ <<<"${RESULT[$small,$be,health]}"
    read -r hl _ <<<"${RESULT[$large,$be,health]}"
    read -r cs ds _ <<<"${CPU[$small,$be,list]}"
    read -r cl dl _ <<<"${CPU[$large,$be,list]}"
    cs=$(awk -v a="$cs" -v b="$ds" 'BEGIN { print a + b }'); cl=$(awk -v a="$cl" -v b="$dl" 'BEGIN { print a + b }')
    raw=$(awk -v a="$ll" -v b="$ls" 'BEGIN { printf "%.2f", a / b }')
    norm=$(awk -v a="$ll" -v b="$ls" -v c="$hl" -v d="$hs" 'BEGIN { printf "%.2f", (a / c) / (b / d) }')
    # Server CPU per request is what the table size can change; req/s on a shared machine
    # also moves with whatever else runs. The verdict uses the CPU ratio.
    cpu_ratio=$(awk -v a="$cs" -v b="$cl" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    echo "| ${BACKEND_LABEL[$be]} GET /jobs?limit=20 at $large ≥ 0.80 × at $small | server (+ db) CPU/request $cs → $cl µs (speed ratio $cpu_ratio); req/s ratio $raw raw, $norm relative to health | $(verdict "$cpu_ratio" 0.8 '>=') |"
  done
fi
if [[ $RENDER == 1 && -f $OUT/render.txt && -x $BIN/render_bench ]]; then
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
finish_report
