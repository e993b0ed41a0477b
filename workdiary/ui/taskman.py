"""Background work for the GUI (after Anki's taskman): closures run on the store's single
worker, and their ``on_done`` runs back on the GUI thread with the finished Future.

The executor is the tracker's single-worker executor, so the GUI's reads and writes queue
behind the tracker's writes and never overlap them.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

T = TypeVar("T")


class TaskManager(QObject):
    """Create on the GUI thread; ``run`` may be called from the GUI thread only."""

    _finished = Signal(object)

    def __init__(self, executor: Executor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = executor
        self._finished.connect(self._deliver)

    def run(self, job: Callable[[], T], on_done: Callable[[Future[T]], None] | None = None
            ) -> Future[T]:
        """Run ``job`` on the worker; ``on_done(future)`` later on the GUI thread."""
        future = self._executor.submit(job)
        if on_done is not None:
            self.watch(future, on_done)
        return future

    def watch(self, future: Future[T], on_done: Callable[[Future[T]], None]) -> None:
        """Call ``on_done(future)`` on the GUI thread once ``future`` (from any thread) ends."""
        future.add_done_callback(lambda done: self._finished.emit((done, on_done)))

    @Slot(object)
    def _deliver(self, item: tuple[Future[Any], Callable[[Future[Any]], None]]) -> None:
        future, on_done = item
        on_done(future)
