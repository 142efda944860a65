# Sourced by the bench scripts that use a PostgreSQL server given by URL (bench/growth.sh,
# bench/propagation.sh, bench/import_compare.sh). Needs psql and python3.

# with_database URL NAME: the URL of database NAME on the server of URL (query string kept).
with_database() {
  python3 - "$1" "$2" <<'PY'
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))
PY
}

# fresh_database URL NAME: drops and creates database NAME on the server of URL; prints its URL.
fresh_database() {
  local admin
  admin=$(with_database "$1" postgres)
  psql -q "$admin" -c "DROP DATABASE IF EXISTS $2" > /dev/null 2>&1
  psql -q "$admin" -c "CREATE DATABASE $2" > /dev/null
  with_database "$1" "$2"
}

# drop_database URL NAME
drop_database() {
  psql -q "$(with_database "$1" postgres)" -c "DROP DATABASE IF EXISTS $2" > /dev/null 2>&1
}

# holds_a_store URL: whether the database holds Sasaran's tables (a table besides PostGIS's).
# A sasaran built before its PostgreSQL store takes the URL for a SQLite file name and
# "succeeds" without writing a row to PostgreSQL; this tells the two apart.
holds_a_store() {
  local n
  n=$(psql -Atq "$1" -c "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN
    ('pg_catalog', 'information_schema') AND tablename <> 'spatial_ref_sys'") || return 1
  [ "$n" -gt 0 ]
}

# server_cpu_seconds DATA_DIR: CPU seconds (user + system) the PostgreSQL server of DATA_DIR has
# spent so far: its postmaster, the processes it runs now, and those that ended (a backend's
# time is added to the postmaster's children's time when it exits). Differences of two readings
# are the server's share of a load, which the client's /usr/bin/time does not see.
server_cpu_seconds() {
  python3 - "$1" <<'PY'
import os, sys
pid = int(open(os.path.join(sys.argv[1], "postmaster.pid")).readline())
tick = os.sysconf("SC_CLK_TCK")
def fields(p):
    with open(f"/proc/{p}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()
f = fields(pid)  # after the name: state is [0], utime [11], stime [12], cutime [13], cstime [14]
total = sum(int(x) for x in f[11:15])
for p in os.listdir("/proc"):
    if p.isdigit():
        try:
            c = fields(p)
        except OSError:
            continue
        if int(c[1]) == pid:
            total += int(c[11]) + int(c[12])
print(f"{total / tick:.2f}")
PY
}
