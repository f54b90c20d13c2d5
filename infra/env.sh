# Sourced by every infra script: one place for paths, ports and development credentials.
# shellcheck shell=bash

EL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export EL_ROOT

# As root, the servers run as the 'postgres' and 'rabbitmq' users, who cannot reach a checkout under
# /root; then the data lives under /var/tmp, keyed by the checkout path so clones do not collide.
el_default_data_dir() {
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$EL_ROOT" 2>/dev/null; then
    echo "/var/tmp/executionlayer-$(printf '%s' "$EL_ROOT" | sha256sum | cut -c1-12)"
  else
    echo "$EL_ROOT/.data"
  fi
}

# What this file derives it exports with a note of what from: EL_DERIVED_FROM="checkout|data dir|base
# port". A shell that sourced another checkout's env.sh, or this one before EL_DATA_DIR or EL_BASE_PORT
# changed, gets those values derived again instead of silently sharing the other copy's ports and
# files; values a caller chose itself are kept (the fault tests' private servers set EL_DERIVED_FROM
# empty for that).
if [ -n "${EL_DERIVED_FROM:-}" ]; then
  IFS='|' read -r el_from_root el_from_data el_from_base <<< "$EL_DERIVED_FROM"
  if [ "$el_from_root" != "$EL_ROOT" ] && [ "${EL_DATA_DIR:-}" = "$el_from_data" ]; then unset EL_DATA_DIR; fi
  if [ "${EL_DATA_DIR:-$(el_default_data_dir)}" != "$el_from_data" ]; then
    unset Audit__Signing__PrivateKeyFile Gateway__ApiKeyFile EL_DEV_CREDENTIALS
  fi
  if [ "${EL_BASE_PORT:-8080}" != "$el_from_base" ]; then
    unset EL_PG_PORT EL_PG_STANDBY_PORT EL_RABBITMQ_PORT EL_RABBITMQ_DIST_PORT EL_EPMD_PORT EL_RABBITMQ_MGMT_PORT EL_RABBITMQ_NODE EL_RABBITMQ_NODE_PORTS
  fi
  unset el_from_root el_from_data el_from_base EL_DERIVED_FROM EL_GATEWAY_PORT
fi

export EL_DATA_DIR="${EL_DATA_DIR:-$(el_default_data_dir)}"

# Every port comes from one setting. The gateway listens on EL_BASE_PORT and the services on the offsets
# infra/processes.conf gives them; PostgreSQL and RabbitMQ move from 55432 and 55672 by as much as the
# base moves from 8080. A second copy on the same machine sets a base at least 10 away, nothing else.
export EL_BASE_PORT="${EL_BASE_PORT:-8080}"
if ! [[ "$EL_BASE_PORT" =~ ^[0-9]+$ ]] || [ "$EL_BASE_PORT" -lt 1024 ] || [ "$EL_BASE_PORT" -gt 17940 ]; then
  printf '[infra] error: EL_BASE_PORT=%s is not a port from 1024 to 17940 (the servers sit 47352 above it)\n' "$EL_BASE_PORT" >&2
  return 1 2>/dev/null || exit 1
fi
el_port_shift=$((EL_BASE_PORT - 8080))
export EL_PG_PORT="${EL_PG_PORT:-$((55432 + el_port_shift))}"
export EL_RABBITMQ_PORT="${EL_RABBITMQ_PORT:-$((55672 + el_port_shift))}"
export EL_RABBITMQ_DIST_PORT="${EL_RABBITMQ_DIST_PORT:-$((EL_RABBITMQ_PORT + 1))}"
export EL_EPMD_PORT="${EL_EPMD_PORT:-$((EL_RABBITMQ_PORT + 2))}"
export EL_RABBITMQ_MGMT_PORT="${EL_RABBITMQ_MGMT_PORT:-$((EL_RABBITMQ_PORT + 3))}"
export EL_RABBITMQ_NODE="${EL_RABBITMQ_NODE:-el-$EL_RABBITMQ_PORT@localhost}"
# EL_CLUSTER=1 (infra/run.sh --cluster, infra/load.sh --cluster): RabbitMQ is three clustered nodes and PostgreSQL a
# primary with a synchronous standby (docs/operations.md). The other two nodes' AMQP ports sit after the first node's
# four ports (each node: AMQP, distribution +1, management +2), the standby one port above the primary: all within the
# ten ports above the servers' base, so a second copy ten ports away still does not collide.
export EL_CLUSTER="${EL_CLUSTER:-0}"
export EL_RABBITMQ_NODE_PORTS="${EL_RABBITMQ_NODE_PORTS:-$EL_RABBITMQ_PORT $((EL_RABBITMQ_PORT + 4)) $((EL_RABBITMQ_PORT + 7))}"
export EL_PG_STANDBY_PORT="${EL_PG_STANDBY_PORT:-$((EL_PG_PORT + 1))}"

