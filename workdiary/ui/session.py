"""The desktop session: the one object the windows talk to.

It turns GUI commands into work on the tracker's thread or the store's worker, and tracker
events and sync reports (which arrive on those threads) into Qt signals on the GUI thread.
The windows only render what it holds and call its methods.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from workdiary.core.clock import Clock
from workdiary.core.model import Contract, Segment
from workdiary.desktop.announce import Announcements
from workdiary.desktop.contract_sync import ContractsUpdate
from workdiary.desktop.diary import DayView, day_view, mark_shown
from workdiary.desktop.formatting import clock_time
from workdiary.desktop.i18n import plural, translate
from workdiary.desktop.loop import TrackerLoop
from workdiary.desktop.manual import ManualTimeError, MemoEdit, add_manual_time, edit_memo
from workdiary.desktop.manual_refusals import refusal_text
from workdiary.desktop.review import Box, DeleteOutcome, ScreenshotReview
from workdiary.desktop.state import Lock, SyncControl, TrayState
from workdiary.desktop.summary import Summary, SyncState, compute_summary
from workdiary.store import LocalStore
from workdiary.store.diskguard import DiskGuard, message_for_write_error
from workdiary.sync.client import current_account_key
from workdiary.sync.outbox import SyncReport
from workdiary.sync.release import (
    ReleaseGate,
    ReleaseNotice,
    ReleaseState,
    finish_below_minimum,
)
from workdiary.tracker import events as ev
from workdiary.ui.taskman import TaskManager

REFRESH_MS = 30_000  # the "last sync" line and totals while nothing else happens


class DesktopSession(QObject):
    changed = Signal()  # clocked in/out, totals, sync line, tray state
    contracts_changed = Signal()
    screenshot_taken = Signal(str, object)  # segment id, ScreenshotRef
    idle_ended = Signal(object)  # IdlePeriod waiting for Keep / Discard
    segment_deleted = Signal(str)
    notice = Signal(str)  # a sentence for the user (tray message, status bar)
    offers_changed = Signal()  # the open contract offers (``offers``) changed
    _contracts_update = Signal(object)
    _tracker_event = Signal(object)
    _sync_report = Signal(object)

    def __init__(self, *, store: LocalStore, control: TrackerLoop, taskman: TaskManager,
                 review: ScreenshotReview, clock: Clock, tz: ZoneInfo,
                 lock: Lock | None = None, sync: SyncControl | None = None,
                 disk_guard: DiskGuard | None = None, release: ReleaseGate | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store, self.control, self.taskman, self.review = store, control, taskman, review
        self.clock, self.tz, self.lock, self.sync = clock, tz, lock, sync
        self.disk_guard = disk_guard
        self.release = release  # the server's desktop release, refreshed by the sync thread
        self.release_notice: ReleaseNotice | None = None  # the last one shown
        self.announcements = Announcements()
        self.contracts: list[Contract] = []
        self.offers: list[Contract] = []  # offers waiting for the freelancer's answer
        # Sends an answer to an offer (network: run on ``offer_tasks``, never here).
        self.answer_offer_with: Callable[[str, bool], Contract] | None = None
        self.offer_tasks: TaskManager | None = None
        self.contract: Contract | None = None  # the one being tracked
        self.memo = ""  # the memo of the segment being recorded
        self.clocked_in = False
        self.busy = False  # a clock-in/out is under way
        self.segment_id: str | None = None
        self.segment_start: datetime | None = None
        self.segment_end: datetime | None = None
        self.idle_since: datetime | None = None
        self.problem: str | None = None  # the latest recording failure
        self.summary: Summary | None = None
        self.last_report: SyncReport | None = None
        self._refreshing = self._refresh_again = False
        self._closed = False
        self._tracker_event.connect(self._on_tracker_event)
        self._sync_report.connect(self._on_sync_report)
        self._contracts_update.connect(self._on_contracts_update)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()

    # -- thread-safe entry points (the tracker's worker, the sync thread) -----------------

    def post_event(self, event: ev.TrackerEvent) -> None:
        self._tracker_event.emit(event)

    def post_sync_report(self, report: SyncReport) -> None:
        self._sync_report.emit(report)

    def post_contracts(self, update: ContractsUpdate) -> None:
        """The sync pass refreshed the contracts (any thread)."""
        self._contracts_update.emit(update)

    # -- state ------------------------------------------------------------------------

    @property
    def tray_state(self) -> TrayState:
        sync = self.summary.sync_state if self.summary else SyncState.OK
        if self.problem or sync is SyncState.ERROR:
            return TrayState.ERROR
        if self.clocked_in:
            return TrayState.PAUSED if self.idle_since else TrayState.TRACKING
        if sync in (SyncState.OFFLINE, SyncState.LOGGED_OUT):
            return TrayState.OFFLINE
        return TrayState.IDLE

    def load_contracts(self) -> None:
        self._work(self.store.contracts, self._contracts_loaded)

    def _contracts_loaded(self, future: Future[list[Contract]]) -> None:
        self.contracts = future.result()
        self.contracts_changed.emit()

    def refresh(self) -> None:
        """Recompute totals and the sync line on the worker; coalesces bursts."""
        if self._closed:
            return
        if self._refreshing:
            self._refresh_again = True
            return
        self._refreshing = True
        segment_id, report, now = self.segment_id, self.last_report, self.clock.now()
        self._work(
            lambda: compute_summary(self.store, now, self.tz, segment_id, report),
            self._refreshed)

    def _refreshed(self, future: Future[Summary]) -> None:
        self._refreshing = False
        problem = future.exception()  # never a raising result(): see add_manual_time
        if problem is None:
            self.summary = future.result()
        else:
            self.problem = translate("Session", "could not read the local diary: {reason}"
                                     ).format(reason=problem)
        self.changed.emit()
        if self._refresh_again:
            self._refresh_again = False
            self.refresh()

    # -- commands (GUI thread) -----------------------------------------------------------

    def clock_in(self, contract: Contract, memo: str) -> None:
        if self.clocked_in or self.busy:
            return
        refusal = self.release.refusal() if self.release is not None else None
        if refusal is not None:
            self.notice.emit(translate("Session", "Cannot clock in. {reason}").format(
                reason=refusal))
            return
        if self.disk_guard is not None:  # free space first, off the GUI thread
            self.busy = True
            self._work(self.disk_guard.check,
                             lambda future: self._disk_checked(future, contract, memo))
            return
        self._clock_in_now(contract, memo)

    def _disk_checked(self, future: Future[str | None], contract: Contract, memo: str) -> None:
        self.busy = False
        problem = _result_or_none(future)
        if problem is not None:
            self._disk_problem(problem)
            return
        self._clock_in_now(contract, memo)

    def _disk_problem(self, problem: str) -> None:
        """The disk is (nearly) full: stop recording, keep what was recorded, say so."""
        self.problem = problem
        self.notice.emit(problem[:1].upper() + problem[1:])
        self.clock_out()
        self.changed.emit()

    def _clock_in_now(self, contract: Contract, memo: str) -> None:
        if self.lock is not None:
            try:
                self.lock.acquire()
            except Exception as exc:  # TrackerBusy says who holds it
                self.notice.emit(translate("Session", "Cannot clock in: {reason}.").format(
                    reason=exc))
                return
        self.busy, self.problem = True, None
        self.contract, self.memo = contract, memo
        self.changed.emit()
        self.taskman.watch(self.control.clock_in(contract, memo), self._clocked_in)

    def _clocked_in(self, future: Future[None]) -> None:
        self.busy = False
        problem = future.exception()
        if problem is not None:
            self._release_lock()
            self.contract = None
            self.notice.emit(translate("Session", "Could not clock in: {reason}").format(
                reason=problem))
        else:
            self.clocked_in = True
        self.changed.emit()
        self.refresh()
        if self.clocked_in and self.release is not None and self.release.refusal():
            self.clock_out()  # the minimum rose while this clock-in was under way

    def clock_out(self) -> None:
        if not self.clocked_in or self.busy:
            return
        self.busy = True
        self.changed.emit()
        self.taskman.watch(self.control.clock_out(), self._clocked_out)

    def _clocked_out(self, future: Future[None]) -> None:
        self.busy = False
        self.clocked_in, self.contract, self.segment_id = False, None, None
        self.segment_start = self.segment_end = None
        self.idle_since = None
        self._release_lock()
        problem = future.exception()
        if problem is not None:
            self.problem = translate("Session", "clocking out did not finish cleanly: {reason}"
                                     ).format(reason=problem)
        self.changed.emit()
        self.refresh()

    def set_memo(self, memo: str) -> None:
        if self.clocked_in and memo != self.memo:
            self.memo = memo
            self.control.set_memo(memo)

    def sync_now(self) -> None:
        if self.sync is None:
            self.notice.emit(translate(
                "Session", "Not logged in, so there is nothing to sync with: run `workdiary "
                           "login SERVER_URL --email EMAIL` in a terminal."))
            return
        self.sync.wake(refresh=True)  # the contracts too, not only the uploads
        self.notice.emit(translate("Session", "Syncing now."))

    def logged_in(self, message: str, sync: SyncControl | None) -> None:
        """After a login from the window: the new sync worker, fresh contracts and totals."""
        self.sync = sync
        self.notice.emit(message)
        self.load_contracts()
        self.refresh()

    def resolve_idle(self, period: ev.IdlePeriod, keep: bool) -> None:
        self.control.resolve_idle(period, keep)

    def delete_segment(self, segment_id: str,
                       on_done: Callable[[DeleteOutcome | None], None] | None = None) -> None:
        def done(future: Future[DeleteOutcome]) -> None:
            problem = future.exception()
            outcome = None if problem is not None else future.result()
            if outcome is None:
                self.notice.emit(translate("Session", "Not deleted: {reason}").format(
                    reason=problem))
            else:
                if outcome.deleted_now:
                    self.segment_deleted.emit(segment_id)
                    self.notice.emit(translate(
                        "Session", "The segment's time was deleted; a tombstone keeps its place "
                                   "in the chain."))
                else:
                    self.notice.emit(
                        translate("Session", "This segment is still being recorded: its time "
                                             "is deleted when it closes at {time}.").format(
                            time=clock_time(outcome.ends_at, self.tz))
                        if outcome.ends_at else
                        translate("Session", "This segment is still being recorded: its time "
                                             "is deleted when it closes."))
                self.refresh()
            if on_done is not None:
                on_done(outcome)

        self._work(lambda: self.review.delete_segment(segment_id), done)

    def redact(self, segment_id: str, sha256: str, boxes: list[Box],
               on_done: Callable[[bool], None] | None = None) -> None:
        def done(future: Future[Any]) -> None:
            problem = future.exception()
            if problem is not None:
                self.notice.emit(translate("Session", "Not redacted: {reason}").format(
                    reason=problem))
                ok = False
            else:
                self.notice.emit(translate(
                    "Session", "Redacted: the marked areas are blurred for good; the segment "
                               "keeps its time and is marked redacted."))
                ok = True
            if on_done is not None:
                on_done(ok)

        self._work(lambda: self.review.redact(segment_id, sha256, boxes), done)

    def read_file(self, path_of: Callable[[], Any], on_done: Callable[[bytes | None], None]
                  ) -> None:
        """Read a screenshot or thumbnail file on the worker (``path_of`` may return None)."""
        def job() -> bytes | None:
            path = path_of()
            return None if path is None else path.read_bytes()

        self._work(job, lambda future: on_done(_result_or_none(future)))

    def load_day(self, day: date, on_done: Callable[[DayView | None], None]) -> None:
        """The one day view (as `workdiary diary` prints it) for the diary window; None when
        the store could not be read."""
        now = self.clock.now()

        def shown() -> DayView:  # the diary window shows it: its segments count as seen
            view = day_view(self.store, day, self.tz, now)
            mark_shown(self.store, view, now)
            return view

        self._work(shown,
                         lambda future: on_done(_result_or_none(future)))

    def set_segment_memo(self, segment_id: str, memo: str,
                         on_done: Callable[[str | None], None] | None = None) -> None:
        """Edit a recorded segment's memo: in place before upload, as a re-signed record
        after (until the week locks; `desktop/manual.py` edit_memo). ``on_done`` gets the
        refusal's sentence, or None."""
        if self.clocked_in and segment_id == self.segment_id:
            self.control.set_memo(memo)
            if on_done is not None:
                on_done(None)
            return
        now = self.clock.now()

        def done(future: Future[MemoEdit]) -> None:
            problem = future.exception()
            if problem is not None:  # a refusal (MemoEditError) or the store failing
                self.notice.emit(translate("Session", "Memo not saved: {reason}").format(
                    reason=problem))
                if on_done is not None:
                    on_done(str(problem))
                return
            edit = future.result()
            if edit.queued:
                self.notice.emit(translate(
                    "Session", "Memo edit saved; it goes to the server with the next sync."))
                if self.sync is not None:
                    self.sync.wake()
            if on_done is not None:
                on_done(None)

        self._work(lambda: edit_memo(self.store, segment_id, memo, now), done)

    def add_manual_time(self, contract_id: str, start: datetime, end: datetime, memo: str,
                        on_done: Callable[[str | None], None]) -> None:
        """Record manual time (`desktop/manual.py` add_manual_time); ``on_done`` gets the
        refusal's sentence, or None when the segments were written."""
        now = self.clock.now()

        def job() -> list[Segment]:
            account = current_account_key(self.store) or ""
            return add_manual_time(self.store, contract_id, start, end, memo, now,
                                   account=account)

        def done(future: Future[list[Segment]]) -> None:
            # exception(), not a raising result(): the raise would put this frame (and the
            # future) into the traceback the future keeps, a cycle over the caller's Qt objects.
            problem = future.exception()
            if isinstance(problem, ManualTimeError):  # said in the user's language and zone
                on_done(refusal_text(problem, self.tz))
                return
            if problem is not None:  # the store failing
                on_done(str(problem))
                return
            made = future.result()
            minutes = sum(s.tracked_minutes for s in made)
            self.notice.emit(plural(
                len(made),
                translate("Session", "Added {minutes} min of manual time in {count} segment."),
                translate("Session", "Added {minutes} min of manual time in {count} segments."),
            ).format(minutes=minutes, count=len(made)))
            self.refresh()
            on_done(None)

        self._work(job, done)

    def shutdown(self) -> None:
        """At quit: clock out (everything written), stop syncing."""
        self._closed = True
        self._timer.stop()
        self.control.stop()
        self._release_lock()
        if self.sync is not None:
            self.sync.stop()

    # -- events (GUI thread) ------------------------------------------------------------

    @Slot(object)
    def _on_tracker_event(self, event: ev.TrackerEvent) -> None:
        if isinstance(event, ev.SegmentOpened):
            self.segment_id = event.segment_id
            self.segment_start, self.segment_end = event.start, event.planned_end
        elif isinstance(event, ev.ScreenshotTaken):
            self.screenshot_taken.emit(event.segment_id, event.shot)
        elif isinstance(event, ev.ScreenshotFailed):
            # A refused portal or a missing permission fails every shot alike: say it once.
            if self.announcements.first_time(("capture_failed", event.shot.error)):
                self.notice.emit(translate(
                    "Session", "A screenshot could not be taken ({reason}); it is recorded as a "
                               "failed capture. This message is not repeated for the same "
                               "reason.").format(reason=event.shot.error))
        elif isinstance(event, ev.IdleStarted):
            self.idle_since = event.since
        elif isinstance(event, ev.IdleEnded):
            self.idle_since = None
            if event.kept is None:
                self.idle_ended.emit(event.period)
        elif isinstance(event, ev.SleepDetected):
            self.notice.emit(translate(
                "Session", "The computer slept or its clock moved ({time} UTC): no time was "
                           "recorded for the gap.").format(
                time=clock_time(event.last_seen, ZoneInfo("UTC"))))
        elif isinstance(event, ev.RecordingFailed):
            full = (message_for_write_error(event.error, self.disk_guard.data_dir)
                    if self.disk_guard is not None else None)
            if full is not None:
                self._disk_problem(full)
            else:
                self.problem = event.message
                self.notice.emit(translate("Session", "Recording problem: {reason}").format(
                    reason=event.message))
        elif isinstance(event, ev.MinuteRecorded) and self.disk_guard is not None:
            self._work(self.disk_guard.check, self._disk_watched)  # once a minute
        elif isinstance(event, ev.SegmentClosed) and self.sync is not None:
            self.sync.wake()
        if not isinstance(event, ev.ScreenshotTaken):
            self.refresh()

    @Slot(object)
    def _on_contracts_update(self, update: ContractsUpdate) -> None:
        # A changed policy is told once, in words; the tracker applies it from the next
        # segment (the runtime handed it the new contract already).
        for message in update.messages:
            if self.announcements.first_time(("contracts", message)):
                self.notice.emit(message)
        self.offers = list(update.offers)
        self.offers_changed.emit()
        self.load_contracts()

    def answer_offer(self, contract_id: str, accept: bool) -> None:
        """Accept or decline an offer (on ``offer_tasks``); the outcome comes as a notice."""
        answer, tasks = self.answer_offer_with, self.offer_tasks
        if answer is None or tasks is None:
            self.notice.emit(translate("Session", "Log in first to answer offers."))
            return

        def done(future: Future[Contract]) -> None:
            problem = future.exception()
            if problem is not None:  # OfferError: a sentence for the user
                self.notice.emit(str(problem))
                return
            contract = future.result()
            self.offers = [o for o in self.offers if o.id != contract_id]
            self.offers_changed.emit()
            self.notice.emit(
                (translate("Session", "Accepted “{title}”: you can clock in on it.") if accept
                 else translate("Session", "Declined “{title}”.")).format(title=contract.title))
            self.load_contracts()

        tasks.run(lambda: answer(contract_id, accept), done)

    def _disk_watched(self, future: Future[str | None]) -> None:
        problem = _result_or_none(future)
        if problem is not None and self.clocked_in:
            self._disk_problem(problem)

    @Slot(object)
    def _on_sync_report(self, report: SyncReport) -> None:
        self.last_report = report
        for warning in (report.clock_warning if report.too_early else None,
                        report.token_notice):
            if warning and self.announcements.first_time(("sync", warning)):
                self.notice.emit(warning[:1].upper() + warning[1:])
        for segment_id, reason in report.memo_refused:  # final: each is said once
            self.notice.emit(translate(
                "Session", "The server kept the old memo of segment {segment}: {reason}."
            ).format(segment=segment_id, reason=reason))
        self.release_checked()
        self.refresh()

    def release_checked(self) -> None:
        """After the release gate was refreshed: tell an update once per version; below the
        minimum, clock out and upload (the sync thread then flushes) and refuse clock-ins."""
        notice = self.release.notice if self.release is not None else None
        if notice == self.release_notice:
            return
        self.release_notice = notice
        if notice is None or notice.state is ReleaseState.CURRENT:
            self.changed.emit()
            return
        if self.announcements.first_time(("release", notice.state, notice.latest)):
            self.notice.emit(notice.message)
        sync = self.sync
        finish_below_minimum(notice, clocked_in=self.clocked_in, clock_out=self.clock_out,
                             upload=sync.wake if sync is not None else lambda: None)
        self.changed.emit()

    def _work(self, job: Callable[[], Any], on_done: Callable[[Future[Any]], None]) -> None:
        """Run ``job`` on the worker, ``on_done`` back here; after quit nothing new starts
        (results still arriving, e.g. a diary page, must not queue work on a stopped worker)."""
        if not self._closed:
            self.taskman.run(job, on_done)

    def _release_lock(self) -> None:
        if self.lock is not None:
            self.lock.release()


def _result_or_none(future: Future[Any]) -> Any:
    # exception(), not a raising result(): see add_manual_time
    return None if future.exception() is not None else future.result()
