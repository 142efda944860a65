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
