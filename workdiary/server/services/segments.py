"""Segment upload (verified with core.verify, idempotent on id) and deletion before the lock."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, bindparam, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workdiary.core.activity import activity_of
from workdiary.core.billing import whole_minutes
from workdiary.core.canonical import CHAIN_FIELDS, segment_to_dict
from workdiary.core.model import Reason, Segment, SegmentKind, Status
from workdiary.core.signing import signature_is_valid
from workdiary.core.verify import Verdict, verify_segment
from workdiary.server.blobs import BlobStore
from workdiary.server.bulk_insert import insert_rows
from workdiary.server.canonical_json import dumps_canonical
from workdiary.server.errors import Conflict, Forbidden, NotFound
from workdiary.server.models import (
    Device,
    SegmentRow,
    SegmentScreenshot,
    User,
)
from workdiary.server.services import day_totals
from workdiary.server.services import screenshots as screenshot_service
from workdiary.server.services.batch_state import (
    BatchState,
    referenced_shas,
    week_closed_to_changes,
    week_of,
)
from workdiary.server.services.in_list import in_param

UNAUTHENTIC_OR_EARLY = frozenset({Reason.FUTURE, Reason.BAD_SIGNATURE, Reason.UNKNOWN_DEVICE})


@dataclass(frozen=True, slots=True)
class UploadResult:
    """The verdict on one uploaded segment, as stored."""

    id: str
    status: str
    billable_seconds: int
    over_limit_seconds: int
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        # The minute fields stay for older desktops: floor(seconds / 60).
        return {"id": self.id, "status": self.status,
                "billable_minutes": whole_minutes(self.billable_seconds),
                "billable_seconds": self.billable_seconds,
                "over_limit_minutes": whole_minutes(self.over_limit_seconds),
                "over_limit_seconds": self.over_limit_seconds, "reasons": list(self.reasons)}


@dataclass(frozen=True, slots=True)
class _Encoded:
    """A segment's wire body and what derives from it, computed once per upload."""

    body: dict[str, object]
    signed_bytes: bytes  # the canonical bytes the device signed
    body_hash: str  # SHA-256 of the signed bytes and the signature
    chain_hash: str


def _encode(segment: Segment, wire: Mapping[str, object] | None = None) -> _Encoded:
    """``wire``: the segment's canonical wire body (signature included) when the caller has
    it (``api/segment_wire.py`` reads it straight from the request); else built here."""
    if wire is None:
        unsigned = segment_to_dict(segment, with_signature=False)
        body = {**unsigned, "signature": segment.signature}
    else:
        body = dict(wire)
        unsigned = {key: value for key, value in wire.items() if key != "signature"}
    signed = dumps_canonical(unsigned)
    chain = dumps_canonical({key: unsigned[key] for key in CHAIN_FIELDS})
    digest = hashlib.sha256(signed + b"\n" + segment.signature.encode()).hexdigest()
    return _Encoded(body, signed, digest, hashlib.sha256(chain).hexdigest())


def signed_body(segment: Segment) -> tuple[dict[str, object], str]:
    """The wire body to store (signature included) and its body hash."""
    encoded = _encode(segment)
    return encoded.body, encoded.body_hash


def body_hash(segment: Segment) -> str:
    """SHA-256 of the signed wire body: two uploads are 'the same' when this matches."""
    return _encode(segment).body_hash


def result_of(row: SegmentRow) -> UploadResult:
    return UploadResult(row.id, row.status, row.billable_seconds, row.over_limit_seconds,
                        tuple(row.reasons))


def _new_row(segment: Segment, encoded: _Encoded, verdict: Verdict, user: User,
             now: datetime) -> dict[str, object]:
    """Column values of a new segments row (inserted in bulk, without ORM objects)."""
    activity = activity_of(segment.minutes)
    return {
        "id": segment.id, "contract_id": segment.contract_id, "freelancer_id": user.id,
        "device_id": segment.device_id, "seq": segment.seq, "start": segment.start,
        "end": segment.end, "week_start": week_of(segment.start), "kind": segment.kind.value,
        "status": verdict.status.value, "billable_seconds": verdict.billable_seconds,
        "over_limit_seconds": verdict.over_limit_seconds,
        "reasons": [r.value for r in verdict.reasons], "memo": segment.memo,
        "redacted": segment.redacted or any(s.redacted for s in segment.screenshots),
        "chain_hash": encoded.chain_hash, "body_hash": encoded.body_hash,
        "body": encoded.body, "deleted": segment.kind is SegmentKind.TOMBSTONE,
        "received_at": now, "memo_edited": False,
        "tracked_minutes": activity.tracked_minutes, "active_minutes": activity.active_minutes,
    }


