#!/usr/bin/env bash
# Runs every test against real PostgreSQL and RabbitMQ: starts (or reuses) them, builds once, runs
# `dotnet test` over the solution, stops what it started, and exits with the tests' status.
# Extra arguments go to the first `dotnet test` (e.g. infra/test.sh --filter "FullyQualifiedName~EventStore").
set -euo pipefail
source "$(dirname "$0")/env.sh"

el_servers_for_this_run

# The API description's linter (tools/openapi/package.json, pinned by its lock file); the gateway tests run it.
el_need_node
el_log "installing the OpenAPI linter"
npm ci --prefix "$EL_ROOT/tools/openapi" --no-audit --no-fund --loglevel=error

# The browser the page tests drive (Debian's chromium; Playwright is pointed at it and downloads none).
command -v chromium >/dev/null 2>&1 || el_apt_install chromium

el_log "building"
dotnet build "$EL_ROOT/ExecutionLayer.sln" -nologo -v quiet -clp:ErrorsOnly

mkdir -p "$EL_DATA_DIR"
log="$EL_DATA_DIR/test-output.log"
el_log "running tests"
set +e
# The fault tests (Category=Faults) crash and restart servers of their own and kill processes: they run
# after the rest, alone, so they neither compete for the two cores with the other assemblies nor slow
# them. A run given its own arguments (a filter) is the developer's choice and runs only the first pass.
dotnet test "$EL_ROOT/ExecutionLayer.sln" --no-build -nologo --filter "Category!=Faults" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if [ $# -eq 0 ]; then
  el_log "running the fault tests"
  dotnet test "$EL_ROOT/tests/ExecutionLayer.Faults.Tests" --no-build -nologo 2>&1 | tee -a "$log"
  faults=${PIPESTATUS[0]}
  [ "$status" -ne 0 ] || status=$faults
fi
set -e

# One plain summary line over every test assembly ("Failed: F, Passed: P, Skipped: S" per assembly).
awk '/(Passed|Failed)!  - Failed:/ {
  for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
} END { printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s; if (p + f == 0) exit 1 }' "$log" || { el_log "no test ran"; exit 1; }
exit "$status"
