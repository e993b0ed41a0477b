"""The garbage collector of a serving process: start-up objects frozen, full collections on a
clock instead of in whichever request happens to cross CPython's threshold.

CPython starts a full (oldest-generation) collection when the objects promoted since the last
one reach a quarter of those it kept then. After ``gc.freeze()`` that pool is small, so a busy
server ran a full collection every twenty-odd requests, each walking every long-lived object
made since start (the SQLAlchemy and Jinja caches, sessions, pooled connections): a day's
diary page paid 7-52 ms for it in 5 of 120 requests, most of the gap between its median and
its p95 (benchmarks/bench_diary_page.py). The young generations are still collected as CPython
does (about 1 ms a page, in short steps); the full collection runs in a timer thread every
``FULL_COLLECTION_SECONDS``, so cyclic garbage that reaches the old generation waits at most
that long, and the pause lands on at most one request in that time.
"""

from __future__ import annotations

import gc
import threading

FULL_COLLECTION_SECONDS = 60.0
# CPython compares this with the count of young-generation collections since the last full
# one: out of reach, so only the timer starts a full collection.
NEVER = 2**31 - 1


def tune_for_serving(every: float = FULL_COLLECTION_SECONDS) -> threading.Event:
    """Freeze what exists now (the imported modules and the app live as long as the process),
    leave full collections to a daemon thread; returns the event that stops that thread.
    Only a serving process calls it: it changes the interpreter's collector for good."""
    gc.collect()
    gc.freeze()
    young, middle, _old = gc.get_threshold()
    gc.set_threshold(young, middle, NEVER)
    stop = threading.Event()

    def collect_fully() -> None:
        while not stop.wait(every):
            gc.collect()

    threading.Thread(target=collect_fully, name="workdiary-full-gc", daemon=True).start()
    return stop