# Built once: building a statement (and its cache key) costs more than running it, and every
# batch runs these.
_LOCK_UPLOADER = select(User.id).where(User.id == bindparam("user_id")).with_for_update()


@functools.cache
def _stored_statement(dialect: str) -> Select[SegmentRow]:
    return select(SegmentRow).where(in_param(dialect, SegmentRow.id, "ids"))


def upload_segments(
    session: Session, *, user: User, segments: Sequence[Segment], now: datetime,
    blobs: BlobStore | None = None, bodies: Sequence[Mapping[str, object]] | None = None,
) -> list[UploadResult]:
    """Verify and store a batch; one result per input segment, in input order.

    ``bodies``: each segment's canonical wire body, when the caller read them from the
    request in that form (``segment_to_dict(segment)`` exactly); else they are built here.

    Idempotent on id: a resend (same signed body) returns the stored verdict. A different
    body under a stored id refuses the whole batch (Conflict) and stores nothing, except a
    signed tombstone for a stored segment of the same chain position, which deletes it
    (when its week is still open). New segments are verified in (device, seq) order. A
    segment for a contract that is not the caller's is rejected (outside_contract) and not
    stored.
    """
    if user.role != "freelancer":
        raise Forbidden("only freelancers upload segments.", code="not_a_freelancer")
    # Serialise one freelancer's uploads (PostgreSQL) so overlap checks see each other.
    session.execute(_LOCK_UPLOADER, {"user_id": user.id})
    ids = [s.id for s in segments]
    stored = {row.id: row for row in session.scalars(
        _stored_statement(session.get_bind().dialect.name), {"ids": list(set(ids))})}
    results: dict[str, UploadResult] = {}
    fresh: dict[str, Segment] = {}
    tombstones: list[tuple[Segment, SegmentRow]] = []
    conflicts: list[str] = []
    encoded: dict[str, _Encoded] = {}
    if bodies is not None and len(bodies) != len(segments):
        raise ValueError("one wire body per segment")
    for index, segment in enumerate(segments):
        row = stored.get(segment.id)
        mine = _encode(segment, bodies[index] if bodies is not None else None)
        if row is not None:
            if row.freelancer_id != user.id:
                conflicts.append(segment.id)
            elif row.body_hash == mine.body_hash:
                results[segment.id] = result_of(row)
            elif (segment.kind is SegmentKind.TOMBSTONE and not row.deleted
                  and row.chain_hash == mine.chain_hash):
                tombstones.append((segment, row))
            else:
                conflicts.append(segment.id)
        elif segment.id in fresh:
            if encoded[segment.id].body_hash != mine.body_hash:
                conflicts.append(segment.id)
        else:
            fresh[segment.id] = segment
            encoded[segment.id] = mine
    if conflicts:
        raise Conflict(
            "a different segment was already uploaded under id(s) "
            f"{', '.join(sorted(set(conflicts))[:10])}: nothing in this batch was stored.",
            code="segment_conflict")
    gone: list[str] = []
    for segment, row in tombstones:
        results[segment.id] = _apply_tombstone(session, user=user, segment=segment, row=row,
                                               now=now, gone=gone)
    if fresh:
        ordered = sorted(fresh.values(), key=lambda s: (s.device_id, s.seq, s.start))
        state = BatchState(session, user, ordered)
        rows = []
        for segment in ordered:
            verdict = verify_segment(
                segment, state.context(segment, now, encoded[segment.id].signed_bytes))
            if segment.contract_id in state.contracts and not _provisional(verdict):
                state.add(segment, verdict, encoded[segment.id].chain_hash)
                rows.append(_new_row(segment, encoded[segment.id], verdict, user, now))
            # else: not the uploader's contract (or none): refused and not stored, so no
            # one else's diary ever shows it; or a verdict that is not final (see
            # _provisional): not stored, so the resend is verified afresh.
            results[segment.id] = UploadResult(
                segment.id, verdict.status.value, verdict.billable_seconds,
                verdict.over_limit_seconds, tuple(r.value for r in verdict.reasons))
        # Core rows, not ORM objects (the ORM's bulk path would inspect every row dict
        # against the mapper, and nothing here needs them), by COPY on PostgreSQL.
        if rows:
            insert_rows(session, SegmentRow.__table__, rows)
            day_totals.add_rows(session, rows)
        # Only bound references are stored: they are what authorises a download, so a
        # segment citing someone else's image gains no access to it.
        stored_ids = {row["id"] for row in rows}
        refs = [{"segment_id": s.id, "contract_id": s.contract_id, "sha256": sha}
                for s in ordered if s.kind is not SegmentKind.TOMBSTONE
                and s.id in stored_ids
                for sha in referenced_shas(s) - state.unbound(s)]
        insert_rows(session, SegmentScreenshot.__table__, refs)
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict("another upload stored some of these segments at the same moment: "
                       "send the batch again.", code="segment_conflict") from exc
    _delete_blobs(blobs, gone)
    return [results[segment_id] for segment_id in ids]


