# shellcheck shell=bash disable=SC1091,SC2154  # sourced: env.sh and the caller's variables are read at run time
# Reference systems for bench/tiles.sh (sourced by it with ANCHORS=1; not run alone). Needs from
# the caller: $work (a scratch folder), $dur, $anchors (../shared/bench/anchors), $bench_inputs.
#
# anchors_prepare   install what is missing (PostgreSQL 15, PostGIS 3, nginx: Debian packages),
#                   start the anchors' private PostGIS cluster (10_pg_setup.sh) and, when its
#                   database lacks the tiles table, rw_coverage or tile_all (or PG_RELOAD=1), load
#                   it (11_pg_load.sh, 12_pg_functions.sql); remembers whether it was running.
# postgis_bench OPS rep   the anchors' own 13_pg_bench.sh over OPS (mix_tile_*: each client walks
#                   the browse mix, bare SQL ST_AsMVT, 1 then 2 clients); prints its pg_bench.tsv
#                   lines as postgis rep op clients tps n_tx p50 p90 p99 mean max (ms).
# postgis_stop      stop the cluster (99_stop.sh) if anchors_prepare started it.
# nginx_bench TREE LABEL rep CONN...   nginx with 40_http.sh's settings serving TREE/z/x/y.mvt as
#                   gzip files, wrk -t2 over the browse mix per connection count; prints
#                   nginx rep LABEL connections rps p50 p99 mean max requests bytes errors.

pg_was_running=
pg_res=/tmp/anchors/results

anchors_prepare() {
  scripts/install-deps.sh postgresql-15 postgresql-15-postgis-3 postgresql-contrib bc nginx > /dev/null
  (
    cd "$anchors"
    . ./env.sh
    if [ -f "$PGDATA/postmaster.pid" ] && kill -0 "$(head -1 "$PGDATA/postmaster.pid")" 2> /dev/null; then
      echo 1 > "$work/pg_was_running"
    fi
    ./10_pg_setup.sh
    loaded=$(psql -Atc "SELECT to_regclass('tiles') IS NOT NULL AND to_regclass('rw_coverage') IS NOT NULL
                          AND to_regproc('tile_all') IS NOT NULL" 2> /dev/null || true)
    if [ "$loaded" != t ] || [ "${PG_RELOAD:-0}" = 1 ]; then
      LOAD_REP=1 ./11_pg_load.sh
      PGOPTIONS='-c client_min_messages=warning' psql -q -v ON_ERROR_STOP=1 -f 12_pg_functions.sql
    fi
  ) >> "$work/pg.log" 2>&1 || { tail -20 "$work/pg.log" >&2; return 1; }
  pg_was_running=$([ -f "$work/pg_was_running" ] && echo 1 || echo 0)
  pg_res=$(. "$anchors/env.sh" && echo "$RES")
}

postgis_bench() {  # ops rep
  (cd "$anchors" && OPS="$1" REPS=1 ./13_pg_bench.sh) >> "$work/pg.log" 2>&1 ||
    { tail -20 "$work/pg.log" >&2; return 1; }
  awk -v rep="$2" 'BEGIN { FS = OFS = "\t" } { print "postgis", rep, $1, $3, $4, $5, $6, $7, $8, $9, $10 }' \
    "$pg_res/pg_bench.tsv"
}

postgis_stop() {
  [ "$pg_was_running" = 0 ] && "$anchors/99_stop.sh" > /dev/null 2>&1
  pg_was_running=
}

nginx_pid=
nginx_stop() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2> /dev/null && wait "$nginx_pid" 2> /dev/null
  nginx_pid=
}

nginx_bench() {  # tree label rep connections...
  local tree=$1 label=$2 rep=$3 ng=$work/nginx port c
  shift 3
  mkdir -p "$ng/tmp"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # The settings of the anchors' 40_http.sh (tcp_nopush off: on stalls multi-segment answers).
  cat > "$ng/nginx.conf" << CONF
worker_processes auto;
daemon off;
pid $ng/nginx.pid;
error_log $ng/error.log warn;
events { worker_connections 1024; }
http {
  types { application/vnd.mapbox-vector-tile mvt; }
  access_log off; sendfile on; tcp_nopush off; tcp_nodelay on;
  keepalive_timeout 65; keepalive_requests 1000000;
  open_file_cache max=10000 inactive=60s;
  client_body_temp_path $ng/tmp; proxy_temp_path $ng/tmp; fastcgi_temp_path $ng/tmp;
  uwsgi_temp_path $ng/tmp; scgi_temp_path $ng/tmp;
  server {
    listen 127.0.0.1:$port;
    location /t/ { alias $tree/; add_header Content-Encoding gzip; }
  }
}
CONF
  nginx -e "$ng/error.log" -c "$ng/nginx.conf" -p "$ng/" &
  nginx_pid=$!
  for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
  for c in "$@"; do
    MIX=$bench_inputs/tiles_browse_mix.txt WRK_PREFIX=/t/ WRK_SUFFIX=.mvt \
      wrk -t2 -c"$c" -d"${dur}s" --timeout 10s -s "$anchors/wrk_mix.lua" "http://127.0.0.1:$port" |
      grep WRKSUM | cut -f2- | sed "s|^|nginx\t$rep\t$label\t$c\t|"
  done
  nginx_stop
}
