#!/usr/bin/env bash
# The whole test suite. Starts the services the tests need (a throwaway PostgreSQL; pytest-xvfb
# starts Xvfb itself), runs pytest with any extra arguments, and stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
source scripts/postgres.sh

# Chromium and other tools write under XDG_CONFIG_HOME (default ~/.config), and keyring reads its
# choice of backend there: the tests get a folder of their own, removed at the end.
XDG_CONFIG_HOME=$(mktemp -d -t workdiary-xdg.XXXXXX)
export XDG_CONFIG_HOME
cleanup() {
  stop_postgres
  rm -rf "$XDG_CONFIG_HOME"
}
trap cleanup EXIT

if [ -z "${WORKDIARY_TEST_POSTGRES_URL:-}" ]; then
  start_postgres || true
fi

# Qt under Xvfb may try to start a D-Bus session of its own; tests that need D-Bus start one.
export DBUS_SESSION_BUS_ADDRESS=${DBUS_SESSION_BUS_ADDRESS:-disabled:}

if [ "$#" -gt 0 ]; then
  "$VENV/bin/pytest" "$@"
  exit $?
fi

# The whole suite: two groups at once. Most tests wait on real time (tracking for minutes,
# compositors, browsers, subprocesses) rather than use a core, so the two groups together take
# about as long as the longer one alone. Each has its own temporary folder; the desktop group
# prints as it goes, the server group's output follows it; either failing fails the run.
LOGS=$(mktemp -d -t workdiary-test-logs.XXXXXX)
DESKTOP=$(ls -d tests/*/ tests/*.py | grep -v -e '^tests/server/$' -e '^tests/conftest.py$')
"$VENV/bin/pytest" tests/server --basetemp="$LOGS/tmp-server" >"$LOGS/server.log" 2>&1 &
server=$!
status=0
# shellcheck disable=SC2086  # one argument per path
"$VENV/bin/pytest" $DESKTOP --basetemp="$LOGS/tmp-desktop" || status=1
wait "$server" || status=1
echo "===== the server group (tests/server), run beside the one above"
cat "$LOGS/server.log"
rm -rf "$LOGS"
exit "$status"
