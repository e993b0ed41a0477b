"""``DeviceChain``: the one device-signing helper of the tests and benchmarks.

A desktop device as the server sees it: an Ed25519 key, the next sequence number and the chain
hash of its last record. ``segment`` makes the next signed tracked segment; ``chain`` places a
segment built elsewhere in the chain and signs it; ``sign`` and ``tombstone`` sign without
moving the chain (a re-signed edit, a deletion).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from workdiary.core.canonical import GENESIS_HASH, chain_hash
from workdiary.core.model import MinuteRecord, ScreenshotRef, Segment, SegmentKind
from workdiary.core.shotstamp import make_stamp
from workdiary.core.signing import generate_private_key, public_key_of, sign_segment
from workdiary.testing.images import make_jpeg


@dataclass
class DeviceChain:
    """One device: its key, its last seq and the chain hash of its last record."""

    device_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    private_key: str = field(default_factory=generate_private_key)
    seq: int = 0
    prev_hash: str = GENESIS_HASH
    counter: int = 0
    default_sha: str = "a" * 64  # a screenshot the server holds, when the test uploaded one
    # Uploads an image from this device and returns its SHA-256. When set, each segment made
    # with default shots gets its own stamped screenshot, uploaded, as the desktop does.
    uploader: Callable[[bytes], str] | None = None

    @property
    def public_key(self) -> str:
        return public_key_of(self.private_key)

    def segment(
        self, contract_id: str, start: datetime, *, minutes: int = 10, active: int | None = None,
        memo: str = "worked on it", shots: tuple[ScreenshotRef, ...] | None = None,
        kind: SegmentKind = SegmentKind.TRACKED, redacted: bool = False,
        segment_id: str | None = None, span: int | None = None, last_seconds: int = 60,
    ) -> Segment:
        """The next signed segment of this device's chain: ``active`` of its ``minutes`` with
        input, one screenshot (``default_sha``) unless ``shots`` says otherwise, ``span``
        minutes long (default: ``minutes``, less what a partial last minute of
        ``last_seconds`` leaves out: a clock-out inside that minute)."""
        self.counter += 1
        active = minutes if active is None else active
        records = tuple(
            MinuteRecord(at=start + timedelta(minutes=i), keys=5 if i < active else 0,
                         seconds=last_seconds if i == minutes - 1 else 60,
                         active_seconds=min(30, last_seconds if i == minutes - 1 else 60)
                         if i < active else 0)
            for i in range(minutes)
        ) if kind is SegmentKind.TRACKED else ()
        segment_id = segment_id or f"{self.device_id[:40]}-{self.counter:05d}"
        if shots is None:
            taken_at = start + timedelta(minutes=1)
            sha, size = self.default_sha, 100
            if self.uploader is not None and kind is SegmentKind.TRACKED:
                image = stamped_jpeg(segment_id, taken_at, seed=self.counter)
                sha, size = self.uploader(image), len(image)
            shots = (ScreenshotRef(taken_at=taken_at, sha256=sha, width=64, height=48,
                                   size=size),)
        return self.chain(Segment(
            id=segment_id,
            contract_id=contract_id, start=start,
            end=start + (timedelta(minutes=span) if span is not None
                         else timedelta(minutes=minutes, seconds=last_seconds - 60)), kind=kind,
            memo=memo, minutes=records, screenshots=shots if kind is SegmentKind.TRACKED else (),
            redacted=redacted,
        ))

    def chain(self, segment: Segment) -> Segment:
        """``segment`` as this device's next record: device id, seq, prev_hash set; signed."""
        self.seq += 1
        chained = replace(segment, device_id=self.device_id, seq=self.seq,
                          prev_hash=self.prev_hash, signature="")
        self.prev_hash = chain_hash(chained)
        return sign_segment(chained, self.private_key)

    def sign(self, segment: Segment) -> Segment:
        """``segment`` signed with this device's key, its chain fields as they are."""
        return sign_segment(segment, self.private_key)

    def tombstone(self, segment: Segment) -> Segment:
        """The signed tombstone that replaces ``segment`` (same id, seq and chain hash)."""
        return sign_segment(segment.as_tombstone(), self.private_key)


def stamped_jpeg(segment_id: str, taken_at: datetime, seed: int = 0) -> bytes:
    """A screenshot as the desktop makes it: stamped with its segment and moment."""
    return make_jpeg(seed=seed, stamp=make_stamp(segment_id, taken_at))
