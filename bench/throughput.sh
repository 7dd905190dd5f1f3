#!/usr/bin/env bash
# Job throughput on one PostgreSQL database: one API process
# (`studio serve --db … --workers 0`) and 1, 2, 4 `studio worker` processes
# with one worker thread each.
#
#   bench/throughput.sh --db postgresql://studio@127.0.0.1:55500/postgres
#
# Options: --workers "1 2 4"  --jobs 48  --rounds 2  --soundfont PATH
#          --lease-seconds 30  --no-build
#
# For every round and every worker count (alternating: 1, 2, 4, 1, 2, 4, …)
# it creates a fresh database studio_tp_<workers>_<round> on the server the
# URL names (needs psql and CREATEDB), runs `studio migrate`, starts the API
# and the workers on a fresh data dir under bench/out/, and then submits the
# same job mix through POST /api/generate: job i (0-based) has
# num_samples 1 + i % 4, duration 5 + i % 6 s, seed 1000 + i, on one of four
# prompts (jazz, synthwave, orchestral, lo-fi). The clock runs from the first
# submit until GET /api/jobs/stats counts every job completed (polled every
# 50 ms). Reported: jobs per minute, seconds of audio rendered per wall
# second, and the machine's CPU use over that interval (from /proc/stat:
# 100 % = all cores busy, whoever used them, other work included), plus the
# CPU the worker processes and PostgreSQL used, in cores (1.00 = one core
# busy for the whole interval).
# Checks: every job completed, audio_samples holds exactly sum(num_samples)
# rows, one per (job, sample_index), and as many .wav files on disk.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/bench/common.sh"
BUILD=${BUILD_DIR:-$ROOT/build}
OUT=$ROOT/bench/out
PG_URL=""
WORKER_COUNTS="1 2 4"
JOBS=48
ROUNDS=2
SOUNDFONT=/usr/share/sounds/sf2/TimGM6mb.sf2
LEASE=30
BUILD_FIRST=1

while [[ $# -gt 0 ]]; do
  case "$1" in
    --db) PG_URL="$2"; shift ;;
    --workers) WORKER_COUNTS="$2"; shift ;;
    --jobs) JOBS="$2"; shift ;;
    --rounds) ROUNDS="$2"; shift ;;
    --soundfont) SOUNDFONT="$2"; shift ;;
    --lease-seconds) LEASE="$2"; shift ;;
    --no-build) BUILD_FIRST=0 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "throughput.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[[ $PG_URL == postgresql://* || $PG_URL == postgres://* ]] ||
  { echo "throughput.sh: pass --db postgresql://user@host:port/db (a server on which to create databases)" >&2; exit 2; }
for tool in curl psql ss; do
  command -v "$tool" >/dev/null || { echo "throughput.sh: $tool is not installed" >&2; exit 1; }
done
[[ -f $SOUNDFONT ]] || { echo "throughput.sh: no SoundFont at $SOUNDFONT" >&2; exit 1; }
mkdir -p "$OUT"
START_TIME=$SECONDS

if [[ $BUILD_FIRST == 1 ]]; then
  log "building studio (-j2)"
  cmake --build "$BUILD" -j2 --target studio >"$OUT/build-throughput.log" 2>&1 ||
    { tail -30 "$OUT/build-throughput.log" >&2; echo "throughput.sh: build failed" >&2; exit 1; }
fi
BIN=$OUT/bin-throughput
rm -rf "$BIN"
mkdir -p "$BIN"
cp "$BUILD/studio" "$BIN/"
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ' (with uncommitted changes in src/)')"

PG_PID=$(postgres_pid_of "$PG_URL")
# busy and total jiffies of the whole machine
cpu_all() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; ++i) t += $i; print t - $5 - $6, t }' /proc/stat; }

PIDS=()
stop_all() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# The job mix.
total_samples=0
total_audio=0
for ((i = 0; i < JOBS; ++i)); do
  total_samples=$((total_samples + 1 + i % 4))
  total_audio=$((total_audio + (1 + i % 4) * (5 + i % 6)))
done
log "job mix: $JOBS jobs, $total_samples samples, $total_audio s of audio, SoundFont $(basename "$SOUNDFONT")"

