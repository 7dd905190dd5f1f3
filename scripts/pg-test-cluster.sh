#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster on 127.0.0.1 for the tests (and local
# development): trust authentication, superuser "studio", no fsync.
#
#   scripts/pg-test-cluster.sh start DIR [PORT]   # initdb when DIR is empty, then start
#   scripts/pg-test-cluster.sh stop DIR
#   scripts/pg-test-cluster.sh restart DIR        # used by the outage test
#
# `start` prints the URL (postgresql://studio@127.0.0.1:PORT/postgres).
# PostgreSQL refuses to run as root, so as root the cluster belongs to the
# `postgres` user that Debian's package creates.
set -euo pipefail
BIN=/usr/lib/postgresql/15/bin
cmd=${1:?usage: $0 start|stop|restart DIR [PORT]}
dir=${2:?data directory}
port=${3:-55432}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    chmod 700 "$dir"
    if [ ! -f "$dir/PG_VERSION" ]; then
      as_owner "$BIN/initdb" -D "$dir" -U studio --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
      cat >>"$dir/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 256MB
CONF
    fi
    as_owner "$BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start >/dev/null
    port=$(sed -n 's/^port = //p' "$dir/postgresql.conf" | tail -1)
    echo "postgresql://studio@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_owner "$BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
    ;;
  restart)
    as_owner "$BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -m fast -w -t 60 restart >/dev/null
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
