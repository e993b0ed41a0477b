"""The tracker's own thread: ticks about once a second while clocked in and runs the GUI's
commands (clock in/out, memo) between ticks, so the engine is only ever driven from here."""

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
from workdiary.tracker.runner import TICK_SECONDS

T = TypeVar("T")
_Item = tuple[Callable[[], Any], Future[Any]]


class TrackerThread:
    """Owns the ticking thread. Commands return Futures; nothing here touches Qt."""

    def __init__(self, tracker: Tracker, clock: Clock,
                 on_error: Callable[[str], None] = lambda message: None) -> None:
        self.tracker = tracker
        self._clock = clock
        self._on_error = on_error
        self._queue: queue.Queue[_Item | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="workdiary-ticker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def call(self, command: Callable[[], T]) -> Future[T]:
        """Run ``command`` on the ticking thread, between two ticks."""
        future: Future[T] = Future()
        self._queue.put((command, future))
        return future

    def clock_in(self, contract: Contract, memo: str) -> Future[None]:
        return self.call(lambda: self.tracker.clock_in(contract, memo))

    def clock_out(self) -> Future[None]:
        """Clock out and wait (on the ticking thread) until everything is written."""
        return self.call(lambda: self.tracker.clock_out(wait=True))

    def set_memo(self, memo: str) -> Future[None]:
        return self.call(lambda: self.tracker.set_memo(memo))

    def resolve_idle(self, period: IdlePeriod, keep: bool) -> None:
        self.tracker.resolve_idle(period, keep)  # thread-safe: it only queues a store job

    def stop(self, timeout: float = 30.0) -> None:
        """Clock out if needed, then end the thread (at quit)."""
        if not self._thread.is_alive():
            return
        self.clock_out()
        self._queue.put(None)
        self._thread.join(timeout)

    def _delay(self) -> float:
        # Just after the next wall-clock second, as the headless runner does.
        return TICK_SECONDS - self._clock.now().microsecond / 1_000_000 + 0.01

    def _run(self) -> None:
        while True:
            try:
                item = self._queue.get(timeout=self._delay() if self.tracker.clocked_in else None)
            except queue.Empty:
                self._guarded(self.tracker.tick)
                continue
            if item is None:
                return
            command, future = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(command())
            except BaseException as exc:  # the caller sees it through the Future
                future.set_exception(exc)

    def _guarded(self, step: Callable[[], None]) -> None:
        try:
            step()
        except Exception as exc:  # a failing tick must not stop the recording silently
            self._on_error(f"the tracker could not advance: {type(exc).__name__}: {exc}")
