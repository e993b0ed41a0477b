"""Recording segments straight into a store, for sync tests and the sync benchmark.

This stands in for hours of tracking: it writes through the same store calls the tracker uses
(start, one minute at a time, screenshots, close with chain placement, sign), driven by a clock
the caller controls. Any store with the tracker's protocol will do (``LocalStore``,
``MemoryStore``).
"""

from __future__ import annotations

import hashlib
import io
import random
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from PIL import Image

from workdiary.core.clock import FakeClock
from workdiary.core.model import MinuteRecord, ScreenshotRef, Segment
from workdiary.core.shotstamp import make_stamp, stamp_jpeg
from workdiary.store.protocols import RecordingStore
from workdiary.testing.images import noisy_jpeg

Signer = Callable[[Segment], Segment]


def record_segment(store: RecordingStore, contract_id: str, start: datetime, minutes: int, *,
                   memo: str = "working", jpeg: bytes | None = None,
                   signer: Signer | None = None, keys_per_minute: int = 40,
                   clock: FakeClock | None = None) -> Segment:
    """Record one closed segment of ``minutes`` full, active minutes with one screenshot.

    With ``clock``, the clock is moved to the segment's end before it closes (as when tracking).
    """
    segment_id = uuid.uuid4().hex
    end = start + timedelta(minutes=minutes)
    store.start_segment(segment_id, contract_id, start, end, memo)
    for n in range(minutes):
        store.add_minute(segment_id, MinuteRecord(
            at=start + timedelta(minutes=n), keys=keys_per_minute, clicks=3, moves=20,
            active_seconds=45))
    if jpeg is not None:
        taken_at = start + timedelta(seconds=30)
        jpeg = stamp_jpeg(jpeg, make_stamp(segment_id, taken_at))  # as the encoder does
        sha = hashlib.sha256(jpeg).hexdigest()
        with Image.open(io.BytesIO(jpeg)) as image:
            width, height = image.size
        shot = ScreenshotRef(taken_at=taken_at, sha256=sha, width=width,
                             height=height, size=len(jpeg))
        store.add_screenshot(segment_id, shot, jpeg)
    if clock is not None and clock.now() < end:
        clock.advance((end - clock.now()).total_seconds())
    closed = store.close_segment(segment_id, end)
    assert closed is not None, "a segment with minutes is never dropped on close"
    if signer is not None:
        closed = signer(closed)
        store.set_signature(segment_id, closed.signature)
    return closed


def record_work_week(store: RecordingStore, contract_id: str, monday: datetime, *,
                     days: int = 5, hours_per_day: int = 8, segment_minutes: int = 10,
                     signer: Signer | None = None, screenshot_bytes: int = 100_000,
                     seed: int = 7, clock: FakeClock | None = None) -> list[Segment]:
    """A working week from 09:00 UTC each day: ``days * hours * 60 / segment_minutes`` segments."""
    rng = random.Random(seed)
    segments = []
    for day in range(days):
        start = monday + timedelta(days=day, hours=9)
        for n in range(hours_per_day * 60 // segment_minutes):
            jpeg = noisy_jpeg(rng, screenshot_bytes) if screenshot_bytes else None
            segments.append(record_segment(
                store, contract_id, start + timedelta(minutes=n * segment_minutes),
                segment_minutes, jpeg=jpeg, signer=signer, memo=f"task {day}-{n}",
                clock=clock))
    return segments
