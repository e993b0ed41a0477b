"""The recording engine: minutes on the wall clock, segments on the UTC grid, screenshots at
random moments, idle, sleep. Driven by ``tick()`` about once a second.

Threads: ``tick``, ``clock_in``, ``clock_out`` and ``set_memo`` run on one (ticking) thread
and only decide; every store write, capture, encode and signature runs as a job on the
single-worker executor, so writes never overlap and keep their order (a screenshot taken in
a segment is written before that segment closes). Events are emitted from those jobs.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from workdiary.capture.base import InputCounter, InputCounts, ScreenGrabber, WindowProbe
from workdiary.core.clock import Clock
from workdiary.core.model import Contract, MinuteRecord, Policy
from workdiary.core.timegrid import MINUTE, floor_minute, segment_end
from workdiary.tracker.capture_job import take_screenshot
from workdiary.tracker.events import (
    ClockedIn,
    ClockedOut,
    IdleEnded,
    IdleMinute,
    IdlePeriod,
    IdleResolved,
    IdleStarted,
    MinuteRecorded,
    RecordingFailed,
    SegmentClosed,
    SegmentDropped,
    SegmentOpened,
    SleepDetected,
    TrackerEvent,
)
from workdiary.tracker.idle import apply_idle_decision
from workdiary.tracker.idle import discard_idle as discard_idle  # re-exported
from workdiary.tracker.minute import MinuteInProgress
from workdiary.tracker.ports import Encoder, RecordingStore, Signer
from workdiary.tracker.schedule import screenshot_moments
from workdiary.tracker.worker import Worker

# Wall-clock vs monotonic disagreement that counts as a sleep or a clock change.
SLEEP_THRESHOLD_SECONDS = 30.0


@dataclass(slots=True)
class _OpenSegment:
    id: str
    start: datetime
    end: datetime  # the grid boundary where it closes unless clocked out before
    moments: list[datetime] = field(default_factory=list)
    # The policy this segment is recorded under: a changed policy starts with the next one.
    policy: Policy = field(default_factory=Policy)


@dataclass(slots=True)
class _Session:
    contract: Contract
    memo: str
    segment: _OpenSegment
    minute: MinuteInProgress
    last_wall: datetime  # previous tick, exact
    last_mono: float
    last_input: datetime  # wall time of the latest input (clock-in time before any)
    idle: IdlePeriod | None = None


class Tracker:
    """Records one contract at a time. See the module docstring for the threading rules."""

    def __init__(
        self, *, store: RecordingStore, clock: Clock, screen: ScreenGrabber,
        input_counter: InputCounter, encode: Encoder, executor: Executor,
        rng: random.Random | None = None, window_probe: WindowProbe | None = None,
        on_event: Callable[[TrackerEvent], None] | None = None,
        idle_decision: Callable[[IdlePeriod], bool | None] = discard_idle,
        signer: Signer | None = None, sleep_threshold: float = SLEEP_THRESHOLD_SECONDS,
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
        input_observed: Callable[[], bool] = lambda: True,
    ) -> None:
        self._store = store
        self._clock = clock
        self._screen = screen
        self._input = input_counter
        self._encode = encode
        self._worker = Worker(executor, on_event or (lambda event: None))
        self._rng = rng or random.Random()
        self._probe = window_probe
        self._idle_decision = idle_decision
        self.signer = signer  # settable: sync injects it after login
        self._sleep_threshold = sleep_threshold
        self._new_id = new_id
        # Without observable input (no display) nothing is ever idle: time is kept, not guessed.
        self._input_observed = input_observed
        self._session: _Session | None = None

    # -- public API (ticking thread) ------------------------------------------------------

    @property
    def clocked_in(self) -> bool:
        return self._session is not None

    @property
    def contract(self) -> Contract | None:
        return self._session.contract if self._session else None

    @property
    def segment_id(self) -> str | None:
        """The id of the segment being recorded."""
        return self._session.segment.id if self._session else None

    def clock_in(self, contract: Contract, memo: str = "") -> None:
        """Start recording ``contract``; raises DisplayUnavailable if input cannot be read."""
        if self._session is not None:
            raise RuntimeError("already clocked in: clock out first")
        self._input.start()
        self._input.take()  # drop anything counted before clock-in
        exact, mono = self._clock.now(), self._clock.monotonic()
        now = _second(exact)
        self._session = _Session(
            contract=contract, memo=memo,
            segment=_OpenSegment("", now, now, policy=contract.policy),
            minute=MinuteInProgress(at=floor_minute(now), since=now),
            last_wall=exact, last_mono=mono, last_input=now,
        )
        self._worker.emit(ClockedIn(contract.id, now))
        self._open_segment(now)

    def tick(self) -> None:
        """Advance the recording to now; call about once a second while clocked in."""
        session = self._session
        if session is None:
            return
        exact, mono = self._clock.now(), self._clock.monotonic()
        wall_elapsed = (exact - session.last_wall).total_seconds()
        gap = wall_elapsed - (mono - session.last_mono)
        if abs(gap) > self._sleep_threshold:
            self._resume_after_gap(exact, mono, gap)
            return
        now = _second(exact)
        had_input = self._absorb(self._input.take(), exact, mono)
        self._advance(now)
        self._take_due_screenshots(now)
        if had_input and session.idle is not None:
            self._end_idle(now)
        elif not had_input and session.idle is None and self._is_idle_at(now):
            self._start_idle()
        session.last_wall, session.last_mono = exact, mono

    def clock_out(self, wait: bool = True) -> None:
        """Close the partial minute and segment at now; by default wait until all is written."""
        session = self._session
        if session is None:
            return
        self.tick()
        now = _second(self._clock.now())
        self._finish_minute(max(now, session.minute.since))
        if session.idle is not None:
            self._end_idle(now)
        self._close_segment(max(now, session.segment.start))
        self._input.stop()
        self._session = None
        self._worker.emit(ClockedOut(session.contract.id, now))
        if wait:
            self.flush()

    def update_contract(self, contract: Contract) -> None:
        """A newer version of the contract being tracked (the client changed its policy):
        the open segment keeps the policy it started with, the next one uses the new one.
        Any other contract is ignored."""
        session = self._session
        if session is not None and session.contract.id == contract.id:
            session.contract = contract

    def set_memo(self, memo: str) -> None:
        """The memo of the segment being recorded and of the following ones."""
        session = self._session
        if session is None:
            return
        session.memo = memo
        segment_id = session.segment.id
        self._worker.submit(lambda: self._store.set_memo(segment_id, memo))

    def resolve_idle(self, period: IdlePeriod, keep: bool) -> None:
        """Apply a decision the idle callback left pending (it returned None). Thread-safe."""
        resolved = IdleResolved(period, keep)
        self._worker.submit(lambda: self._apply_idle_decision(period, keep, resolved))

    def flush(self, timeout: float | None = 30.0) -> None:
        """Wait until every job submitted so far has run."""
        self._worker.flush(timeout)

    # -- minutes and segments --------------------------------------------------------------

    def _advance(self, now: datetime) -> None:
        session = self._session
        assert session is not None
        while session.minute.at + MINUTE <= now:
            boundary = session.minute.at + MINUTE
            self._take_due_screenshots(min(now, boundary))
            self._finish_minute(boundary)
            session.minute = MinuteInProgress(at=boundary, since=boundary)
            if boundary >= session.segment.end:
                self._close_segment(session.segment.end)
                self._open_segment(boundary)

    def _finish_minute(self, until: datetime) -> None:
        session = self._session
        assert session is not None
        minute = session.minute
        idle = not minute.has_input and self._is_idle_at(minute.at)
        record = minute.finish(until, idle)
        session.minute = MinuteInProgress(at=minute.at, since=until)
        if record is None:
            return
        segment_id = session.segment.id
        if record.idle:
            if session.idle is None:
                self._start_idle()
            assert session.idle is not None
            session.idle.minutes.append(IdleMinute(segment_id, record.at, record.seconds))
        self._worker.submit(lambda: self._record_minute(segment_id, record))

    def _record_minute(self, segment_id: str, record: MinuteRecord) -> None:
        self._store.add_minute(segment_id, record)
        self._worker.on_event(MinuteRecorded(segment_id, record))

    def _open_segment(self, start: datetime) -> None:
        session = self._session
        assert session is not None
        policy = session.contract.policy
        end = segment_end(start, policy.segment_minutes)
        segment = _OpenSegment(
            self._new_id(), start, end,
            screenshot_moments(self._rng, start, end, policy.screenshots_per_segment),
            policy,
        )
        session.segment = segment
        contract_id, memo = session.contract.id, session.memo

        def job() -> None:
            self._store.start_segment(segment.id, contract_id, start, end, memo)
            self._worker.on_event(SegmentOpened(segment.id, contract_id, start, end))

        self._worker.submit(job)

    def _close_segment(self, end: datetime) -> None:
        session = self._session
        assert session is not None
        segment_id = session.segment.id
        signer = self.signer

        def job() -> None:
            closed = self._store.close_segment(segment_id, end)
            if closed is None:
                self._worker.on_event(SegmentDropped(segment_id))
                return
            if signer is not None:
                try:
                    closed = signer(closed)
                    self._store.set_signature(segment_id, closed.signature)
                except Exception as exc:  # unsigned segments are signed again before upload
                    message = f"signing segment {segment_id} failed: {exc}"
                    self._worker.on_event(RecordingFailed(message))
            self._worker.on_event(SegmentClosed(closed))

        self._worker.submit(job)

    # -- screenshots -------------------------------------------------------------------------

    def _take_due_screenshots(self, before: datetime) -> None:
        """Capture every moment scheduled before ``before`` (a tick time or a minute end).

        ``taken_at`` is the scheduled moment: the grab follows within a tick (about a
        second), and the moment is always inside the segment, even when the segment closes
        at this very tick (clock-out, sleep).
        """
        session = self._session
        assert session is not None
        segment = session.segment
        while segment.moments and segment.moments[0] < before:
            self._submit_capture(segment.id, segment.moments.pop(0))

    def _submit_capture(self, segment_id: str, taken_at: datetime) -> None:
        session = self._session
        assert session is not None
        policy = session.segment.policy

        def job() -> None:
            event = take_screenshot(
                store=self._store, screen=self._screen, encode=self._encode,
                window_probe=self._probe, policy=policy, segment_id=segment_id,
                taken_at=taken_at,
            )
            self._worker.on_event(event)

        self._worker.submit(job)

    # -- input, idle, sleep ------------------------------------------------------------------

    def _absorb(self, counts: InputCounts, exact: datetime, mono: float) -> bool:
        session = self._session
        assert session is not None
        # Every take says where activity comes from, so a minute without input still
        # records its source (an idle-monitor minute with no activity is not "counts").
        session.minute.source = counts.source
        if not counts.has_input:
            return False
        session.minute.add(counts)
        if counts.last_input_monotonic is not None:
            ago = max(0.0, mono - counts.last_input_monotonic)
            session.last_input = _second(exact - timedelta(seconds=ago))
        else:
            session.last_input = _second(exact)
        return True

    def _is_idle_at(self, moment: datetime) -> bool:
        return moment >= self._idle_threshold() and self._input_observed()

    def _idle_threshold(self) -> datetime:
        session = self._session
        assert session is not None
        return session.last_input + timedelta(minutes=session.segment.policy.idle_minutes)

    def _start_idle(self) -> None:
        session = self._session
        assert session is not None
        since = self._idle_threshold()
        session.idle = IdlePeriod(since=since)
        self._worker.emit(IdleStarted(since))

    def _end_idle(self, now: datetime) -> None:
        session = self._session
        assert session is not None and session.idle is not None
        period, session.idle = session.idle, None
        period.ended_at = now
        if not period.minutes:
            self._worker.emit(IdleEnded(period, True))
            return
        decision = self._idle_decision(period)
        if decision is None:
            self._worker.emit(IdleEnded(period, None))
            return
        ended = IdleEnded(period, decision)
        self._worker.submit(lambda: self._apply_idle_decision(period, decision, ended))

    def _apply_idle_decision(self, period: IdlePeriod, keep: bool, event: TrackerEvent) -> None:
        apply_idle_decision(self._store, period, keep)
        self._worker.on_event(event)

    def _resume_after_gap(self, exact: datetime, mono: float, gap: float) -> None:
        """The machine slept (or the clock moved): end the segment at the last tick, record
        nothing for the gap, and go on in a new segment from now."""
        session = self._session
        assert session is not None
        last = _second(session.last_wall)
        self._absorb(self._input.take(), session.last_wall, session.last_mono)
        self._finish_minute(max(last, session.minute.since))
        if session.idle is not None:
            self._end_idle(last)
        self._close_segment(max(last, session.segment.start))
        now = _second(exact)
        self._worker.emit(SleepDetected(last, now, gap))
        session.minute = MinuteInProgress(at=floor_minute(now), since=now)
        session.last_wall, session.last_mono, session.last_input = exact, mono, now
        self._open_segment(now)


def _second(moment: datetime) -> datetime:
    """Whole seconds: what the store and the wire keep."""
    return moment.replace(microsecond=0)
