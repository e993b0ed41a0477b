"""The tracker's side of the single-worker executor: jobs in order, failures reported."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, Future

from workdiary.tracker.events import RecordingFailed, TrackerEvent

_log = logging.getLogger(__name__)


class Worker:
    """Runs store writes, captures and event callbacks as jobs on one executor thread, so
    they never overlap and keep their order. A job that fails becomes a RecordingFailed
    event: nothing is lost silently."""

    def __init__(self, executor: Executor, on_event: Callable[[TrackerEvent], None]) -> None:
        self._executor = executor
        self.on_event = on_event

    def submit(self, job: Callable[[], None]) -> Future[None]:
        def guarded() -> None:
            try:
                job()
            except Exception as exc:
                try:
                    self.on_event(RecordingFailed(f"{type(exc).__name__}: {exc}", exc))
                except Exception:
                    _log.exception("recording failed and the event handler failed too")

        return self._executor.submit(guarded)

    def emit(self, event: TrackerEvent) -> None:
        """Deliver an event on the worker thread, after the jobs already queued."""
        self.submit(lambda: self.on_event(event))

    def flush(self, timeout: float | None = 30.0) -> None:
        """Wait until every job submitted so far has run."""
        self._executor.submit(lambda: None).result(timeout)
