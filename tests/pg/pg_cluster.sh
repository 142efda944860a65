#!/usr/bin/env bash
# A private PostgreSQL 15 cluster for the tests: initdb in <dir>, a free port on 127.0.0.1,
# its unix socket in <dir>, trust authentication, fsync on (what a deployment runs), and an
# empty database `sasaran` (the store creates PostGIS and its tables itself).
# Usage: tests/pg/pg_cluster.sh start|stop|restart|url <dir>
#   start    creates the cluster if <dir> has none, starts it and prints its URL
#   stop     stops it (fast shutdown); the folder stays for the caller to remove
#   restart  stops it if it runs and starts it again on the same data and the same port (the
#            clients' URL stays valid: tests of reconnecting after an outage), prints its URL
#   url    prints postgresql://postgres@127.0.0.1:<port>/sasaran
# As root the server runs as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail

bin=${SASARAN_PG_BIN:-/usr/lib/postgresql/15/bin}
action=${1:-}
dir=${2:-}
if [ -z "$action" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop|restart|url <dir>" >&2
  exit 2
fi
[ "$action" = start ] && mkdir -p "$dir"
if [ ! -d "$dir" ]; then
  echo "$0: no folder $dir" >&2
  exit 1
fi
dir=$(cd "$dir" && pwd)
data=$dir/data

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port_of() {
  cat "$dir/port"
}

url() {
  echo "postgresql://postgres@127.0.0.1:$(port_of)/sasaran"
}

# A port nobody listens on now; the server takes it a moment later (a race another process
# could win only by binding the same port in between, which start reports as a failure).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$dir"
    # runuser keeps the caller's working folder, which postgres may not be allowed to read.
    cd /
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
      > "$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2
      exit 1
    }
  fi
  # A restart keeps the port the clients know.
  [ "${keep_port:-}" = yes ] && [ -f "$dir/port" ] || free_port > "$dir/port"
  # listen on TCP for the URL, keep the socket in the folder (not /var/run/postgresql, which
  # may not exist or belong to a system cluster).
  as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
    -o "-c port=$(port_of) -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c fsync=on -c max_connections=200" \
    start > /dev/null || {
    cat "$dir/server.log" >&2
    exit 1
  }
  if ! as_owner "$bin/psql" -h 127.0.0.1 -p "$(port_of)" -U postgres -d postgres -tAq \
    -c "SELECT 1 FROM pg_database WHERE datname = 'sasaran'" | grep -q 1; then
    as_owner "$bin/psql" -h 127.0.0.1 -p "$(port_of)" -U postgres -d postgres -q \
      -c "CREATE DATABASE sasaran" > /dev/null
  fi
  url
}

stop() {
  [ -f "$data/postmaster.pid" ] || return 0
  if [ "$(id -u)" -eq 0 ]; then cd /; fi
  as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop > /dev/null
}

case "$action" in
  start) start ;;
  stop) stop ;;
  restart)
    stop
    keep_port=yes start
    ;;
  url) url ;;
  *)
    echo "$0: unknown action '$action' (start, stop, restart or url)" >&2
    exit 2
    ;;
esac
