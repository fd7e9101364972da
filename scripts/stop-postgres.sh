#!/usr/bin/env bash
# Stops the test PostgreSQL server scripts/start-postgres.sh started for STATE_DIR and removes
# its data. Usage: scripts/stop-postgres.sh [STATE_DIR] [--keep-data]   (default: build/postgres)
# --keep-data: only stop it; scripts/start-postgres.sh STATE_DIR starts it again as it was.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE_DIR=$(realpath -m "${1:-build/postgres}")
DATA_FILE="$STATE_DIR/data_dir"
[ -f "$DATA_FILE" ] || exit 0
DATA=$(cat "$DATA_FILE")
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r | head -1)
if [ -n "$PGBIN" ] && [ -d "$DATA/db" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$DATA/db" -m fast -w stop >/dev/null 2>&1 || true
  else
    "$PGBIN/pg_ctl" -D "$DATA/db" -m fast -w stop >/dev/null 2>&1 || true
  fi
fi
[ "${2:-}" = --keep-data ] && exit 0
case "$DATA" in /tmp/llmgw-pg-*) rm -rf "$DATA" ;; esac
rm -f "$DATA_FILE" "$STATE_DIR/url"