# Where each process listens, for every process that needs to know (ServiceAddresses in .NET reads
# Services__{name}): the gateway's clusters, the audit service's point-in-time calls, decision links.
el_process() { # name -> "project offset", its line of infra/processes.conf (fails for a name it does not list)
  local name project offset
  while read -r name project offset; do
    [ "$name" = "$1" ] && { echo "$project $offset"; return 0; }
  done < "$EL_ROOT/infra/processes.conf"
  return 1
}
el_port_of() { local line; line="$(el_process "$1")" || return 1; echo $((EL_BASE_PORT + ${line#* })); }
while read -r el_name _ el_offset; do
  case "$el_name" in ''|'#'*) continue ;; esac
  export "Services__$el_name=http://127.0.0.1:$((EL_BASE_PORT + el_offset))/"
done < "$EL_ROOT/infra/processes.conf"
unset el_name el_offset
# The gateway's port is derived like the rest; one set by hand (as before EL_BASE_PORT) would leave the
# printed address and every decision link pointing elsewhere, so a different one stops here.
if [ -n "${EL_GATEWAY_PORT:-}" ] && [ -z "${EL_DERIVED_FROM+set}" ] && [ "$EL_GATEWAY_PORT" != "$(el_port_of gateway)" ]; then
  printf '[infra] error: EL_GATEWAY_PORT is derived from EL_BASE_PORT now; set EL_BASE_PORT=%s instead\n' "$EL_GATEWAY_PORT" >&2
  return 1 2>/dev/null || exit 1
fi
EL_GATEWAY_PORT="$(el_port_of gateway)"
export EL_GATEWAY_PORT

# Development credentials: loopback only, printed by run.sh.
export EL_PG_USER="${EL_PG_USER:-executionlayer}"
export EL_PG_PASSWORD="${EL_PG_PASSWORD:-executionlayer-dev}"
export EL_PG_DATABASE="${EL_PG_DATABASE:-executionlayer}"
export EL_PG_ADMIN_PASSWORD="${EL_PG_ADMIN_PASSWORD:-postgres-dev}"
# The audit service appends as a role of its own that may only INSERT and SELECT the ledger.
export EL_PG_AUDIT_USER="${EL_PG_AUDIT_USER:-el_audit}"
export EL_PG_AUDIT_PASSWORD="${EL_PG_AUDIT_PASSWORD:-el-audit-dev}"
export EL_RABBITMQ_USER="${EL_RABBITMQ_USER:-executionlayer}"
export EL_RABBITMQ_PASSWORD="${EL_RABBITMQ_PASSWORD:-executionlayer-dev}"
export EL_RABBITMQ_VHOST="${EL_RABBITMQ_VHOST:-executionlayer}"

# A cluster keeps its servers' data apart from the single servers' (cluster/): a node that was a cluster member waits
# for its peers when started alone, and a primary made synchronous waits for its standby.
el_servers_dir="$EL_DATA_DIR"
[ "$EL_CLUSTER" = 1 ] && el_servers_dir="$EL_DATA_DIR/cluster"
export EL_PG_DIR="$el_servers_dir/postgres"
export EL_PG_SOCKET_DIR="$EL_PG_DIR/socket"
export EL_RABBITMQ_DIR="$el_servers_dir/rabbitmq"
unset el_servers_dir
export EL_RUN_DIR="$EL_DATA_DIR/run"
# The development clocks' offsets (Development:ClockFile), kept with the database whose events they dated:
# a restarted service resumes at the others' time, and a fresh database starts at wall time.
export EL_CLOCK_DIR="$EL_RUN_DIR/clocks/$EL_PG_DATABASE"

# What .NET reads (double underscore = configuration section separator). In a cluster the services name both servers
# and take whichever is the primary now: after a failover they reconnect to the promoted standby without a restart.
if [ "$EL_CLUSTER" = 1 ]; then
  el_pg_hosts="Host=127.0.0.1:$EL_PG_PORT,127.0.0.1:$EL_PG_STANDBY_PORT;Target Session Attributes=primary;Host Recheck Seconds=2"
else
  el_pg_hosts="Host=127.0.0.1;Port=$EL_PG_PORT"
fi
export ConnectionStrings__Postgres="$el_pg_hosts;Database=$EL_PG_DATABASE;Username=$EL_PG_USER;Password=$EL_PG_PASSWORD"
export ConnectionStrings__AuditLedger="$el_pg_hosts;Database=$EL_PG_DATABASE;Username=$EL_PG_AUDIT_USER;Password=$EL_PG_AUDIT_PASSWORD"
# A development checkpoint signing key, generated on first start; production passes Audit__Signing__PrivateKeyPem.
export Audit__Signing__PrivateKeyFile="${Audit__Signing__PrivateKeyFile:-$EL_DATA_DIR/audit-signing-key.pem}"
# The secret the gateway signs callers' identities with and every service checks; production sets its own.
export Gateway__SigningKey="${Gateway__SigningKey:-el-dev-gateway-signing-key-not-for-production}"
# Development API keys (infra/run.sh makes them once): the gateway reads the hashes, the developer the keys.
export Gateway__ApiKeyFile="${Gateway__ApiKeyFile:-$EL_DATA_DIR/gateway-keys.json}"
export EL_DEV_CREDENTIALS="${EL_DEV_CREDENTIALS:-$EL_DATA_DIR/dev-credentials.txt}"
# The note that lets the next sourcing tell derived values from chosen ones (see the top of this file).
export EL_DERIVED_FROM="${EL_DERIVED_FROM-$EL_ROOT|$EL_DATA_DIR|$EL_BASE_PORT}"
# People's development tokens: infra/run.sh has the gateway accept HS256 tokens with this secret, and the
# demo signs its people's tokens with it. Production configures its identity provider's keys instead.
export EL_DEV_JWT_SECRET="${EL_DEV_JWT_SECRET:-el-dev-people-token-secret-not-for-production}"
export EL_DEV_JWT_ISSUER="${EL_DEV_JWT_ISSUER:-executionlayer-dev}"
export EL_DEV_JWT_AUDIENCE="${EL_DEV_JWT_AUDIENCE:-executionlayer}"
export ConnectionStrings__PostgresAdmin="$el_pg_hosts;Database=postgres;Username=postgres;Password=$EL_PG_ADMIN_PASSWORD"
unset el_pg_hosts
export RabbitMq__Host=127.0.0.1
export RabbitMq__Port="$EL_RABBITMQ_PORT"
export RabbitMq__VirtualHost="$EL_RABBITMQ_VHOST"
export RabbitMq__Username="$EL_RABBITMQ_USER"
export RabbitMq__Password="$EL_RABBITMQ_PASSWORD"
export RabbitMq__ManagementPort="$EL_RABBITMQ_MGMT_PORT"
# In a cluster every service knows every node (MassTransit's cluster host list) and connects to one that answers.
if [ "$EL_CLUSTER" = 1 ]; then
  el_i=0
  for el_port in $EL_RABBITMQ_NODE_PORTS; do export "RabbitMq__Nodes__$el_i=127.0.0.1:$el_port"; el_i=$((el_i + 1)); done
  unset el_i el_port
else # a shell that sourced this in cluster mode before must not keep sending the services to three nodes
  unset RabbitMq__Nodes__0 RabbitMq__Nodes__1 RabbitMq__Nodes__2
fi

el_log() { printf '[infra] %s\n' "$*" >&2; }
el_die() { printf '[infra] error: %s\n' "$*" >&2; exit 1; }

# Runs a command as the given service user when we are root, else as ourselves.
el_as() {
  local user="$1"; shift
  # From /: the service user may not be allowed into the caller's directory (a checkout under /root).
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u "$user" -- "$@"); else "$@"; fi
}

el_apt_install() {
  [ "$(id -u)" = 0 ] || el_die "package '$*' is missing; install it (as root: apt-get install $*)"
  el_log "installing $* (apt)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || el_die "apt-get install $* failed"
  fi
}

# Node.js and npm: the gateway's build makes the console with them (gateway/console), the tests lint the API
# description with them. On the machine image; Debian's packages when they are not.
el_need_node() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || el_apt_install nodejs npm
}

el_prepare_dir() { # dir owner
  mkdir -p "$1"
  if [ "$(id -u)" = 0 ]; then chown "$2" "$1"; fi
}

# Starts infra/NAME.sh and says whether it started the server (0) or reused a running one (1).
# The answer goes through a file, not $(…): a server that inherits the pipe would hold it open forever.
el_start_server() {
  local answer="$EL_DATA_DIR/.$1.start"
  mkdir -p "$EL_DATA_DIR"
  "$EL_ROOT/infra/$1.sh" start > "$answer" || el_die "$1 did not start"
  [ "$(cat "$answer")" = started ]
}

# For a script's own run (tests, load): starts PostgreSQL and RabbitMQ unless already running, and on
# exit stops only the ones it started, so a developer's running servers are left alone.
el_servers_for_this_run() {
  EL_STARTED_SERVERS=()
  trap 'for s in "${EL_STARTED_SERVERS[@]}"; do "$EL_ROOT/infra/$s.sh" stop || true; done' EXIT
  el_start_server postgres && EL_STARTED_SERVERS+=(postgres)
  el_start_server rabbitmq && EL_STARTED_SERVERS+=(rabbitmq)
  return 0 # a reused server is not a failure
}