def _provisional(verdict: Verdict) -> bool:
    """A verdict that is not stored, so the record can still arrive as what it claims to be.

    ``future``: the server's clock alone decided it, and time will change it; stored, it
    would stay final when the same record is sent again after its end. ``bad_signature`` and
    ``unknown_device``: nothing shows the device made the record (a stolen token can send
    such records); stored, it would hold the device's chain position (and id) against the
    genuine record uploaded later.
    """
    return bool(UNAUTHENTIC_OR_EARLY.intersection(verdict.reasons))


def _apply_tombstone(session: Session, *, user: User, segment: Segment, row: SegmentRow,
                     now: datetime, gone: list[str]) -> UploadResult:
    device = session.get(Device, segment.device_id)
    key = device.public_key if device and device.user_id == user.id and not device.revoked else None
    if key is None:
        return UploadResult(segment.id, Status.REJECTED.value, 0, 0, (Reason.UNKNOWN_DEVICE,))
    if not signature_is_valid(segment, key):
        return UploadResult(segment.id, Status.REJECTED.value, 0, 0, (Reason.BAD_SIGNATURE,))
    if week_closed_to_changes(session, row.start, row.contract_id, now):
        return UploadResult(segment.id, Status.REJECTED.value, 0, 0, (Reason.WEEK_LOCKED,))
    tomb = _encode(segment)
    gone.extend(_mark_deleted(session, row, tomb.body, tomb.body_hash))
    return result_of(row)


def _mark_deleted(session: Session, row: SegmentRow, body: dict[str, object],
                  digest: str) -> list[str]:
    """Turn a stored segment into its tombstone: no time, no evidence, chain position kept."""
    shas = set(session.scalars(select(SegmentScreenshot.sha256).where(
        SegmentScreenshot.segment_id == row.id)))
    session.execute(delete(SegmentScreenshot).where(SegmentScreenshot.segment_id == row.id))
    row.deleted = True
    row.kind = SegmentKind.TOMBSTONE.value
    row.status = Status.REJECTED.value
    row.billable_seconds = 0
    row.over_limit_seconds = 0
    row.reasons = [Reason.DELETED.value]
    row.memo = ""
    row.redacted = False
    row.tracked_minutes = row.active_minutes = 0
    row.body = body
    row.body_hash = digest
    session.flush()
    day_totals.refresh(session, [(row.contract_id, day_totals.day_of(row.start))])
    return screenshot_service.forget_unreferenced(session, shas=shas)


def delete_segment(session: Session, *, user: User, segment_id: str, now: datetime,
                   blobs: BlobStore | None = None) -> SegmentRow:
    """Delete one of the caller's segments before its week locks (DELETE /segments/{id}).

    The row stays as a tombstone so the device's chain stays whole; its screenshots are
    removed from storage unless another segment refers to them.
    """
    row = session.get(SegmentRow, segment_id)
    if row is None or row.freelancer_id != user.id:
        raise NotFound(f"you have no segment {segment_id}.", code="no_such_segment")
    if row.deleted:
        return row
    if week_closed_to_changes(session, row.start, row.contract_id, now):
        raise Conflict("the week of this segment is locked: it can no longer be deleted.",
                       code="week_locked")
    body = dict(row.body)
    body.update(kind=SegmentKind.TOMBSTONE.value, memo="", minutes=[], screenshots=[],
                redacted=False, signature="")
    gone = _mark_deleted(session, row, body, row.body_hash)
    session.commit()
    _delete_blobs(blobs, gone)
    return row


def _delete_blobs(blobs: BlobStore | None, shas: Sequence[str]) -> None:
    if blobs is not None:
        for sha in shas:
            blobs.delete(sha)
