#!/usr/bin/env bash
# Does README's "two commands" work on a truly fresh Debian 12?
#
# Builds a minimal Debian 12 (bookworm) with debootstrap in a temporary folder, installs only what
# README names as the prerequisites (PREREQUISITES below), copies this working tree in (the files git
# knows, tracked or new; no .venv), and runs README's two commands there in a chroot, as root:
#   make demo   for about a minute (DEMO_SECONDS), then Ctrl-C (SIGINT), as a user would stop it;
#   make test
# It reports each step's result and duration, and the lines in the logs that point at a missing
# install step. Then it stops what it started in the chroot, removes its mounts and the folder.
#
# Slow (the installs and the whole suite: 30-60 min on 2 cores) and needs root; not part of CI.
# Run it before resolving an issue that changes dependencies, and record its result.
#   sudo bash scripts/fresh-machine-check.sh
# Environment: DEMO_SECONDS (60), SETUP_TIMEOUT (minutes until the demo must be up, 45),
# TEST_COMMAND ("make test"; e.g. "bash scripts/test.sh tests/core -q" for a quick look),
# MIRROR (default: the Debian mirror this machine's apt uses), KEEP_ROOT=1 (keep the folder).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
DEMO_SECONDS=${DEMO_SECONDS:-60}
SETUP_TIMEOUT=${SETUP_TIMEOUT:-45}
TEST_COMMAND=${TEST_COMMAND:-make test}
SUITE=bookworm
# README: "On a fresh Debian 12 machine with make and Python 3.11". A real installation also has
# ca-certificates (debootstrap's minimal variant does not).
PREREQUISITES=(make python3 ca-certificates)

if [ "$(id -u)" -ne 0 ]; then
  echo "fresh-machine-check: needs root (debootstrap, chroot, mounts)" >&2
  exit 2
fi

# Our mounts live in a private mount namespace: none can leak into the host's /dev or /proc,
# and the kernel drops them all if this script dies before its cleanup runs.
if [ -z "${_FRESH_CHECK_PRIVATE:-}" ]; then
  exec env _FRESH_CHECK_PRIVATE=1 unshare --mount --propagation private bash "$0" "$@"
fi

if ! command -v debootstrap >/dev/null; then
  echo "== installing debootstrap on this machine"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >/dev/null
fi

mirror_from_apt() {
  # The first Debian archive URI this machine's apt uses (deb822 or one-line sources).
  local uri
  uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' \
        | grep -v -- '-security' | head -n 1 || true)
  if [ -z "$uri" ]; then
    uri=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
          | awk '{print $2}' | grep -E '/debian/?$' | head -n 1 || true)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}
MIRROR=${MIRROR:-$(mirror_from_apt)}
MIRROR=${MIRROR%/}
SECURITY_MIRROR=${MIRROR%/debian}/debian-security

WORK=$(mktemp -d /var/tmp/workdiary-fresh.XXXXXX)
ROOT=$WORK/root
LOGS=$(mktemp -d /tmp/workdiary-fresh-logs.XXXXXX)
TREE=/root/workdiary
RESULTS=()

say() { echo "[$(date -u +%H:%M:%S)] $*"; }
record() { RESULTS+=("$*"); say "$*"; }

