#!/usr/bin/env bash
# RabbitMQ 3.10 node of our own on 127.0.0.1:$EL_RABBITMQ_PORT with data in $EL_DATA_DIR/rabbitmq.
#   rabbitmq.sh start   start (or reuse a running one), await startup, create user + vhost
#   rabbitmq.sh stop    stop that node and the epmd it started
#   rabbitmq.sh redrive VHOST QUEUE [error|skipped]   move dead letters back to their queue
# The Debian package's own service start is blocked here, so we run the server ourselves with
# RABBITMQ_* variables, a node name and ports of our own. 'start' prints "started" or "reused".
set -euo pipefail
source "$(dirname "$0")/env.sh"

RMQ_SBIN=/usr/lib/rabbitmq/bin

ensure_binaries() {
  [ -x "$RMQ_SBIN/rabbitmq-server" ] || el_apt_install rabbitmq-server
  [ -x "$RMQ_SBIN/rabbitmq-server" ] || el_die "rabbitmq-server not found after install"
}

rmq_env() {
  export HOME="$EL_RABBITMQ_DIR" # the Erlang cookie lives here, shared by server and rabbitmqctl
  export RABBITMQ_NODENAME="$EL_RABBITMQ_NODE"
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT="$EL_RABBITMQ_PORT"
  export RABBITMQ_DIST_PORT="$EL_RABBITMQ_DIST_PORT"
  export ERL_EPMD_PORT="$EL_EPMD_PORT"
  export ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_MNESIA_BASE="$EL_RABBITMQ_DIR/mnesia"
  export RABBITMQ_LOG_BASE="$EL_RABBITMQ_DIR/log"
  export RABBITMQ_CONFIG_FILE="$EL_RABBITMQ_DIR/rabbitmq.conf"
  export RABBITMQ_ADVANCED_CONFIG_FILE="$EL_RABBITMQ_DIR/advanced.config"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$EL_RABBITMQ_DIR/enabled_plugins"
  export RABBITMQ_CONF_ENV_FILE="$EL_RABBITMQ_DIR/rabbitmq-env.conf"
}

ctl() { el_as rabbitmq env HOME="$HOME" "$RMQ_SBIN/rabbitmqctl" -n "$EL_RABBITMQ_NODE" "$@"; }

running() { ctl -q status >/dev/null 2>&1; }

prepare() {
  el_prepare_dir "$EL_DATA_DIR" "$(id -un)"
  el_prepare_dir "$EL_RABBITMQ_DIR" rabbitmq
  el_as rabbitmq mkdir -p "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
  if [ ! -f "$HOME/.erlang.cookie" ]; then
    el_as rabbitmq sh -c "head -c 32 /dev/urandom | sha256sum | cut -c1-32 > '$HOME/.erlang.cookie'; chmod 400 '$HOME/.erlang.cookie'"
  fi
  el_as rabbitmq sh -c "cat > '$RABBITMQ_CONFIG_FILE'" <<CONF
listeners.tcp.1 = 127.0.0.1:$EL_RABBITMQ_PORT
loopback_users = none
log.console = false
log.file.level = warning
disk_free_limit.absolute = 200MB
# The HTTP API lets test fixtures create and drop a vhost per test class, and shows dead letters.
management.tcp.ip = 127.0.0.1
management.tcp.port = $EL_RABBITMQ_MGMT_PORT
CONF
  # The shovel moves dead letters back to their queue (rabbitmq.sh redrive).
  el_as rabbitmq sh -c "echo '[rabbitmq_management,rabbitmq_shovel].' > '$RABBITMQ_ENABLED_PLUGINS_FILE'; : > '$RABBITMQ_CONF_ENV_FILE'; echo '[].' > '$RABBITMQ_ADVANCED_CONFIG_FILE'"
}

