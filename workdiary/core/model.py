"""The domain model shared by the desktop client and the server.

Plain frozen dataclasses: no I/O, no framework types. Times are timezone-aware UTC datetimes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import datetime

from workdiary.core.errors import DomainError


class CaptureMode(enum.StrEnum):
    ALL = "all"  # every monitor, stitched
    PRIMARY = "primary"
    ACTIVE = "active"  # the monitor under the pointer


class ActivitySource(enum.StrEnum):
    """Where a minute's activity came from."""

    COUNTS = "counts"  # input events counted (keys, clicks, scrolls, moves)
    IDLE_MONITOR = "idle_monitor"  # the desktop's idle notifications: active seconds, no counts


class SegmentKind(enum.StrEnum):
    TRACKED = "tracked"
    MANUAL = "manual"
    TOMBSTONE = "tombstone"  # a deleted segment keeps its place in the chain


class Status(enum.StrEnum):
    PROTECTED = "protected"
    UNPROTECTED = "unprotected"
    REJECTED = "rejected"


class Reason(enum.StrEnum):
    BAD_SIGNATURE = "bad_signature"
    UNKNOWN_DEVICE = "unknown_device"
    CHAIN_BREAK = "chain_break"
    OVERLAP = "overlap"
    FUTURE = "future"
    OUTSIDE_CONTRACT = "outside_contract"
    # The contract was paused or ended when the segment started (it began after the change).
    CONTRACT_INACTIVE = "contract_inactive"
    WEEK_LOCKED = "week_locked"
    OVER_WEEKLY_LIMIT = "over_weekly_limit"
    NO_SCREENSHOT = "no_screenshot"
    # A referenced screenshot uploaded by another device, stamped for another segment, or taken
    # outside this segment: it is no evidence for this one (and grants no access to it).
    SCREENSHOT_UNBOUND = "screenshot_unbound"
    CAPTURE_FAILED = "capture_failed"
    NO_ACTIVITY = "no_activity"
    NO_MEMO = "no_memo"
    MANUAL = "manual"
    REDACTED = "redacted"
    DELETED = "deleted"


VALID_SEGMENT_MINUTES = tuple(m for m in range(1, 61) if 60 % m == 0)


