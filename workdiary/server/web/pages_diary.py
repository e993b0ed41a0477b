"""The day's work diary, and the screenshots it shows (thumbnail, full image, image page)."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import quote

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from workdiary.core.clock import Clock
from workdiary.core.week import week_start_of_date
from workdiary.server.blobs import SHA256_RE, BlobStore
from workdiary.server.errors import NotFound
from workdiary.server.i18n.language import N_
from workdiary.server.models import Contract, User
from workdiary.server.services import disputes as dispute_service
from workdiary.server.services import users as user_service
from workdiary.server.services.contracts import get_contract_for, role_on
from workdiary.server.services.diary import get_diary, get_segment_with_screenshot
from workdiary.server.services.screenshots import segment_showing, stored_content_type
from workdiary.server.web.deps import DB, PageBadRequest, PageNotFound, Viewer
from workdiary.server.web.diary_cell import CellTexts, segment_cells
from workdiary.server.web.diary_view import build_diary, segment_cell
from workdiary.server.web.rendering import finish, page_language, redirect, render, web_session
from workdiary.server.web.thumbnails import ThumbnailCache, make_thumbnail
from workdiary.server.web.timezones import choose_zone, zone_options

router = APIRouter(include_in_schema=False)

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
IMAGE_CACHE = "private, max-age=604800, immutable"  # content-addressed: the bytes never change


def parse_day(text: str) -> date:
    """A diary date (YYYY-MM-DD) within the years the server keeps, else a clear 400."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise PageBadRequest(N_("“%(text)s” is not a date: use YYYY-MM-DD, e.g. 2026-11-23."),
                             code="invalid_date", text=text[:40]) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise PageBadRequest(N_("Diaries cover the years 2000 to 2100: pick a date in that range."),
                             code="date_out_of_range")
    return day


def grid_columns(segment_minutes: int) -> int:
    """Cells per line of an hour row: 6 for 10-minute segments (one line an hour); short
    segments (the demo's 1-minute ones) wrap in even lines of 10, 5 or 6."""
    slots = 60 // segment_minutes
    if slots <= 6:
        return 6
    return next(n for n in (10, 6, 5, 4, 3) if slots % n == 0)


def scoped_contract(db: DB, viewer: User, contract_id: str) -> Contract:
    """The contract if the viewer is its client or its freelancer, else the page's 404."""
    try:
        return get_contract_for(db, user=viewer, contract_id=contract_id)
    except NotFound:
        raise PageNotFound() from None


@router.get("/contracts/{contract_id}/diary/{day}")
def diary(request: Request, contract_id: str, day: str, db: DB, viewer: Viewer,
          tz: str | None = None) -> Response:
    """Hour rows of segment cells for one local day, in the viewer's time zone."""
    contract = scoped_contract(db, viewer, contract_id)
    the_day = parse_day(day)
    session = web_session(request)
    choice = choose_zone(tz, session.tz)
    if tz and choice.problem is None:
        session.set_tz(choice.name)
    diary_model = get_diary(db, user=viewer, contract_id=contract.id, day=the_day,
                            tz=choice.name)
    view = build_diary(diary_model, zone=choice.zone, zone_name=choice.name)
    names = user_service.names_by_id(db, user_ids=[contract.client_id, contract.freelancer_id])
    clock: Clock = request.app.state.clock
    disputable = dispute_service.disputable_segment_ids(
        db, user=viewer, contract_id=contract.id,
        segments=[s.row for s in diary_model.segments], now=clock.now(),
        disputed={s.id for s in diary_model.segments if s.disputed})
    # The UTC weeks this local day touches (two when the week boundary falls inside it).
    start, end = diary_model.start, diary_model.end
    weeks = sorted({week_start_of_date(start.date()), week_start_of_date(
        (end - timedelta(microseconds=1)).date())})
    return render(request, "diary.html", {
        "contract": contract, "d": view, "zone_name": choice.name, "zone_problem": choice.problem,
        "zone_options": zone_options(choice.name), "weeks": weeks, "names": names,
        "is_client": role_on(contract, viewer) == "client", "disputable_ids": disputable,
        "cols": grid_columns(contract.segment_minutes),
        "rate_cents": contract.rate_cents,
        "segment_cells": segment_cells, "cell_texts": CellTexts.of(page_language(request)),
    })


