#!/usr/bin/env bash
# Starts the whole system on loopback: PostgreSQL, RabbitMQ, every service and the gateway.
#   infra/run.sh                 run in the foreground; Ctrl-C stops everything this run started
#   infra/run.sh --detach        return once everything is healthy; infra/stop.sh stops it later
#   infra/run.sh --demo          also play the plant's day (DOMAIN.md) through the gateway, on a fresh demo
#                                database and virtual host, ending with the audit answer and its verification
#   infra/run.sh --cluster       on a three-node RabbitMQ cluster and a PostgreSQL primary with a synchronous standby
#                                (docs/operations.md); the services connect to every node and to whichever server is primary
#   infra/run.sh --configuration Debug --no-build
#                                run what is already built (the tests do), instead of building Release
# And on a running system (the one this checkout's EL_BASE_PORT and data directory name):
#   infra/run.sh status          each process: pid, port, running and ready or not (exit 3 if any is not)
#   infra/run.sh restart NAME    stop one process (a service or the gateway) and start it again as the run did,
#                                its development clock where it was; the pid file follows
#   infra/run.sh logs NAME [-f]  the last lines of its log (-f: and follow it)
#   eval "$(infra/run.sh env)"   GATEWAY, the development keys (ADMIN_KEY, ERP_KEY, BRIDGE_KEY, AUDITOR_KEY, PLANNER_KEY) and
#                                EL_CONFIGURATION (the build it runs) in your shell, as the README's examples use them
# Every port derives from EL_BASE_PORT (default 8080; see infra/env.sh).
set -euo pipefail

usage() { echo "usage: infra/run.sh [--detach] [--demo] [--cluster] [--configuration Debug|Release] [--no-build] | status | restart NAME | logs NAME [-f] | env" >&2; exit 2; }

command=run
detach=false
demo=false
build=true
configuration=Release
case "${1:-}" in
  status) command=status; shift ;;
  env) command=env; shift ;;
  restart) command=restart; target="${2:-}"; [ -n "$target" ] || usage; shift 2 ;;
  logs) command=logs; target="${2:-}"; [ -n "$target" ] || usage; follow="${3:-}"; shift $(( $# < 3 ? $# : 3 )) ;;
esac
while [ $# -gt 0 ]; do
  case "$1" in
    --detach) detach=true ;;
    --demo) demo=true ;;
    --cluster) export EL_CLUSTER=1 ;;
    --no-build) build=false ;;
    --configuration) configuration="${2:-}"; [[ "$configuration" =~ ^(Debug|Release)$ ]] || usage; shift ;;
    *) echo "unknown option $1" >&2; usage ;;
  esac
  shift
done

# What a run decided that a later restart must repeat (the demo's database, the build it ran) is kept
# beside its pid file in run.env, read before env.sh derives the connection strings from it again.
if [ "$command" = run ]; then
  # The demo's day must start from nothing, so it gets a database and vhost of its own, leaving the
  # developer's data alone.
  if $demo; then
    export EL_PG_DATABASE="${EL_DEMO_PG_DATABASE:-executionlayer_demo}"
    export EL_RABBITMQ_VHOST="${EL_DEMO_RABBITMQ_VHOST:-executionlayer-demo}"
  fi
  source "$(dirname "$0")/env.sh"
else
  source "$(dirname "$0")/env.sh"
  [ -f "$EL_RUN_DIR/processes.pid" ] || el_die "nothing is running from $EL_ROOT on base port $EL_BASE_PORT (no $EL_RUN_DIR/processes.pid); start it with infra/run.sh"
  # shellcheck source=/dev/null
  source "$EL_RUN_DIR/run.env"
  source "$EL_ROOT/infra/env.sh"
fi

# What only a development run configures: people's HS256 tokens at the gateway, and service clocks an
# admin may move forward (/api/dev/{service}/clock) that keep their offset across a restart.
export Gateway__Jwt__Issuer="$EL_DEV_JWT_ISSUER" Gateway__Jwt__Audience="$EL_DEV_JWT_AUDIENCE" Gateway__Jwt__HmacSecrets__0="$EL_DEV_JWT_SECRET"

