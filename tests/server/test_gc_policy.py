"""server/gc_policy.py: in a fresh interpreter, as a serving process uses it (it changes the
collector for good, so never inside the test process)."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import gc, sys, threading, time, weakref
from workdiary.server.gc_policy import NEVER, tune_for_serving

class Node:
    pass

timer = sys.argv[1] == "timer"
stop = tune_for_serving(every=0.2 if timer else 3600)
assert gc.get_freeze_count() > 0, "start-up objects are frozen"
assert gc.get_threshold()[2] == NEVER
assert any(t.name == "workdiary-full-gc" and t.daemon for t in threading.enumerate())

# A cycle that lives through the young collections reaches the old generation...
node = Node(); node.me = node
gone = weakref.ref(node)
gc.collect(1)
del node
if not timer:
    for _ in range(200):  # ...where allocations alone no longer collect it
        junk = [[] for _ in range(10_000)]
    assert gone() is not None, "an automatic full collection ran"
    print("ok")
    raise SystemExit(0)
deadline = time.monotonic() + 10
while gone() is not None and time.monotonic() < deadline:
    time.sleep(0.05)
assert gone() is None, "the timer's full collection did not free the cycle"
stop.set()
print("ok")
"""


def probe(mode: str) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_allocations_no_longer_start_a_full_collection() -> None:
    probe("allocations")


def test_the_timer_collects_old_cyclic_garbage() -> None:
    probe("timer")
