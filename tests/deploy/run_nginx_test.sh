#!/usr/bin/env bash
# The deployment of deploy/, run for real: checks the systemd unit with systemd-analyze, imports
# the tiny dataset with the real CLI, starts `sasaran serve` with the unit's own ExecStart
# arguments (paths and port moved into a temporary folder), and Debian's nginx with
# deploy/nginx/sasaran.conf and its snippets as shipped (only the ports, the certificate, a
# self-signed one, and the file paths substituted; every path inside the folder), then checks
# through nginx, over https and the http redirect: the API as direct, tiles cached by ETag
# (MISS, HIT, 304, revalidation, a pledge showing within the cache's 5 s), gzip passed through,
# nothing with Authorization cached; and abuse answered by nginx itself with problem+json or
# closed (2 MB URL, 2 MB of headers, 2 MiB bodies, slowloris, 300 idle connections, requests
# holding every connection slot of a client, a burst over the rate limit), while /healthz
# keeps answering other clients and the server lives; then the server stopped: 502
# problem+json, tiles still served from the cache.
#
# Prints PASS/FAIL per check and last "N passed, M failed"; exits 1 on any failure. Stops
# nginx and the server whatever happens. About 25 s; the waits (nginx's 10 s timeouts, the
# cache's 5 s) are fixed by the configuration, not by the machine's speed, and every wait has
# a deadline. The folder is kept when something failed (or with SASARAN_KEEP_TEST_DIR set).
# Needs nginx (nginx-light), openssl, curl, python3 and systemd (systemd-analyze).
# Usage: tests/deploy/run_nginx_test.sh <sasaran-binary>
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
deploy=$source_dir/deploy
sasaran=$(readlink -f "${1:?usage: run_nginx_test.sh <sasaran-binary>}")
probe=("$here/nginx_probe.py")

passed=0
failed=0
pass() {
  passed=$((passed + 1))
  echo "PASS $*"
}
fail() {
  failed=$((failed + 1))
  echo "FAIL $*"
}
# expect WHAT ACTUAL EXPECTED
expect() {
  if [ "$2" == "$3" ]; then pass "$1"; else fail "$1: got '$2', expected '$3'"; fi
}
# check WHAT WHY COMMAND...: PASS WHAT if the command succeeds, else FAIL WHAT: WHY.
check() {
  local what=$1 why=$2
  shift 2
  if "$@" > /dev/null 2>&1; then pass "$what"; else fail "$what: $why"; fi
}
# starts_with TEXT PREFIX
starts_with() { [[ $1 == "$2"* ]]; }
# Counts the PASS/FAIL lines of a probe's output file.
count_lines() {
  local line
  while IFS= read -r line; do
    case $line in
      "PASS "*) pass "${line#PASS }" ;;
      "FAIL "*) fail "${line#FAIL }" ;;
      *) echo "$line" ;;
    esac
  done < "$1"
}
abort() {
  fail "$*"
  exit 1
}

for tool in nginx openssl curl python3 systemd-analyze gzip timeout; do
  command -v "$tool" > /dev/null ||
    { echo "FAIL $tool is not installed (scripts/install-deps.sh installs it)"; echo "0 passed, 1 failed"; exit 1; }
