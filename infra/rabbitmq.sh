#!/usr/bin/env bash
# RabbitMQ 3.10 node of our own on 127.0.0.1:$EL_RABBITMQ_PORT with data in $EL_DATA_DIR/rabbitmq — or, with
# EL_CLUSTER=1, a cluster of three such nodes (the others on EL_RABBITMQ_NODE_PORTS, data in rabbitmq-node2, -node3).
#   rabbitmq.sh start   start (or reuse a running one), await startup, create user + vhost
#   rabbitmq.sh stop    stop that node (every node) and the epmd it started
#   rabbitmq.sh stop-node|kill-node|start-node N   one node of the cluster (0, 1, 2): stop it, kill -9 it, start it again
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

# Node 0 is the single node, and the first of the cluster; with EL_CLUSTER=1 nodes 1 and 2 join it. Every node has
# its own AMQP, distribution and management ports (env.sh: EL_RABBITMQ_NODE_PORTS) and data directory; they share the
# one epmd on EL_EPMD_PORT and the Erlang cookie, which is what lets them form one cluster.
node_count() { [ "$EL_CLUSTER" = 1 ] && echo 3 || echo 1; }
node_port() { local ports=($EL_RABBITMQ_NODE_PORTS); echo "${ports[$1]}"; }
node_name() { if [ "$1" = 0 ]; then echo "$EL_RABBITMQ_NODE"; else echo "el-$(node_port "$1")@localhost"; fi; }
node_dir() { if [ "$1" = 0 ]; then echo "$EL_RABBITMQ_DIR"; else echo "$EL_RABBITMQ_DIR-node$(($1 + 1))"; fi; }
node_dist_port() { if [ "$1" = 0 ]; then echo "$EL_RABBITMQ_DIST_PORT"; else echo $(($(node_port "$1") + 1)); fi; }
node_mgmt_port() { if [ "$1" = 0 ]; then echo "$EL_RABBITMQ_MGMT_PORT"; else echo $(($(node_port "$1") + 2)); fi; }

rmq_env() { # node
  local dir
  dir="$(node_dir "$1")"
  export HOME="$dir" # the Erlang cookie lives here, shared by server and rabbitmqctl
  export RABBITMQ_NODENAME
  RABBITMQ_NODENAME="$(node_name "$1")"
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT
  RABBITMQ_NODE_PORT="$(node_port "$1")"
  export RABBITMQ_DIST_PORT
  RABBITMQ_DIST_PORT="$(node_dist_port "$1")"
  export ERL_EPMD_PORT="$EL_EPMD_PORT"
  export ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_MNESIA_BASE="$dir/mnesia"
  export RABBITMQ_LOG_BASE="$dir/log"
  export RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf"
  export RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
  export RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf"
}

ctl() { el_as rabbitmq env HOME="$HOME" "$RMQ_SBIN/rabbitmqctl" -n "$RABBITMQ_NODENAME" "$@"; }

running() { ctl -q status >/dev/null 2>&1; }

prepare() { # node
  el_prepare_dir "$EL_DATA_DIR" "$(id -un)"
  el_prepare_dir "$HOME" rabbitmq
  el_as rabbitmq mkdir -p "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
  if [ ! -f "$HOME/.erlang.cookie" ]; then
    if [ "$1" = 0 ]; then
      el_as rabbitmq sh -c "head -c 32 /dev/urandom | sha256sum | cut -c1-32 > '$HOME/.erlang.cookie'; chmod 400 '$HOME/.erlang.cookie'"
    else # a cluster's nodes trust each other by sharing the first node's cookie
      el_as rabbitmq sh -c "cp '$(node_dir 0)/.erlang.cookie' '$HOME/.erlang.cookie'; chmod 400 '$HOME/.erlang.cookie'"
    fi
  fi
  local clustered=""
  # Of three nodes, the side of a network split with one node pauses instead of going on alone: no two sides ever
  # take messages for the same queue (quorum queues need a majority anyway; this keeps the rest of the node in step).
  [ "$EL_CLUSTER" = 1 ] && clustered="cluster_partition_handling = pause_minority"
  el_as rabbitmq sh -c "cat > '$RABBITMQ_CONFIG_FILE'" <<CONF
listeners.tcp.1 = 127.0.0.1:$RABBITMQ_NODE_PORT
loopback_users = none
log.console = false
log.file.level = ${EL_RABBITMQ_LOG_LEVEL:-warning}
disk_free_limit.absolute = 200MB
# The HTTP API lets test fixtures create and drop a vhost per test class, and shows dead letters.
management.tcp.ip = 127.0.0.1
management.tcp.port = $(node_mgmt_port "$1")
$clustered
CONF
  # The shovel moves dead letters back to their queue (rabbitmq.sh redrive).
  el_as rabbitmq sh -c "echo '[rabbitmq_management,rabbitmq_shovel].' > '$RABBITMQ_ENABLED_PLUGINS_FILE'; : > '$RABBITMQ_CONF_ENV_FILE'; echo '[].' > '$RABBITMQ_ADVANCED_CONFIG_FILE'"
}

