# Sourced by the test scripts that start `sasaran serve` themselves.

# alive PID: whether the process still runs (a zombie has exited and only waits to be reaped);
# read from /proc, so that no procps is needed.
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2> /dev/null) || return 1
  stat=${stat##*) }
  [[ $stat != Z* ]]
}

# wait_for_server OUT PID LOG: waits for the two lines `sasaran serve` writes to its stdout
# (OUT): "listening on http://127.0.0.1:PORT" once the port is bound, then "ready" once the
# store is loaded and every route answers. Sets base_url; on failure returns 1 with the reason
# in server_wait_error. The waits only guard against a hang: loading takes over a minute under
# the sanitizers on a busy machine.
wait_for_server() {
  local out=$1 pid=$2 log=$3 prefix='sasaran serve: listening on ' line
  base_url=
  server_wait_error=
  for _ in $(seq 6000); do
    line=$(sed -n 1p "$out")
    if [ -n "$line" ] && [ "$(sed -n 2p "$out")" = 'sasaran serve: ready' ]; then
      [[ $line == "$prefix"http://127.0.0.1:* ]] || {
        server_wait_error="the server's first line was '$line'"
        return 1
      }
      base_url=${line#"$prefix"}
      return 0
    fi
    alive "$pid" || {
      server_wait_error="the server ended before it was ready:"$'\n'"$(tail -n 20 "$log")"
      return 1
    }
    sleep 0.1
  done
  server_wait_error="the server did not say it was ready within 10 minutes"
  return 1
}
