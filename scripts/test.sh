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

"$VENV/bin/pytest" "$@"
