"""`workdiary track`'s resource use, measured from outside the process (budgets, issue 16).

Starts the real headless tracker, ``workdiary track CONTRACT --no-sync``, under a private
1920x1080 Xvfb on a contract with the default policy (10-minute segments, real mss, pynput,
X11 and the JPEG encoder), lets it settle, then reads its CPU time and RSS with psutil over a
window of ``--window`` seconds (600 by default, as the budget says; 60 with ``--quick``), cut
into 5 equal slices. In the same window and on the same display runs the baseline: a bare
Python process that imports mss, Pillow and pynput, starts pynput's mouse and keyboard
listeners and sleeps: the least a tracker built on these libraries can cost.

Budgets: RSS <= 60 MB, idle CPU <= 0.1 % of a core over 10 minutes (no input). Also, in a
fresh child process, the engine's RSS growth over ``--hours`` simulated hours on a FakeClock
(budget < 5 MB; each hour is a sample, the budget applies to the highest).

    .venv/bin/python benchmarks/bench_tracker.py [--window 600] [--hours 8] [--quick]
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


def simulated_hours(hours: int) -> None:
    """Child: ``hours`` simulated hours of the engine on a FakeClock (fake 1920x1080 screen, the
    real encoder, fake input every 5 s, a real store, glibc tuned as the product tunes it)
    after a warm-up hour; prints as JSON the RSS growth in MB at the end of each hour."""
    import json
    import random
    from concurrent.futures import ThreadPoolExecutor
    from datetime import UTC, datetime

    from workdiary.capture.base import InputCounts
    from workdiary.capture.encode import encode_screenshot
    from workdiary.capture.malloc_tuning import return_large_buffers
    from workdiary.core.clock import FakeClock
    from workdiary.testing.capture_fakes import (
        FakeInputCounter,
        FakeScreenGrabber,
        FakeWindowProbe,
    )
    from workdiary.tracker.engine import Tracker

    return_large_buffers()  # as build_runtime does for `workdiary track` and the tray app
    clock = FakeClock(datetime(2026, 3, 2, 8, 0, 13, tzinfo=UTC))
    keyboard = FakeInputCounter()
    with tempfile.TemporaryDirectory() as folder:
        store = LocalStore(Path(folder) / "workdiary.sqlite3", clock=clock)
        executor = ThreadPoolExecutor(max_workers=1)
        tracker = Tracker(
            store=store, clock=clock, screen=FakeScreenGrabber(1920, 1080),
            input_counter=keyboard, encode=encode_screenshot, executor=executor,
            rng=random.Random(3), window_probe=FakeWindowProbe(), on_event=lambda _e: None,
        )
        tracker.clock_in(Contract("c-1", "Bench", "Client", "Me", 2500,
                                  policy=Policy(segment_minutes=10, screenshots_per_segment=3)),
                         "bench")
        process = psutil.Process()

        def run(seconds: int) -> None:
            for second in range(seconds):
                if second % 5 == 0:
                    keyboard.feed(InputCounts(keys=4, moves=9, active_seconds=3,
                                              last_input_monotonic=clock.monotonic()))
                clock.advance(1)
                tracker.tick()
            tracker.flush()

        run(3600)  # warm-up hour: caches, first allocations
        start = process.memory_info().rss
        growth = []
        for _ in range(hours):
            run(3600)
            growth.append((process.memory_info().rss - start) / MB)
        tracker.clock_out()
        executor.shutdown()
        store.close()
    print(json.dumps(growth))


def memory_growth(bench: Bench, hours: int) -> None:
    import json

    loads = [load_average()]
    out = subprocess.run([sys.executable, __file__, "--simulate", str(hours)],
                         capture_output=True, text=True, check=True)
    growth = json.loads(out.stdout.strip().splitlines()[-1])
    bench.emit(Figure(bench.name, "tracker_rss_growth", f"Tracker engine RSS growth over {hours} "
                      "simulated hours (FakeClock, real encoder; each sample: after one more "
                      "hour)", "MB", growth, loads * len(growth), stat="high", budget=5.0))


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--simulate":
        simulated_hours(int(sys.argv[2]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=float, default=None,
                        help="seconds of idle tracking measured (default 600; 60 with --quick)")
    parser.add_argument("--hours", type=int, default=None,
                        help="simulated hours for the RSS growth (default 8; 5 with --quick)")
    bench = Bench("bench_tracker", parser)
    memory_growth(bench, bench.args.hours or (5 if bench.quick else 8))
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
    label = f"{window:.0f} s" + (" (shortened: the budget is for 600 s)" if window < 600 else "")
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
