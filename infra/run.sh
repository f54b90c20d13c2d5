#!/usr/bin/env bash
# Starts the whole system on loopback: PostgreSQL, RabbitMQ, every service and the gateway.
#   infra/run.sh            run in the foreground; Ctrl-C stops everything this run started
#   infra/run.sh --detach   return once everything is healthy; infra/stop.sh stops it later
#   infra/run.sh --demo     also play the plant's day (DOMAIN.md) through the gateway, on a fresh demo
#                           database and virtual host, ending with the audit answer and its verification
set -euo pipefail

detach=false
demo=false
for arg in "$@"; do
  case "$arg" in
    --detach) detach=true ;;
    --demo) demo=true ;;
    *) echo "unknown option $arg (usage: infra/run.sh [--detach] [--demo])" >&2; exit 2 ;;
  esac
done
# The demo's day must start from nothing, so it gets a database and vhost of its own, leaving the
# developer's data alone.
if $demo; then
  export EL_PG_DATABASE="${EL_DEMO_PG_DATABASE:-executionlayer_demo}"
  export EL_RABBITMQ_VHOST="${EL_DEMO_RABBITMQ_VHOST:-executionlayer-demo}"
fi
source "$(dirname "$0")/env.sh"

if [ -f "$EL_RUN_DIR/processes.pid" ]; then
  el_log "a previous run is still recorded; stopping it first"
  "$EL_ROOT/infra/stop.sh"
fi
mkdir -p "$EL_RUN_DIR"
: > "$EL_RUN_DIR/processes.pid"
: > "$EL_RUN_DIR/infra.started"

el_start_server postgres && echo postgres >> "$EL_RUN_DIR/infra.started"
el_start_server rabbitmq && echo rabbitmq >> "$EL_RUN_DIR/infra.started"
$detach || trap '"$EL_ROOT/infra/stop.sh"; exit 130' INT TERM
if $demo; then
  "$EL_ROOT/infra/postgres.sh" fresh-database
  "$EL_ROOT/infra/rabbitmq.sh" fresh-vhost
fi
"$EL_ROOT/infra/postgres.sh" check-store

el_log "building (Release)"
dotnet build "$EL_ROOT/ExecutionLayer.sln" -c Release -nologo -v quiet >"$EL_RUN_DIR/build.log" 2>&1 \
  || { tail -30 "$EL_RUN_DIR/build.log" >&2; el_die "build failed (log: $EL_RUN_DIR/build.log)"; }

# Development API keys, made once per data directory: the file the gateway reads holds only salted
# hashes; the keys themselves are kept beside it for the developer (and printed below).
dev_keys() {
  local gateway="$EL_ROOT/gateway/ExecutionLayer.Gateway/bin/Release/net10.0/ExecutionLayer.Gateway.dll"
  [ -f "$Gateway__ApiKeyFile" ] && [ -f "$EL_DEV_CREDENTIALS" ] && return 0
  rm -f "$Gateway__ApiKeyFile" "$EL_DEV_CREDENTIALS"
  ( umask 077
    while read -r id scopes; do
      printf '%-12s %s\n' "$id" "$(dotnet "$gateway" new-api-key --id "$id" --scopes "$scopes" --sites '*' --file "$Gateway__ApiKeyFile")"
    done <<KEYS > "$EL_DEV_CREDENTIALS"
dev-admin admin
dev-erp events:write,exceptions:read,approvals:write,actions:read,act-on-behalf
dev-bridge approvals:decide,approvals:write,act-on-behalf
dev-auditor audit:read
KEYS
  ) || el_die "could not create the development API keys"
}
dev_keys

# What only a development run configures: people's HS256 tokens at the gateway, decision links that
# point at this gateway, and service clocks an admin may move forward (/api/dev/{service}/clock).
export Gateway__Jwt__Issuer="$EL_DEV_JWT_ISSUER" Gateway__Jwt__Audience="$EL_DEV_JWT_AUDIENCE" Gateway__Jwt__HmacSecrets__0="$EL_DEV_JWT_SECRET"
export Approvals__PublicBaseUrl="http://127.0.0.1:$EL_GATEWAY_PORT/api"

start_process() { # name project port
  local name="$1" project="$2" port="$3" dll shiftable=true
  dll="$EL_ROOT/$project/bin/Release/net10.0/$(basename "$project").dll"
  [ -f "$dll" ] || el_die "$dll was not built"
  [ "$name" = gateway ] && shiftable=false
  # setsid: a detached run must outlive this shell; the pid file, not the name, is how stop.sh finds it.
  # The content root is the build output, where appsettings*.json are, whatever directory we run from.
  ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}" Development__ShiftableClock="$shiftable" \
    setsid dotnet "$dll" --urls "http://127.0.0.1:$port" --contentRoot "$(dirname "$dll")" >"$EL_RUN_DIR/$name.log" 2>&1 </dev/null &
  echo "$! $name $port" >> "$EL_RUN_DIR/processes.pid"
}

wait_healthy() { # name port pid
  local name="$1" port="$2" pid="$3"
  for _ in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || { tail -20 "$EL_RUN_DIR/$name.log" >&2; el_die "$name exited during start-up (log: $EL_RUN_DIR/$name.log)"; }
    curl -fsS -o /dev/null "http://127.0.0.1:$port/health/ready" 2>/dev/null && return 0
    sleep 0.5
  done
  el_die "$name is not healthy on port $port after 60 s (log: $EL_RUN_DIR/$name.log)"
}

while read -r name project port; do
  case "$name" in ''|'#'*) continue ;; esac
  el_log "starting $name on 127.0.0.1:$port"
  start_process "$name" "$project" "$port"
done < "$EL_ROOT/infra/processes.conf"

while read -r pid name port; do wait_healthy "$name" "$port" "$pid"; done < "$EL_RUN_DIR/processes.pid"

cat <<INFO

ExecutionLayer is running.
  Gateway       http://127.0.0.1:$EL_GATEWAY_PORT   (health: /health/ready)
$(while read -r _ name port; do [ "$name" = gateway ] || printf '  %-13s http://127.0.0.1:%s\n' "$name" "$port"; done < "$EL_RUN_DIR/processes.pid")
  PostgreSQL    127.0.0.1:$EL_PG_PORT  user $EL_PG_USER / $EL_PG_PASSWORD  database $EL_PG_DATABASE
  RabbitMQ      amqp://$EL_RABBITMQ_USER:$EL_RABBITMQ_PASSWORD@127.0.0.1:$EL_RABBITMQ_PORT/$EL_RABBITMQ_VHOST
                management http://127.0.0.1:$EL_RABBITMQ_MGMT_PORT
  Logs          $EL_RUN_DIR/*.log

Development API keys (send as X-Api-Key; kept in $EL_DEV_CREDENTIALS):
$(sed 's/^/  /' "$EL_DEV_CREDENTIALS")
  API description  http://127.0.0.1:$EL_GATEWAY_PORT/docs
INFO

if $demo; then
  el_log "playing the plant's day through the gateway"
  if ! dotnet "$EL_ROOT/tools/ExecutionLayer.Demo/bin/Release/net10.0/el-demo.dll" \
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
# Stay in the foreground until a process dies or Ctrl-C; then stop everything this run started.
while true; do
  while read -r pid name _; do
    kill -0 "$pid" 2>/dev/null || { el_log "$name exited (log: $EL_RUN_DIR/$name.log)"; "$EL_ROOT/infra/stop.sh"; exit 1; }
  done < "$EL_RUN_DIR/processes.pid"
  sleep 2
done