launch() { # node: the server process, in the background (a node that was in a cluster waits for its peers as it boots)
  rmq_env "$1"
  # Not ours, yet listening: another node (this checkout's other mode, with or without EL_CLUSTER) has the port.
  if (exec 3<>"/dev/tcp/127.0.0.1/$RABBITMQ_NODE_PORT") 2>/dev/null; then
    el_die "port $RABBITMQ_NODE_PORT is taken by a RabbitMQ that is not $RABBITMQ_NODENAME of $HOME; stop it first (infra/stop.sh, or infra/rabbitmq.sh stop with the EL_CLUSTER it was started with)"
  fi
  prepare "$1"
  el_log "starting RabbitMQ node $RABBITMQ_NODENAME on 127.0.0.1:$RABBITMQ_NODE_PORT"
  # setsid: the node must outlive this script and not take our terminal's Ctrl-C.
  # The redirections are on the subshell itself: a caller's pipe held by it would never close.
  (cd "$HOME" && el_as rabbitmq env HOME="$HOME" setsid "$RMQ_SBIN/rabbitmq-server") \
    >"$HOME/startup.log" 2>&1 </dev/null &
}

await_node() { # node [attempt]
  rmq_env "$1"
  # await_startup fails at once while the node is not yet registered with epmd, so first wait for it.
  local i
  for i in $(seq 1 120); do ctl -q ping >/dev/null 2>&1 && break; sleep 0.5; done
  if ! ctl -q await_startup --timeout 180 >/dev/null 2>&1; then
    # Our ports lie in Linux's ephemeral range: right after a restart one of them can still be held for a moment (a
    # connection's local end, a socket closing). The node stops at once then; one more try a few seconds later.
    if [ "${2:-1}" = 1 ] && grep -q eaddrinuse "$HOME/startup.log" 2>/dev/null; then
      el_log "a port of $RABBITMQ_NODENAME was still in use; starting it again in 5 s"
      sleep 5
      launch "$1"
      await_node "$1" 2
      return
    fi
    tail -30 "$HOME/startup.log" >&2
    el_die "RabbitMQ node $RABBITMQ_NODENAME did not start (log: $RABBITMQ_LOG_BASE)"
  fi
  # The package's server script writes no pid file when started directly; record the node's own pid.
  ctl -q eval 'list_to_integer(os:getpid()).' > "$HOME/node.pid"
  for _ in $(seq 1 60); do # the HTTP API answers (401 without credentials) once its listener is up
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$(node_mgmt_port "$1")/api/overview")" != 000 ] && break
    sleep 0.5
  done
}

join() { # node: a new node joins node 0's cluster once; a restarted member finds its cluster by itself
  rmq_env "$1"
  [ -f "$HOME/joined" ] && return
  el_log "joining $RABBITMQ_NODENAME to $(node_name 0)"
  local said
  # rabbitmqctl prints the joining node's own transient complaints (its app is stopped meanwhile): shown only on failure.
  said=$({ ctl -q stop_app && ctl -q join_cluster "$(node_name 0)" && ctl -q start_app && ctl -q await_startup --timeout 120; } 2>&1) \
    || { printf '%s\n' "$said" >&2; el_die "$RABBITMQ_NODENAME did not join $(node_name 0)"; }
  el_as rabbitmq touch "$HOME/joined"
}

setup_access() { # on a running node (users and vhosts are the cluster's, not a node's)
  ctl -q list_users | grep -q "^$EL_RABBITMQ_USER\b" || ctl -q add_user "$EL_RABBITMQ_USER" "$EL_RABBITMQ_PASSWORD" >/dev/null
  ctl -q change_password "$EL_RABBITMQ_USER" "$EL_RABBITMQ_PASSWORD" >/dev/null
  # administrator: the test fixture creates and deletes a vhost per test class over AMQP-less CLI.
  ctl -q set_user_tags "$EL_RABBITMQ_USER" administrator >/dev/null
  ctl -q add_vhost "$EL_RABBITMQ_VHOST" >/dev/null 2>&1 || true
  ctl -q set_permissions -p "$EL_RABBITMQ_VHOST" "$EL_RABBITMQ_USER" '.*' '.*' '.*' >/dev/null
}

