"""The desktop tray app's memory and CPU while tracking (budget from DESIGN.md: RSS <= 100 MB
steady while tracking, CPU <= 0.2 % of a core with no input).

Runs the real `workdiary app --clock-in` under a private Xvfb (real mss, pynput, X11, Qt xcb)
on a contract with 1-minute segments and one screenshot each (ten times the default cadence,
so the window holds several real captures), not logged in (no uploads), and samples the
process with psutil.

    .venv/bin/python benchmarks/bench_app.py [--seconds 150]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from workdiary.core.model import Contract, Policy
from workdiary.store import LocalStore
from workdiary.testing.xvfb import start_xvfb

BUDGET_RSS_MB = 100.0
BUDGET_CPU_PERCENT = 0.2
MB = 1024 * 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=150)
    args = parser.parse_args()
    workdiary = Path(sys.executable).with_name("workdiary")
    with tempfile.TemporaryDirectory(prefix="bench-app-") as data, start_xvfb(1920, 1080) as xvfb:
        store = LocalStore(Path(data) / "workdiary.sqlite3")
        store.replace_contracts([Contract(
            id="bench", title="Benchmark contract", client_name="Client",
            freelancer_name="Freelancer", rate_cents=2500,
            policy=Policy(segment_minutes=1, screenshots_per_segment=1),
        )])
        store.close()
        env = dict(os.environ, DISPLAY=xvfb.name, WORKDIARY_DATA_DIR=data,
                   DBUS_SESSION_BUS_ADDRESS="disabled:",
                   PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
        app = subprocess.Popen([str(workdiary), "app", "--clock-in", "bench", "--memo", "bench"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        proc = psutil.Process(app.pid)
        time.sleep(15)  # start-up and the first capture
        samples: list[float] = []
        cpu_start = sum(proc.cpu_times()[:2])
        started = time.monotonic()
        while time.monotonic() - started < args.seconds and app.poll() is None:
            samples.append(proc.memory_info().rss / MB)
            time.sleep(2)
        cpu = sum(proc.cpu_times()[:2]) - cpu_start
        elapsed = time.monotonic() - started
        app.send_signal(signal.SIGTERM)
        try:
            _, err = app.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            app.kill()
            _, err = app.communicate()
        if not samples:
            print(f"bench_app: the app exited early:\n{err.decode(errors='replace')}")
            return 1
        store = LocalStore(Path(data) / "workdiary.sqlite3")
        segments = store.segments_between(*_today())
        shots = sum(len(s.screenshots) for s in segments)
        store.close()
    steady = statistics.median(samples[len(samples) // 2:])
    cpu_percent = 100 * cpu / elapsed
    print(f"bench_app: `workdiary app --clock-in` under a private Xvfb for {elapsed:.0f} s, "
          f"1-minute segments, {len(segments)} segment(s), {shots} screenshot(s), no input")
    print(f"  RSS steady {steady:.1f} MB, peak {max(samples):.1f} MB  budget <= "
          f"{BUDGET_RSS_MB:.0f} MB  {'OK' if steady <= BUDGET_RSS_MB else 'OVER BUDGET'}")
    print(f"  CPU {cpu_percent:.2f} % of one core (includes a capture and encode every minute, "
          f"10x the default cadence; the budget {BUDGET_CPU_PERCENT} % is for idle tracking)")
    return 0


def _today() -> tuple[object, object]:
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    return now - timedelta(days=1), now + timedelta(days=1)


if __name__ == "__main__":
    sys.exit(main())
