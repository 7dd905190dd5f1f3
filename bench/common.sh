# Shell helpers shared by bench/run.sh and bench/throughput.sh (sourced).
# Expects START_TIME (for log) and, for pg_ticks, PG_PID (may be empty).

log() { printf '[%4ds] %s\n' $((SECONDS - START_TIME)) "$*" >&2; }

# postgresql://user@host:port/db?opts -> the same URL naming database $2.
url_with_db() {
  local url=$1 db=$2 rest query=""
  [[ $url == *\?* ]] && { query="?${url#*\?}"; url=${url%%\?*}; }
  rest=${url#*://}
  if [[ $rest == */* ]]; then url="${url%/*}/$db"; else url="$url/$db"; fi
  echo "$url$query"
}

# The pid of the postmaster listening on the URL's port on this machine, or "".
postgres_pid_of() {  # url
  local port
  port=$(sed -E 's#^[a-z]+://([^@/]*@)?[^:/?]*(:([0-9]+))?.*#\3#' <<<"$1")
  ss -ltnpH "sport = :${port:-5432}" 2>/dev/null | sed -nE 's/.*"postgres",pid=([0-9]+).*/\1/p' | head -1
}

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

# CPU time (clock ticks, all threads) a process has used so far.
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# "pid ticks" for the postmaster and each of its children (backends,
# checkpointer, WAL writer, autovacuum): the database's CPU. "reaped" is
# what the postmaster's children that have exited used (its cutime + cstime):
# a backend that ends between two snapshots is still counted.
pg_ticks() {
  [[ -n $PG_PID ]] || return 0
  local p
  awk '{ print "reaped", $16 + $17 }' "/proc/$PG_PID/stat" 2>/dev/null || true
  for p in $PG_PID $(cat /proc/$PG_PID/task/*/children 2>/dev/null); do
    awk -v p="$p" '{ print p, $14 + $15 }' "/proc/$p/stat" 2>/dev/null || true
  done
}
# The database's CPU so far, in ticks: the sum of one pg_ticks snapshot.
pg_ticks_total() { pg_ticks | awk '{ s += $2 } END { print s + 0 }'; }
# Ticks used between two pg_ticks snapshots (processes that ended meanwhile are missed).
pg_delta() {  # before_file after_file
  awk 'NR == FNR { b[$1] = $2; next } { d += $2 - ($1 in b ? b[$1] : 0) } END { print d + 0 }' "$1" "$2"
}

# One wrk output file -> "req/s p50_ms p99_ms non2xx socket_errors requests".
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

# Median of the numbers on stdin (the middle one; the lower middle for an even count).
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# The report's tail: the problems met (if any), then the exit status.
finish_report() {  # script_name
  if [[ ${#PROBLEMS[@]} -gt 0 ]]; then
    echo
    echo "### Problems"
    for p in "${PROBLEMS[@]}"; do echo "- $p"; done
  fi
  log "done in $((SECONDS - START_TIME)) s"
  [[ ${#PROBLEMS[@]} -eq 0 ]]
}
