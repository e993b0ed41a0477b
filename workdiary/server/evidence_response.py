"""The evidence bundle as an HTTP answer, shared by the API and the web pages: the spooled zip
streamed in chunks with its length, closed when sent."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import IO

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import StreamingResponse

from workdiary.core.evidence import SHOTS_HASHES, SHOTS_INCLUDED
from workdiary.server.blobs import BlobStore
from workdiary.server.serverkey import ServerKey
from workdiary.server.services.evidence import EvidenceWeek
from workdiary.server.services.evidence_zip import bundle_name, write_bundle

CHUNK_BYTES = 64 * 1024


def bundle_server_url(request: Request) -> str:
    """The server's address as the manifest names it: the configured public URL, else the
    base URL the request came to (what a desktop logged in with, on a plain setup)."""
    public: str = request.app.state.public_url or str(request.base_url)
    return public.rstrip("/")


def evidence_response(week: EvidenceWeek, *, blobs: BlobStore, key: ServerKey, now: datetime,
                      server_url: str, hashes_only: bool) -> StreamingResponse:
    bundle = write_bundle(week, blobs=blobs, key=key, now=now, server_url=server_url,
                          screenshots=SHOTS_HASHES if hashes_only else SHOTS_INCLUDED)
    size = bundle.seek(0, 2)
    bundle.seek(0)
    name = bundle_name(week.contract_id, week.week_start.isoformat())
    return StreamingResponse(
        _chunks(bundle), media_type="application/zip", background=BackgroundTask(bundle.close),
        headers={"Content-Disposition": f'attachment; filename="{name}"',
                 "Content-Length": str(size), "Cache-Control": "no-store"})


def _chunks(bundle: IO[bytes]) -> Iterator[bytes]:
    while chunk := bundle.read(CHUNK_BYTES):
        yield chunk
