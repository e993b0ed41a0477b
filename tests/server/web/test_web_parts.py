"""Parts of the web layer on their own: session cookie codec, thumbnails, HTML error pages."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from starlette.requests import Request

from workdiary.server.web.session import (
    SESSION_COOKIE,
    CsrfError,
    SessionCodec,
    WebSession,
    check_csrf,
)
from workdiary.server.web.thumbnails import ThumbnailCache, make_thumbnail
from workdiary.testing.images import make_jpeg

from .webworld import World, sign_in


def request_with_cookie(value: str | None) -> Request:
    headers = [] if value is None else [(b"cookie", f"{SESSION_COOKIE}={value}".encode())]
    return Request({"type": "http", "headers": headers, "method": "GET", "path": "/"})


def test_session_round_trip_and_tampering() -> None:
    codec = SessionCodec("k" * 40)
    session = WebSession(user_id="u1", tz="Europe/Berlin")
    session.set_flash("ok", "Saved.")
    loaded = codec.load(request_with_cookie(codec.dumps(session)))
    assert (loaded.user_id, loaded.tz, loaded.flash) == ("u1", "Europe/Berlin", ("ok", "Saved."))
    assert loaded.csrf_token == session.csrf_token and not loaded.dirty
    other = SessionCodec("j" * 40).load(request_with_cookie(codec.dumps(session)))
    assert other.user_id is None and other.dirty  # signed with another secret: ignored
    assert codec.load(request_with_cookie(None)).user_id is None


def test_expired_session_is_anonymous() -> None:
    codec = SessionCodec("k" * 40, max_age=-1)
    assert codec.load(request_with_cookie(codec.dumps(WebSession(user_id="u1")))).user_id is None


def test_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="secret key"):
        SessionCodec("")


def test_check_csrf() -> None:
    session = WebSession()
    check_csrf(session, session.csrf_token)
    for bad in (None, "", "nope", 5):
        with pytest.raises(CsrfError):
            check_csrf(session, bad)


def test_thumbnail_is_small_and_bad_bytes_give_none() -> None:
    thumb = make_thumbnail(make_jpeg(1920, 1080))
    assert thumb is not None
    with Image.open(io.BytesIO(thumb)) as image:
        assert image.width <= 360 and image.format == "JPEG"
    assert make_thumbnail(b"not an image") is None


def test_thumbnail_cache_is_bounded() -> None:
    cache = ThumbnailCache(max_entries=2)
    for key in "abc":
        cache.put(key, key.encode())
    assert cache.get("a") is None and cache.get("c") == b"c"


def test_page_errors_are_html_and_api_errors_json(world: World) -> None:
    client = TestClient(world.app, base_url="http://testserver", follow_redirects=False)
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    assert "There is nothing at /no/such/page" in missing.text
    wrong_method = client.get("/logout")
    assert wrong_method.status_code == 405 and "text/html" in wrong_method.headers["content-type"]
    api = client.get("/api/v1/no-such-endpoint")
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"


def test_pages_need_no_javascript(world: World) -> None:
    client = sign_in(world.app, "client")
    html = client.get(f"/contracts/{world.contract_id}/diary/2026-11-24").text
    # Every control is a link or a plain form, and there is no script at all (the time-zone
    # list no longer submits on change: a keyboard user moving through it would leave the page).
    assert html.count("<script") == 0
    assert 'form method="get" action="/contracts/' in html
