"""The sync worker: runs outbox passes on its own thread, never on the GUI or tick thread.

``PassLoop`` is the schedule (interval, wake, backoff, stop); ``SyncWorker`` runs each pass
in this process. The tray app runs each pass in a helper process instead
(``workdiary.desktop.sync_process``), on the same schedule.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable

from workdiary.sync.api import ApiClient
from workdiary.sync.outbox import Outbox, SyncReport
from workdiary.sync.release import ReleaseGate
from workdiary.sync.retry import RetryPolicy

log = logging.getLogger(__name__)


class PassLoop:
    """Runs ``run_pass(asked)`` every ``interval`` seconds (sooner after ``wake()``).

    After a failed pass it backs off (exponential, jittered, capped) instead of hammering a
    server that is down. ``on_report`` runs on the worker thread: a GUI must marshal it.
    ``asked`` is True once after ``wake(refresh=True)``.
    """

    def __init__(self, *, interval: float = 30.0,
                 on_report: Callable[[SyncReport], None] | None = None,
                 backoff: RetryPolicy | None = None, rng: random.Random | None = None,
                 stop_event: threading.Event | None = None) -> None:
        self.interval = interval
        self.on_report = on_report
        self.backoff = backoff or RetryPolicy(base=5.0, cap=300.0)
        self._rng = rng or random.Random()
        self._stop = stop_event or threading.Event()  # also interrupts retry waits
        self._wake = threading.Event()
        self._refresh_asked = threading.Event()  # wake(refresh=True): tell the pass
        self._thread = threading.Thread(target=self._run, name="workdiary-sync", daemon=True)
        self.last_report: SyncReport | None = None

    def start(self) -> None:
        self._thread.start()

    def wake(self, *, refresh: bool = False) -> None:
        """Sync soon (for example right after a segment closed); ``refresh``: and refresh
        what the pass keeps besides uploads (clock-in, "Sync now")."""
        if refresh:
            self._refresh_asked.set()
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the current request; queued records stay queued for the next run."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def run_pass(self, asked: bool) -> SyncReport | None:
        """One pass; None when it found nothing due and did nothing (no report then)."""
        raise NotImplementedError

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            asked = self._refresh_asked.is_set()
            self._refresh_asked.clear()
            try:
                report = self.run_pass(asked)
            except Exception as exc:  # a bug must not kill syncing silently: log, back off
                log.exception("sync pass failed")
                report = SyncReport(error=f"internal error during sync: {exc!r}")
            if report is None:  # nothing was due: the last report stands
                self._wake.wait(self.interval)
                self._wake.clear()
                continue
            self.last_report = report
            if self.on_report is not None:
                try:
                    self.on_report(report)
                except Exception:  # a display problem must not stop uploads
                    log.exception("sync report handler failed")
            failures = 0 if report.ok else failures + 1
            delay = (self.interval if failures == 0
                     else max(self.interval, self.backoff.delay(failures, self._rng)))
            self._wake.wait(delay)
            self._wake.clear()


class SyncWorker(PassLoop):
    """Calls ``outbox.run_once()`` on the ``PassLoop`` schedule, in this process.

    With a ``release`` gate, each pass first asks the server for its desktop release (the
    gate keeps the last answer offline); below the minimum every pass uploads all that is
    pending without waiting for the review grace period (finish, then refuse to clock in).
    ``before_pass(api, asked)`` runs first on each pass (the desktop refreshes its contracts
    there when they are due); ``asked`` is True once after ``wake(refresh=True)``.
    """

    def __init__(self, outbox: Outbox, *, interval: float = 30.0,
                 on_report: Callable[[SyncReport], None] | None = None,
                 backoff: RetryPolicy | None = None, rng: random.Random | None = None,
                 release: ReleaseGate | None = None,
                 before_pass: Callable[[ApiClient, bool], object] | None = None) -> None:
        super().__init__(interval=interval, on_report=on_report, backoff=backoff, rng=rng,
                         stop_event=outbox.stop_event)
        self.outbox = outbox
        self.release = release
        # Run before each pass on this thread (the desktop refreshes its contracts here).
        self.before_pass = before_pass

    def run_pass(self, asked: bool) -> SyncReport:
        if self.before_pass is not None:
            try:
                self.before_pass(self.outbox.api, asked)
            except Exception:  # a refresh problem must not stop uploads
                log.exception("contract refresh before the sync pass failed")
        return (self.outbox.run_once(flush=True) if self._below_minimum()
                else self.outbox.run_once())

    def _below_minimum(self) -> bool:
        """Refresh the release notice (this thread, never the GUI's); True below minimum."""
        if self.release is None:
            return False
        self.release.refresh(self.outbox.api)
        return self.release.refusal() is not None