start() {
  ensure_binaries
  rmq_env
  if running; then echo reused; return; fi
  prepare
  el_log "starting RabbitMQ node $EL_RABBITMQ_NODE on 127.0.0.1:$EL_RABBITMQ_PORT"
  # setsid: the node must outlive this script and not take our terminal's Ctrl-C.
  # The redirections are on the subshell itself: a caller's pipe held by it would never close.
  (cd "$EL_RABBITMQ_DIR" && el_as rabbitmq env HOME="$HOME" setsid "$RMQ_SBIN/rabbitmq-server") \
    >"$EL_RABBITMQ_DIR/startup.log" 2>&1 </dev/null &
  # await_startup fails at once while the node is not yet registered with epmd, so first wait for it.
  local i
  for i in $(seq 1 120); do ctl -q ping >/dev/null 2>&1 && break; sleep 0.5; done
  if ! ctl -q await_startup --timeout 120 >/dev/null 2>&1; then
    tail -30 "$EL_RABBITMQ_DIR/startup.log" >&2
    el_die "RabbitMQ did not start (log: $RABBITMQ_LOG_BASE)"
  fi
  # The package's server script writes no pid file when started directly; record the node's own pid.
  ctl -q eval 'list_to_integer(os:getpid()).' > "$EL_RABBITMQ_DIR/node.pid"
  for _ in $(seq 1 60); do # the HTTP API answers (401 without credentials) once its listener is up
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$EL_RABBITMQ_MGMT_PORT/api/overview")" != 000 ] && break
    sleep 0.5
  done
  ctl -q list_users | grep -q "^$EL_RABBITMQ_USER\b" || ctl -q add_user "$EL_RABBITMQ_USER" "$EL_RABBITMQ_PASSWORD" >/dev/null
  ctl -q change_password "$EL_RABBITMQ_USER" "$EL_RABBITMQ_PASSWORD" >/dev/null
  # administrator: the test fixture creates and deletes a vhost per test class over AMQP-less CLI.
  ctl -q set_user_tags "$EL_RABBITMQ_USER" administrator >/dev/null
  ctl -q add_vhost "$EL_RABBITMQ_VHOST" >/dev/null 2>&1 || true
  ctl -q set_permissions -p "$EL_RABBITMQ_VHOST" "$EL_RABBITMQ_USER" '.*' '.*' '.*' >/dev/null
  echo started
}

stop() {
  ensure_binaries
  rmq_env
  if running; then
    el_log "stopping RabbitMQ node $EL_RABBITMQ_NODE"
    ctl -q stop >/dev/null 2>&1 || true
  fi
  local pid
  pid=$(cat "$EL_RABBITMQ_DIR/node.pid" 2>/dev/null || true)
  if [ -n "$pid" ]; then
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$EL_RABBITMQ_DIR/node.pid"
  fi
  # The node started an epmd of its own on our port; ask it (by port, not by process name) to exit.
  el_as rabbitmq env ERL_EPMD_PORT="$EL_EPMD_PORT" "$(ls -d /usr/lib/erlang/erts-*/bin | tail -1)/epmd" -port "$EL_EPMD_PORT" -kill >/dev/null 2>&1 || true
}

# Lets test fixtures run rabbitmqctl against our node: rabbitmq.sh ctl add_vhost x
ctl_cmd() { ensure_binaries; rmq_env; ctl "$@"; }

# Deletes and recreates $EL_RABBITMQ_VHOST with its queues (the demo starts from an empty one each time).
fresh_vhost() {
  ensure_binaries
  rmq_env
  el_log "recreating virtual host $EL_RABBITMQ_VHOST"
  ctl -q delete_vhost "$EL_RABBITMQ_VHOST" >/dev/null 2>&1 || true
  ctl -q add_vhost "$EL_RABBITMQ_VHOST" >/dev/null
  ctl -q set_permissions -p "$EL_RABBITMQ_VHOST" "$EL_RABBITMQ_USER" '.*' '.*' '.*' >/dev/null
}

# Moves what is in QUEUE_error (or QUEUE_skipped) back to QUEUE, once, with a dynamic shovel that
# deletes itself when the messages present at the start have moved: fix the cause, then re-drive.
redrive() { # vhost queue [error|skipped]
  ensure_binaries
  rmq_env
  local vhost="$1" queue="$2" from="${2}_${3:-error}" uri
  uri="amqp:///${vhost//\//%2F}" # the vhost is the URI's path: a '/' in its name is escaped
  el_log "re-driving $vhost/$from into $queue"
  ctl -q set_parameter -p "$vhost" shovel "redrive-$from" \
    "{\"src-protocol\":\"amqp091\",\"src-uri\":\"$uri\",\"src-queue\":\"$from\",\"src-delete-after\":\"queue-length\",\"dest-protocol\":\"amqp091\",\"dest-uri\":\"$uri\",\"dest-queue\":\"$queue\",\"add-forward-headers\":true}" >/dev/null
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  ctl) shift; ctl_cmd "$@" ;;
  fresh-vhost) fresh_vhost ;;
  redrive) shift; redrive "$@" ;;
  *) el_die "usage: rabbitmq.sh start|stop|ctl ARGS|fresh-vhost|redrive VHOST QUEUE [error|skipped]" ;;
esac
