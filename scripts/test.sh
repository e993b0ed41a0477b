#!/usr/bin/env bash
# The whole test suite. Starts the services the tests need (a throwaway PostgreSQL; pytest-xvfb
# starts Xvfb itself), runs pytest with any extra arguments, and stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}

source scripts/postgres.sh
if [ -z "${WORKDIARY_TEST_POSTGRES_URL:-}" ] && start_postgres; then
  trap stop_postgres EXIT
fi

# Qt under Xvfb may try to start a D-Bus session of its own; tests that need D-Bus start one.
export DBUS_SESSION_BUS_ADDRESS=${DBUS_SESSION_BUS_ADDRESS:-disabled:}
# Chromium and other tools write under HOME/.config; keep the user's own untouched.
export XDG_CONFIG_HOME=${XDG_CONFIG_HOME:-$(mktemp -d /tmp/workdiary-xdg.XXXXXX)}

"$VENV/bin/pytest" "$@"
