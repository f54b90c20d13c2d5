#!/usr/bin/env bash
# The load run of docs/reliability.md: starts (or reuses) PostgreSQL and RabbitMQ, builds Release, and
# runs el-load, which starts the four services and the gateway as processes on a database and vhost of
# their own, plays a generated three-site plant day through the gateway, and reconciles every store.
# Arguments go to el-load (e.g. infra/load.sh --rate 60 --duration 120 --instances 2); exit 0 only if
# the reconciliation holds. --cluster runs it on a three-node RabbitMQ cluster and a PostgreSQL primary with a
# synchronous standby (as infra/run.sh --cluster), started here unless already running.
set -euo pipefail
args=()
for arg in "$@"; do
  if [ "$arg" = --cluster ]; then export EL_CLUSTER=1; else args+=("$arg"); fi
done
source "$(dirname "$0")/env.sh"

el_servers_for_this_run

el_log "building (Release)"
el_need_node
dotnet build "$EL_ROOT/tests/ExecutionLayer.Load" -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet "$EL_ROOT/tests/ExecutionLayer.Load/bin/Release/net10.0/el-load.dll" ${args[@]+"${args[@]}"}
