"""Screenshot blobs: checked, content-addressed uploads and authorised downloads."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, literal, select
from sqlalchemy.orm import Session

from workdiary.server.blobs import SHA256_RE, BlobStore
from workdiary.server.errors import Forbidden, NotFound, Unprocessable
from workdiary.server.models import (
    ApiToken,
    Contract,
    Device,
    Dispute,
    DisputeSegment,
    Screenshot,
    SegmentRow,
    SegmentScreenshot,
    User,
)
from workdiary.server.services import users
from workdiary.server.services.contract_access import visible_to
from workdiary.server.services.imagecheck import inspect_image

__all__ = ["BlobStore", "StoredImage", "forget_unreferenced", "open_screenshot",
           "put_screenshot", "read_screenshot", "segment_showing", "stored_content_type"]


def check_sha256(sha256: str) -> str:
    if not SHA256_RE.match(sha256):
        raise Unprocessable("the screenshot address must be the lowercase hex SHA-256 of the "
                            "image (64 characters).", code="invalid_sha256")
    return sha256


@dataclass(frozen=True, slots=True)
class StoredImage:
    """What an upload answers with: the stored image's address, size and type."""

    sha256: str
    size: int
    width: int
    height: int
    content_type: str


# Everything an upload decides on, in ONE round trip (it was three: the token and its owner,
# the stored row, the named device): one row, each part NULL when there is none. Built once:
# a statement of constant shape, compiled and prepared once per connection.
_UPLOAD_STATE = (
    select(ApiToken.id.label("token_id"), ApiToken.revoked.label("token_revoked"),
           ApiToken.expires_at, User.id.label("user_id"), User.role, User.disabled,
           Screenshot.sha256, Screenshot.size, Screenshot.width, Screenshot.height,
           Screenshot.content_type, Device.user_id.label("device_user_id"),
           Device.revoked.label("device_revoked"))
    .select_from(select(literal(1).label("one")).subquery())
    .outerjoin(ApiToken, ApiToken.token_hash == bindparam("token_hash"))
    .outerjoin(User, User.id == ApiToken.user_id)
    .outerjoin(Screenshot, Screenshot.sha256 == bindparam("sha256"))
    .outerjoin(Device, Device.id == bindparam("device_id"))
)
_INSERT_SCREENSHOT = insert(Screenshot.__table__)
_STORED = select(Screenshot.sha256, Screenshot.size, Screenshot.width, Screenshot.height,
                 Screenshot.content_type).where(Screenshot.sha256 == bindparam("sha256"))


def _stored(row: Any) -> StoredImage:
    return StoredImage(row.sha256, row.size, row.width, row.height, row.content_type)


def _check_device(state: Any, *, user_id: str, device_id: str) -> None:
    if state.device_user_id != user_id or state.device_revoked:
        raise Unprocessable(f"the device {device_id[:64]!r} is not a registered device of yours: "
                            "register it (POST /devices) before uploading from it.",
                            code="unknown_device")


def put_screenshot(
    connection: Connection, *, token: str, blobs: BlobStore, sha256: str, data: bytes,
    max_pixels: int, now: datetime, max_width: int = 1920, declared_type: str = "",
    device_id: str | None = None,
) -> tuple[StoredImage, bool]:
    """Store an image under its SHA-256 for the API token's owner; idempotent.

    Returns (image, created). Checks, in order: the token is live (401, as every API request),
    the owner is a freelancer, the address is a SHA-256, the bytes hash to it, the uploading
    device is the owner's, the image is of its declared type and decodes to its declared size
    within the pixel limits (``imagecheck``). The blob is written before its row, so a row
    always has bytes. The row records the uploading device and the image's stamp: what binds it.
    """
    device = (device_id or "")[:64] or None  # as the devices table holds ids
    # Core statements on a connection in autocommit (``deps.run_autocommit``): no ORM
    # session, compiling or result wrapping; every statement is its own transaction.
    state = connection.execute(_UPLOAD_STATE, {
        "token_hash": users.hash_token(token),
        # An address that is no SHA-256 matches nothing; it is refused after the token check.
        "sha256": sha256 if SHA256_RE.match(sha256) else "",
        "device_id": device or ""}).one()
    if state.token_id is None or not users.token_is_live(
            connection, token_id=state.token_id, revoked=state.token_revoked,
            expires_at=state.expires_at, disabled=state.disabled, now=now):
        raise users.invalid_token()
    if state.role != "freelancer":
        raise Forbidden("only freelancers upload screenshots.", code="not_a_freelancer")
    check_sha256(sha256)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise Unprocessable("the body's SHA-256 does not match the address: the upload was "
                            "damaged or the address is wrong.", code="hash_mismatch")
    if device_id:
        _check_device(state, user_id=state.user_id, device_id=device_id)
    existing = _stored(state) if state.sha256 is not None else None
    if existing is not None and blobs.exists(sha256):
        return existing, False
    image = inspect_image(data, max_pixels=max_pixels, max_width=max_width,
                          declared_type=declared_type)
    blobs.put(sha256, data)
    if existing is not None:
        return existing, False
    stamp = image.stamp
    values = {"sha256": sha256, "size": len(data), "width": image.width, "height": image.height,
              "content_type": image.content_type, "owner_id": state.user_id, "created_at": now,
              "device_id": device,
              "stamp_segment_id": stamp.segment_id if stamp else None,
              "stamp_taken_at": stamp.taken_at if stamp else None}
    try:
        # A plain INSERT, not the ORM's unit of work: this runs once per uploaded image.
        connection.execute(_INSERT_SCREENSHOT, values)
    except Exception:
        connection.rollback()  # ends the failed statement's transaction
        again = connection.execute(_STORED, {"sha256": sha256}).one_or_none()
        if again is None:  # not a concurrent upload of the same image
            raise
        return _stored(again), False
    return StoredImage(sha256, len(data), image.width, image.height, image.content_type), True


def may_view(session: Session, *, user: User, sha256: str) -> bool:
    """The uploader, or a party to a contract with a live segment bound to the image, or an
    admin while a dispute over such a segment waits for a decision.

    Only references that verification found bound (same device, same segment, its moment)
    are stored in ``segment_screenshots``: a borrowed reference grants nothing.
    """
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
               visible_to(user))
        .limit(1)
    )
    if hit is None and user.role == "admin":
        # An admin deciding a dispute sees the disputed segments' pictures, only those, and
        # only while the dispute waits for the decision.
        hit = session.scalar(
            select(SegmentScreenshot.id)
            .join(SegmentRow, SegmentRow.id == SegmentScreenshot.segment_id)
            .join(DisputeSegment, DisputeSegment.segment_id == SegmentRow.id)
            .join(Dispute, Dispute.id == DisputeSegment.dispute_id)
            .where(SegmentScreenshot.sha256 == sha256, SegmentRow.deleted.is_(False),
                   Dispute.state == "escalated")
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


def stored_content_type(session: Session, *, sha256: str) -> str:
    """The type the image was stored as (JPEG or PNG), for serving it as what it is."""
    shot = session.get(Screenshot, sha256)
    return shot.content_type if shot is not None else "application/octet-stream"
