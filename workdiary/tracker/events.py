"""What the tracker reports. Every event is delivered on the tracker's worker thread, in order,
after the store write it describes has been committed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from workdiary.core.model import MinuteRecord, ScreenshotRef, Segment


@dataclass(frozen=True, slots=True)
class IdleMinute:
    segment_id: str
    at: datetime
    seconds: int


@dataclass(slots=True)
class IdlePeriod:
    """Minutes recorded as idle: from ``since`` (last input + idle_minutes) until input returned."""

    since: datetime
    minutes: list[IdleMinute] = field(default_factory=list)
    ended_at: datetime | None = None

    @property
    def seconds(self) -> int:
        return sum(minute.seconds for minute in self.minutes)


@dataclass(frozen=True, slots=True)
class SegmentOpened:
    segment_id: str
    contract_id: str
    start: datetime
    planned_end: datetime


@dataclass(frozen=True, slots=True)
class MinuteRecorded:
    segment_id: str
    minute: MinuteRecord


@dataclass(frozen=True, slots=True)
class SegmentClosed:
    segment: Segment  # as stored: with its device id, seq, prev_hash and signature (if signed)


@dataclass(frozen=True, slots=True)
class SegmentDropped:
    """A segment closed without a single tracked minute: nothing to bill, not kept."""

    segment_id: str


@dataclass(frozen=True, slots=True)
class ScreenshotTaken:
    segment_id: str
    shot: ScreenshotRef


@dataclass(frozen=True, slots=True)
class ScreenshotFailed:
    segment_id: str
    shot: ScreenshotRef  # ``shot.error`` says why


@dataclass(frozen=True, slots=True)
class IdleStarted:
    since: datetime


@dataclass(frozen=True, slots=True)
class IdleEnded:
    period: IdlePeriod
    kept: bool | None  # None: the decision is pending (see Tracker.resolve_idle)


@dataclass(frozen=True, slots=True)
class IdleResolved:
    period: IdlePeriod
    kept: bool


@dataclass(frozen=True, slots=True)
class SleepDetected:
    """Wall and monotonic clocks disagreed: the machine slept or the clock was changed."""

    last_seen: datetime
    resumed_at: datetime
    gap_seconds: float  # wall elapsed minus monotonic elapsed


@dataclass(frozen=True, slots=True)
class ClockedIn:
    contract_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ClockedOut:
    contract_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class RecordingFailed:
    """A store write failed: the message says what was not recorded and why."""

    message: str
    error: BaseException | None = None  # lets the composition root tell a full disk apart


TrackerEvent = (
    SegmentOpened | MinuteRecorded | SegmentClosed | SegmentDropped | ScreenshotTaken
    | ScreenshotFailed | IdleStarted | IdleEnded | IdleResolved | SleepDetected | ClockedIn
    | ClockedOut | RecordingFailed
)
