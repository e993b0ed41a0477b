"""PUT /screenshots/{sha256} (raw image body, idempotent), GET /screenshots/{sha256}."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy import Connection

from workdiary.core.clock import Clock
from workdiary.server.api.schemas import ScreenshotPublic
from workdiary.server.blobs import BlobStore
from workdiary.server.deps import (
    BEARER_SECURITY,
    Blobs,
    CurrentUser,
    DbSession,
    bearer_token,
    run_autocommit,
)
from workdiary.server.errors import TooLarge
from workdiary.server.services import screenshots
from workdiary.server.settings import Settings

router = APIRouter(tags=["screenshots"])
DEVICE_HEADER = "X-Workdiary-Device"

IMAGE_BODY = {
    **BEARER_SECURITY,
    "requestBody": {
        "required": True,
        "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                    "image/png": {"schema": {"type": "string", "format": "binary"}}},
    }
}


async def read_capped(request: Request, limit: int) -> bytes:
    """The body, refusing it with 413 as soon as it grows past ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"a screenshot may be at most {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


@router.put("/screenshots/{sha256}", response_model=ScreenshotPublic, status_code=201,
            openapi_extra=IMAGE_BODY,
            responses={200: {"model": ScreenshotPublic, "description": "Already stored."}})
async def put_screenshot(sha256: str, request: Request, response: Response) -> ScreenshotPublic:
    """Store a JPEG under its SHA-256 (checked: hash, size, pixels, type, decodability).

    ``X-Workdiary-Device`` names the uploading device (one of the caller's): a segment's
    reference to the image counts as evidence only when it comes from that same device.
    """
    # The token, the app's settings, blobs and clock not as dependencies: each one FastAPI
    # solves is work on every upload.
    token = bearer_token(request)
    state = request.app.state
    settings: Settings = state.settings
    blobs: BlobStore = state.blobs
    clock: Clock = state.clock
    data = await read_capped(request, settings.max_screenshot_bytes)
    declared_type = request.headers.get("content-type", "")
    device_id = request.headers.get(DEVICE_HEADER)

    def work(connection: Connection) -> tuple[screenshots.StoredImage, bool]:
        return screenshots.put_screenshot(
            connection, token=token, blobs=blobs, sha256=sha256, data=data,
            max_pixels=settings.max_image_pixels, max_width=settings.max_image_width,
            declared_type=declared_type, device_id=device_id, now=clock.now())

    # The token, the checks, the blob and the row in one thread-pool hop and one query before
    # the write; the row is the one write (a single INSERT), so no transaction around it.
    image, created = await run_autocommit(request, work)
    response.status_code = 201 if created else 200
    state.metrics.count_upload(created=created)
    return ScreenshotPublic(sha256=image.sha256, size=image.size, width=image.width,
                            height=image.height, content_type=image.content_type)


@router.get("/screenshots/{sha256}", response_class=Response,
            responses={200: {"content": {"image/jpeg": {}, "image/png": {}},
                             "description": "The image, as the type it was stored as."}})
def get_screenshot(sha256: str, session: DbSession, user: CurrentUser, blobs: Blobs) -> Response:
    """The image, for its uploader and the parties of a contract whose segment refers to it.

    Streamed from the blob store in chunks (an object store need not hand over whole images).
    """
    chunks, shot = screenshots.open_screenshot(session, user=user, blobs=blobs, sha256=sha256)
    return StreamingResponse(chunks, media_type=shot.content_type, headers={
        "Cache-Control": "private, max-age=86400, immutable",
        "Content-Length": str(shot.size)})
