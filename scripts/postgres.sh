#!/usr/bin/env bash
# Start a private PostgreSQL cluster for the registry's tests (Debian's `postgresql` package, installed if
# missing) and print its URL: DPA_TEST_POSTGRES_URL="$(scripts/postgres.sh)". Idempotent: a running cluster is
# reused. The cluster lives in $DPA_PG_DIR (default /tmp/dpa-postgres) on port $DPA_PG_PORT (default 55432),
# trusts local connections only, and is stopped with: scripts/postgres.sh stop
set -euo pipefail
DIR="${DPA_PG_DIR:-/tmp/dpa-postgres}"
PORT="${DPA_PG_PORT:-55432}"
DB="${DPA_PG_DB:-dpa_test}"
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >&2
fi
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
as_pg() {  # PostgreSQL refuses to run as root: use the package's postgres user then
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "${1:-}" = stop ]; then
  as_pg "$BIN/pg_ctl" -D "$DIR" -m fast stop >&2 || true
  exit 0
fi
if [ ! -f "$DIR/PG_VERSION" ]; then
  mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$DIR"
  as_pg "$BIN/initdb" -D "$DIR" -A trust -U postgres --no-instructions >/dev/null
fi
if ! as_pg "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
  as_pg "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w \
    -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1" start >/dev/null
fi
if ! as_pg "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1; then
  as_pg "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"
fi
echo "postgresql://postgres@127.0.0.1:$PORT/$DB"
