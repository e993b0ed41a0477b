#!/usr/bin/env bash
# Runs every benchmark in benchmarks/ and prints its figures beside the budget (see docs/benchmarks.md).
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
source scripts/postgres.sh
if [ -z "${WORKDIARY_TEST_POSTGRES_URL:-}" ] && start_postgres; then
  trap stop_postgres EXIT
fi
status=0
for bench in benchmarks/bench_*.py; do
  echo "== $bench"
  "$VENV/bin/python" "$bench" || status=1
done
exit $status
