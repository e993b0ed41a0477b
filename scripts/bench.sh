#!/usr/bin/env bash
# `make bench`: runs every benchmark in benchmarks/ through the shared harness, then regenerates
# docs/benchmarks.md and the growth plots from this run's JSON lines (benchmarks/results/<run>.jsonl).
#   BENCH_ARGS=--quick make bench      short settings (checks that everything runs)
#   BENCH_ONLY="capture server" ...    a subset (names without bench_)
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
source scripts/postgres.sh
# The benchmarks' own PostgreSQL is durable (fsync on, as in production); the tests' is not.
if [ -z "${WORKDIARY_BENCH_POSTGRES_URL:-}" ] && PG_FSYNC=on start_postgres; then
  trap stop_postgres EXIT
  export WORKDIARY_BENCH_POSTGRES_URL=$WORKDIARY_TEST_POSTGRES_URL
fi
export WORKDIARY_BENCH_RUN=${WORKDIARY_BENCH_RUN:-$(date -u +%Y%m%dT%H%M%SZ)}
read -r -a args <<<"${BENCH_ARGS:-}"
status=0
for bench in benchmarks/bench_*.py; do
  name=$(basename "$bench" .py); name=${name#bench_}
  [ "$name" = fleet ] && continue  # minutes of several processes: run by hand (benchmarks/fleet.md)
  if [ -n "${BENCH_ONLY:-}" ] && [[ " $BENCH_ONLY " != *" $name "* ]]; then continue; fi
  echo "== $bench (load $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo ?))"
  "$VENV/bin/python" "$bench" "${args[@]}" || { echo "!! $bench failed"; status=1; }
done
"$VENV/bin/python" benchmarks/report.py "benchmarks/results/$WORKDIARY_BENCH_RUN.jsonl" || status=1
exit $status
