"""POST /segments (batched, idempotent upload), PUT /segments/{id} (memo edit), DELETE."""

from __future__ import annotations

import contextlib

from fastapi import APIRouter, Request, Response

from workdiary.server.api.segment_schemas import (
    BatchResult,
    MemoEditOut,
    SegmentBatch,
    SegmentIn,
    VerdictOut,
)
from workdiary.server.deps import AppClock, AppSettings, Blobs, CurrentUser, DbSession
from workdiary.server.errors import TooLarge
from workdiary.server.services import memo_edits, segments

router = APIRouter(tags=["segments"])


@router.post("/segments", response_model=BatchResult)
def upload_segments(body: SegmentBatch, request: Request, session: DbSession,
                    user: CurrentUser, clock: AppClock, settings: AppSettings,
                    blobs: Blobs) -> BatchResult:
    """Upload signed segments; returns each one's verdict (status, billable minutes, reasons).

    Idempotent on id: a resend returns the stored verdict; a different body under a stored
    id refuses the batch with 409 ``segment_conflict`` and stores nothing.
    """
    if len(body.segments) > settings.max_segments_per_batch:
        raise TooLarge(f"send at most {settings.max_segments_per_batch} segments per batch.")
    parsed = [s.to_segment() for s in body.segments]
    lock = request.app.state.upload_lock
    with lock if lock is not None else contextlib.nullcontext():
        results = segments.upload_segments(session, user=user, segments=parsed,
                                           now=clock.now(), blobs=blobs)
    request.app.state.metrics.count_verdicts(r.status for r in results)
    return BatchResult(segments=[VerdictOut(**r.to_dict()) for r in results])  # type: ignore[arg-type]


@router.put("/segments/{segment_id}", response_model=MemoEditOut)
def edit_memo(segment_id: str, body: SegmentIn, request: Request, session: DbSession,
              user: CurrentUser, clock: AppClock) -> MemoEditOut:
    """Replace an uploaded segment's record with the same one carrying another memo,
    re-signed by its device, until the week locks (then 409 ``week_locked``)."""
    lock = request.app.state.upload_lock
    with lock if lock is not None else contextlib.nullcontext():
        row = memo_edits.replace_memo(session, user=user, segment_id=segment_id,
                                      segment=body.to_segment(), now=clock.now())
    return MemoEditOut(id=row.id, status=row.status,  # type: ignore[arg-type]
                       billable_minutes=row.billable_minutes,
                       billable_seconds=row.billable_seconds,
                       over_limit_minutes=row.over_limit_minutes,
                       over_limit_seconds=row.over_limit_seconds, reasons=list(row.reasons),
                       memo=row.memo, memo_edited=row.memo_edited)


@router.delete("/segments/{segment_id}", status_code=204)
def delete_segment(segment_id: str, session: DbSession, user: CurrentUser, clock: AppClock,
                   blobs: Blobs) -> Response:
    """Delete one of the caller's segments before its week locks (it stays as a tombstone)."""
    segments.delete_segment(session, user=user, segment_id=segment_id, now=clock.now(),
                            blobs=blobs)
    return Response(status_code=204)