project_of() { # name -> project, from infra/processes.conf
  local line
  line="$(el_process "$1")" && { echo "${line%% *}"; return 0; }
  el_die "no process is named '$1' (infra/processes.conf has: $(grep -v '^#' "$EL_ROOT/infra/processes.conf" | cut -d' ' -f1 | xargs))"
}

start_process() { # name
  local name="$1" project port dll shiftable=true
  project="$(project_of "$name")"
  port="$(el_port_of "$name")"
  dll="$EL_ROOT/$project/bin/$EL_RUN_CONFIGURATION/net10.0/$(basename "$project").dll"
  [ -f "$dll" ] || el_die "$dll was not built"
  [ "$name" = gateway ] && shiftable=false
  # setsid: a detached run must outlive this shell; the pid file, not the name, is how stop.sh finds it.
  # The content root is the build output, where appsettings*.json are, whatever directory we run from.
  # The log is appended to: a restart keeps what the process it replaces said last.
  printf '\n==== %s started %s ====\n' "$name" "$(date -u +%FT%TZ)" >>"$EL_RUN_DIR/$name.log"
  Development__ShiftableClock="$shiftable" \
    Development__ClockFile="$EL_CLOCK_DIR/$name.offset" \
    setsid dotnet "$dll" --urls "http://127.0.0.1:$port" --contentRoot "$(dirname "$dll")" >>"$EL_RUN_DIR/$name.log" 2>&1 </dev/null &
  record_pid "$name" "$! $name $port"
}

# The pid file has one line per process; a restart replaces its line in place (rename over: a reader
# never sees it half-written).
record_pid() { # name line
  local file="$EL_RUN_DIR/processes.pid"
  awk -v n="$1" -v line="$2" '$2 == n { print line; found = 1; next } { print } END { if (!found) print line }' "$file" > "$file.next"
  mv "$file.next" "$file"
}

pid_of() { awk -v n="$1" '$2 == n { print $1 }' "$EL_RUN_DIR/processes.pid"; }

wait_healthy() { # name port pid
  local name="$1" port="$2" pid="$3"
  for _ in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || { tail -20 "$EL_RUN_DIR/$name.log" >&2; el_die "$name exited during start-up (log: $EL_RUN_DIR/$name.log)"; }
    curl -fsS -o /dev/null "http://127.0.0.1:$port/health/ready" 2>/dev/null && return 0
    sleep 0.5
  done
  el_die "$name is not healthy on port $port after 60 s (log: $EL_RUN_DIR/$name.log)"
}

stop_pid() { # pid name: TERM, then KILL after 10 s
  local pid="$1" name="$2"
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
  kill -KILL "$pid" 2>/dev/null && el_log "$name did not stop in 10 s; killed" || true
}

case "$command" in
  env)
    key_of() { awk -v id="$1" '$1 == id { print $2 }' "$EL_DEV_CREDENTIALS"; }
    printf 'export GATEWAY=%q EL_CONFIGURATION=%q\n' "http://127.0.0.1:$EL_GATEWAY_PORT" "$EL_RUN_CONFIGURATION"
    printf 'export ADMIN_KEY=%q ERP_KEY=%q BRIDGE_KEY=%q AUDITOR_KEY=%q PLANNER_KEY=%q\n' \
      "$(key_of dev-admin)" "$(key_of dev-erp)" "$(key_of dev-bridge)" "$(key_of dev-auditor)" "$(key_of dev-planner)"
    exit 0 ;;
  status)
    down=0
    printf '%-12s %-8s %-6s %s\n' NAME PID PORT STATE
    while read -r pid name port; do
      [ -n "$pid" ] || continue
      if ! kill -0 "$pid" 2>/dev/null; then state="not running"; down=1
      elif curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$port/health/ready" 2>/dev/null; then state="ready"
      else state="running, not ready"; down=1; fi
      printf '%-12s %-8s %-6s %s\n' "$name" "$pid" "$port" "$state"
    done < "$EL_RUN_DIR/processes.pid"
    exit $((down * 3)) ;;
  logs)
    [ -f "$EL_RUN_DIR/$target.log" ] || { project_of "$target" >/dev/null; el_die "no log for $target yet ($EL_RUN_DIR/$target.log)"; }
    case "$follow" in
      -f|--follow) exec tail -n 100 -F "$EL_RUN_DIR/$target.log" ;;
      '') exec tail -n 100 "$EL_RUN_DIR/$target.log" ;;
      *) usage ;;
    esac ;;
  restart)
    project_of "$target" >/dev/null
    # The foreground run watches for a process that died; this marker tells it the death is a restart.
    touch "$EL_RUN_DIR/$target.restarting"
    trap 'rm -f "$EL_RUN_DIR/$target.restarting"' EXIT
    old="$(pid_of "$target")"
    if [ -n "$old" ]; then el_log "stopping $target (pid $old)"; stop_pid "$old" "$target"; fi
    el_log "starting $target on 127.0.0.1:$(el_port_of "$target")"
    start_process "$target"
    wait_healthy "$target" "$(el_port_of "$target")" "$(pid_of "$target")"
    el_log "$target is ready (pid $(pid_of "$target"))"
    exit 0 ;;