processes_in_root() {
  # PIDs of processes whose root directory is the chroot: all started by this script.
  local link pid
  for link in /proc/[0-9]*/root; do
    pid=${link#/proc/}; pid=${pid%/root}
    [ "$(readlink "$link" 2>/dev/null)" = "$ROOT" ] && echo "$pid"
  done
  return 0
}

cleanup() {
  local pids
  pids=$(processes_in_root)
  if [ -n "$pids" ]; then
    say "stopping what is still running in the chroot: $(echo $pids)"
    kill $pids 2>/dev/null || true
    sleep 3
    pids=$(processes_in_root)
    [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
    sleep 1
  fi
  # Unmount deepest first.
  awk -v root="$ROOT" '$5 == root || index($5, root "/") == 1 {print $5}' /proc/self/mountinfo \
    | sort -r | while read -r mountpoint; do
        umount "$mountpoint" 2>/dev/null || umount -l "$mountpoint"
      done
  if awk -v root="$ROOT" 'index($5, root) == 1 {found=1} END {exit !found}' /proc/self/mountinfo; then
    say "some mounts under $ROOT are still there; leaving the folder in place" >&2
  elif [ "${KEEP_ROOT:-0}" = 1 ]; then
    say "kept the Debian tree in $ROOT (KEEP_ROOT=1)"
  else
    rm -rf --one-file-system "$WORK"
  fi
  say "logs: $LOGS"
}
trap cleanup EXIT

in_chroot() {
  # A login-like environment with nothing from ours, except what the host's network needs.
  local env=(HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
             LANG=C.UTF-8 TERM=dumb)
  [ -n "${HOST_CA_BUNDLE:-}" ] && env+=(PIP_CERT="$HOST_CA_BUNDLE")
  nice -n 10 chroot "$ROOT" /usr/bin/env -i "${env[@]}" /bin/bash -c "$1"
}

minutes() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# -- 1. a minimal Debian 12 --------------------------------------------------------------------
say "building a minimal Debian 12 from $MIRROR in $ROOT (log: $LOGS/debootstrap.log)"
start=$SECONDS
if ! debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" >"$LOGS/debootstrap.log" 2>&1; then
  tail -n 20 "$LOGS/debootstrap.log" >&2
  record "debootstrap: FAILED ($(minutes $((SECONDS - start))))"
  exit 1
fi
record "debootstrap: ok ($(minutes $((SECONDS - start))))"

cat >"$ROOT/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
EOF
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$ROOT/etc/hosts"
# Every installed system has a machine id (D-Bus wants one); the chroot has no init to make it.
tr -d '-' </proc/sys/kernel/random/uuid >"$ROOT/etc/machine-id"
# No services start inside a chroot (PostgreSQL's package would start its cluster otherwise).
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"
# This machine may reach the internet through a TLS-inspecting proxy: carry its local CAs in,
# and point pip at the system bundle (pip otherwise trusts only its own copy of certifi).
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  mkdir -p "$ROOT/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$ROOT/usr/local/share/ca-certificates/"
  HOST_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
fi

mount -t proc proc "$ROOT/proc"
mount -t sysfs sys "$ROOT/sys"
mount --rbind /dev "$ROOT/dev"
mount -t tmpfs -o mode=1777 shm "$ROOT/dev/shm"

# -- 2. the prerequisites README names, and the working tree -------------------------------------
start=$SECONDS
if ! in_chroot "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
      --no-install-recommends ${PREREQUISITES[*]} && update-ca-certificates" \
      >"$LOGS/prerequisites.log" 2>&1; then
  tail -n 20 "$LOGS/prerequisites.log" >&2
  record "prerequisites (${PREREQUISITES[*]}): FAILED"
  exit 1
fi
record "prerequisites (${PREREQUISITES[*]}): ok ($(minutes $((SECONDS - start))))"

mkdir -p "$ROOT$TREE"
(cd "$REPO" && git ls-files -z --cached --others --exclude-standard \
   | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
   | tar --null -T - -cf -) | tar -xf - -C "$ROOT$TREE"
say "copied $(cd "$REPO" && git ls-files --cached --others --exclude-standard | wc -l) files of $REPO"

# -- 3. make demo, for about a minute ------------------------------------------------------------
say "make demo (log: $LOGS/demo.log): installs first, then runs for ${DEMO_SECONDS}s"
start=$SECONDS
: >"$LOGS/demo.log"
setsid bash -c "$(declare -f in_chroot); ROOT='$ROOT' HOST_CA_BUNDLE='${HOST_CA_BUNDLE:-}' \
  in_chroot 'cd $TREE && make demo'" >"$LOGS/demo.log" 2>&1 &
demo_pid=$!
banner=""
deadline=$((SECONDS + SETUP_TIMEOUT * 60))
while kill -0 "$demo_pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
  if grep -q "workdiary demo is running" "$LOGS/demo.log"; then banner=yes; break; fi
  sleep 5
done
setup_time=$((SECONDS - start))
demo_ok=no
if [ -n "$banner" ]; then
  say "the demo is up after $(minutes $setup_time) (installs included); watching it for ${DEMO_SECONDS}s"
  sleep "$DEMO_SECONDS"
  if kill -0 "$demo_pid" 2>/dev/null; then
    kill -INT -- -"$demo_pid" 2>/dev/null || true
    for _ in $(seq 30); do kill -0 "$demo_pid" 2>/dev/null || break; sleep 1; done
    grep -q "demo stopped" "$LOGS/demo.log" && demo_ok=yes
  fi
fi
kill -0 "$demo_pid" 2>/dev/null && { kill -TERM -- -"$demo_pid" 2>/dev/null || true; sleep 2; }
wait "$demo_pid" 2>/dev/null || true
if [ "$demo_ok" = yes ]; then
  record "make demo: ok (up after $(minutes $setup_time), ran ${DEMO_SECONDS}s, stopped cleanly;" \
         "$(grep -c '^sync:' "$LOGS/demo.log" || true) sync line(s))"
elif [ -n "$banner" ]; then
  record "make demo: FAILED (started, but did not run ${DEMO_SECONDS}s and stop cleanly on Ctrl-C)"
else
  record "make demo: FAILED (no demo banner after $(minutes $setup_time))"
fi

# -- 4. make test --------------------------------------------------------------------------------
say "$TEST_COMMAND (log: $LOGS/test.log)"
start=$SECONDS
if in_chroot "cd $TREE && $TEST_COMMAND" >"$LOGS/test.log" 2>&1; then test_ok=ok; else test_ok=FAILED; fi
summary=$(grep -E '^=+ .*(passed|failed|error).* =+$' "$LOGS/test.log" | tail -n 1 || true)
record "$TEST_COMMAND: $test_ok ($(minutes $((SECONDS - start)))) ${summary}"

# -- 5. report -----------------------------------------------------------------------------------
echo
echo "== fresh Debian 12 check of $REPO"
printf '  %s\n' "${RESULTS[@]}"
hints=$(grep -h -E "command not found|ensurepip is not|error while loading shared \
libraries|Unable to locate package|No module named|Python\.h: No such file|could not load the Qt \
platform plugin|cannot open display|No such file or directory: '[a-z]" \
  "$LOGS/demo.log" "$LOGS/test.log" 2>/dev/null | sort | uniq -c | sort -rn | head -n 15 || true)
if [ -n "$hints" ]; then
  echo "== lines that point at a missing install step:"
  echo "$hints"
fi
grep -h -E '^(FAILED|ERROR) ' "$LOGS/test.log" 2>/dev/null | head -n 30 | sed 's/^/  /' || true
[ "$demo_ok" = yes ] && [ "$test_ok" = ok ]
