"""GET /desktop-release: the desktop version the operator publishes (public: no login needed,
so an app too old to log in still learns where to get a new one)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from workdiary.server.services.desktop_release import DesktopRelease, ReleaseReader

router = APIRouter(tags=["desktop"])


@router.get("/desktop-release", response_model=DesktopRelease)
def desktop_release(request: Request) -> DesktopRelease:
    """{latest, minimum, notes_url, download_urls}; 404 ``no_release`` if none is published."""
    reader: ReleaseReader | None = getattr(request.app.state, "release_reader", None)
    if reader is None:  # one reader per app, made on first use (no change to the app factory)
        reader = request.app.state.release_reader = ReleaseReader(
            request.app.state.settings.data_dir)
    return reader.current()
