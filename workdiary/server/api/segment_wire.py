"""A segment batch already in canonical form, read without pydantic.

Desktops send each segment as ``core.canonical.segment_to_dict`` writes it: every field
present, times as ``2026-11-23T09:10:00Z``, exact JSON types. For such a batch this reader
checks each field against ``SegmentIn``'s rules (the same bounds and patterns) and builds the
``Segment`` straight from the parsed JSON, keeping the parsed object as the segment's
canonical wire body. That spares a batch its three conversions (pydantic models, then the
``Segment``, then the dict again to sign and store): about a quarter of the worker's
interpreter time per batch of 50 (benchmarks/ingest.md).

Anything else (another spelling of a time, a field left to its default, a number sent as a
string or a float, any value out of bounds, any error at all) returns None, and
``SegmentBatch`` reads the batch. So every refusal, coercion and 422 location stays
pydantic's: this reader only ever accepts a subset of what ``SegmentIn`` accepts, with the
same result (tests/server/test_segment_wire.py holds it to that).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, get_args

import orjson

from workdiary.core.errors import DomainError
from workdiary.core.manual import MAX_MEMO
from workdiary.core.model import (
    ActivitySource,
    MinuteRecord,
    ScreenshotRef,
    Segment,
    SegmentKind,
)
from workdiary.server.api.segment_schemas import EARLIEST, LATEST, SegmentIn

MAX_BATCH = 500  # SegmentBatch's bound
KINDS = {kind: SegmentKind(kind) for kind in get_args(SegmentIn.model_fields["kind"].annotation)}
SEGMENT_KEYS = frozenset({"id", "contract_id", "device_id", "seq", "prev_hash", "kind", "start",
                          "end", "memo", "redacted", "minutes", "screenshots", "signature"})
MINUTE_KEYS = frozenset({"at", "seconds", "keys", "clicks", "scrolls", "moves",
                         "active_seconds", "idle"})
# The canonical form names a minute's source only when it is not "counts".
IDLE_MINUTE_KEYS = MINUTE_KEYS | {"source"}
SHOT_KEYS = frozenset({"taken_at", "sha256", "width", "height", "size", "thumb_sha256", "error",
                       "app", "window_title", "blurred", "redacted"})
SEGMENT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
SHA256 = re.compile(r"[0-9a-f]{64}")
UTC_SECOND = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")  # isoformat_z
MAX_COUNT = 1_000_000


class _NotCanonical(Exception):
    """Raised inside the reader; the batch goes to pydantic."""


def read_canonical_batch(body: bytes) -> list[tuple[Segment, dict[str, Any]]] | None:
    """Each segment with its wire body (signature included), or None: not canonical."""
    try:
        data = orjson.loads(body)
        if type(data) is not dict or data.keys() != {"segments"}:
            return None
        items = data["segments"]
        if type(items) is not list or not 1 <= len(items) <= MAX_BATCH:
            return None
        return [(_segment(item), item) for item in items]
    except (orjson.JSONDecodeError, _NotCanonical, DomainError):
        return None


def _segment(data: Any) -> Segment:
    if type(data) is not dict or data.keys() != SEGMENT_KEYS:
        raise _NotCanonical
    segment_id = data["id"]
    if type(segment_id) is not str or not SEGMENT_ID.fullmatch(segment_id):
        raise _NotCanonical
    kind = KINDS.get(data["kind"]) if type(data["kind"]) is str else None
    start, end = _time(data["start"]), _time(data["end"])
    minutes, screenshots = data["minutes"], data["screenshots"]
    if (kind is None or not end > start or (end - start).total_seconds() > 3600
            or type(minutes) is not list or len(minutes) > 60
            or type(screenshots) is not list or len(screenshots) > 10):
        raise _NotCanonical
    return Segment(
        id=segment_id, contract_id=_text(data["contract_id"], 64, shortest=1),
        device_id=_text(data["device_id"], 64, shortest=1),
        seq=_number(data["seq"], 2**53), prev_hash=_text(data["prev_hash"], 64), kind=kind,
        start=start, end=end, memo=_text(data["memo"], MAX_MEMO),
        redacted=_flag(data["redacted"]), signature=_text(data["signature"], 200),
        minutes=tuple(_minute(m) for m in minutes),
        screenshots=tuple(_screenshot(s) for s in screenshots),
    )


def _minute(data: Any) -> MinuteRecord:
    # Checked inline: a batch holds up to 3,000 minutes, and a call per field is most of
    # their cost.
    if type(data) is not dict:
        raise _NotCanonical
    if data.keys() == MINUTE_KEYS:
        source = ActivitySource.COUNTS
    elif data.keys() == IDLE_MINUTE_KEYS and data["source"] == ActivitySource.IDLE_MONITOR.value:
        source = ActivitySource.IDLE_MONITOR  # MinuteRecord refuses counts with it
    else:
        raise _NotCanonical
    seconds, active, idle = data["seconds"], data["active_seconds"], data["idle"]
    keys, clicks, scrolls, moves = data["keys"], data["clicks"], data["scrolls"], data["moves"]
    if not (type(seconds) is int and type(active) is int and type(idle) is bool
            and type(keys) is int and type(clicks) is int and type(scrolls) is int
            and type(moves) is int and 1 <= seconds <= 60 and 0 <= active <= 60
            and 0 <= keys <= MAX_COUNT and 0 <= clicks <= MAX_COUNT
            and 0 <= scrolls <= MAX_COUNT and 0 <= moves <= MAX_COUNT):
        raise _NotCanonical
    return MinuteRecord(at=_time(data["at"]), seconds=seconds, keys=keys, clicks=clicks,
                        scrolls=scrolls, moves=moves, active_seconds=active, idle=idle,
                        source=source)


def _screenshot(data: Any) -> ScreenshotRef:
    if type(data) is not dict or data.keys() != SHOT_KEYS:
        raise _NotCanonical
    return ScreenshotRef(
        taken_at=_time(data["taken_at"]), sha256=_sha(data["sha256"]),
        width=_number(data["width"], 100_000), height=_number(data["height"], 100_000),
        size=_number(data["size"], 1_000_000_000), thumb_sha256=_sha(data["thumb_sha256"]),
        error=_optional_text(data["error"], 500), app=_optional_text(data["app"], 500),
        window_title=_optional_text(data["window_title"], 1000),
        blurred=_flag(data["blurred"]), redacted=_flag(data["redacted"]),
    )


def _time(value: Any) -> datetime:
    """A UTC time written exactly as ``isoformat_z`` writes it, within SegmentIn's range."""
    if type(value) is not str or not UTC_SECOND.fullmatch(value):
        raise _NotCanonical
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:  # the right shape, not a date: 2026-02-30
        raise _NotCanonical from None
    if not EARLIEST <= moment < LATEST:
        raise _NotCanonical
    return moment


def _number(value: Any, largest: int) -> int:
    if type(value) is not int or not 0 <= value <= largest:
        raise _NotCanonical
    return value


def _flag(value: Any) -> bool:
    if type(value) is not bool:
        raise _NotCanonical
    return value


def _text(value: Any, longest: int, *, shortest: int = 0) -> str:
    if type(value) is not str or not shortest <= len(value) <= longest:
        raise _NotCanonical
    return value


def _optional_text(value: Any, longest: int) -> str | None:
    return None if value is None else _text(value, longest)


def _sha(value: Any) -> str | None:
    if value is None:
        return None
    if type(value) is not str or not SHA256.fullmatch(value):
        raise _NotCanonical
    return value
