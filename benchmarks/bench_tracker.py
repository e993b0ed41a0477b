"""The headless tracker's resource use (budgets from DESIGN.md).

1. 60 s of real tracking with no input: CPU % of one core (budget <= 0.2 %) and RSS
   (budget <= 100 MB steady). Real capture (mss, pynput, X11, the JPEG encoder) under a
   private Xvfb when Xvfb is installed, else the capture fakes (the output says which). The
   policy is 1-minute segments with one screenshot each: ten times the default cadence, so
   the window contains a real capture and encode.
2. 8 simulated hours on a FakeClock (fake screen at 1920x1080 through the real encoder, fake
   input every 5 s, a real store): RSS growth after warm-up (budget < 5 MB).

    .venv/bin/python benchmarks/bench_tracker.py [--seconds 60]
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import psutil

from workdiary.capture.base import InputCounts
from workdiary.capture.encode import encode_screenshot
from workdiary.core.clock import FakeClock, SystemClock
from workdiary.core.model import Contract, Policy
from workdiary.desktop.loop import TrackerLoop
from workdiary.store import LocalStore
from workdiary.testing.capture_fakes import FakeInputCounter, FakeScreenGrabber, FakeWindowProbe
from workdiary.testing.xvfb import VirtualDisplay, XvfbUnavailable, start_xvfb
from workdiary.tracker.engine import Tracker
from workdiary.tracker.events import ScreenshotFailed, ScreenshotTaken, TrackerEvent

MB = 1024 * 1024


def start_display() -> VirtualDisplay | None:
    """A private 1920x1080 Xvfb; None if Xvfb is missing or cannot start (then: the fakes)."""
    try:
        return start_xvfb(1920, 1080)
    except XvfbUnavailable:
        return None


def contract(policy: Policy) -> Contract:
    return Contract("c-1", "Bench", "Client", "Me", 2500, policy=policy)


def real_run(seconds: float) -> None:
    server = start_display()
    events: list[TrackerEvent] = []
    with tempfile.TemporaryDirectory() as folder:
        store = LocalStore(Path(folder) / "workdiary.sqlite3")
        store.replace_contracts([contract(Policy(segment_minutes=1))])
        if server is not None:
            os.environ["DISPLAY"] = server.name
            from workdiary.config import local_timezone
            from workdiary.desktop.runtime import build_runtime
            from workdiary.desktop.settings import DesktopSettings

            settings = DesktopSettings(data_dir=Path(folder), tz=local_timezone())
            runtime = build_runtime(settings, store, clock=SystemClock(), secrets=None,
                                    on_event=events.append, sync=False)
            tracker, executor, closer = runtime.tracker, runtime.executor, runtime.close
            mode = f"real capture (mss, pynput, X11) under a private Xvfb {server.name}"
        else:
            executor = ThreadPoolExecutor(max_workers=1)
            tracker = Tracker(
                store=store, clock=SystemClock(), screen=FakeScreenGrabber(1920, 1080),
                input_counter=FakeInputCounter(), encode=encode_screenshot, executor=executor,
                window_probe=FakeWindowProbe(), on_event=events.append,
            )
            closer = executor.shutdown
            mode = "capture FAKES (no Xvfb installed)"
        process = psutil.Process()
        tracker.clock_in(contract(Policy(segment_minutes=1)), "bench")
        time.sleep(2)  # let start-up work settle before measuring
        cpu_before = sum(process.cpu_times()[:2])
        wall_before = time.monotonic()
        TrackerLoop(tracker, SystemClock()).run(threading.Event(), seconds)
        cpu = sum(process.cpu_times()[:2]) - cpu_before
        wall = time.monotonic() - wall_before
        rss = process.memory_info().rss
        tracker.clock_out()
        closer()
        store.close()
    if server is not None:
        server.stop()
    shots = sum(isinstance(e, ScreenshotTaken) for e in events)
    failed = sum(isinstance(e, ScreenshotFailed) for e in events)
    print(f"bench_tracker: {seconds:.0f} s of tracking with no input, {mode}")
    print(f"  screenshots in the window: {shots} taken, {failed} failed (1-minute segments)")
    percent = 100 * cpu / wall
    print(f"  CPU: {percent:.3f} % of one core ({cpu * 1000:.0f} ms in {wall:.1f} s)  "
          f"budget <= 0.2 %  {'OK' if percent <= 0.2 else 'OVER BUDGET'}")
    print(f"  RSS: {rss / MB:.1f} MB  budget <= 100 MB  {'OK' if rss <= 100 * MB else 'OVER'}")


def simulated_hours(hours: int) -> None:
    clock = FakeClock(datetime(2026, 3, 2, 8, 0, 13, tzinfo=UTC))
    keyboard = FakeInputCounter()
    with tempfile.TemporaryDirectory() as folder:
        store = LocalStore(Path(folder) / "workdiary.sqlite3", clock=clock)
        executor = ThreadPoolExecutor(max_workers=1)
        count = [0]

        def on_event(event: TrackerEvent) -> None:
            count[0] += 1

        tracker = Tracker(
            store=store, clock=clock, screen=FakeScreenGrabber(1920, 1080),
            input_counter=keyboard, encode=encode_screenshot, executor=executor,
            rng=random.Random(3), window_probe=FakeWindowProbe(), on_event=on_event,
        )
        policy = Policy(segment_minutes=10, screenshots_per_segment=3)
        tracker.clock_in(contract(policy), "bench")
        process = psutil.Process()
        started = time.monotonic()

        def run(seconds: int) -> None:
            for second in range(seconds):
                if second % 5 == 0:
                    keyboard.feed(InputCounts(keys=4, moves=9, active_seconds=3,
                                              last_input_monotonic=clock.monotonic()))
                clock.advance(1)
                tracker.tick()
            tracker.flush()

        run(3600)  # warm-up hour: caches, first allocations
        rss_start = process.memory_info().rss
        run(hours * 3600)
        rss_end = process.memory_info().rss
        tracker.clock_out()
        executor.shutdown()
        store.close()
    growth = (rss_end - rss_start) / MB
    print(f"bench_tracker: {hours} simulated hours on a FakeClock (fake 1920x1080 screen, real "
          f"encoder, {count[0]} events) in {time.monotonic() - started:.0f} s")
    print(f"  RSS {rss_start / MB:.1f} -> {rss_end / MB:.1f} MB: growth {growth:+.2f} MB  "
          f"budget < 5 MB  {'OK' if growth < 5 else 'OVER BUDGET'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--hours", type=int, default=8)
    args = parser.parse_args()
    real_run(args.seconds)
    simulated_hours(args.hours)


if __name__ == "__main__":
    main()
