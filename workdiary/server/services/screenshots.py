"""Screenshot blobs: checked, content-addressed uploads and authorised downloads."""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Iterable, Iterator
from datetime import datetime

from PIL import Image, UnidentifiedImageError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from workdiary.server.blobs import SHA256_RE, BlobStore
from workdiary.server.errors import Forbidden, NotFound, TooLarge, Unprocessable
from workdiary.server.models import Contract, Screenshot, SegmentRow, SegmentScreenshot, User

__all__ = ["BlobStore", "forget_unreferenced", "open_screenshot", "put_screenshot",
           "read_screenshot", "segment_showing"]
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def check_sha256(sha256: str) -> str:
    if not SHA256_RE.match(sha256):
        raise Unprocessable("the screenshot address must be the lowercase hex SHA-256 of the "
                            "image (64 characters).", code="invalid_sha256")
    return sha256


def inspect_image(data: bytes, *, max_pixels: int) -> tuple[int, int, str]:
    """(width, height, content type) of a decodable image within the pixel limit."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > max_pixels:
                raise TooLarge(f"the image has {width}x{height} pixels; at most {max_pixels} "
                               "are accepted.", code="too_many_pixels")
            if image.format not in CONTENT_TYPES:
                raise Unprocessable(f"{image.format} images are not accepted: send JPEG or PNG.",
                                    code="not_an_image")
            if image.format == "JPEG":
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))  # fast full decode
            image.load()
    except (TooLarge, Unprocessable):
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise TooLarge("the image decompresses to too many pixels.",
                       code="too_many_pixels") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise Unprocessable("the body is not a decodable image: send the JPEG bytes.",
                            code="not_an_image") from exc
    return width, height, CONTENT_TYPES[str(image.format)]


def put_screenshot(
    session: Session, *, user: User, blobs: BlobStore, sha256: str, data: bytes,
    max_pixels: int, now: datetime,
) -> tuple[Screenshot, bool]:
    """Store an image under its SHA-256; idempotent. Returns (row, created).

    Checks, in order: the address is a SHA-256, the bytes hash to it, the image decodes
    within the pixel limit. The blob is written before its row, so a row always has bytes.
    """
    if user.role != "freelancer":
        raise Forbidden("only freelancers upload screenshots.", code="not_a_freelancer")
    check_sha256(sha256)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise Unprocessable("the body's SHA-256 does not match the address: the upload was "
                            "damaged or the address is wrong.", code="hash_mismatch")
    existing = session.get(Screenshot, sha256)
    if existing is not None and blobs.exists(sha256):
        return existing, False
    width, height, content_type = inspect_image(data, max_pixels=max_pixels)
    blobs.put(sha256, data)
    if existing is not None:
        return existing, False
    row = Screenshot(sha256=sha256, size=len(data), width=width, height=height,
                     content_type=content_type, owner_id=user.id, created_at=now)
    session.add(row)
    try:
        session.commit()
    except Exception:
        session.rollback()
        again = session.get(Screenshot, sha256)  # a concurrent upload of the same image
        if again is None:
            raise
        return again, False
    return row, True


def may_view(session: Session, *, user: User, sha256: str) -> bool:
    """The uploader, or a party to a contract with a live segment referring to the image."""
    shot = session.get(Screenshot, sha256)
    if shot is None:
        return False
    if shot.owner_id == user.id:
        return True
    hit = session.scalar(
        select(SegmentScreenshot.id)
        .join(Contract, Contract.id == SegmentScreenshot.contract_id)
        .join(SegmentRow, SegmentRow.id == SegmentScreenshot.segment_id)
        .where(SegmentScreenshot.sha256 == sha256, SegmentRow.deleted.is_(False),
               or_(Contract.client_id == user.id, Contract.freelancer_id == user.id))
        .limit(1)
    )
    return hit is not None


def segment_showing(session: Session, *, contract_id: str, sha256: str) -> SegmentRow | None:
    """The contract's live segment that refers to the screenshot, or None (then: 404).

    Not scoped: callers check the contract belongs to the viewer first.
    """
    return session.scalar(
        select(SegmentRow)
        .join(SegmentScreenshot, SegmentScreenshot.segment_id == SegmentRow.id)
        .where(SegmentScreenshot.contract_id == contract_id, SegmentScreenshot.sha256 == sha256,
               SegmentRow.deleted.is_(False))
        .limit(1)
    )
def open_screenshot(session: Session, *, user: User, blobs: BlobStore,
                    sha256: str) -> tuple[Iterator[bytes], Screenshot]:
    """(chunks, row) of an image the user may see, streamed from the blob store."""
    check_sha256(sha256)
    if not may_view(session, user=user, sha256=sha256):
        raise NotFound(f"you have no screenshot {sha256}.", code="no_such_screenshot")
    shot = session.get(Screenshot, sha256)
    chunks = blobs.stream(sha256)
    if shot is None or chunks is None:
        raise NotFound(f"the image {sha256} is not stored.", code="no_such_screenshot")
    return chunks, shot


def read_screenshot(session: Session, *, user: User, blobs: BlobStore,
                    sha256: str) -> tuple[bytes, str]:
    """(bytes, content type) of an image the user may see; NotFound otherwise."""
    check_sha256(sha256)
    if not may_view(session, user=user, sha256=sha256):
        raise NotFound(f"you have no screenshot {sha256}.", code="no_such_screenshot")
    shot = session.get(Screenshot, sha256)
    data = blobs.get(sha256)
    if shot is None or data is None:
        raise NotFound(f"the image {sha256} is not stored.", code="no_such_screenshot")
    return data, shot.content_type


def forget_unreferenced(session: Session, *, shas: Iterable[str]) -> list[str]:
    """Drop screenshot rows no live segment refers to; returns their hashes (blobs to delete)."""
    gone = []
    for sha in shas:
        used = session.scalar(select(SegmentScreenshot.id).where(
            SegmentScreenshot.sha256 == sha).limit(1))
        if used is None:
            row = session.get(Screenshot, sha)
            if row is not None:
                session.delete(row)
                gone.append(sha)
    session.flush()
    return gone
