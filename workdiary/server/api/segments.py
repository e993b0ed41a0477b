"""POST /segments (batched, idempotent upload), PUT /segments/{id} (memo edit), DELETE."""

from __future__ import annotations

import contextlib
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from workdiary.core.model import Segment
from workdiary.server.api.segment_schemas import (
    BatchResult,
    MemoEditOut,
    SegmentBatch,
    SegmentIn,
)
from workdiary.server.api.segment_wire import read_canonical_batch
from workdiary.server.deps import (
    BEARER_SECURITY,
    AppClock,
    Blobs,
    CurrentUser,
    DbSession,
    bearer_token,
    run_as_user,
)
from workdiary.server.errors import TooLarge
from workdiary.server.models import User
from workdiary.server.services import memo_edits, segments
from workdiary.server.services.segments import UploadResult

router = APIRouter(tags=["segments"])

# The body is parsed here (pydantic straight from the bytes), not by FastAPI, so its schema
# is declared by hand.
BATCH_BODY = {**BEARER_SECURITY, "requestBody": {"required": True, "content": {"application/json": {
    "schema": SegmentBatch.model_json_schema()}}}}


def _is_json(content_type: str | None) -> bool:
    """FastAPI's rule: no Content-Type, ``application/json`` or ``application/*+json``."""
    if not content_type:
        return True
    kind = content_type.split(";")[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/")
                                           and kind.endswith("+json"))


def parse_batch(body: bytes, content_type: str | None) -> SegmentBatch:
    """The batch, validated straight from the JSON bytes (half the work of FastAPI's parse
    into Python objects then validation); errors as FastAPI reports them (422, or 400 for
    malformed JSON)."""
    if not body:
        raise RequestValidationError([{"type": "missing", "loc": ("body",),
                                       "msg": "Field required", "input": None}])
    try:
        if _is_json(content_type):
            return SegmentBatch.model_validate_json(body)
        return SegmentBatch.model_validate(body)  # not JSON: refused, as FastAPI does
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]) from None


def read_batch(body: bytes, content_type: str | None, limit: int
               ) -> tuple[list[Segment], list[dict[str, Any]] | None]:
    """The batch's segments, and their wire bodies when it came as desktops write it
    (``segment_wire``); any other batch goes through pydantic (``parse_batch``)."""
    wire = read_canonical_batch(body) if _is_json(content_type) else None
    if wire is not None:
        _at_most(limit, len(wire))
        return [segment for segment, _ in wire], [data for _, data in wire]
    batch = parse_batch(body, content_type)
    _at_most(limit, len(batch.segments))
    return [s.to_segment() for s in batch.segments], None


def _at_most(limit: int, count: int) -> None:
    if count > limit:
        raise TooLarge(f"send at most {limit} segments per batch.")


@router.post("/segments", response_model=BatchResult, openapi_extra=BATCH_BODY)
async def upload_segments(request: Request) -> Response:
    """Upload signed segments; returns each one's verdict (status, billable minutes, reasons).

    Idempotent on id: a resend returns the stored verdict; a different body under a stored
    id refuses the batch with 409 ``segment_conflict`` and stores nothing.
    """
    token = bearer_token(request)  # not a dependency: see bearer_token
    body = await request.body()
    state = request.app.state
    content_type = request.headers.get("content-type")

    def work(session: Session, user: User) -> list[UploadResult]:
        parsed, bodies = read_batch(body, content_type, state.settings.max_segments_per_batch)
        lock = state.upload_lock
        with lock if lock is not None else contextlib.nullcontext():
            return segments.upload_segments(session, user=user, segments=parsed,
                                            bodies=bodies, now=state.clock.now(),
                                            blobs=state.blobs)

    results = await run_as_user(request, token, work)
    state.metrics.count_verdicts(r.status for r in results)
    # The verdicts' dicts are BatchResult's shape already: no model to build and re-validate.
    return JSONResponse({"segments": [r.to_dict() for r in results]})


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