def _authorised_blob(request: Request, db: DB, viewer: User, contract_id: str,
                     sha256: str) -> tuple[Contract, bytes]:
    contract = scoped_contract(db, viewer, contract_id)
    shown = SHA256_RE.match(sha256) and segment_showing(db, contract_id=contract.id,
                                                        sha256=sha256)
    if not shown:
        raise PageNotFound(N_("This screenshot does not exist, or it is not yours to see."))
    blobs: BlobStore = request.app.state.blobs
    data = blobs.get(sha256)
    if data is None:
        raise PageNotFound(N_("This screenshot was referenced by a segment but never uploaded."))
    return contract, data


@router.get("/contracts/{contract_id}/screenshots/{sha256}/full")
def screenshot_image(request: Request, contract_id: str, sha256: str, db: DB,
                     viewer: Viewer) -> Response:
    """The full screenshot, for the parties of the contract only."""
    _, data = _authorised_blob(request, db, viewer, contract_id, sha256)
    response = Response(data, media_type=stored_content_type(db, sha256=sha256),
                        headers={"Cache-Control": IMAGE_CACHE})
    return finish(request, response)


@router.get("/contracts/{contract_id}/screenshots/{sha256}/thumb")
def screenshot_thumb(request: Request, contract_id: str, sha256: str, db: DB,
                     viewer: Viewer) -> Response:
    """A small JPEG of the screenshot for the diary cell (made once, then cached)."""
    cache: ThumbnailCache = request.app.state.web_thumbnails
    scoped_contract(db, viewer, contract_id)
    cached = cache.get(sha256) if SHA256_RE.match(sha256) else None
    if cached is None or segment_showing(db, contract_id=contract_id, sha256=sha256) is None:
        _, data = _authorised_blob(request, db, viewer, contract_id, sha256)
        cached = make_thumbnail(data)
        if cached is None:
            raise PageNotFound(N_("This screenshot cannot be decoded as an image."))
        cache.put(sha256, cached)
    response = Response(cached, media_type="image/jpeg", headers={"Cache-Control": IMAGE_CACHE})
    return finish(request, response)


@router.get("/contracts/{contract_id}/screenshots/{sha256}")
def screenshot_page(request: Request, contract_id: str, sha256: str, db: DB,
                    viewer: Viewer) -> Response:
    """The full screenshot with its segment's facts and a way back to the day."""
    contract = scoped_contract(db, viewer, contract_id)
    found = get_segment_with_screenshot(db, user=viewer, contract_id=contract.id,
                                        sha256=sha256) if SHA256_RE.match(sha256) else None
    if found is None:
        raise PageNotFound(N_("This screenshot does not exist, or it is not yours to see."))
    choice = choose_zone(None, web_session(request).tz)
    segment = segment_cell(found, choice.zone, contract.segment_minutes)
    shot = next((s for s in segment.shots if s.sha256 == sha256), None)
    local_day = found.start.astimezone(choice.zone).date()
    return render(request, "screenshot.html", {
        "contract": contract, "segment": segment, "shot": shot, "sha256": sha256,
        "day": local_day, "zone_name": choice.name,
        "is_client": role_on(contract, viewer) == "client",
    })


@router.get("/contracts/{contract_id}/diary")
def diary_by_query(request: Request, contract_id: str, db: DB, viewer: Viewer,
                   date: str | None = None, tz: str | None = None) -> Response:
    """The date picker's target: ``?date=YYYY-MM-DD`` goes to that day's diary page."""
    contract = scoped_contract(db, viewer, contract_id)
    day = parse_day(date) if date else _today(request, tz)
    url = f"/contracts/{contract.id}/diary/{day.isoformat()}"
    if tz:
        url += "?tz=" + quote(tz, safe="/")
    return redirect(request, url)


def _today(request: Request, tz: str | None) -> date:
    clock: Clock = request.app.state.clock
    return clock.now().astimezone(choose_zone(tz, web_session(request).tz).zone).date()
