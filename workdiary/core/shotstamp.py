"""The stamp that binds a screenshot to its moment: segment id and ``taken_at`` inside the image.

The desktop writes the stamp into the JPEG (its comment marker) before hashing, so the content
address covers it: two shots of an unchanged screen are distinct blobs, and a picture cannot be
referenced by another segment without the server seeing that it belongs elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from workdiary.core.errors import DomainError
from workdiary.core.timegrid import isoformat_z, parse_iso

PREFIX = b"workdiary-shot/1"
_STAMP_RE = re.compile(rb"^workdiary-shot/1 segment=([A-Za-z0-9._-]{1,64}) "
                       rb"taken_at=(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$")


@dataclass(frozen=True, slots=True)
class ShotStamp:
    segment_id: str
    taken_at: datetime


def make_stamp(segment_id: str, taken_at: datetime) -> bytes:
    """The comment bytes for a picture of ``segment_id`` taken at ``taken_at`` (to the second)."""
    moment = isoformat_z(taken_at).encode()
    return b"%s segment=%s taken_at=%s" % (PREFIX, segment_id.encode(), moment)


def parse_stamp(comment: bytes | str | None) -> ShotStamp | None:
    """The stamp in an image comment, or None when there is none or it is malformed."""
    if isinstance(comment, str):
        comment = comment.encode("latin-1", "replace")
    if not comment:
        return None
    match = _STAMP_RE.match(comment.strip())
    if match is None:
        return None
    try:
        return ShotStamp(match.group(1).decode(), parse_iso(match.group(2).decode()))
    except DomainError:
        return None


def stamp_jpeg(jpeg: bytes, stamp: bytes) -> bytes:
    """``jpeg`` with ``stamp`` as a comment marker right after its start (no re-encoding).

    For pictures made elsewhere than the encoder (the sync test kit, tools); the encoder
    writes the stamp itself while encoding.
    """
    if not jpeg.startswith(b"\xff\xd8") or len(stamp) > 65_000:
        raise ValueError("not a JPEG, or a stamp too long for one comment marker")
    return jpeg[:2] + b"\xff\xfe" + (len(stamp) + 2).to_bytes(2, "big") + stamp + jpeg[2:]


def jpeg_comment(jpeg: bytes) -> bytes | None:
    """The first comment (COM marker) of a JPEG's header, or None (not a JPEG, no comment).

    Pure: reads the marker segments up to the image data, decodes nothing. The offline
    verifier uses it to read a screenshot's stamp without an image library.
    """
    if not jpeg.startswith(b"\xff\xd8"):
        return None
    at = 2
    while at + 4 <= len(jpeg) and jpeg[at] == 0xFF:
        marker = jpeg[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no header left
            return None
        length = int.from_bytes(jpeg[at + 2:at + 4], "big")
        if length < 2 or at + 2 + length > len(jpeg):  # cut short: no whole segment
            return None
        if marker == 0xFE:
            return jpeg[at + 4:at + 2 + length]
        at += 2 + length
    return None


def shot_binds(*, segment_id: str, device_id: str, start: datetime, end: datetime,
               taken_at: datetime, uploader_device: str | None, stamp: ShotStamp | None) -> bool:
    """Whether an image is evidence for one moment of one segment: uploaded by the segment's
    device, stamped with its id and with that moment (to the second), inside the segment."""
    moment = taken_at.replace(microsecond=0)
    return (stamp is not None and uploader_device == device_id
            and stamp.segment_id == segment_id and stamp.taken_at == moment
            and start.replace(microsecond=0) <= moment <= end)