PROMPTS=(
  '{"text":"A relaxed jazz trio for a late evening","attributes":{"style":"jazz","tempo":96,"primary_instruments":["acoustic-piano","bass-guitar"],"secondary_instruments":["acoustic-drum-kit"],"mood":"relaxed","duration":8}}'
  '{"text":"Driving synthwave with a bright lead","attributes":{"style":"synthwave","tempo":118,"primary_instruments":["analog-synth-lead","synth-bass"],"secondary_instruments":["electronic-drum-kit"],"mood":"energetic","duration":8}}'
  '{"text":"An epic orchestral opening","attributes":{"style":"orchestral","tempo":80,"primary_instruments":["acoustic-strings-ensemble","trumpet"],"secondary_instruments":["choir"],"mood":"epic","duration":8}}'
  '{"text":"Lo-fi hip hop beat for studying","attributes":{"style":"lo-fi hip hop","tempo":84,"primary_instruments":["electric-piano"],"secondary_instruments":["lofi-drum-kit","vinyl-noise"],"mood":"calm","duration":8}}'
)

declare -A RES  # RES[workers,round]="seconds jobs_per_min audio_x machine_cpu% workers_cpu% pg_cpu% ok"
PROBLEMS=()
for round in $(seq 1 "$ROUNDS"); do
  for n in $WORKER_COUNTS; do
    db=studio_tp_${n}_$round
    url=$(url_with_db "$PG_URL" "$db")
    dir=$OUT/tp-$n-$round
    rm -rf "$dir"
    psql -X -q -v ON_ERROR_STOP=1 "$PG_URL" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >&2
    "$BIN/studio" migrate --db "$url" --log-level warn
    port=$(free_port)
    "$BIN/studio" serve --db "$url" --data-dir "$dir" --port "$port" --workers 0 --log-level warn \
      >"$dir.serve.log" 2>&1 &
    PIDS+=($!)
    WPIDS=()
    for ((w = 1; w <= n; ++w)); do
      "$BIN/studio" worker --db "$url" --data-dir "$dir" --workers 1 --soundfont "$SOUNDFONT" \
        --lease-seconds "$LEASE" --log-level warn >"$dir.worker-$w.log" 2>&1 &
      PIDS+=($!)
      WPIDS+=($!)
    done
    base=http://127.0.0.1:$port/api
    for _ in $(seq 1 100); do curl -sf "$base/health" >/dev/null && break; sleep 0.1; done
    prompt_ids=()
    for p in "${PROMPTS[@]}"; do
      prompt_ids+=("$(curl -sf -XPOST "$base/prompts" -H 'content-type: application/json' -d "$p" |
                      sed -E 's/.*"id":"([^"]+)".*/\1/')")
    done
    sleep 1  # the workers are up and idle

    read -r busy0 all0 < <(cpu_all)
    wt0=0; for p in "${WPIDS[@]}"; do wt0=$((wt0 + $(cpu_ticks "$p"))); done
    pg0=$(pg_ticks_total)
    t0=$(date +%s.%N)
    for ((i = 0; i < JOBS; ++i)); do
      body="{\"prompt_id\":\"${prompt_ids[$((i % 4))]}\",\"num_samples\":$((1 + i % 4)),\"duration\":$((5 + i % 6)),\"seed\":$((1000 + i))}"
      code=$(curl -s -o "$dir.submit.json" -w '%{http_code}' -XPOST "$base/generate" -H 'content-type: application/json' -d "$body")
      [[ $code == 201 ]] || { cat "$dir.submit.json" >&2; PROBLEMS+=("$n workers, round $round: POST /generate answered $code"); }
    done
    t_submitted=$(date +%s.%N)
    done_ok=0
    for _ in $(seq 1 12000); do  # up to 10 minutes
      stats=$(curl -sf "$base/jobs/stats" || true)
      completed=$(sed -nE 's/.*"completed":([0-9]+).*/\1/p' <<<"$stats")
      ended=$(sed -nE 's/.*"failed":([0-9]+).*/\1/p' <<<"$stats")
      if [[ ${completed:-0} -ge $JOBS ]]; then done_ok=1; break; fi
      if [[ ${ended:-0} -gt 0 ]]; then break; fi
      sleep 0.05
    done
    t1=$(date +%s.%N)
    read -r busy1 all1 < <(cpu_all)
    wt1=0; for p in "${WPIDS[@]}"; do wt1=$((wt1 + $(cpu_ticks "$p"))); done
    pg1=$(pg_ticks_total)
    [[ $done_ok == 1 ]] || PROBLEMS+=("$n workers, round $round: not all jobs completed: $stats")

    # Exactly once: one sample row per (job, sample_index), as many as planned, and the files.
    read -r rows distinct jobs_done < <(psql -X -At -F' ' "$url" -c \
      "SELECT (SELECT count(*) FROM audio_samples), (SELECT count(DISTINCT (job_id, sample_index)) FROM audio_samples),
              (SELECT count(*) FROM generation_jobs WHERE status = 'completed')")
    files=$(find "$dir/audio" -name '*.wav' | wc -l)
    ok=yes
    if [[ $rows != "$total_samples" || $distinct != "$total_samples" || $files != "$total_samples" || $jobs_done != "$JOBS" ]]; then
      ok=NO
      PROBLEMS+=("$n workers, round $round: $rows sample rows ($distinct distinct), $files files, $jobs_done jobs completed; expected $total_samples samples, $JOBS jobs")
    fi
    RES[$n,$round]=$(awk -v t0="$t0" -v t1="$t1" -v ts="$t_submitted" -v j="$JOBS" -v a="$total_audio" \
      -v b0="$busy0" -v b1="$busy1" -v a0="$all0" -v a1="$all1" -v w0="$wt0" -v w1="$wt1" \
      -v p0="$pg0" -v p1="$pg1" -v hz="$CLK_TCK" -v cores="$(nproc)" -v ok="$ok" 'BEGIN {
        s = t1 - t0; wall = hz * s * cores
        printf "%.1f %.1f %.1f %.0f %.2f %.2f %s %.1f\n", s, j * 60 / s, a / s,
               100 * (b1 - b0) / (a1 - a0), (w1 - w0) / hz / s, (p1 - p0) / hz / s, ok, ts - t0 }')
    log "$n worker(s), round $round: $(awk '{ printf "%s s, %s jobs/min, %s audio s per s, machine CPU %s%%, workers %s cores, PostgreSQL %s cores (submitting took %s s), exactly once: %s", $1, $2, $3, $4, $5, $6, $8, $7 }' <<<"${RES[$n,$round]}")"
    grep -hiE '\[(error|critical)\]' "$dir".*.log >&2 && PROBLEMS+=("$n workers, round $round: errors in $dir.*.log") || true
    stop_all
    psql -X -q "$PG_URL" -c "DROP DATABASE IF EXISTS $db" >&2 || true
  done
done

echo
echo "## Job throughput — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, commit $COMMIT"
echo
echo "One \`studio serve --db … --workers 0\` and N \`studio worker --db … --workers 1 --soundfont $(basename "$SOUNDFONT")\`"
echo "on one PostgreSQL database ($(psql -X -At "$PG_URL" -c 'SHOW server_version' | cut -d' ' -f1), fsync=$(psql -X -At "$PG_URL" -c 'SHOW fsync'), synchronous_commit=$(psql -X -At "$PG_URL" -c 'SHOW synchronous_commit'));"
echo "$JOBS jobs ($total_samples samples, $total_audio s of audio) submitted through the API; time from the first"
echo "submit until all completed. Rounds alternate the worker counts; the median round (by time) is shown."
echo "Machine CPU: all cores over the interval, whoever used them (100 % = $(nproc) cores busy);"
echo "workers' and PostgreSQL CPU in cores (1.00 = one core for the whole interval)."
echo
echo "| worker processes | wall s | jobs/min | audio s per wall s | × 1 worker | machine CPU | workers' CPU (cores) | PostgreSQL CPU (cores) | all rounds (s) | exactly once |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
first=""
for n in $WORKER_COUNTS; do
  med=$(for r in $(seq 1 "$ROUNDS"); do awk '{ print $1 }' <<<"${RES[$n,$r]}"; done | median)
  for r in $(seq 1 "$ROUNDS"); do
    read -r s jpm ax mc wc pc ok _ <<<"${RES[$n,$r]}"
    [[ $s == "$med" ]] && break
  done
  all=$(for r in $(seq 1 "$ROUNDS"); do awk '{ print $1 }' <<<"${RES[$n,$r]}"; done | paste -sd' ')
  oks=$(for r in $(seq 1 "$ROUNDS"); do awk '{ print $7 }' <<<"${RES[$n,$r]}"; done | sort -u | paste -sd/)
  [[ -z $first ]] && first=$jpm
  echo "| $n | $s | $jpm | $ax | $(awk -v a="$jpm" -v b="$first" 'BEGIN { printf "%.2f", a / b }') | $mc % | $wc | $pc | $all | $oks |"
done
finish_report