@dataclass(frozen=True, slots=True)
class Policy:
    """The tracking policy the client sets on a contract."""

    segment_minutes: int = 10
    screenshots_per_segment: int = 1
    capture: CaptureMode = CaptureMode.ALL
    blur: bool = False
    allow_redaction: bool = True
    allow_manual: bool = False
    window_titles: bool = False
    idle_minutes: int = 10

    def __post_init__(self) -> None:
        if self.segment_minutes not in VALID_SEGMENT_MINUTES:
            raise DomainError(
                f"segment_minutes must divide 60 (one of {VALID_SEGMENT_MINUTES}), "
                f"not {self.segment_minutes}"
            )
        if not 1 <= self.screenshots_per_segment <= 3:
            raise DomainError(
                f"screenshots_per_segment must be 1-3, not {self.screenshots_per_segment}"
            )
        if not 1 <= self.idle_minutes <= 240:
            raise DomainError(f"idle_minutes must be 1-240, not {self.idle_minutes}")
        object.__setattr__(self, "capture", CaptureMode(self.capture))

    def to_dict(self) -> dict[str, object]:
        return {
            "segment_minutes": self.segment_minutes,
            "screenshots_per_segment": self.screenshots_per_segment,
            "capture": self.capture.value,
            "blur": self.blur,
            "allow_redaction": self.allow_redaction,
            "allow_manual": self.allow_manual,
            "window_titles": self.window_titles,
            "idle_minutes": self.idle_minutes,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Policy:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Contract:
    id: str
    title: str
    client_name: str
    freelancer_name: str
    rate_cents: int  # per hour, integer cents
    currency: str = "USD"
    weekly_limit_minutes: int | None = None  # None: no limit
    status: str = "active"
    policy: Policy = field(default_factory=Policy)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "client_name": self.client_name,
            "freelancer_name": self.freelancer_name,
            "rate_cents": self.rate_cents,
            "currency": self.currency,
            "weekly_limit_minutes": self.weekly_limit_minutes,
            "status": self.status,
            "policy": self.policy.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Contract:
        policy = data.get("policy") or {}
        assert isinstance(policy, dict)
        limit = data.get("weekly_limit_minutes")
        return cls(
            id=str(data["id"]),
            title=str(data["title"]),
            client_name=str(data.get("client_name", "")),
            freelancer_name=str(data.get("freelancer_name", "")),
            rate_cents=int(data["rate_cents"]),  # type: ignore[call-overload]
            currency=str(data.get("currency", "USD")),
            weekly_limit_minutes=None if limit is None else int(limit),  # type: ignore[call-overload]
            status=str(data.get("status", "active")),
            policy=Policy.from_dict(policy),
        )


@dataclass(frozen=True, slots=True)
class MinuteRecord:
    """One tracked wall-clock minute: counts of input events, never which ones.

    Where input cannot be counted (Wayland without evdev), ``source`` is ``idle_monitor``: the
    counts are all zero and ``active_seconds`` comes from the desktop's idle notifications.
    """

    at: datetime  # start of the wall-clock minute, UTC
    seconds: int = 60  # seconds of this minute that were tracked (partial at clock-in/out)
    keys: int = 0
    clicks: int = 0
    scrolls: int = 0
    moves: int = 0  # coalesced: at most one per sampling interval
    active_seconds: int = 0  # seconds of this minute with any input, 0-60
    idle: bool = False
    source: ActivitySource = ActivitySource.COUNTS

    def __post_init__(self) -> None:
        if type(self.source) is not ActivitySource:  # a plain string: convert (or refuse)
            object.__setattr__(self, "source", ActivitySource(self.source))
        if not 1 <= self.seconds <= 60:
            raise DomainError(f"a minute record tracks 1-60 seconds, not {self.seconds}")
        if not 0 <= self.active_seconds <= 60:
            raise DomainError(f"active_seconds must be 0-60, not {self.active_seconds}")
        if min(self.keys, self.clicks, self.scrolls, self.moves) < 0:
            raise DomainError("input counts cannot be negative")
        if self.source is ActivitySource.IDLE_MONITOR and self.has_counts:
            raise DomainError("a minute measured from idle time carries no input counts")

    @property
    def has_counts(self) -> bool:
        return (self.keys + self.clicks + self.scrolls + self.moves) > 0

    @property
    def has_input(self) -> bool:
        """Input was seen: events counted, or (idle monitor) seconds the desktop saw active."""
        return input_seen(idle_monitor=self.source is ActivitySource.IDLE_MONITOR,
                          counts=self.keys + self.clicks + self.scrolls + self.moves,
                          active_seconds=self.active_seconds)

    @property
    def active(self) -> bool:
        """A minute with any input is active; an idle minute never is."""
        return self.has_input and not self.idle


def input_seen(*, idle_monitor: bool, counts: int, active_seconds: int) -> bool:
    """The one rule for whether a minute saw input (``MinuteRecord.has_input``; also read
    straight from stored minutes by ``canonical.summary_from_dict``)."""
    return active_seconds > 0 if idle_monitor else counts > 0


@dataclass(frozen=True, slots=True)
class ScreenshotRef:
    """A screenshot as the segment refers to it: by content hash, or as a failed capture."""

    taken_at: datetime
    sha256: str | None = None  # None when the capture failed
    width: int = 0
    height: int = 0
    size: int = 0  # bytes of the JPEG
    thumb_sha256: str | None = None
    error: str | None = None  # why a capture failed
    app: str | None = None  # active application, only if the policy records window titles
    window_title: str | None = None
    blurred: bool = False
    redacted: bool = False

    @property
    def failed(self) -> bool:
        return self.sha256 is None


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of time on the segment grid, with its evidence.

    ``seq`` and ``prev_hash`` place it in its device's hash chain; ``signature`` is the
    device's Ed25519 signature over the canonical bytes (see ``canonical``).
    """

    id: str
    contract_id: str
    start: datetime
    end: datetime
    kind: SegmentKind = SegmentKind.TRACKED
    memo: str = ""
    minutes: tuple[MinuteRecord, ...] = ()
    screenshots: tuple[ScreenshotRef, ...] = ()
    redacted: bool = False
    device_id: str = ""
    seq: int = 0
    prev_hash: str = ""
    signature: str = ""

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise DomainError(
                f"segment {self.id} ends ({self.end}) before it starts ({self.start})"
            )

    @property
    def tracked_seconds(self) -> int:
        """Billed time, in seconds: what every total and invoice sums (docs/design.md)."""
        if self.kind is SegmentKind.MANUAL:
            return int((self.end - self.start).total_seconds())
        if self.kind is SegmentKind.TOMBSTONE:
            return 0
        return sum(m.seconds for m in self.minutes)

    @property
    def tracked_minutes(self) -> int:
        """Whole minutes of ``tracked_seconds`` (rounded down): for display only; totals sum
        seconds and convert once, never these per-segment minutes."""
        return self.tracked_seconds // 60

    def as_tombstone(self) -> Segment:
        """The record that replaces this segment in the chain when it is deleted."""
        return replace(
            self, kind=SegmentKind.TOMBSTONE, memo="", minutes=(), screenshots=(),
            redacted=False, signature="",
        )
