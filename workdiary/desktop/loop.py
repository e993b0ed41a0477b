"""The one loop that drives a Tracker: one tick about a second (never faster), and the
commands for the engine (clock in/out, memo, signer) run between two ticks, so the engine is
only ever driven from the thread that runs this loop.

Two ways to run it, one loop body:
- ``start()``: on its own thread (the tray app). It waits on its command queue, so a command
  from the GUI runs at once; it ticks only while clocked in.
- ``run(stop, duration)``: in the calling thread (``workdiary track``, the headless demo),
  which has nothing else to do; it sleeps on the injected clock between ticks (a test's fake
  clock runs a day in milliseconds) and runs queued commands at the next tick.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from workdiary.core.clock import Clock
from workdiary.core.model import Contract
from workdiary.tracker.engine import Tracker
from workdiary.tracker.events import IdlePeriod
from workdiary.tracker.ports import Signer

TICK_SECONDS = 1.0

T = TypeVar("T")
_Item = tuple[Callable[[], Any], "Future[Any]"]


def next_tick_delay(clock: Clock) -> float:
    """Seconds until just after the next wall-clock second, so a finished minute is recorded
    within a second of its end; never less than half a tick (at most 1 Hz)."""
    delay = TICK_SECONDS - clock.now().microsecond / 1_000_000 + 0.01
    if delay < TICK_SECONDS / 2:
        delay += TICK_SECONDS
    return delay


class TrackerLoop:
    """Ticks the tracker and runs its commands. Commands return Futures; no Qt here."""

    def __init__(self, tracker: Tracker, clock: Clock,
                 on_error: Callable[[str], None] = lambda message: None) -> None:
        self.tracker = tracker
        self._clock = clock
        self._on_error = on_error
        self._queue: queue.Queue[_Item | None] = queue.Queue()
        self._thread = threading.Thread(target=self._serve, name="workdiary-ticker", daemon=True)

    # -- commands (any thread) -------------------------------------------------------------

    def call(self, command: Callable[[], T]) -> Future[T]:
        """Run ``command`` on the loop's thread, between two ticks."""
        future: Future[T] = Future()
        self._queue.put((command, future))
        return future

    def clock_in(self, contract: Contract, memo: str) -> Future[None]:
        return self.call(lambda: self.tracker.clock_in(contract, memo))

    def clock_out(self) -> Future[None]:
        """Clock out and wait (on the loop's thread) until everything is written."""
        return self.call(lambda: self.tracker.clock_out(wait=True))

    def set_memo(self, memo: str) -> Future[None]:
        return self.call(lambda: self.tracker.set_memo(memo))

    def update_contract(self, contract: Contract) -> Future[None]:
        """A refreshed contract: if it is the one tracked, its policy applies from the next
        segment."""
        return self.call(lambda: self.tracker.update_contract(contract))

    def set_signer(self, signer: Signer | None) -> Future[None]:
        """Sign the segments closed from now on with ``signer`` (after a login)."""
        def assign() -> None:
            self.tracker.signer = signer

        return self.call(assign)

    def resolve_idle(self, period: IdlePeriod, keep: bool) -> None:
        self.tracker.resolve_idle(period, keep)  # thread-safe: it only queues a store job

    # -- on its own thread (the tray app) ----------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Clock out if needed, then end the thread (at quit)."""
        if not self._thread.is_alive():
            return
        self.clock_out()
        self._queue.put(None)
        self._thread.join(timeout)

    def _serve(self) -> None:
        while True:
            wait = next_tick_delay(self._clock) if self.tracker.clocked_in else None
            try:
                item = self._queue.get(timeout=wait)
            except queue.Empty:
                self._tick()
                continue
            if item is None:
                return
            _execute(item)

    # -- in the calling thread (headless) ------------------------------------------------

    def run(self, stop: threading.Event, duration: float | None = None) -> None:
        """Tick about once a second until ``stop`` is set or ``duration`` seconds have passed.

        The caller clocks in before and out after, from this same thread.
        """
        deadline = None if duration is None else self._clock.monotonic() + duration
        while not stop.is_set():
            self._run_queued()
            self.tracker.tick()  # a failure ends the run: the caller clocks out and says why
            if deadline is not None and self._clock.monotonic() >= deadline:
                return
            delay = next_tick_delay(self._clock)
            if deadline is not None:
                delay = min(delay, max(0.0, deadline - self._clock.monotonic()))
            self._clock.sleep(delay)
        self._run_queued()

    def _run_queued(self) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if item is not None:
                _execute(item)

    def _tick(self) -> None:
        try:
            self.tracker.tick()
        except Exception as exc:  # a failing tick must not stop the recording silently
            self._on_error(f"the tracker could not advance: {type(exc).__name__}: {exc}")


def _execute(item: _Item) -> None:
    command, future = item
    if not future.set_running_or_notify_cancel():
        return
    try:
        future.set_result(command())
    except BaseException as exc:  # the caller sees it through the Future
        future.set_exception(exc)
