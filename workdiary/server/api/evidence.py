"""Portable evidence: GET /server-key (public) and a contract-week's bundle (either party)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from workdiary.core.evidence import SHOTS_INCLUDED
from workdiary.server.api.weeks import check_day
from workdiary.server.deps import AppClock, Blobs, CurrentUser, DbSession
from workdiary.server.evidence_response import bundle_server_url, evidence_response
from workdiary.server.serverkey import ServerKey
from workdiary.server.services.evidence import gather_week

router = APIRouter(tags=["evidence"])


def _server_key(request: Request) -> ServerKey:
    key: ServerKey = request.app.state.server_key
    return key


@router.get("/server-key")
def server_key(request: Request) -> dict[str, str]:
    """The server's Ed25519 public key, which signs evidence manifests (no login needed):
    ``{algorithm, public_key (base64 of the raw 32 bytes), key_id}``."""
    return _server_key(request).public()


@router.get("/contracts/{contract_id}/weeks/{week_start}/evidence",
            response_class=StreamingResponse,
            responses={200: {"content": {"application/zip": {}},
                             "description": "The week's evidence bundle (docs/evidence.md)."}})
def week_evidence(contract_id: str, week_start: date, request: Request, session: DbSession,
                  user: CurrentUser, clock: AppClock, blobs: Blobs,
                  screenshots: Literal["included", "hashes"] = Query(
                      default=SHOTS_INCLUDED,
                      description="'hashes': list the screenshots' hashes, leave the images "
                                  "out."),
                  ) -> StreamingResponse:
    """The week (a Monday, UTC) as a zip for either party: the signed records, the devices'
    keys, the screenshots, the verdicts and the invoice, with a manifest signed by the server
    key. ``workdiary verify`` checks it offline."""
    week = gather_week(session, user=user, contract_id=contract_id,
                       week_start=check_day(week_start))
    return evidence_response(week, blobs=blobs, key=_server_key(request), now=clock.now(),
                             server_url=bundle_server_url(request),
                             hashes_only=screenshots == "hashes")