esac

if [ -f "$EL_RUN_DIR/processes.pid" ]; then
  el_log "a previous run is still recorded; stopping it first"
  "$EL_ROOT/infra/stop.sh"
fi
mkdir -p "$EL_RUN_DIR" "$EL_CLOCK_DIR"
: > "$EL_RUN_DIR/processes.pid"
: > "$EL_RUN_DIR/infra.started"
export EL_RUN_CONFIGURATION="$configuration"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
printf 'export EL_PG_DATABASE=%q EL_RABBITMQ_VHOST=%q EL_RUN_CONFIGURATION=%q ASPNETCORE_ENVIRONMENT=%q EL_CLUSTER=%q\n' \
  "$EL_PG_DATABASE" "$EL_RABBITMQ_VHOST" "$configuration" "$ASPNETCORE_ENVIRONMENT" "$EL_CLUSTER" > "$EL_RUN_DIR/run.env"

el_start_server postgres && echo postgres >> "$EL_RUN_DIR/infra.started"
el_start_server rabbitmq && echo rabbitmq >> "$EL_RUN_DIR/infra.started"
$detach || trap '"$EL_ROOT/infra/stop.sh"; exit 130' INT TERM
if $demo; then
  "$EL_ROOT/infra/postgres.sh" fresh-database
  "$EL_ROOT/infra/rabbitmq.sh" fresh-vhost
fi
"$EL_ROOT/infra/postgres.sh" check-store

if $build; then
  el_need_node
  el_log "building ($configuration)"
  dotnet build "$EL_ROOT/ExecutionLayer.sln" -c "$configuration" -nologo -v quiet >"$EL_RUN_DIR/build.log" 2>&1 \
    || { tail -30 "$EL_RUN_DIR/build.log" >&2; el_die "build failed (log: $EL_RUN_DIR/build.log)"; }
fi

# Development API keys, made once per data directory: the file the gateway reads holds only salted
# hashes; the keys themselves are kept beside it for the developer (and printed below). A key added to
# this list since the data directory was made is made on the next start; the others are kept.
dev_keys() {
  local gateway="$EL_ROOT/gateway/ExecutionLayer.Gateway/bin/$configuration/net10.0/ExecutionLayer.Gateway.dll"
  [ -f "$Gateway__ApiKeyFile" ] && [ -f "$EL_DEV_CREDENTIALS" ] || rm -f "$Gateway__ApiKeyFile" "$EL_DEV_CREDENTIALS"
  ( umask 077
    while read -r id scopes; do
      awk -v id="$id" '$1 == id { found = 1 } END { exit !found }' "$EL_DEV_CREDENTIALS" 2>/dev/null && continue
      printf '%-12s %s\n' "$id" "$(dotnet "$gateway" new-api-key --id "$id" --scopes "$scopes" --sites '*' --file "$Gateway__ApiKeyFile")" >> "$EL_DEV_CREDENTIALS"
    done <<KEYS
dev-admin admin
dev-erp events:write,exceptions:read,approvals:write,actions:read,act-on-behalf
dev-bridge approvals:decide,approvals:write,act-on-behalf
dev-auditor audit:read
dev-planner recommendations:write
KEYS
  ) || el_die "could not create the development API keys"
}
dev_keys

while read -r name _ _; do
  case "$name" in ''|'#'*) continue ;; esac
  el_log "starting $name on 127.0.0.1:$(el_port_of "$name")"
  start_process "$name"
