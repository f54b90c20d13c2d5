#!/usr/bin/env bash
# PostgreSQL 15 on 127.0.0.1:$EL_PG_PORT with data in $EL_DATA_DIR/postgres.
#   postgres.sh start   initdb on first use, start (or reuse a running one), wait, create role + db
#   postgres.sh check-store   fail, saying what to do, when the database holds the pre-Marten store's events
#   postgres.sh stop    stop the server this data directory belongs to
#   postgres.sh crash   stop it with -m immediate (what the fault tests do to a server of their own)
# With EL_CLUSTER=1 'start' also keeps a streaming standby on 127.0.0.1:$EL_PG_STANDBY_PORT (data in postgres-standby)
# that every commit waits for (synchronous_commit), so a write the primary acknowledged survives the primary's loss:
#   postgres.sh promote   make the standby the primary (after the primary is gone: crash, then promote)
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

pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "${1:-$EL_PG_PORT}" >/dev/null 2>&1; }

admin_psql() { # the superuser over the private socket: no password on the machine's own socket
  el_as postgres "$PG_BIN/psql" -h "$EL_PG_SOCKET_DIR" -p "${PSQL_PORT:-$EL_PG_PORT}" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt "$@"
}

STANDBY_DIR="$EL_PG_DIR-standby"
# The name the primary knows its synchronous standby by (synchronous_standby_names, the standby's application_name).
STANDBY_NAME=el_standby

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

launch() { # data-dir port log
  el_log "starting PostgreSQL on 127.0.0.1:$2 ($1)"
  # The port on the command line: a data directory started before EL_BASE_PORT moved listens where it is told now.
  el_as postgres "$PG_BIN/pg_ctl" -D "$1" -l "$3" -o "-p $2" -w -t 60 start >/dev/null \
    || { tail -20 "$3" >&2; el_die "PostgreSQL did not start ($1)"; }
  # After a crash the server replays its WAL first, and under load a first answer can still be the
  # refusal of a backend forked before recovery ended: ready means a real query has been answered,
  # and the wait is bounded by time, not by a count of tries that a slow probe could use up early.
  local deadline=$((SECONDS + 90))
  until pg_ready "$2" && PSQL_PORT="$2" admin_psql -c 'SELECT 1' >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || { tail -20 "$3" >&2; el_die "PostgreSQL is not accepting connections on port $2"; }
    sleep 0.5
  done
}

# The standby: a base backup of the primary the first time, streaming from it over the private socket, read-only.
# Its own synchronous_standby_names is empty, so once promoted it commits without waiting for a standby it does not have.
start_standby() {
  if pg_ready "$EL_PG_STANDBY_PORT"; then return; fi
  el_prepare_dir "$STANDBY_DIR" postgres
  if [ ! -f "$STANDBY_DIR/data/PG_VERSION" ]; then
    el_log "base backup of the primary into $STANDBY_DIR/data"
    el_as postgres "$PG_BIN/pg_basebackup" -h "$EL_PG_SOCKET_DIR" -p "$EL_PG_PORT" -U postgres -D "$STANDBY_DIR/data" -X stream -c fast >/dev/null
    el_as postgres touch "$STANDBY_DIR/data/standby.signal"
    el_as postgres sh -c "cat >> '$STANDBY_DIR/data/postgresql.conf'" <<CONF
# The standby (infra/postgres.sh, EL_CLUSTER=1)
primary_conninfo = 'host=$EL_PG_SOCKET_DIR port=$EL_PG_PORT user=postgres application_name=$STANDBY_NAME'
synchronous_standby_names = ''
CONF
    # What ALTER SYSTEM set on the primary came along in the backup; on the standby it would outrank the line above.
    el_as postgres sh -c ": > '$STANDBY_DIR/data/postgresql.auto.conf'"
  fi
  launch "$STANDBY_DIR/data" "$EL_PG_STANDBY_PORT" "$STANDBY_DIR/server.log"
}

