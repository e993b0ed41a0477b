"""The canonical form of a segment: what is signed, what is hash-chained, what goes on the wire.

- ``segment_to_dict`` / ``segment_from_dict``: the wire shape (JSON-ready), signature included.
- ``summary_from_dict``: what a diary shows of a stored body, without the full parse.
- ``canonical_bytes``: the wire shape without the signature, as JSON with sorted keys,
  no spaces, UTF-8. The device signs these bytes; any field changed after signing shows.
- ``chain_bytes`` / ``chain_hash``: only the fields fixed when the segment closes (id,
  contract, device, seq, prev_hash, start, end). The next segment's ``prev_hash`` is the
  SHA-256 of these. Memo edits, redaction and idle decisions re-sign a segment without
  breaking the chain, and a tombstone has the same chain hash as the segment it replaces,
  so a deletion keeps the chain whole while a missing record shows as a break.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workdiary.core.activity import Activity
from workdiary.core.errors import DomainError
from workdiary.core.model import (
    ActivitySource,
    MinuteRecord,
    ScreenshotRef,
    Segment,
    SegmentKind,
    input_seen,
)
from workdiary.core.timegrid import isoformat_z, parse_iso

GENESIS_HASH = "0" * 64  # prev_hash of a device's first segment
CHAIN_FIELDS = ("id", "contract_id", "device_id", "seq", "prev_hash", "start", "end")


def dumps_canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def minute_to_dict(minute: MinuteRecord) -> dict[str, Any]:
    """The minute's wire shape; ``source`` only when it is not ``counts``, so every segment
    signed before activity sources existed keeps its canonical bytes (and its signature)."""
    data: dict[str, Any] = {
        "at": isoformat_z(minute.at),
        "seconds": minute.seconds,
        "keys": minute.keys,
        "clicks": minute.clicks,
        "scrolls": minute.scrolls,
        "moves": minute.moves,
        "active_seconds": minute.active_seconds,
        "idle": minute.idle,
    }
    if minute.source is not ActivitySource.COUNTS:
        data["source"] = minute.source.value
    return data


def minute_from_dict(data: dict[str, Any]) -> MinuteRecord:
    return MinuteRecord(
        at=parse_iso(str(data["at"])),
        seconds=int(data.get("seconds", 60)),
        keys=int(data.get("keys", 0)),
        clicks=int(data.get("clicks", 0)),
        scrolls=int(data.get("scrolls", 0)),
        moves=int(data.get("moves", 0)),
        active_seconds=int(data.get("active_seconds", 0)),
        idle=bool(data.get("idle", False)),
        source=ActivitySource(data.get("source", ActivitySource.COUNTS)),
    )


def screenshot_to_dict(shot: ScreenshotRef) -> dict[str, Any]:
    return {
        "taken_at": isoformat_z(shot.taken_at),
        "sha256": shot.sha256,
        "width": shot.width,
        "height": shot.height,
        "size": shot.size,
        "thumb_sha256": shot.thumb_sha256,
        "error": shot.error,
        "app": shot.app,
        "window_title": shot.window_title,
        "blurred": shot.blurred,
        "redacted": shot.redacted,
    }


def _optional_text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return None if value is None else str(value)


def screenshot_from_dict(data: dict[str, Any]) -> ScreenshotRef:
    get = data.get
    return ScreenshotRef(
        taken_at=parse_iso(str(data["taken_at"])),
        sha256=_optional_text(data, "sha256"),
        width=int(get("width", 0)),
        height=int(get("height", 0)),
        size=int(get("size", 0)),
        thumb_sha256=_optional_text(data, "thumb_sha256"),
        error=_optional_text(data, "error"),
        app=_optional_text(data, "app"),
        window_title=_optional_text(data, "window_title"),
        blurred=bool(get("blurred", False)),
        redacted=bool(get("redacted", False)),
    )


def segment_to_dict(segment: Segment, *, with_signature: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": segment.id,
        "contract_id": segment.contract_id,
        "device_id": segment.device_id,
        "seq": segment.seq,
        "prev_hash": segment.prev_hash,
        "kind": segment.kind.value,
        "start": isoformat_z(segment.start),
        "end": isoformat_z(segment.end),
        "memo": segment.memo,
        "redacted": segment.redacted,
        "minutes": [minute_to_dict(m) for m in segment.minutes],
        "screenshots": [screenshot_to_dict(s) for s in segment.screenshots],
    }
    if with_signature:
        data["signature"] = segment.signature
    return data


def segment_from_dict(data: dict[str, Any]) -> Segment:
    """Build a segment from its wire shape; a missing or malformed field is a DomainError."""
    try:
        return Segment(
            id=str(data["id"]),
            contract_id=str(data["contract_id"]),
            device_id=str(data.get("device_id", "")),
            seq=int(data.get("seq", 0)),
            prev_hash=str(data.get("prev_hash", "")),
            kind=SegmentKind(data.get("kind", "tracked")),
            start=parse_iso(str(data["start"])),
            end=parse_iso(str(data["end"])),
            memo=str(data.get("memo", "")),
            redacted=bool(data.get("redacted", False)),
            minutes=tuple(minute_from_dict(m) for m in data.get("minutes", ())),
            screenshots=tuple(screenshot_from_dict(s) for s in data.get("screenshots", ())),
            signature=str(data.get("signature", "")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, DomainError):
            raise
        raise DomainError(f"malformed segment: {exc!r}") from exc


@dataclass(frozen=True, slots=True)
class SegmentSummary:
    """What a diary shows of a segment: its kind, billed seconds, activity and screenshots."""

    kind: SegmentKind
    tracked_seconds: int  # as ``Segment.tracked_seconds``
    activity: Activity  # as ``activity_of(segment.minutes)``
    measured_from_idle: bool  # some minute's activity came from the desktop's idle time
    screenshots: tuple[ScreenshotRef, ...]


# The sources' wire values, looked up once (an enum member's ``.value`` is a descriptor call).
_COUNTS, _IDLE_MONITOR = ActivitySource.COUNTS.value, ActivitySource.IDLE_MONITOR.value


def summary_from_dict(data: Mapping[str, Any]) -> SegmentSummary:
    """Summarise a stored wire body that ``segment_from_dict`` accepted when it arrived.

    It reads the minutes' counts in place instead of building a ``MinuteRecord`` per minute
    (a day's diary holds 1,440 of them): the same figures for a third of the time. It trusts
    the body, so it is for bodies already checked, never for what a caller sends.
    """
    kind = SegmentKind(data.get("kind", "tracked"))
    tracked = active = active_secs = tracked_secs = 0
    from_idle = False
    for minute in data.get("minutes", ()):
        get = minute.get
        seconds = get("seconds", 60)
        active_seconds = get("active_seconds", 0)
        tracked += 1
        tracked_secs += seconds
        idle_monitor = get("source", _COUNTS) == _IDLE_MONITOR
        from_idle = from_idle or idle_monitor
        if get("idle", False):
            continue
        if input_seen(idle_monitor=idle_monitor, active_seconds=active_seconds,
                      counts=get("keys", 0) + get("clicks", 0) + get("scrolls", 0)
                      + get("moves", 0)):
            active += 1
            active_secs += min(active_seconds, seconds)
    if kind is SegmentKind.MANUAL:
        billed = int((parse_iso(str(data["end"])) - parse_iso(str(data["start"])))
                     .total_seconds())
    else:
        billed = 0 if kind is SegmentKind.TOMBSTONE else tracked_secs
    return SegmentSummary(
        kind=kind, tracked_seconds=billed,
        activity=Activity(tracked, active, active_secs, tracked_secs),
        measured_from_idle=from_idle,
        screenshots=tuple(screenshot_from_dict(s) for s in data.get("screenshots", ())),
    )


def canonical_bytes(segment: Segment) -> bytes:
    """The bytes a device signs: every field but the signature."""
    return dumps_canonical(segment_to_dict(segment, with_signature=False))


def canonical_hash(segment: Segment) -> str:
    return hashlib.sha256(canonical_bytes(segment)).hexdigest()


def chain_bytes(segment: Segment) -> bytes:
    full = segment_to_dict(segment, with_signature=False)
    return dumps_canonical({key: full[key] for key in CHAIN_FIELDS})


def chain_hash(segment: Segment) -> str:
    """What the next segment of the same device carries as ``prev_hash``."""
    return hashlib.sha256(chain_bytes(segment)).hexdigest()
