#!/usr/bin/env bash
# Start a throw-away PostgreSQL on 127.0.0.1 for the test suite; print its DATABASE_URL.
# Usage: bash .ci/postgres.sh start|stop   (PG_PORT, default 25432: below 32768-60999, the ports
# the system gives outgoing connections, any of which may be taken at the moment it starts)
set -euo pipefail
PG_PORT=${PG_PORT:-25432}
PGDATA=${PGDATA:-/tmp/dossierflow-pg-$PG_PORT}

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$dir" ] || [ ! -x "$dir/postgres" ]; then
    echo "Installing PostgreSQL from Debian's packages…" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
    dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$dir"
}

as_pg() {
  # PostgreSQL refuses to run as root.
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

case "${1:-start}" in
  start)
    BIN=$(pg_bin)
    if [ ! -s "$PGDATA/PG_VERSION" ]; then
      rm -rf "$PGDATA"; mkdir -p "$PGDATA"
      [ "$(id -u)" = 0 ] && chown postgres: "$PGDATA"
      as_pg "$BIN/initdb -D $PGDATA -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null"
    fi
    if ! as_pg "$BIN/pg_ctl -D $PGDATA status" >/dev/null 2>&1; then
      as_pg "$BIN/pg_ctl -D $PGDATA -l $PGDATA/server.log -w -t 60 start \
        -o '-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200'" >&2
    fi
    echo "DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/dossierflow"
    ;;
  stop)
    BIN=$(pg_bin)
    as_pg "$BIN/pg_ctl -D $PGDATA -m fast -w stop" >&2 || true
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
