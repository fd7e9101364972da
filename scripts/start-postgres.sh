#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for tests and writes its URL to STATE_DIR/url:
#   postgresql://llmgw:<random password>@127.0.0.1:<free port>/llmgw_test
# Usage: scripts/start-postgres.sh [STATE_DIR]   (default: build/postgres)
# Idempotent: a server already running for STATE_DIR is reused (its URL printed again); one
# stopped with `scripts/stop-postgres.sh STATE_DIR --keep-data` is started again on the same
# port with the same data (tests stop and restart it to play a database outage).
# It listens on 127.0.0.1 only, on a port chosen at run time, with password authentication, no
# fsync (a test server) and its data under a temporary folder. As root the server runs as the
# `postgres` user (initdb refuses root). scripts/stop-postgres.sh STATE_DIR stops it and removes
# its data. Exit code 77 (a skip for CTest) when PostgreSQL cannot be installed or run here.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE_DIR=$(realpath -m "${1:-build/postgres}")
mkdir -p "$STATE_DIR"

skip() { echo "start-postgres: $*; skipped" >&2; exit 77; }

pg_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return 0; }
  done
  return 1
}
PGBIN=$(pg_bin || true)
if [ -z "$PGBIN" ]; then
  bash scripts/install-deps.sh >/dev/null || skip "scripts/install-deps.sh failed"
  PGBIN=$(pg_bin || true)
  [ -n "$PGBIN" ] || skip "initdb not found under /usr/lib/postgresql/*/bin (package postgresql)"
fi

# Run a command as the server's owner: ourselves, or `postgres` when we are root.
if [ "$(id -u)" -eq 0 ]; then
  getent passwd postgres >/dev/null || skip "running as root and there is no postgres user"
  as_owner() { runuser -u postgres -- "$@"; }
else
  as_owner() { "$@"; }
fi

DATA_FILE="$STATE_DIR/data_dir"
if [ -f "$STATE_DIR/url" ] && [ -f "$DATA_FILE" ] && [ -d "$(cat "$DATA_FILE")/db" ]; then
  old=$(cat "$DATA_FILE")
  if ! as_owner "$PGBIN/pg_ctl" -D "$old/db" status >/dev/null 2>&1; then
    as_owner "$PGBIN/pg_ctl" -D "$old/db" -l "$old/server.log" -w -t 60 start >/dev/null ||
      { cat "$old/server.log" >&2; skip "pg_ctl start (again) failed"; }
  fi
  cat "$STATE_DIR/url"
  exit 0
fi
rm -f "$STATE_DIR/url"
if [ -f "$DATA_FILE" ]; then  # left by a run that did not stop its server cleanly
  old=$(cat "$DATA_FILE")
  as_owner "$PGBIN/pg_ctl" -D "$old/db" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$old"
fi

# The data folder lives under /tmp: the server's owner must be able to reach it.
DATA=$(mktemp -d /tmp/llmgw-pg-XXXXXX)
echo "$DATA" > "$DATA_FILE"
[ "$(id -u)" -eq 0 ] && chown postgres: "$DATA"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PASSWORD=$(head -c 18 /dev/urandom | base64 | tr '+/' 'xy')
echo "$PASSWORD" > "$DATA/.pw"
[ "$(id -u)" -eq 0 ] && chown postgres: "$DATA/.pw"

as_owner "$PGBIN/initdb" -D "$DATA/db" -U llmgw --pwfile="$DATA/.pw" -A scram-sha-256 -E UTF8 --no-locale \
  --no-sync >"$STATE_DIR/initdb.log" 2>&1 || { cat "$STATE_DIR/initdb.log" >&2; skip "initdb failed"; }
rm -f "$DATA/.pw"
# In the config file (not on pg_ctl's command line), so a restart keeps port and socket.
cat >>"$DATA/db/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DATA'
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
as_owner "$PGBIN/pg_ctl" -D "$DATA/db" -l "$DATA/server.log" -w -t 60 start >/dev/null ||
  { cat "$DATA/server.log" >&2; skip "pg_ctl start failed"; }
PGPASSWORD=$PASSWORD "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U llmgw llmgw_test
echo "postgresql://llmgw:$PASSWORD@127.0.0.1:$PORT/llmgw_test" > "$STATE_DIR/url"
cat "$STATE_DIR/url"