done < "$EL_ROOT/infra/processes.conf"

while read -r pid name port; do wait_healthy "$name" "$port" "$pid"; done < "$EL_RUN_DIR/processes.pid"

cat <<INFO

ExecutionLayer is running (base port $EL_BASE_PORT).
  Gateway       http://127.0.0.1:$EL_GATEWAY_PORT   (health: /health/ready)
$(while read -r _ name port; do [ "$name" = gateway ] || printf '  %-13s http://127.0.0.1:%s\n' "$name" "$port"; done < "$EL_RUN_DIR/processes.pid")
  PostgreSQL    127.0.0.1:$EL_PG_PORT  user $EL_PG_USER / $EL_PG_PASSWORD  database $EL_PG_DATABASE
  RabbitMQ      amqp://$EL_RABBITMQ_USER:$EL_RABBITMQ_PASSWORD@127.0.0.1:$EL_RABBITMQ_PORT/$EL_RABBITMQ_VHOST
                management http://127.0.0.1:$EL_RABBITMQ_MGMT_PORT
$([ "$EL_CLUSTER" = 1 ] && printf '  Cluster       RabbitMQ nodes on %s; PostgreSQL standby (synchronous) on 127.0.0.1:%s\n                failovers: infra/rabbitmq.sh stop-node|kill-node|start-node N, infra/postgres.sh crash then promote\n' \
  "$(for p in $EL_RABBITMQ_NODE_PORTS; do printf '127.0.0.1:%s ' "$p"; done)" "$EL_PG_STANDBY_PORT")
  Logs          $EL_RUN_DIR/*.log   (infra/run.sh logs NAME)
  Operate       infra/run.sh status | restart NAME | logs NAME [-f]

Development API keys (send as X-Api-Key; kept in $EL_DEV_CREDENTIALS):
$(sed 's/^/  /' "$EL_DEV_CREDENTIALS")
  API description  http://127.0.0.1:$EL_GATEWAY_PORT/docs
INFO

# The console, signed in as the plant manager with a development token (in the address's fragment, which the
# browser never sends; the console takes it out of the address at once). Valid 8 hours; el-demo token makes others.
console_token="$(dotnet "$EL_ROOT/tools/ExecutionLayer.Demo/bin/$configuration/net10.0/el-demo.dll" token --person pat.plant \
  --sites "$($demo && echo OH-DAYTON || echo '*')" 2>/dev/null)" || console_token=""
cat <<CONSOLE
Console (leaders, owners, auditors):
  http://127.0.0.1:$EL_GATEWAY_PORT/console/${console_token:+#token=$console_token}
  ${console_token:+signed in as pat.plant (plant manager) for 8 h; another person: }dotnet tools/ExecutionLayer.Demo/bin/$configuration/net10.0/el-demo.dll token --person NAME [--sites SITE,…] [--scopes "…"]
CONSOLE

if $demo; then
  el_log "playing the plant's day through the gateway"
  if ! dotnet "$EL_ROOT/tools/ExecutionLayer.Demo/bin/$configuration/net10.0/el-demo.dll" \
      --gateway "http://127.0.0.1:$EL_GATEWAY_PORT" --credentials "$EL_DEV_CREDENTIALS"; then
    el_log "the demo did not complete; the services' logs are in $EL_RUN_DIR"
    $detach || "$EL_ROOT/infra/stop.sh"
    exit 1
  fi
fi

if $detach; then
  echo "  Stop with     infra/stop.sh"
  exit 0
fi
echo "  Stop with     Ctrl-C"
# Stay in the foreground until a process dies or Ctrl-C; then stop everything this run started. A process
# being restarted (infra/run.sh restart) is not a death: its marker is there until its new pid is recorded.
while true; do
  while read -r pid name _; do
    [ -n "$pid" ] || continue
    kill -0 "$pid" 2>/dev/null && continue
    [ -f "$EL_RUN_DIR/$name.restarting" ] && continue
    [ "$(pid_of "$name")" = "$pid" ] || continue
    el_log "$name exited (log: $EL_RUN_DIR/$name.log)"; "$EL_ROOT/infra/stop.sh"; exit 1
  done < "$EL_RUN_DIR/processes.pid"
  sleep 2
done
