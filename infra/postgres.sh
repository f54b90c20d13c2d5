#!/usr/bin/env bash
# PostgreSQL 15 on 127.0.0.1:$EL_PG_PORT with data in $EL_DATA_DIR/postgres.
#   postgres.sh start   initdb on first use, start (or reuse a running one), wait, create role + db
#   postgres.sh check-store   fail, saying what to do, when the database holds the pre-Marten store's events
#   postgres.sh stop    stop the server this data directory belongs to
#   postgres.sh crash   stop it with -m immediate (what the fault tests do to a server of their own)
# 'start' prints "started" or "reused" on stdout so callers know whether to stop it afterwards.
set -euo pipefail
source "$(dirname "$0")/env.sh"

pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    [ -x "$dir/pg_ctl" ] && { echo "$dir"; return; }
  done
  return 1
}

ensure_binaries() {
  pg_bin >/dev/null || el_apt_install postgresql-15
  PG_BIN="$(pg_bin)" || el_die "PostgreSQL binaries not found after install"
}

pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$EL_PG_PORT" >/dev/null 2>&1; }

admin_psql() { # the superuser over the private socket: no password on the machine's own socket
  el_as postgres "$PG_BIN/psql" -h "$EL_PG_SOCKET_DIR" -p "$EL_PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt "$@"
}

init_cluster() {
  el_prepare_dir "$EL_DATA_DIR" "$(id -un)"
  el_prepare_dir "$EL_PG_DIR" postgres
  el_prepare_dir "$EL_PG_SOCKET_DIR" postgres
  [ -f "$EL_PG_DIR/data/PG_VERSION" ] && return
  el_log "initdb $EL_PG_DIR/data"
  el_as postgres "$PG_BIN/initdb" -D "$EL_PG_DIR/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  cat >> "$EL_PG_DIR/data/postgresql.conf" <<CONF
# ExecutionLayer (infra/postgres.sh)
listen_addresses = '127.0.0.1'
port = $EL_PG_PORT
unix_socket_directories = '$EL_PG_SOCKET_DIR'
max_connections = 400
shared_buffers = 256MB
# The event store's subscriptions wait for every older write transaction to finish; this bounds how
# long a forgotten open transaction can pause them.
idle_in_transaction_session_timeout = '60s'
logging_collector = off
CONF
}

start() {
  ensure_binaries
  if pg_ready; then echo reused; return; fi
  init_cluster
  el_log "starting PostgreSQL on 127.0.0.1:$EL_PG_PORT"
  # The port on the command line: a data directory started before EL_BASE_PORT moved listens where it is told now.
  el_as postgres "$PG_BIN/pg_ctl" -D "$EL_PG_DIR/data" -l "$EL_PG_DIR/server.log" -o "-p $EL_PG_PORT" -w -t 60 start >/dev/null \
    || { tail -20 "$EL_PG_DIR/server.log" >&2; el_die "PostgreSQL did not start"; }
  # After a crash the server replays its WAL first, and under load a first answer can still be the
  # refusal of a backend forked before recovery ended: ready means a real query has been answered,
  # and the wait is bounded by time, not by a count of tries that a slow probe could use up early.
  local deadline=$((SECONDS + 90))
  until pg_ready && admin_psql -c 'SELECT 1' >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || { tail -20 "$EL_PG_DIR/server.log" >&2; el_die "PostgreSQL is not accepting connections on port $EL_PG_PORT"; }
    sleep 0.5
  done
  admin_psql <<SQL
ALTER ROLE postgres PASSWORD '$EL_PG_ADMIN_PASSWORD';
SELECT 'CREATE ROLE "$EL_PG_USER" LOGIN CREATEDB CREATEROLE'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$EL_PG_USER') \gexec
ALTER ROLE "$EL_PG_USER" PASSWORD '$EL_PG_PASSWORD';
SELECT 'CREATE DATABASE "$EL_PG_DATABASE" OWNER "$EL_PG_USER"'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$EL_PG_DATABASE') \gexec
SQL
  echo started
}

stop() {
  ensure_binaries
  [ -f "$EL_PG_DIR/data/postmaster.pid" ] || return 0
  el_log "stopping PostgreSQL ($EL_PG_DIR/data)"
  el_as postgres "$PG_BIN/pg_ctl" -D "$EL_PG_DIR/data" -m fast -w stop >/dev/null || true
}

# pg_ctl stop -m immediate: a crash as far as the data is concerned (the next start replays the WAL).
# The fault tests use it on a server of their own; never on one holding data you care about.
crash() {
  ensure_binaries
  [ -f "$EL_PG_DIR/data/postmaster.pid" ] || return 0
  el_log "crashing PostgreSQL ($EL_PG_DIR/data): stop -m immediate"
  el_as postgres "$PG_BIN/pg_ctl" -D "$EL_PG_DIR/data" -m immediate -w stop >/dev/null || true
}

# Drops and recreates $EL_PG_DATABASE (the demo starts from an empty one each time).
fresh_database() {
  ensure_binaries
  pg_ready || el_die "PostgreSQL is not running on port $EL_PG_PORT"
  el_log "recreating database $EL_PG_DATABASE"
  admin_psql <<SQL
DROP DATABASE IF EXISTS "$EL_PG_DATABASE" WITH (FORCE);
CREATE DATABASE "$EL_PG_DATABASE" OWNER "$EL_PG_USER";
SQL
  # The development clocks dated that database's events; a fresh one starts at wall time.
  rm -rf "$EL_CLOCK_DIR"
}

# The event store before Marten (ADR 0001) kept a service's events in <schema>.events beside
# <schema>.checkpoints. This version does not read them, and starting on them would look like an empty
# system with stale read models: say so, and what to do, instead. Pre-release, there is no migration.
check_store() {
  ensure_binaries
  pg_ready || el_die "PostgreSQL is not running on port $EL_PG_PORT"
  local exists old
  exists=$(admin_psql -c "SELECT 1 FROM pg_database WHERE datname = '$EL_PG_DATABASE'")
  [ -n "$exists" ] || return 0
  old=$(el_as postgres "$PG_BIN/psql" -h "$EL_PG_SOCKET_DIR" -p "$EL_PG_PORT" -U postgres -d "$EL_PG_DATABASE" -v ON_ERROR_STOP=1 -qAt -c "
    SELECT string_agg(e.table_schema, ' ' ORDER BY e.table_schema) FROM information_schema.tables e
    JOIN information_schema.tables c ON c.table_schema = e.table_schema AND c.table_name = 'checkpoints'
    WHERE e.table_name = 'events'")
  [ -z "$old" ] && return 0
  el_die "database $EL_PG_DATABASE holds events written by the event store that came before Marten (schemas: $old), which this version does not read.
  This is a pre-release and there is no migration. Either start from an empty database —
    infra/postgres.sh fresh-database     (deletes everything in $EL_PG_DATABASE)
  — or keep it and run on a new data directory: EL_DATA_DIR=/some/new/dir infra/run.sh"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  crash) crash ;;
  fresh-database) fresh_database ;;
  check-store) check_store ;;
  *) el_die "usage: postgres.sh start|stop|crash|fresh-database|check-store" ;;
esac
