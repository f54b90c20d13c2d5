#!/usr/bin/env bash
# Stops what the last infra/run.sh started: its processes by recorded pid (never by name), then the
# PostgreSQL and RabbitMQ servers if that run started them (a reused server is left running).
set -euo pipefail
source "$(dirname "$0")/env.sh"
if [ -f "$EL_RUN_DIR/run.env" ]; then
  # What the run decided (its database, whether it ran on the cluster) says which servers are its own.
  # shellcheck source=/dev/null
  source "$EL_RUN_DIR/run.env"
  source "$EL_ROOT/infra/env.sh"
fi

if [ -f "$EL_RUN_DIR/processes.pid" ]; then
  while read -r pid name _; do
    [ -n "$pid" ] || continue
    kill -0 "$pid" 2>/dev/null || continue
    el_log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
  done < "$EL_RUN_DIR/processes.pid"
  while read -r pid name _; do
    [ -n "$pid" ] || continue
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null && el_log "$name did not stop in 10 s; killed" || true
  done < "$EL_RUN_DIR/processes.pid"
  rm -f "$EL_RUN_DIR/processes.pid" "$EL_RUN_DIR/run.env" "$EL_RUN_DIR"/*.restarting
fi

if [ -f "$EL_RUN_DIR/infra.started" ]; then
  grep -qx rabbitmq "$EL_RUN_DIR/infra.started" && "$EL_ROOT/infra/rabbitmq.sh" stop
  grep -qx postgres "$EL_RUN_DIR/infra.started" && "$EL_ROOT/infra/postgres.sh" stop
  rm -f "$EL_RUN_DIR/infra.started"
fi
exit 0
