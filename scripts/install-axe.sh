#!/usr/bin/env bash
# Installs axe-core (the accessibility rules engine) from the npm registry into .node/, where the
# web accessibility tests (tests/server/web/a11y.py) inject it into Chromium. Idempotent: an
# installed copy of the pinned version is kept. Needs node and npm (scripts/install-system-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
AXE_VERSION=${AXE_VERSION:-4.11.1}
target=.node/node_modules/axe-core
if [ -f "$target/axe.min.js" ] && grep -q "\"version\": \"$AXE_VERSION\"" "$target/package.json"; then
  echo "axe-core $AXE_VERSION: present"
  exit 0
fi
mkdir -p .node
npm install --prefix .node --no-save --no-audit --no-fund --loglevel=error "axe-core@$AXE_VERSION"
echo "axe-core $AXE_VERSION: installed in .node/"