start() {
  ensure_binaries
  if [ "$EL_CLUSTER" = 1 ] && [ -f "$STANDBY_DIR/data/PG_VERSION" ] && [ ! -f "$STANDBY_DIR/data/standby.signal" ]; then
    # Failed over: the old primary's data ends where the promoted standby went on, and started it would be a second
    # primary taking writes the other never sees. Only the promoted one runs; a new standby needs a new data directory.
    if pg_ready "$EL_PG_STANDBY_PORT"; then echo reused; return; fi
    el_log "the standby was promoted: starting it alone, as the primary (no standby until the data directory is rebuilt)"
    launch "$STANDBY_DIR/data" "$EL_PG_STANDBY_PORT" "$STANDBY_DIR/server.log"
    echo started
    return
  fi
  if pg_ready && ! admin_psql -c 'SELECT 1' >/dev/null 2>&1; then
    # Its socket is not in this data directory: another server (this checkout's other mode, with or without --cluster) has the port.
    el_die "a PostgreSQL on port $EL_PG_PORT is not this data directory's ($EL_PG_DIR): stop it first (infra/stop.sh, or infra/postgres.sh stop with the EL_CLUSTER it was started with)"
  fi
  if pg_ready && { [ "$EL_CLUSTER" != 1 ] || pg_ready "$EL_PG_STANDBY_PORT"; }; then echo reused; return; fi
  init_cluster
  pg_ready || launch "$EL_PG_DIR/data" "$EL_PG_PORT" "$EL_PG_DIR/server.log"
  # Before any write below: once synchronous, the primary's commits wait for the standby. A data directory a cluster run
  # made synchronous, started alone, would wait for ever: alone it commits alone (ALTER SYSTEM itself waits for nobody).
  if [ "$EL_CLUSTER" = 1 ]; then
    start_standby
  else
    admin_psql -c "ALTER SYSTEM RESET synchronous_standby_names" -c "SELECT pg_reload_conf()" >/dev/null
  fi
  admin_psql <<SQL
ALTER ROLE postgres PASSWORD '$EL_PG_ADMIN_PASSWORD';
SELECT 'CREATE ROLE "$EL_PG_USER" LOGIN CREATEDB CREATEROLE'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$EL_PG_USER') \gexec
ALTER ROLE "$EL_PG_USER" PASSWORD '$EL_PG_PASSWORD';
SELECT 'CREATE DATABASE "$EL_PG_DATABASE" OWNER "$EL_PG_USER"'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$EL_PG_DATABASE') \gexec
SQL
  if [ "$EL_CLUSTER" = 1 ]; then
    # Every commit waits until the standby has the WAL on disk: an acknowledged write is on two servers.
    admin_psql -c "ALTER SYSTEM SET synchronous_standby_names = '$STANDBY_NAME'" -c "SELECT pg_reload_conf()" >/dev/null
  fi
  echo started
}

stop() {
  ensure_binaries
  local data
  for data in "$EL_PG_DIR/data" "$STANDBY_DIR/data"; do
    [ -f "$data/postmaster.pid" ] || continue
    el_log "stopping PostgreSQL ($data)"
    el_as postgres "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null || true
  done
}

# The standby becomes the primary: it stops following, finishes recovery and takes writes. The services, which name
# both servers with Target Session Attributes=primary, find it on their next connection.
promote() {
  ensure_binaries
  [ -f "$STANDBY_DIR/data/standby.signal" ] || el_die "no standby to promote ($STANDBY_DIR/data)"
  el_log "promoting the standby ($STANDBY_DIR/data)"
  el_as postgres "$PG_BIN/pg_ctl" -D "$STANDBY_DIR/data" -w -t 60 promote >/dev/null
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
  promote) promote ;;
  *) el_die "usage: postgres.sh start|stop|crash|promote|fresh-database|check-store" ;;
esac
