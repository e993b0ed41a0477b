"""Signed segments for tests: a device chain that numbers, links and signs what it makes."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from PIL import Image

from workdiary.core.canonical import GENESIS_HASH, chain_hash, segment_to_dict
from workdiary.core.model import MinuteRecord, ScreenshotRef, Segment, SegmentKind
from workdiary.core.shotstamp import make_stamp
from workdiary.core.signing import generate_private_key, public_key_of, sign_segment


def jpeg_bytes(width: int = 64, height: int = 48, seed: int = 0,
               stamp: bytes | None = None) -> bytes:
    image = Image.new("RGB", (width, height), ((seed * 37) % 256, (seed * 91) % 256, 120))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, **({"comment": stamp} if stamp else {}))
    return out.getvalue()


def stamped_jpeg(segment_id: str, taken_at: datetime, seed: int = 0) -> bytes:
    """A screenshot as the desktop makes it: stamped with its segment and moment."""
    return jpeg_bytes(seed=seed, stamp=make_stamp(segment_id, taken_at))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class DeviceChain:
    """One device: its key, its next seq and the chain hash of its last record."""

    device_id: str
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
        segment_id: str | None = None, span: int | None = None,
    ) -> Segment:
        """The next signed segment of this device's chain."""
        self.seq += 1
        self.counter += 1
        active = minutes if active is None else active
        records = tuple(
            MinuteRecord(at=start + timedelta(minutes=i), keys=5 if i < active else 0,
                         active_seconds=30 if i < active else 0)
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
        segment = Segment(
            id=segment_id,
            contract_id=contract_id, start=start,
            end=start + timedelta(minutes=span if span is not None else minutes), kind=kind,
            memo=memo, minutes=records, screenshots=shots if kind is SegmentKind.TRACKED else (),
            redacted=redacted, device_id=self.device_id, seq=self.seq, prev_hash=self.prev_hash,
        )
        self.prev_hash = chain_hash(segment)
        return sign_segment(segment, self.private_key)

    def sign(self, segment: Segment) -> Segment:
        return sign_segment(segment, self.private_key)

    def tombstone(self, segment: Segment) -> Segment:
        return sign_segment(segment.as_tombstone(), self.private_key)


def wire(segment: Segment, **changes: Any) -> dict[str, Any]:
    """The JSON body of a segment, with optional field changes after signing."""
    data = segment_to_dict(segment)
    data.update(changes)
    return data


def resigned(chain: DeviceChain, segment: Segment, **changes: Any) -> Segment:
    return chain.sign(replace(segment, **changes))


def device_uploader(api: Any, headers: dict[str, str], device: DeviceChain
                    ) -> Callable[[bytes], str]:
    """Uploads an image as ``device`` (PUT /screenshots with the device header), with the
    owner's ``headers``; returns its SHA-256."""

    def upload(image: bytes) -> str:
        digest = sha(image)
        response = api.put(f"/screenshots/{digest}", content=image,
                           headers={**headers, "X-Workdiary-Device": device.device_id})
        if response.status_code == 422 and response.json()["error"]["code"] == "unknown_device":
            # A revoked or unregistered device (tests of those verdicts): its picture goes
            # unbound, as the real desktop's would be refused and its segment rejected anyway.
            response = api.put(f"/screenshots/{digest}", content=image, headers=headers)
        assert response.status_code in (200, 201), response.text
        return digest

    return upload
