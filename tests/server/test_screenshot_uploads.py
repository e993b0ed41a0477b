"""PUT /screenshots/{sha256} checks its token itself, in the query that reads the upload's
state (services/screenshots.py): the same answers, in the same order, as every API request."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from server_factories import sha
from server_world import World
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from workdiary.core.clock import FakeClock
from workdiary.server.models import Screenshot
from workdiary.server.services import screenshots, users
from workdiary.testing.images import make_jpeg

DAY = 24 * 3600
DEVICE = "devicea0000000000000000000000001"  # the world's registered device of freelancer A


def put(api: TestClient, image: bytes, headers: dict[str, str], address: str | None = None,
        device: str | None = DEVICE) -> tuple[int, str]:
    if device is not None:
        headers = {**headers, "X-Workdiary-Device": device}
    response = api.put(f"/screenshots/{address or sha(image)}", headers=headers, content=image)
    body = response.json()
    return response.status_code, body["error"]["code"] if "error" in body else ""


def test_an_upload_is_stored_once_then_found(api: TestClient, world: World) -> None:
    image = make_jpeg(seed=21)
    first = api.put(f"/screenshots/{sha(image)}", content=image,
                    headers={**world.freelancer_a.headers, "X-Workdiary-Device": DEVICE})
    again = api.put(f"/screenshots/{sha(image)}", content=image,
                    headers={**world.freelancer_a.headers, "X-Workdiary-Device": DEVICE})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json() == {
        "sha256": sha(image), "size": len(image), "width": 64, "height": 48,
        "content_type": "image/jpeg"}


@pytest.mark.parametrize("address", [None, "NOT-A-HASH", "0" * 64])
def test_a_bad_token_is_refused_before_anything_else(api: TestClient, world: World,
                                                     address: str | None) -> None:
    image = make_jpeg(seed=22)
    bearer = {"Authorization": "Bearer not-a-token"}
    assert put(api, image, bearer, address) == (401, "invalid_token")
    assert put(api, image, bearer, address, device="not-a-device") == (401, "invalid_token")
    assert put(api, image, {}, address)[0] == 401


def test_revoked_expired_and_disabled_tokens_are_refused(
        api: TestClient, world: World, session: Session, clock: FakeClock) -> None:
    image = make_jpeg(seed=23)
    revoked = users.issue_token(session, user=users.get_user_by_email(
        session, email=world.freelancer_a.email), device_name="old", now=clock.now())
    assert api.delete("/auth/tokens/current",
                      headers={"Authorization": f"Bearer {revoked}"}).status_code == 204
    assert put(api, image, {"Authorization": f"Bearer {revoked}"}) == (401, "invalid_token")
    users.set_disabled(session, email=world.freelancer_b.email, disabled=True, now=clock.now())
    assert put(api, image, world.freelancer_b.headers, device=None) == (401, "invalid_token")
    clock.advance(90 * DAY + 1)
    assert put(api, image, world.freelancer_a.headers) == (401, "invalid_token")


def expiry(api: TestClient, headers: dict[str, str]) -> datetime:
    text = api.get("/auth/tokens/current", headers=headers).json()["expires_at"]
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_an_upload_slides_the_tokens_expiry(api: TestClient, world: World,
                                            clock: FakeClock) -> None:
    clock.advance(80 * DAY)
    assert put(api, make_jpeg(seed=24), world.freelancer_a.headers)[0] == 201
    assert expiry(api, world.freelancer_a.headers) == clock.now() + timedelta(days=90)
    clock.advance(3600)  # within the day: not written again
    assert put(api, make_jpeg(seed=25), world.freelancer_a.headers)[0] == 201
    assert expiry(api, world.freelancer_a.headers) == clock.now() - timedelta(
        seconds=3600) + timedelta(days=90)


def test_role_address_hash_and_device_are_checked_in_order(api: TestClient,
                                                           world: World) -> None:
    image = make_jpeg(seed=26)
    assert put(api, image, world.client_a.headers, "NOT-A-HASH") == (403, "not_a_freelancer")
    assert put(api, image, world.freelancer_a.headers, "NOT-A-HASH",
               device="nobody") == (422, "invalid_sha256")
    assert put(api, image, world.freelancer_a.headers, "0" * 64,
               device="nobody") == (422, "hash_mismatch")
    assert put(api, image, world.freelancer_a.headers, device="nobody") == (422, "unknown_device")
    # Freelancer B's token with A's device: not B's device.
    assert put(api, image, world.freelancer_b.headers) == (422, "unknown_device")
    assert put(api, image, world.freelancer_a.headers) == (201, "")


@pytest.mark.parametrize("authorization", [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwdw==",
                                           "Token abc", "bearer"])
def test_both_upload_routes_read_the_token_as_every_route_does(
        api: TestClient, world: World, authorization: str | None) -> None:
    """They read the header themselves (deps.bearer_token): the same 401 as a route with the
    Token dependency, for every missing or malformed header."""
    headers = {} if authorization is None else {"Authorization": authorization}
    image = make_jpeg(seed=27)
    expected = api.get("/auth/tokens/current", headers=headers)
    uploaded = api.put(f"/screenshots/{sha(image)}", content=image,
                       headers={**headers, "Content-Type": "image/jpeg"})
    posted = api.post("/segments", json={"segments": []}, headers=headers)
    assert expected.status_code == 401
    for answer in (uploaded, posted):
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == expected.json()["error"]["code"]
        assert answer.json()["error"]["message"] == expected.json()["error"]["message"]
        assert answer.headers.get("www-authenticate") == expected.headers.get(
            "www-authenticate")


def test_a_lowercase_bearer_scheme_is_accepted(api: TestClient, world: World) -> None:
    token = world.freelancer_a.headers["Authorization"].split(" ", 1)[1]
    status, _ = put(api, make_jpeg(seed=28), {"Authorization": f"bearer {token}"})
    assert status == 201


class LosesTheRace:
    """A connection on which the upload's state query answers "not stored yet" for an image
    that is stored: what a concurrent upload of the same image looks like."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def execute(self, statement: Any, parameters: Any = None) -> Any:
        result = self.connection.execute(statement, parameters)
        if statement is not screenshots._UPLOAD_STATE:
            return result
        row = result.one()
        return SimpleNamespace(one=lambda: SimpleNamespace(**{**row._asdict(), "sha256": None}))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.connection, name)


def test_an_upload_that_loses_a_race_answers_with_the_stored_image(
        api: TestClient, app: FastAPI, world: World, clock: FakeClock) -> None:
    image = make_jpeg(seed=29)
    assert put(api, image, world.freelancer_a.headers) == (201, "")
    token = world.freelancer_a.headers["Authorization"].split(" ", 1)[1]
    settings = app.state.settings
    with app.state.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as raw:
        stored, created = screenshots.put_screenshot(
            cast(Connection, LosesTheRace(raw)), token=token, blobs=app.state.blobs,
            sha256=sha(image), data=image, max_pixels=settings.max_image_pixels,
            max_width=settings.max_image_width, declared_type="image/jpeg", device_id=DEVICE,
            now=clock.now())
        # The connection is usable after the refused INSERT.
        assert raw.execute(select(Screenshot.sha256).where(
            Screenshot.sha256 == sha(image))).scalar_one() == sha(image)
    assert not created
    assert (stored.sha256, stored.size, stored.width, stored.height) == (
        sha(image), len(image), 64, 48)
