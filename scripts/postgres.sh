# Sourced by scripts/test.sh and benchmarks: a throwaway PostgreSQL cluster on loopback.
# start_postgres sets WORKDIARY_TEST_POSTGRES_URL; stop_postgres stops the cluster it started (only
# that one, whatever PG_DIR the caller's environment holds) and removes it.

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}

start_postgres() {
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    echo "postgres: no PostgreSQL server binaries found; postgres tests will be skipped" >&2
    return 1
  fi
  PG_DIR=$(mktemp -d /tmp/workdiary-pg.XXXXXX)
  PG_STARTED_DIR=$PG_DIR  # what stop_postgres may stop: never a PG_DIR inherited from outside
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$PG_DIR/data" "$PG_DIR/sock"
  local run=()
  if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres:postgres "$PG_DIR"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -N >"$PG_DIR/initdb.log" 2>&1 \
    || { echo "postgres: initdb failed, see $PG_DIR/initdb.log" >&2; return 1; }
  "${run[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
    -o "-p $PG_PORT -k $PG_DIR/sock -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-off} -c max_connections=200" start >/dev/null \
    || { echo "postgres: server did not start, see $PG_DIR/server.log" >&2; return 1; }
  export WORKDIARY_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/postgres"
  echo "postgres: throwaway cluster on 127.0.0.1:$PG_PORT"
}

stop_postgres() {
  [ -n "${PG_STARTED_DIR:-}" ] || return 0
  local run=()
  [ "$(id -u)" -eq 0 ] && run=(runuser -u postgres --)
  "${run[@]}" "$PG_BIN/pg_ctl" -D "$PG_STARTED_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_STARTED_DIR"
  PG_STARTED_DIR=
}
