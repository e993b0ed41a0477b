"""Memo edits after upload: a re-signed record of a stored segment, until its week locks.

The chain allows it: a memo is no part of a segment's chain bytes, so the replacement has
the same chain hash, and the record stays the one the device signed (its signature is checked
against the device's key). Only the memo may differ; the server keeps the newest record and
marks the segment ``memo_edited``. The verdict changes only where the memo counts
(``no_memo`` comes or goes; core/manual.py ``reasons_after_memo_edit``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from workdiary.core.canonical import segment_from_dict
from workdiary.core.manual import only_memo_differs, reasons_after_memo_edit
from workdiary.core.model import Reason, Segment, Status
from workdiary.core.signing import signature_is_valid
from workdiary.core.week import lock_time, week_start
from workdiary.server.errors import Conflict, Forbidden, NotFound, Unprocessable
from workdiary.server.models import Device, SegmentRow, User
from workdiary.server.services import audit, day_totals
from workdiary.server.services.batch_state import week_closed_to_changes
from workdiary.server.services.segments import signed_body


def replace_memo(session: Session, *, user: User, segment_id: str, segment: Segment,
                 now: datetime) -> SegmentRow:
    """Store ``segment`` (the stored one with another memo, re-signed) in place of the stored
    record (PUT /segments/{id}); returns the updated row (its verdict and ``memo_edited``).

    404 when the caller has no such segment; 409 ``segment_deleted`` for a deletion; 409
    ``week_locked`` once the week locked (or was invoiced); 422 when anything but the memo
    differs or the signature is not the segment's device's.
    """
    if user.role != "freelancer":
        raise Forbidden("only freelancers edit memos.", code="not_a_freelancer")
    if segment.id != segment_id:
        raise Unprocessable(f"the record's id {segment.id!r} is not the segment addressed "
                            f"({segment_id!r}).", code="id_mismatch")
    row = session.get(SegmentRow, segment_id, with_for_update=True)
    if row is None or row.freelancer_id != user.id:
        raise NotFound(f"you have no segment {segment_id}.", code="no_such_segment")
    if row.deleted:
        raise Conflict("this segment was deleted: it has no memo to edit.",
                       code="segment_deleted")
    body, digest = signed_body(segment)
    if digest == row.body_hash:
        return row  # the same record again: nothing to do
    if week_closed_to_changes(session, row.start, row.contract_id, now):
        locked = lock_time(week_start(row.start)).strftime("%Y-%m-%d %H:%M UTC")
        raise Conflict(f"the week of this segment locked at {locked}: its memo can no longer "
                       "change.", code="week_locked")
    stored = segment_from_dict(dict(row.body))
    if not only_memo_differs(stored, segment):
        raise Unprocessable("only the memo of an uploaded segment can change: this record "
                            "differs in other fields too.", code="not_a_memo_edit")
    device = session.get(Device, row.device_id)
    if (device is None or device.user_id != user.id or device.revoked
            or not signature_is_valid(segment, device.public_key)):
        raise Unprocessable("the record is not signed by this segment's device.",
                            code="bad_signature")
    status, reasons = reasons_after_memo_edit(
        Status(row.status), [Reason(r) for r in row.reasons], stored.kind, segment.memo)
    audit.record(session, actor=user, action="segment.memo_edited", subject_type="segment",
                 subject_id=row.id, now=now,
                 detail={"contract_id": row.contract_id, "memo_length": len(segment.memo)})
    rejudged = row.status != status.value
    row.memo = segment.memo
    row.body = body
    row.body_hash = digest
    row.status = status.value
    row.reasons = [r.value for r in reasons]
    row.memo_edited = True
    if rejudged:  # e.g. an empty memo filled in: unprotected time becomes protected
        session.flush()
        day_totals.refresh(session, [(row.contract_id, day_totals.day_of(row.start))])
    session.commit()
    return row
