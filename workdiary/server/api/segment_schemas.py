"""The wire shape of a segment upload, validated strictly (unknown fields refused)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field, field_validator, model_validator

from workdiary.core.manual import MAX_MEMO
from workdiary.core.model import ActivitySource, MinuteRecord, ScreenshotRef, Segment, SegmentKind
from workdiary.server.api.schemas import Strict

# Dates outside this range are typos or attacks, not work diaries.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
SHA256 = r"^[0-9a-f]{64}$"
COUNT = Field(default=0, ge=0, le=1_000_000)
# The enum members by value: a dict lookup, not an enum call, for each of a batch's minutes.
SOURCES = {source.value: source for source in ActivitySource}
KINDS = {kind.value: kind for kind in SegmentKind}


def _in_range(value: datetime) -> datetime:
    try:
        value = value.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59-23:59 has no UTC instant: bad input, not a 500
        raise ValueError("must be between 2000-01-01 and 2100-01-01 UTC") from None
    if not EARLIEST <= value < LATEST:
        raise ValueError("must be between 2000-01-01 and 2100-01-01 UTC")
    return value


class MinuteIn(Strict):
    at: AwareDatetime
    seconds: int = Field(default=60, ge=1, le=60)
    keys: int = COUNT
    clicks: int = COUNT
    scrolls: int = COUNT
    moves: int = COUNT
    active_seconds: int = Field(default=0, ge=0, le=60)
    idle: bool = False
    # counts: input events counted; idle_monitor: activity measured from the desktop's idle
    # notifications (native Wayland), so the counts must all be zero.
    source: Literal["counts", "idle_monitor"] = "counts"

    _at = field_validator("at")(_in_range)

    @model_validator(mode="after")
    def _idle_monitor_has_no_counts(self) -> MinuteIn:
        if self.source == "idle_monitor" and (self.keys or self.clicks or self.scrolls
                                              or self.moves):
            raise ValueError("a minute measured from idle time carries no input counts")
        return self


class ScreenshotIn(Strict):
    taken_at: AwareDatetime
    sha256: str | None = Field(default=None, pattern=SHA256)
    width: int = Field(default=0, ge=0, le=100_000)
    height: int = Field(default=0, ge=0, le=100_000)
    size: int = Field(default=0, ge=0, le=1_000_000_000)
    thumb_sha256: str | None = Field(default=None, pattern=SHA256)
    error: str | None = Field(default=None, max_length=500)
    app: str | None = Field(default=None, max_length=500)
    window_title: str | None = Field(default=None, max_length=1000)
    blurred: bool = False
    redacted: bool = False

    _taken_at = field_validator("taken_at")(_in_range)


class SegmentIn(Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    contract_id: str = Field(min_length=1, max_length=64)
    device_id: str = Field(min_length=1, max_length=64)
    seq: int = Field(ge=0, le=2**53)
    prev_hash: str = Field(max_length=64)
    kind: Literal["tracked", "manual", "tombstone"] = "tracked"
    start: AwareDatetime
    end: AwareDatetime
    memo: str = Field(default="", max_length=MAX_MEMO)
    redacted: bool = False
    minutes: list[MinuteIn] = Field(default_factory=list, max_length=60)
    screenshots: list[ScreenshotIn] = Field(default_factory=list, max_length=10)
    signature: str = Field(default="", max_length=200)

    _start = field_validator("start", "end")(_in_range)

    @model_validator(mode="after")
    def _span(self) -> SegmentIn:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        if (self.end - self.start).total_seconds() > 3600:
            raise ValueError("a segment spans at most 60 minutes")
        return self

    def to_segment(self) -> Segment:
        """The domain segment (times in UTC) whose canonical bytes the device signed."""
        return Segment(
            id=self.id, contract_id=self.contract_id, device_id=self.device_id, seq=self.seq,
            prev_hash=self.prev_hash, kind=KINDS[self.kind],
            start=self.start.astimezone(UTC), end=self.end.astimezone(UTC), memo=self.memo,
            redacted=self.redacted, signature=self.signature,
            minutes=tuple(
                MinuteRecord(at=m.at.astimezone(UTC), seconds=m.seconds, keys=m.keys,
                             clicks=m.clicks, scrolls=m.scrolls, moves=m.moves,
                             active_seconds=m.active_seconds, idle=m.idle,
                             source=SOURCES[m.source])
                for m in self.minutes
            ),
            screenshots=tuple(
                ScreenshotRef(taken_at=s.taken_at.astimezone(UTC), sha256=s.sha256,
                              width=s.width, height=s.height, size=s.size,
                              thumb_sha256=s.thumb_sha256, error=s.error, app=s.app,
                              window_title=s.window_title, blurred=s.blurred,
                              redacted=s.redacted)
                for s in self.screenshots
            ),
        )


class SegmentBatch(Strict):
    segments: list[SegmentIn] = Field(min_length=1, max_length=500)


class VerdictOut(BaseModel):
    id: str
    status: Literal["protected", "unprotected", "rejected"]
    billable_minutes: int  # floor(billable_seconds / 60), kept for older desktops
    billable_seconds: int
    over_limit_minutes: int
    over_limit_seconds: int
    reasons: list[str]


class MemoEditOut(VerdictOut):
    """The verdict after a memo edit (PUT /segments/{id})."""

    memo: str
    memo_edited: bool


class BatchResult(BaseModel):
    segments: list[VerdictOut]
