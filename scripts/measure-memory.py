"""Measure the desktop programs' memory from outside, as a user runs them.

    python scripts/measure-memory.py app   [--seconds 180] [--maps]
    python scripts/measure-memory.py track [--seconds 180] [--maps] [--cpu-seconds 300]

Starts a private 1920x1080 Xvfb showing the busy test desktop, a tray host (trayer, for
``app``), an embedded workdiary server (SQLite) seeded with the demo contract (1-minute
segments, one screenshot each: ten times the default capture cadence), and a D-Bus session
with an unlocked gnome-keyring. Inside that session it logs in with `workdiary login`
(token and key in the real Secret Service keyring), then runs `workdiary app --clock-in` or
`workdiary track`, with a 5-second review window so uploads happen during the run. It samples
the process's RSS every 2 s with psutil and prints the steady figure (median of the second
half), the peak, USS and, with ``--maps``, the biggest mappings (libraries, heap). For
``track`` it also measures idle CPU over ``--cpu-seconds`` (cpu_times from outside).

Not a test and not a benchmark of record (benchmarks/ is); a tool to see where RSS goes.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import psutil
from PIL import Image

from workdiary.cli.embedded import EmbeddedServer, seed_demo
from workdiary.config import database_path
from workdiary.core.model import Contract, Policy
from workdiary.store import LocalStore
from workdiary.testing.busy_screen import render_busy_screen
from workdiary.testing.desktop_session import UNLOCK_KEYRING, end_session_processes, session_env
from workdiary.testing.trayhost import TrayHostUnavailable, start_tray_host, stop_tray_host
from workdiary.testing.xvfb import start_xvfb

MB = 1024 * 1024


def paint_root(display_name: str, image: Image.Image) -> None:
    """Make ``image`` the root window's background, so every grab is a busy screen."""
    from Xlib import X
    from Xlib import display as xdisplay

    conn = xdisplay.Display(display_name)
    screen = conn.screen()
    root = screen.root
    width, height = image.size
    pixmap = root.create_pixmap(width, height, screen.root_depth)
    gc = pixmap.create_gc()
    data = image.convert("RGB").tobytes("raw", "BGRX")
    rows = max(1, 200_000 // (width * 4))
    for top in range(0, height, rows):
        count = min(rows, height - top)
        chunk = data[top * width * 4:(top + count) * width * 4]
        pixmap.put_image(gc, 0, top, width, count, X.ZPixmap, screen.root_depth, 0, chunk)
    root.change_attributes(background_pixmap=pixmap)
    root.clear_area(0, 0, width, height)
    conn.sync()
    conn.close()


def start_trayer(display: str) -> subprocess.Popen[bytes]:
    try:
        return start_tray_host(display, timeout=30)
    except TrayHostUnavailable as problem:
        raise SystemExit(f"{problem}") from problem


def biggest_mappings(pid: int, top: int = 25) -> list[tuple[str, float]]:
    """RSS per mapped file (or [heap] / [anon]), biggest first, from /proc/PID/smaps."""
    totals: dict[str, float] = defaultdict(float)
    name = "[anon]"
    with open(f"/proc/{pid}/smaps") as smaps:
        for line in smaps:
            first = line.split(maxsplit=1)[0]
            if "-" in first and not first.endswith(":"):
                parts = line.split()
                name = Path(parts[5]).name if len(parts) > 5 else "[anon]"
            elif first == "Rss:":
                totals[name] += int(line.split()[1]) / 1024
    return sorted(totals.items(), key=lambda item: -item[1])[:top]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("program", choices=("app", "track"))
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--cpu-seconds", type=int, default=0,
                        help="then measure CPU this long (psutil cpu_times from outside)")
    parser.add_argument("--segment-minutes", type=int, default=1,
                        help="the contract's segment length (10: the default capture cadence)")
    parser.add_argument("--maps", action="store_true")
    parser.add_argument("--no-login", action="store_true")
    parser.add_argument("--wrap", default="",
                        help="run the program as `WRAP ARGS` instead of `workdiary ARGS` "
                             "(e.g. an import-profiling script)")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra environment for the measured program")
    args = parser.parse_args()
    bindir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="measure-memory-") as tmp, \
            start_xvfb(1920, 1080) as xvfb, \
            EmbeddedServer(Path(tmp) / "server") as server:
        root = Path(tmp)
        paint_root(xvfb.name, render_busy_screen(1920, 1080))
        trayer = start_trayer(xvfb.name) if args.program == "app" else None
        policy = Policy(segment_minutes=args.segment_minutes, screenshots_per_segment=1,
                        idle_minutes=5)
        accounts = seed_demo(server, policy=policy)
        if args.no_login:  # the contract in the local cache, as a login would leave it
            store = LocalStore(database_path(root / "client"))
            store.replace_contracts([Contract(
                id=accounts.contract_id, title="Measure", client_name="Client",
                freelancer_name="Freelancer", rate_cents=2500, policy=policy)])
            store.close()
        env = session_env(root)
        env.update(DISPLAY=xvfb.name, WORKDIARY_DATA_DIR=str(root / "client"),
                   WORKDIARY_SYNC_GRACE_SECONDS="5", WORKDIARY_TEST_PASSWORD=accounts.password)
        env.update(item.split("=", 1) for item in args.env)
        pidfile = root / "pid"
        login = ("" if args.no_login else
                 f'printf %s "$WORKDIARY_TEST_PASSWORD" | {bindir}/workdiary login {server.url} '
                 f"--email {accounts.freelancer_email} --password-stdin >&2 || exit 1; ")
        program = (f"app --clock-in {accounts.contract_id} --memo measure"
                   if args.program == "app" else f"track {accounts.contract_id} --memo measure")
        command = args.wrap or str(bindir / "workdiary")
        script = f"{UNLOCK_KEYRING}; {login}echo $$ > {pidfile}; exec {command} {program}"
        outer = subprocess.Popen(["dbus-run-session", "--", "sh", "-c", script], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 60
            while not pidfile.exists() or not pidfile.read_text().strip():
                if outer.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"did not start: {outer.stderr.read().decode()}"
                                     if outer.stderr else "did not start")
                time.sleep(0.2)
            proc = psutil.Process(int(pidfile.read_text()))
            time.sleep(3)
            samples: list[float] = []
            started = time.monotonic()
            while time.monotonic() - started < args.seconds and outer.poll() is None:
                samples.append(proc.memory_info().rss / MB)
                time.sleep(2)
            if outer.poll() is not None:
                raise SystemExit(f"exited early: {outer.stderr.read().decode()}"
                                 if outer.stderr else "exited early")
            full = proc.memory_full_info()
            maps = biggest_mappings(proc.pid) if args.maps else []
            cpu_line = ""
            if args.cpu_seconds:
                before, t0 = proc.cpu_times(), time.monotonic()
                time.sleep(args.cpu_seconds)
                after, elapsed = proc.cpu_times(), time.monotonic() - t0
                used = (after.user + after.system) - (before.user + before.system)
                cpu_line = (f"  CPU over {elapsed:.0f} s: {100 * used / elapsed:.3f} % of a "
                            f"core (user {after.user - before.user:.2f} s, system "
                            f"{after.system - before.system:.2f} s)")
            threads = proc.num_threads()
        finally:
            if pidfile.exists() and pidfile.read_text().strip():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(pidfile.read_text()), signal.SIGTERM)
            try:
                _, err = outer.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                outer.kill()
                _, err = outer.communicate()
            if trayer is not None:
                stop_tray_host(trayer)
            end_session_processes(root)  # the keyring daemon outlives its D-Bus session
        shots = len(list((root / "client").rglob("*.jpg")))
        uploaded = _server_counts(server)
    half = samples[len(samples) // 2:]
    print(f"workdiary {args.program}{' (not logged in)' if args.no_login else ', logged in'}: "
          f"{len(samples)} samples over {args.seconds} s; {shots} screenshot file(s) local, "
          f"server has {uploaded}; {threads} threads")
    print(f"  RSS steady {statistics.median(half):.1f} MB (second-half range "
          f"{min(half):.1f}-{max(half):.1f}), peak {max(samples):.1f} MB; at the end: "
          f"RSS {full.rss / MB:.1f}, USS {full.uss / MB:.1f}, PSS {full.pss / MB:.1f} MB")
    if cpu_line:
        print(cpu_line)
    for name, mb in maps:
        print(f"    {mb:7.1f} MB  {name}")
    tail = err.decode(errors="replace").strip().splitlines()[-5:] if err else []
    for line in tail:
        print(f"  stderr: {line}")
    return 0


def _server_counts(server: EmbeddedServer) -> str:
    from sqlalchemy import func, select

    from workdiary.server.models import Screenshot, SegmentRow

    with server.session() as session:
        segments = session.scalar(select(func.count()).select_from(SegmentRow))
        shots = session.scalar(select(func.count()).select_from(Screenshot))
    return f"{segments} segment(s), {shots} screenshot(s)"


if __name__ == "__main__":
    if shutil.which("dbus-run-session") is None or shutil.which("gnome-keyring-daemon") is None:
        raise SystemExit("needs dbus and gnome-keyring (scripts/install-system-deps.sh)")
    sys.exit(main())