start() {
  ensure_binaries
  local n i all=1
  n="$(node_count)"
  for i in $(seq 0 $((n - 1))); do rmq_env "$i"; running || all=0; done
  if [ "$all" = 1 ]; then echo reused; return; fi
  # The first node first: 'stop' stops it last, so it boots without waiting for peers. Nodes that never joined boot alone
  # and start with it; a member of the cluster starts once the first is up, one at a time — two members booting at once
  # can fail to agree on the cluster's feature flags (3.10: incompatible_feature_flags) and stop.
  local launched=() any=0
  for i in $(seq 0 $((n - 1))); do rmq_env "$i"; running && any=1; done
  if [ "$any" = 0 ] && [ -f "$(node_dir 1)/joined" ]; then
    # The whole cluster is down, maybe not stopped in order (a crash, a kill): the first node may not have been the last to
    # go, and would wait for peers that wait for it. Nobody else is running, so it may safely boot on its own data.
    rmq_env 0
    ctl -q force_boot >/dev/null 2>&1 || true
  fi
  for i in $(seq 0 $((n - 1))); do
    rmq_env "$i"
    if ! running && { [ "$i" = 0 ] || [ ! -f "$HOME/joined" ]; }; then launch "$i"; launched+=("$i"); fi
  done
  await_node 0
  for i in $(seq 1 $((n - 1))); do
    rmq_env "$i"
    if ! running && [[ " ${launched[*]} " != *" $i "* ]]; then launch "$i"; fi
    await_node "$i"
    join "$i"
  done
  rmq_env 0
  setup_access
  echo started
}

stop_node() { # node
  rmq_env "$1"
  if running; then
    el_log "stopping RabbitMQ node $RABBITMQ_NODENAME"
    ctl -q stop >/dev/null 2>&1 || true
  fi
  local pid
  pid=$(cat "$HOME/node.pid" 2>/dev/null || true)
  if [ -n "$pid" ]; then
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$HOME/node.pid"
  fi
}

stop() {
  ensure_binaries
  local i
  # Every node this data directory has, clustered or not: one left running would hold the epmd and the ports.
  for i in 2 1 0; do [ "$i" = 0 ] || [ -d "$(node_dir "$i")" ] || continue; stop_node "$i"; done
  # The node started an epmd of its own on our port; ask it (by port, not by process name) to exit.
  el_as rabbitmq env ERL_EPMD_PORT="$EL_EPMD_PORT" "$(ls -d /usr/lib/erlang/erts-*/bin | tail -1)/epmd" -port "$EL_EPMD_PORT" -kill >/dev/null 2>&1 || true
}

# One node of the cluster, for the fault tests: stop it (as an operator would), kill -9 it (as a crash would), start it
# again (it rejoins the cluster and its quorum queues catch up from the others).
stop_one() { ensure_binaries; stop_node "$1"; }

kill_one() {
  ensure_binaries
  rmq_env "$1"
  local pid
  pid=$(cat "$HOME/node.pid" 2>/dev/null || true)
  [ -n "$pid" ] || el_die "node $RABBITMQ_NODENAME has no pid recorded (not started here?)"
  el_log "killing RabbitMQ node $RABBITMQ_NODENAME (kill -9 $pid)"
  kill -9 "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  rm -f "$HOME/node.pid"
}

start_one() {
  ensure_binaries
  rmq_env "$1"
  running && return
  launch "$1"
  await_node "$1"
  [ "$1" = 0 ] || join "$1"
}

# Lets test fixtures run rabbitmqctl against our node (in a cluster, the first one running): rabbitmq.sh ctl add_vhost x
any_running() {
  local i
  for i in $(seq 0 $(($(node_count) - 1))); do rmq_env "$i"; running && return 0; done
  rmq_env 0
}
ctl_cmd() { ensure_binaries; any_running; ctl "$@"; }

# Deletes and recreates $EL_RABBITMQ_VHOST with its queues (the demo starts from an empty one each time).
fresh_vhost() {
  ensure_binaries
  any_running
  el_log "recreating virtual host $EL_RABBITMQ_VHOST"
  ctl -q delete_vhost "$EL_RABBITMQ_VHOST" >/dev/null 2>&1 || true
  ctl -q add_vhost "$EL_RABBITMQ_VHOST" >/dev/null
  ctl -q set_permissions -p "$EL_RABBITMQ_VHOST" "$EL_RABBITMQ_USER" '.*' '.*' '.*' >/dev/null
}

# Moves what is in QUEUE_error (or QUEUE_skipped) back to QUEUE, once, with a dynamic shovel that
# deletes itself when the messages present at the start have moved: fix the cause, then re-drive.
redrive() { # vhost queue [error|skipped]
  ensure_binaries
  any_running
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
  stop-node) stop_one "${2:?node 0, 1 or 2}" ;;
  kill-node) kill_one "${2:?node 0, 1 or 2}" ;;
  start-node) start_one "${2:?node 0, 1 or 2}" ;;
  *) el_die "usage: rabbitmq.sh start|stop|ctl ARGS|fresh-vhost|redrive VHOST QUEUE [error|skipped]|stop-node N|kill-node N|start-node N" ;;
esac
