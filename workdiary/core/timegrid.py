"""The UTC segment grid and the wall-clock minutes inside it.

Segments of ``segment_minutes`` (a divisor of 60) start on the UTC grid: 10-minute
segments start at :00, :10, ... Clocking in or out mid-segment gives a partial segment.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from workdiary.core.errors import DomainError
from workdiary.core.model import VALID_SEGMENT_MINUTES

MINUTE = timedelta(minutes=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def as_utc(moment: datetime) -> datetime:
    """The same instant in UTC; a naive datetime is refused rather than guessed."""
    if moment.tzinfo is None:
        raise DomainError(f"naive datetime {moment.isoformat()}: a time zone is required")
    return moment.astimezone(UTC)


def floor_minute(moment: datetime) -> datetime:
    moment = as_utc(moment)
    return moment.replace(second=0, microsecond=0)


def segment_start(moment: datetime, segment_minutes: int) -> datetime:
    """Start of the grid segment that contains ``moment``."""
    if segment_minutes not in VALID_SEGMENT_MINUTES:
        raise DomainError(f"segment_minutes must divide 60, not {segment_minutes}")
    moment = floor_minute(moment)
    return moment - timedelta(minutes=moment.minute % segment_minutes)


def segment_end(moment: datetime, segment_minutes: int) -> datetime:
    """End (exclusive) of the grid segment that contains ``moment``."""
    return segment_start(moment, segment_minutes) + timedelta(minutes=segment_minutes)


def split_on_grid(
    start: datetime, end: datetime, segment_minutes: int
) -> list[tuple[datetime, datetime]]:
    """Cut [start, end) at every grid boundary; the first and last pieces may be partial."""
    start, end = as_utc(start), as_utc(end)
    pieces: list[tuple[datetime, datetime]] = []
    cursor = start
    while cursor < end:
        boundary = min(segment_end(cursor, segment_minutes), end)
        pieces.append((cursor, boundary))
        cursor = boundary
    return pieces


def minute_spans(start: datetime, end: datetime) -> Iterator[tuple[datetime, int]]:
    """Each wall-clock minute that [start, end) touches, with the whole seconds tracked in it."""
    start, end = as_utc(start), as_utc(end)
    cursor = start
    while cursor < end:
        minute = floor_minute(cursor)
        upto = min(minute + MINUTE, end)
        seconds = int((upto - cursor).total_seconds())
        if seconds > 0:
            yield minute, seconds
        cursor = upto


def tracked_minutes(start: datetime, end: datetime) -> int:
    """Exact whole minutes in [start, end): never rounded up."""
    return int((as_utc(end) - as_utc(start)).total_seconds()) // 60


def local_day_bounds(day: date, tz: str | ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where a local calendar day starts and ends (23 or 25 hours on DST days)."""
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def isoformat_z(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, to the second: the form used on the wire and for signing."""
    moment = as_utc(moment)
    if moment.year < 1000:  # strftime's %Y does not pad such years on every platform
        return moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    # The same text as strftime, at a quarter of its cost: every segment's canonical bytes
    # (signed, hashed, verified) format a dozen of these.
    return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
            f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z")


def parse_iso(text: str) -> datetime:
    """Parse ISO 8601; a missing zone is an error, not an assumption."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return as_utc(moment)
    except (ValueError, OverflowError) as exc:  # OverflowError: no UTC instant (year 1 or 9999)
        raise DomainError(f"not an ISO 8601 time in range: {text!r}") from exc
