"""CPU cost of counting input: our PynputInputCounter vs a bare pynput mouse listener.

Under a private Xvfb, a generator process sends 2,000 pointer moves per second for ~10 s through
XTest; the listener under test runs alone in its own process, whose CPU time over the window
(all threads, from /proc schedstat; psutil elsewhere) is reported as % of one core. Bare and
counting runs alternate, a few rounds each, and the medians are compared with the budget: the
counting layer adds <= 10% on top of the bare listener (DESIGN.md).

Process CPU on a shared 2-core machine wobbles by ~10% between runs, so the callbacks are also
timed in-process (no X, no noise): that difference is the counting layer's true cost per event.

    .venv/bin/python benchmarks/bench_input.py [--seconds 10] [--rate 2000] [--rounds 5] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import psutil

from workdiary.testing.xvfb import VirtualDisplay, XvfbUnavailable, start_xvfb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Bench, Figure, load_average

BUDGET_OVERHEAD = 0.10


def start_display() -> VirtualDisplay:
    """A private 1920x1080 Xvfb; exits with the reason if there is none."""
    try:
        return start_xvfb(1920, 1080)
    except XvfbUnavailable as problem:
        raise SystemExit(f"{problem} Cannot run this benchmark.") from problem


# --- child processes -------------------------------------------------------------------------


def run_listener(kind: str) -> None:
    """Child: run one listener until stdin closes; report what it saw as JSON on stdout."""
    seen = {"moves": 0}
    if kind == "bare":
        from pynput import mouse

        def on_move(_x: int, _y: int, _injected: bool = False) -> None:
            seen["moves"] += 1  # the least a listener can do; keeps the comparison fair

        listener = mouse.Listener(on_move=on_move)
        listener.start()
        listener.wait()
    else:
        from workdiary.capture.input_pynput import PynputInputCounter

        counter = PynputInputCounter()
        counter.start()
    print("ready", flush=True)
    sys.stdin.read()
    if kind == "bare":
        listener.stop()
    else:
        counts = counter.take()
        counter.stop()
        seen = {"moves": counts.moves, "active_seconds": counts.active_seconds}
    print(json.dumps(seen), flush=True)


def run_generator(seconds: float, rate: int, batch: int) -> None:
    """Child: XTest pointer moves at ``rate`` per second for ``seconds``; prints how many sent.

    Each batch of ``batch`` moves is flushed at once; batch 1 (the default) spaces every move
    evenly, like a real mouse, so the listener wakes for each (its costliest case).
    """
    from Xlib import X
    from Xlib import display as xdisplay
    from Xlib.ext import xtest

    conn = xdisplay.Display()
    interval = batch / rate
    sent = 0
    started = time.monotonic()
    next_at = started
    while time.monotonic() - started < seconds:
        for _ in range(batch):
            xtest.fake_input(conn, X.MotionNotify, x=100 + sent % 800, y=100 + (sent // 800) % 600)
            sent += 1
        conn.flush()
        next_at += interval
        delay = next_at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    conn.sync()
    print(json.dumps({"sent": sent, "seconds": time.monotonic() - started}), flush=True)


# --- the measurement -------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """CPU time of all the process's threads: nanosecond schedstat on Linux, else psutil.

    psutil's figures tick in 10 ms steps, which is ~4% of what a listener spends in 10 s:
    too coarse to see a few percent of difference between two listeners.
    """
    tasks = f"/proc/{pid}/task"
    if os.path.isdir(tasks):
        total_ns = 0
        for task in os.listdir(tasks):
            try:
                with open(f"{tasks}/{task}/schedstat") as stat:
                    total_ns += int(stat.read().split()[0])
            except (OSError, ValueError, IndexError):
                continue  # a thread that just ended
        return total_ns / 1e9
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def measure(kind: str, display: str, seconds: float, rate: int, batch: int) -> dict[str, float]:
    env = {**os.environ, "DISPLAY": display}
    listener = subprocess.Popen(
        [sys.executable, __file__, "--child", kind], env=env, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True,
    )
    assert listener.stdin is not None and listener.stdout is not None
    if listener.stdout.readline().strip() != "ready":
        raise SystemExit(f"The {kind} listener did not start.")
    time.sleep(0.5)  # let start-up work settle before the window opens
    before = cpu_seconds(listener.pid)
    started = time.monotonic()
    generator = subprocess.run(
        [sys.executable, __file__, "--child", "generator", "--seconds", str(seconds),
         "--rate", str(rate), "--batch", str(batch)],
        env=env, capture_output=True, text=True, check=True,
    )
    time.sleep(0.3)  # let the listener drain events still queued
    after = cpu_seconds(listener.pid)
    wall = time.monotonic() - started
    listener.stdin.close()
    seen = json.loads(listener.stdout.readline())
    listener.wait(timeout=10)
    sent = json.loads(generator.stdout)
    cpu = after - before
    return {"core_pct": 100 * cpu / wall, "cpu_s": cpu, "wall_s": wall, "sent": sent["sent"],
            "rate": sent["sent"] / sent["seconds"], **seen}


def callback_costs(calls: int = 500_000) -> tuple[float, float]:
    """Microseconds per move callback: a bare counting callback vs our InputTally.on_move."""
    import timeit

    from workdiary.capture.input_tally import InputTally

    tally = InputTally()
    seen = {"moves": 0}

    def bare(_x: int, _y: int, _injected: bool = False) -> None:
        seen["moves"] += 1

    empty = timeit.timeit(lambda: None, number=calls)
    bare_s = timeit.timeit(lambda: bare(1, 2, False), number=calls) - empty
    ours_s = timeit.timeit(lambda: tally.on_move(1, 2, False), number=calls) - empty
    return bare_s / calls * 1e6, ours_s / calls * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batch", type=int, default=1, help="moves sent per X flush")
    parser.add_argument("--child", choices=("bare", "counter", "generator"))
    if "--child" in sys.argv:
        args = parser.parse_args()
        if args.child == "generator":
            run_generator(args.seconds, args.rate, args.batch)
        else:
            run_listener(args.child)
        return 0
    bench = Bench("bench_input", parser)
    args = bench.args
    rounds = max(args.rounds, bench.repeat_count)
    seconds = 3.0 if bench.quick else args.seconds

    server = start_display()
    display = server.name
    results: dict[str, list[dict[str, float]]] = {"bare": [], "counter": []}
    loads: list[float] = []
    try:
        for round_index in range(rounds):
            loads.append(load_average())
            # Alternate the order so a drift in machine load does not favour one side.
            order = ("bare", "counter") if round_index % 2 == 0 else ("counter", "bare")
            for kind in order:
                result = measure(kind, display, seconds, args.rate, args.batch)
                results[kind].append(result)
                detail = (f"{result['moves']:.0f} move events seen" if kind == "bare"
                          else f"{result['moves']:.0f} coalesced moves counted")
                print(f"round {round_index + 1} {kind:<8} {result['core_pct']:5.2f}% of a core "
                      f"over {result['wall_s']:.1f} s measured, at {result['rate']:.0f} moves/s "
                      f"sent; {detail}", flush=True)
    finally:
        server.stop()
    bare = [r["core_pct"] for r in results["bare"]]
    ours = [r["core_pct"] for r in results["counter"]]
    bench.emit(Figure(bench.name, "input_cpu", f"Input counting at {args.rate:,} moves/s, CPU "
                      "of the listener process over the measured wall time", "% of a core", ours,
                      loads, baseline_label="bare pynput mouse listener", baseline=bare,
                      ratio_budget=1.10))
    bare_us, counter_us = callback_costs(100_000 if bench.quick else 500_000)
    # The bare listener's cost per event from measured CPU seconds and events seen.
    per_event_us = statistics.median(r["cpu_s"] * 1e6 / r["moves"] for r in results["bare"]
                                     if r["moves"])
    extra = (counter_us - bare_us) / per_event_us
    print(f"callback alone: bare {bare_us:.2f} us, counter {counter_us:.2f} us per move "
          f"(in-process); the bare listener spends {per_event_us:.1f} us per move, so the "
          f"counting adds {extra * 100:+.1f}%")
    bench.record("note", key="input_callback", bare_us=bare_us, counter_us=counter_us,
                 per_event_us=per_event_us, extra=extra)
    return bench.exit_code()


if __name__ == "__main__":
    sys.exit(main())
