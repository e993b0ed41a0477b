"""`workdiary track`'s resource use, measured from outside the process (budgets, issue 16).

Starts the real headless tracker, ``workdiary track CONTRACT --no-sync``, under a private
1920x1080 Xvfb on a contract with the default policy (10-minute segments, real mss, pynput,
X11 and the JPEG encoder), lets it settle, then reads its CPU time and RSS with psutil over a
window of ``--window`` seconds (600 by default, as the budget says; 60 with ``--quick``), cut
into 5 equal slices. In the same window and on the same display runs the baseline: a bare
Python process that imports mss, Pillow and pynput, starts pynput's mouse and keyboard
listeners and sleeps: the least a tracker built on these libraries can cost.

Budgets: RSS <= 60 MB, idle CPU <= 0.1 % of a core over 10 minutes (no input).

    .venv/bin/python benchmarks/bench_tracker.py [--window 600] [--quick]
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
from workdiary.testing.xvfb import XvfbUnavailable, start_xvfb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import MIN_REPEAT, Bench, Figure, load_average, process_cpu_seconds

MB = 1024 * 1024
BUDGET_RSS_MB = 60.0
BUDGET_CPU_PERCENT = 0.1
SETTLE_SECONDS = 15
BARE = """
import time, mss, PIL.Image
from pynput import keyboard, mouse
m = mouse.Listener(on_move=lambda *a: None); m.start()
k = keyboard.Listener(on_press=lambda *a: None); k.start()
print("ready", flush=True)
while True:
    time.sleep(3600)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=float, default=None,
                        help="seconds of idle tracking measured (default 600; 60 with --quick)")
    bench = Bench("bench_tracker", parser)
    window = bench.args.window or (60.0 if bench.quick else 600.0)
    workdiary = Path(sys.executable).with_name("workdiary")
    try:
        xvfb = start_xvfb(1920, 1080)
    except XvfbUnavailable as problem:
        print(f"bench_tracker: {problem}")
        return 1
    with tempfile.TemporaryDirectory(prefix="bench-tracker-") as data, xvfb:
        store = LocalStore(Path(data) / "workdiary.sqlite3")
        store.replace_contracts([Contract("bench", "Bench", "Client", "Me", 2500,
                                          policy=Policy())])
        store.close()
        env = dict(os.environ, DISPLAY=xvfb.name, WORKDIARY_DATA_DIR=data,
                   DBUS_SESSION_BUS_ADDRESS="disabled:")
        tracker = subprocess.Popen([str(workdiary), "track", "bench", "--memo", "bench",
                                    "--no-sync"], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE)
        bare = subprocess.Popen([sys.executable, "-c", BARE], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
        try:
            assert bare.stdout is not None
            if bare.stdout.readline().strip() != "ready":
                print("bench_tracker: the bare pynput process did not start")
                return 1
            time.sleep(SETTLE_SECONDS)
            if tracker.poll() is not None:
                print("bench_tracker: `workdiary track` exited: "
                      + (tracker.stderr.read().decode(errors="replace") if tracker.stderr
                         else ""))
                return 1
            procs = {"ours": psutil.Process(tracker.pid), "bare": psutil.Process(bare.pid)}
            cpu: dict[str, list[float]] = {"ours": [], "bare": []}
            rss: dict[str, list[float]] = {"ours": [], "bare": []}
            loads: list[float] = []
            slice_s = window / MIN_REPEAT
            for _ in range(MIN_REPEAT):
                loads.append(load_average())
                before = {k: process_cpu_seconds(p.pid) for k, p in procs.items()}
                started = time.monotonic()
                samples: dict[str, list[float]] = {"ours": [], "bare": []}
                while time.monotonic() - started < slice_s:
                    for key, proc in procs.items():
                        samples[key].append(proc.memory_info().rss / MB)
                    time.sleep(min(2.0, slice_s / 5))
                wall = time.monotonic() - started
                for key, proc in procs.items():
                    cpu[key].append(100 * (process_cpu_seconds(proc.pid) - before[key]) / wall)
                    rss[key].append(statistics.median(samples[key]))
        finally:
            for proc in (tracker, bare):
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
    label = f"{window:.0f} s" + (" (quick: the budget is for 600 s)" if window < 600 else "")
    bench.emit(Figure(bench.name, "tracker_rss", "`workdiary track` steady RSS, from outside",
                      "MB", rss["ours"], loads, budget=BUDGET_RSS_MB,
                      baseline_label="bare mss + Pillow + pynput listeners", baseline=rss["bare"]))
    bench.emit(Figure(bench.name, "tracker_idle_cpu", f"`workdiary track` idle CPU over {label},"
                      " default policy, 5 slices", "% of a core", cpu["ours"], loads,
                      stat="mean", budget=BUDGET_CPU_PERCENT,
                      baseline_label="bare mss + Pillow + pynput listeners",
                      baseline=cpu["bare"]))
    return bench.exit_code()


if __name__ == "__main__":
    sys.exit(main())