done
[ -x "$sasaran" ] || { echo "FAIL no sasaran binary at '$sasaran'"; echo "0 passed, 1 failed"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/sasaran-deploy.XXXXXX")
# nginx's workers run as www-data (as on a real host) and must reach the files in here.
chmod 0755 "$work"
mkdir -p "$work"/{state,web,out}
ngx=$work/nginx
mkdir -p "$ngx"/{logs,tls,www,tmp,cache,conf.d,sites-enabled,snippets}
server_pid=
nginx_pid=
background=()

. "$here/../support/started_server.sh"  # alive, wait_for_server

# stop PID NAME: SIGTERM, then up to 10 s; 0 if it ended with status 0, else the reason in
# $stopped.
stopped=
stop() {
  local pid=$1 status=0
  stopped=
  kill -TERM "$pid" 2> /dev/null || true
  for _ in $(seq 100); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    kill -KILL "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null
    stopped="$2 did not stop within 10 s of SIGTERM"
    return 1
  fi
  wait "$pid" || status=$?
  [ "$status" -eq 0 ] || stopped="$2 ended with status $status after SIGTERM"
  return "$status"
}

stop_server() {
  [ -n "$server_pid" ] || return 0
  local pid=$server_pid
  server_pid=
  if stop "$pid" "the server"; then
    pass "the server stopped on SIGTERM with status 0"
  else
    fail "$stopped"
  fi
}

finish() {
  local pid
  for pid in "${background[@]}"; do
    kill -TERM "$pid" 2> /dev/null || true
  done
  stop_server
  if [ -n "$nginx_pid" ]; then
    stop "$nginx_pid" nginx || echo "$stopped"
    nginx_pid=
  fi
  if [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ] && [ -z "${SASARAN_KEEP_TEST_DIR:-}" ]; then
    rm -rf "$work"
  else
    echo "run_nginx_test: logs kept in $work"
  fi
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}
trap 'finish; exit $?' EXIT
trap 'fail "interrupted"; exit 130' INT
trap 'fail "terminated"; exit 143' TERM

ipv6=yes
python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2> /dev/null || ipv6=no
# A port free on 127.0.0.1, and on ::1 when there is IPv6 (nginx listens on both).
free_port() {
  python3 - "$ipv6" << 'EOF'
import socket, sys
while True:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    try:
        if sys.argv[1] == "yes":
            s6 = socket.socket(socket.AF_INET6)
            s6.bind(("::1", port))
            s6.close()
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    break
EOF
}

# --- The systemd unit ------------------------------------------------------------------------

unit=$deploy/sasaran.service
sed "s|/usr/local/bin/sasaran |$sasaran |" "$unit" > "$work/sasaran.service"
verify=$(systemd-analyze verify "$work/sasaran.service" 2>&1)
verify_status=$?
if [ "$verify_status" -eq 0 ] && [ -z "$verify" ]; then
  pass "systemd-analyze verify: no warning about the unit"
else
  fail "systemd-analyze verify (status $verify_status): $verify"
fi
exposure=$(systemd-analyze security --offline=yes "$work/sasaran.service" 2>&1 |
  sed -n 's/.*Overall exposure level for sasaran.service: \([0-9.]*\).*/\1/p')
if [ -n "$exposure" ] && python3 -c "import sys; sys.exit(not float('$exposure') <= 2.0)"; then
  pass "systemd-analyze security: exposure $exposure (at most 2.0)"
else
  fail "systemd-analyze security: exposure '${exposure:-unknown}', expected at most 2.0"
fi
for setting in User=sasaran StateDirectory=sasaran Restart=on-failure KillSignal=SIGTERM \
  LimitNOFILE=65536 NoNewPrivileges=yes ProtectSystem=strict CapabilityBoundingSet=; do
  check "the unit sets $setting" "it does not" grep -qx "$setting" "$unit"
done
# The unit's port is the one the nginx site proxies to.
unit_port=$(sed -n 's/^ExecStart=.* --port \([0-9]*\).*/\1/p' "$unit")
site_port=$(sed -n 's/^ *server 127\.0\.0\.1:\([0-9]*\);.*/\1/p' "$deploy/nginx/sasaran.conf")
expect "the unit's port is the nginx upstream's" "$unit_port" "$site_port"

# --- The data and the server, started as the unit starts it -----------------------------------

# ExecStart with the installed paths moved into $work and a free port.
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
server_line=$(sed -e "s|^/usr/local/bin/sasaran |$sasaran |" \
  -e "s|/var/lib/sasaran/|$work/state/|" -e "s|/usr/local/share/sasaran/web|$work/web|" \
  -e "s|--port $unit_port|--port 0|" <<< "$exec_start")
for installed in /usr/local/bin/sasaran /var/lib/sasaran/ /usr/local/share/sasaran/web; do
  [[ $exec_start == *"$installed"* ]] || fail "ExecStart does not use $installed (deploy/README.md's layout)"
done
db=$(sed -n 's/.*--db \([^ ]*\).*/\1/p' <<< "$server_line")
[[ $db == "$work"/state/* ]] || abort "cannot find the database in ExecStart: $exec_start"

timeout 60 "$sasaran" import "$source_dir/tests/data/dataset-tiny.json" --db "$db" \
  --datasets "$source_dir/tests/data" > "$work/out/import.log" 2>&1 ||
  abort "the import failed: $(tail -n 5 "$work/out/import.log")"
admin=$(timeout 30 "$sasaran" token create --role admin --db "$db" 2> /dev/null | head -n 1)
collaborator=$(timeout 30 "$sasaran" token create --role collaborator --collaborator C1 --db "$db" \
  2> /dev/null | head -n 1)
if [ -z "$admin" ] || [ -z "$collaborator" ]; then abort "could not make tokens"; fi

read -ra server_command <<< "$server_line"
"${server_command[@]}" > "$work/out/serve.out" 2> "$work/out/serve.log" &
server_pid=$!
# Port bound, then the store loaded: only then do answers through nginx mean anything.
wait_for_server "$work/out/serve.out" "$server_pid" "$work/out/serve.log" ||
  abort "$server_wait_error"
upstream=$base_url
upstream_port=${upstream##*:}
pass "the server runs with the unit's arguments: $server_line"

# --- nginx with the site ------------------------------------------------------------------------

http_port=$(free_port)
https_port=$(free_port)
cp "$deploy"/nginx/snippets/sasaran-*.conf "$ngx/snippets/"
cp /etc/nginx/mime.types "$ngx/" 2> /dev/null || echo "types { application/json json; }" > "$ngx/mime.types"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$ngx/tls/privkey.pem" -out "$ngx/tls/fullchain.pem" > "$work/out/openssl.log" 2>&1 ||
  abort "openssl could not make a certificate: $(cat "$work/out/openssl.log")"

# The site as shipped; the test binds loopback only (the site says every address).
listen6() { [ "$ipv6" = yes ] && echo "listen [::1]:$1" || echo "# listen [::1]:$1"; }
sed -e "s|server 127.0.0.1:$site_port;|server 127.0.0.1:$upstream_port;|" \
  -e "s|listen 80 default_server;|listen 127.0.0.1:$http_port default_server;|" \
  -e "s|listen \[::\]:80 default_server;|$(listen6 "$http_port") default_server;|" \
  -e "s|listen 443 ssl default_server;|listen 127.0.0.1:$https_port ssl default_server;|" \
  -e "s|listen \[::\]:443 ssl default_server;|$(listen6 "$https_port") ssl default_server;|" \
  -e "s|/etc/letsencrypt/live/sasaran.example.org/|$ngx/tls/|" \
  -e "s|/var/cache/nginx/sasaran|$ngx/cache/sasaran|" \
  -e "s|/var/log/nginx/|$ngx/logs/|" \
  -e "s|/var/www/html|$ngx/www|" \
  "$deploy/nginx/sasaran.conf" > "$ngx/sites-enabled/sasaran.conf"
leftover=$(grep -nE '(/etc/|/var/|/run/|/usr/|:80 |:443 |:8080;)' "$ngx/sites-enabled/sasaran.conf" "$ngx"/snippets/*.conf |
  grep -v '^[^:]*:[0-9]*: *#')
[ -z "$leftover" ] || abort "the rendered site still points outside the test: $leftover"

# As Debian 12's /etc/nginx/nginx.conf, with every path in the folder.
{
  [ "$(id -u)" -eq 0 ] && id www-data > /dev/null 2>&1 && echo "user www-data;"
  cat << EOF
worker_processes auto;
pid $ngx/nginx.pid;
error_log $ngx/logs/error.log;
events {
    worker_connections 768;
}
http {
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include $ngx/mime.types;
    default_type application/octet-stream;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;
    access_log $ngx/logs/access.log;
    gzip on;
    client_body_temp_path $ngx/tmp/body;
    proxy_temp_path $ngx/tmp/proxy;
    fastcgi_temp_path $ngx/tmp/fastcgi;
    uwsgi_temp_path $ngx/tmp/uwsgi;
    scgi_temp_path $ngx/tmp/scgi;
    include $ngx/conf.d/*.conf;
    include $ngx/sites-enabled/*;
}
EOF
} > "$ngx/nginx.conf"

# Not run as root, nginx warns that it ignores "user"; any other warning fails.
if nginx_t=$(nginx -p "$ngx" -c "$ngx/nginx.conf" -t 2>&1) &&
  ! grep -E '\[(warn|emerg|alert|crit|error)\]' <<< "$nginx_t" | grep -qv '"user" directive'; then
  pass "nginx -t accepts the site without a warning"
else
  abort "nginx -t: $nginx_t"
fi
nginx -p "$ngx" -c "$ngx/nginx.conf" -g 'daemon off;' > "$work/out/nginx.out" 2>&1 &
nginx_pid=$!

https=https://127.0.0.1:$https_port
http=http://127.0.0.1:$http_port
# c NAME URL [curl options]: saves headers and body as $work/out/NAME.{h,b}; prints the status.
c() {
  local name=$1 url=$2
  shift 2
  curl -sk --max-time 10 -D "$work/out/$name.h" -o "$work/out/$name.b" -w '%{http_code}' "$@" "$url"
}
# h NAME HEADER: that header's value in a saved answer ("" if absent).
h() {
  tr -d '\r' < "$work/out/$1.h" | sed -n "s/^$2: //Ip" | tail -n 1
}
body() { cat "$work/out/$1.b"; }
same() { cmp -s "$work/out/$1.b" "$work/out/$2.b"; }
# json NAME EXPR: a member of a saved JSON body, in Python syntax on `d`.
json() {
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$work/out/$1.b" 2> /dev/null
}

for _ in $(seq 200); do
  [ "$(c ready "$https/healthz")" = 200 ] && break
  alive "$nginx_pid" || abort "nginx ended: $(cat "$work/out/nginx.out")"
  sleep 0.1
done
expect "nginx answers /healthz over https" "$(c healthz "$https/healthz")" 200
expect "/healthz through nginx is the server's" "$(json healthz 'd["status"]')" ok

# --- The API through nginx -------------------------------------------------------------------

expect "http redirects to https" "$(c redirect "$http/api/v1/coverage?level=rw")" 301
expect "the redirect keeps the path and query" "$(h redirect Location)" \
  "https://127.0.0.1/api/v1/coverage?level=rw"
expect "http serves /healthz to plain-HTTP monitors" "$(c http_healthz "$http/healthz")" 200
# /readyz (loaded and current) is the server's answer, whatever it is, on both ports.
readyz=$(c readyz_direct "$upstream/readyz")
expect "/readyz through https is the server's ($readyz)" "$(c readyz "$https/readyz")" "$readyz"
expect "/readyz through http is the server's ($readyz)" "$(c readyz80 "$http/readyz")" "$readyz"
if [ "$ipv6" = yes ]; then
  expect "nginx answers on IPv6 too" "$(c v6 "https://[::1]:$https_port/healthz" -g)" 200
fi

for query in "lookup?lon=106.82&lat=-6.2" "coverage?level=rw" "areas/3171010001"; do
  c direct "$upstream/api/v1/$query" > /dev/null
  status=$(c proxied "$https/api/v1/$query" -H "X-Request-Id: deploy-test-$passed")
  if [ "$status" = 200 ] && same direct proxied; then
    pass "GET /api/v1/$query through nginx: the server's answer, byte for byte"
  else
    fail "GET /api/v1/$query through nginx: $status, $(head -c 200 "$work/out/proxied.b")"
  fi
done
# The server keeps the plain id nginx passes on, so both logs name the request alike.
check "the client's X-Request-Id comes back from the server" "got '$(h proxied X-Request-Id)'" \
  grep -qE '^deploy-test-[0-9]+$' <<< "$(h proxied X-Request-Id)"
expect "HSTS on https answers" "$(h proxied Strict-Transport-Security)" "max-age=31536000"
check "nginx logs the client's X-Request-Id" "it does not" \
  grep -q "id=deploy-test-" "$ngx/logs/sasaran.access.log"

# The links the server writes lead back through nginx: https, the host and port the client used
# (nginx sends Host and X-Forwarded-Proto).
c links "$https/api/v1" > /dev/null
c tilejson "$https/tiles/kelurahan,rw,targets.json" > /dev/null
c ogc "$https/ogc?f=json" > /dev/null
for link in "$(json links 'd["links"][0]["href"]')" "$(json tilejson 'd["tiles"][0]')" \
  "$(json ogc '[l["href"] for l in d["links"] if l["rel"] == "self"][0]')"; do
  check "a link the server wrote leads back through nginx: $link" \
    "expected https://127.0.0.1:$https_port/... (X-Forwarded-Proto and Host)" \
    starts_with "$link" "https://127.0.0.1:$https_port/"
done
# On the default port the client sends a Host without one, and the link has none either.
c links_named "$https/api/v1" -H "Host: sasaran.example.org" > /dev/null
link=$(json links_named 'd["links"][0]["href"]')
check "a link for Host sasaran.example.org: $link" "expected https://sasaran.example.org/..." \
  starts_with "$link" "https://sasaran.example.org/"

# The server's own refusals pass unchanged (problem+json with its instance and request id).
expect "the server's 400 passes" "$(c bad "$https/api/v1/lookup?lon=x&lat=0")" 400
expect "... as the server's problem document" "$(json bad 'd["instance"], d["parameter"]')" \
  "/api/v1/lookup lon"
expect "a bad token: the server's 401" "$(c bad_token "$https/api/v1/me" -H 'Authorization: Bearer nope')" 401
expect "... with WWW-Authenticate" "$(h bad_token WWW-Authenticate)" Bearer
# A chunked body (no Content-Length) reaches the server whole: its own 400 about the content.
expect "a chunked POST reaches the server" "$(c chunked "$https/api/v1/pledges" \
  -H "Authorization: Bearer $collaborator" -H 'Content-Type: application/json' \
  -H 'Transfer-Encoding: chunked' --data-binary '{}')" 400
expect "... which read its body" "$(json chunked 'd["detail"]')" "target: required"

# nginx's body limit is the server's: a body of exactly 1 MiB reaches the server, one byte more
# is nginx's 413.
python3 -c 'import sys; n = int(sys.argv[1]); sys.stdout.write("{\"target\":\"" + "a" * (n - 13) + "\"}")' \
  1048576 > "$work/out/mib.json"
python3 -c 'import sys; n = int(sys.argv[1]); sys.stdout.write("{\"target\":\"" + "a" * (n - 13) + "\"}")' \
  1048577 > "$work/out/mib1.json"
mib_status=$(c mib "$https/api/v1/pledges" -H "Authorization: Bearer $collaborator" \
  -H 'Content-Type: application/json' --data-binary "@$work/out/mib.json")
expect "a body of 1 MiB reaches the server ($mib_status)" "$(json mib 'd.get("instance")')" /api/v1/pledges
expect "a body of 1 MiB + 1 byte: nginx's 413" "$(c mib1 "$https/api/v1/pledges" \
  -H "Authorization: Bearer $collaborator" -H 'Content-Type: application/json' \
  --data-binary "@$work/out/mib1.json")|$(json mib1 'd.get("instance")')" "413|None"

# --- Tiles: cached by ETag, gzip passed through, never across roles -----------------------------

tile=/tiles/kelurahan,rw,targets/12/3263/2118.mvt
expect "the tile directly" "$(c tile_direct "$upstream$tile")" 200
etag=$(h tile_direct ETag)
c tile_direct_gz "$upstream$tile" -H 'Accept-Encoding: gzip' > /dev/null
etag_gz=$(h tile_direct_gz ETag)
check "the server gzips the test tile, with its own ETag" "the tile must be 1 KiB or more" \
  test "$(h tile_direct_gz Content-Encoding)" = gzip -a "$etag_gz" != "$etag"

expect "tile through nginx, first time" "$(c t1 "$https$tile")" 200
expect "... a cache MISS" "$(h t1 X-Cache-Status)" MISS
expect "... with the server's ETag" "$(h t1 ETag)" "$etag"
check "... and the server's bytes" "they differ" same tile_direct t1
expect "... and the server's Vary" "$(h t1 Vary)" "Accept-Encoding, Authorization"
tile_cached_at=$SECONDS
expect "If-None-Match: 304 through nginx" "$(c t304 "$https$tile" -H "If-None-Match: $etag")" 304
check "... with no body" "it had one" test ! -s "$work/out/t304.b"
expect "a second client gets the tile" "$(c t2 "$https$tile" --interface 127.0.0.3)" 200
expect "... from the cache" "$(h t2 X-Cache-Status)" HIT
check "... the same bytes" "they differ" same tile_direct t2

expect "gzip: through nginx" "$(c tgz "$https$tile" -H 'Accept-Encoding: gzip')" 200
expect "... Content-Encoding from the server" "$(h tgz Content-Encoding)" gzip
expect "... the gzipped form's ETag" "$(h tgz ETag)" "$etag_gz"
if gzip -dc < "$work/out/tgz.b" | cmp -s - "$work/out/tile_direct.b"; then
  pass "... decoding to the tile's bytes (compressed once)"
else
  fail "the gzipped tile does not decode to the tile"
fi
expect "a browser's Accept-Encoding" \
  "$(c tgz2 "$https$tile" -H 'Accept-Encoding: gzip, deflate, br' --interface 127.0.0.3)" 200
expect "... gets the cached gzip form" "$(h tgz2 X-Cache-Status) $(h tgz2 ETag)" "HIT $etag_gz"
c tq0 "$https$tile" -H 'Accept-Encoding: gzip;q=0, br' > /dev/null
expect "gzip;q=0 gets the identity form" "$(h tq0 Content-Encoding)|$(h tq0 ETag)" "|$etag"
tile13=/tiles/kelurahan,rw/13/6527/4237.mvt
c direct13 "$upstream$tile13" > /dev/null
expect "a tile nobody asked yet, with If-None-Match: 304" \
  "$(c t13 "$https$tile13" -H "If-None-Match: $(h direct13 ETag)")|$(h t13 X-Cache-Status)" "304|MISS"

c admin_direct "$upstream$tile" -H "Authorization: Bearer $admin" > /dev/null
admin_etag=$(h admin_direct ETag)
[ "$admin_etag" != "$etag" ] || fail "the admin's tile is the anonymous one (the test needs them to differ)"
for i in 1 2; do
  expect "an admin's tile, request $i" "$(c ta$i "$https$tile" -H "Authorization: Bearer $admin")" 200
  expect "... not from the cache" "$(h ta$i X-Cache-Status)" ""
  check "... the admin's tile" "another one" same admin_direct "ta$i"
done
expect "an admin's If-None-Match: 304" \
  "$(c ta304 "$https$tile" -H "Authorization: Bearer $admin" -H "If-None-Match: $admin_etag")" 304
# RFC 9110 15.4.5: a 304 carries the Vary of the 200 (browsers' caches key on it).
expect "... with the 200's Vary" "$(h ta304 Vary)" "Accept-Encoding, Authorization"
check "... made by the server (If-None-Match passed on)" "not in nginx's log" \
  grep -q '"GET /tiles/kelurahan,rw,targets/12/3263/2118.mvt HTTP/1.1" 304 .* us=304 cache=- ' \
  "$ngx/logs/sasaran.access.log"
expect "the anonymous tile is still the anonymous one" "$(c t3 "$https$tile")|$(h t3 ETag)" "200|$etag"

expect "/metrics is not public" "$(c metrics "$https/metrics")" 403

# --- Abuse ---------------------------------------------------------------------------------------

# Slow ones in the background, each from its own client address (limits are per address).
conn_limit=$(sed -n 's/^limit_conn sasaran_conn \([0-9]*\);/\1/p' "$deploy/nginx/snippets/sasaran-limits.conf")
[ -n "$conn_limit" ] || abort "no limit_conn in sasaran-limits.conf"
run_probe() {
  local name=$1
  shift
  timeout 90 python3 "${probe[@]}" "$@" > "$work/out/probe-$name.txt" 2>&1 &
  background+=($!)
}
run_probe slowloris slowloris --port "$https_port" --tls --source 127.0.0.10
run_probe idle idle --port "$https_port" --tls --count 300 --source 127.0.0.11
run_probe held held-bodies --port "$https_port" --tls --count "$conn_limit" --source 127.0.0.12
run_probe idle80 idle --port "$http_port" --count 20 --source 127.0.0.13
timeout 60 python3 "${probe[@]}" oversized --port "$https_port" --tls --source 127.0.0.14 \
  > "$work/out/probe-oversized.txt" 2>&1
count_lines "$work/out/probe-oversized.txt"
timeout 60 python3 "${probe[@]}" oversized --port "$http_port" --no-chunked --source 127.0.0.15 \
  > "$work/out/probe-oversized80.txt" 2>&1
count_lines "$work/out/probe-oversized80.txt"

# Meanwhile the cache: a stored tile expires after 5 s and is revalidated by its ETag.
while [ $((SECONDS - tile_cached_at)) -lt 7 ]; do sleep 0.2; done
expect "after 5 s the tile is revalidated" "$(c tr "$https$tile" --interface 127.0.0.3)|$(h tr X-Cache-Status)" \
  "200|REVALIDATED"
check "... by a 304 of the server" "not in nginx's log" \
  grep -q '" 200 .* us=304 cache=REVALIDATED ' "$ngx/logs/sasaran.access.log"
# A pledge through nginx changes the tile; the cached copy follows within 5 s (+1 s rounding).
expect "a pledge through nginx" "$(c pledge "$https/api/v1/pledges" --interface 127.0.0.3 \
  -H "Authorization: Bearer $collaborator" -H 'Content-Type: application/json' \
  --data-binary '{"target":"T04","form":"barang","quantity":1}')" 201
pledged_at=$SECONDS
c tile_direct2 "$upstream$tile" > /dev/null
new_etag=$(h tile_direct2 ETag)
check "the pledge changed the tile's ETag" "it did not" test "$new_etag" != "$etag"
while [ $((SECONDS - pledged_at)) -lt 7 ]; do sleep 0.2; done
expect "within 7 s of the pledge nginx serves the new tile" \
  "$(c tn "$https$tile" --interface 127.0.0.3)|$(h tn ETag)" "200|$new_etag"
check "... its bytes" "they differ" same tile_direct2 tn

for pid in "${background[@]}"; do wait "$pid"; done
background=()
for name in slowloris idle held idle80; do count_lines "$work/out/probe-$name.txt"; done
check "that 429 was limit_conn's" "limit_conn refused nothing" \
  grep -q 'limiting connections by zone "sasaran_conn"' "$ngx/logs/sasaran.error.log"

timeout 60 python3 "${probe[@]}" burst --port "$https_port" --tls --source 127.0.0.16 \
  > "$work/out/probe-burst.txt" 2>&1
count_lines "$work/out/probe-burst.txt"
check "those 429s were limit_req's" "limit_req refused nothing" \
  grep -q 'limiting requests, excess: .* by zone "sasaran_api"' "$ngx/logs/sasaran.error.log"

expect "after all that, the server answers directly" "$(c after "$upstream/healthz")" 200
check "the server process lives" "it died" alive "$server_pid"
# As tests/http: an error or warning in the server's log fails the run.
if grep -Ei 'failed|error|warn|sanitizer' "$work/out/serve.log"; then
  fail "the server logged the errors above"
else
  pass "the server logged no error"
fi

# --- The server down ---------------------------------------------------------------------------

stop_server
timeout 30 python3 "${probe[@]}" problem --port "$https_port" --tls --path /api/v1 --status 502 \
  --retry-after > "$work/out/probe-502.txt" 2>&1
count_lines "$work/out/probe-502.txt"
# The gzipped form was stored at the start and not asked since: expired, so stale now.
expect "the server down: a stored tile is still served" \
  "$(c stale "$https$tile" -H 'Accept-Encoding: gzip')|$(h stale X-Cache-Status)|$(h stale ETag)" \
  "200|STALE|$etag_gz"
if grep -E '\[(alert|crit|emerg)\]' "$ngx/logs/"*error.log; then
  fail "nginx logged the errors above"
else
  pass "nginx logged nothing critical"
fi
