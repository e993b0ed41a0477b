"""Bad input: each a clear 4xx in the one error shape, never a 500."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from server_factories import sha, wire
from server_world import NOW, World

from workdiary.server.app import create_app
from workdiary.testing.images import make_jpeg

NINE = NOW.replace(hour=9, minute=0)


def error(response, status: int, code: str | None = None) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    if code is not None:
        assert body["error"]["code"] == code
    message: str = body["error"]["message"]
    assert message
    return message


def test_screenshot_with_the_wrong_hash(api: TestClient, world: World) -> None:
    data = make_jpeg(seed=3)
    response = api.put(f"/screenshots/{'0' * 64}", headers=world.freelancer_a.headers,
                       content=data)
    error(response, 422, "hash_mismatch")
    error(api.put("/screenshots/NOT-A-HASH", headers=world.freelancer_a.headers, content=data),
          422, "invalid_sha256")


@pytest.mark.parametrize("data", [b"hello, not an image", make_jpeg(seed=4)[:300]])
def test_screenshot_that_is_not_an_image(api: TestClient, world: World, data: bytes) -> None:
    response = api.put(f"/screenshots/{sha(data)}", headers=world.freelancer_a.headers,
                       content=data)
    error(response, 422, "not_an_image")


def test_screenshot_decompression_bomb(api: TestClient, world: World) -> None:
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG")  # 400 Mpx in a few kilobytes
    data = out.getvalue()
    assert len(data) < 200_000
    response = api.put(f"/screenshots/{sha(data)}", headers=world.freelancer_a.headers,
                       content=data)
    error(response, 413, "too_many_pixels")


def test_screenshot_upload_is_idempotent(api: TestClient, world: World) -> None:
    data = make_jpeg(seed=5)
    url = f"/screenshots/{sha(data)}"
    first = api.put(url, headers=world.freelancer_a.headers, content=data)
    again = api.put(url, headers=world.freelancer_a.headers, content=data)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json() == {"sha256": sha(data), "size": len(data),
                                            "width": 64, "height": 48,
                                            "content_type": "image/jpeg"}


@pytest.fixture
def small_api(settings, clock, world: World) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """The same database behind an app with small body limits."""
    small = dataclasses.replace(settings, max_body_bytes=64 * 1024,
                                max_screenshot_bytes=16 * 1024)
    app = create_app(small, clock=clock)
    with TestClient(app, base_url="http://testserver/api/v1") as client:
        yield client
    app.state.engine.dispose()


def test_oversized_bodies(small_api: TestClient, world: World) -> None:
    headers = world.freelancer_a.headers
    big = b"x" * (100 * 1024)
    error(small_api.put(f"/screenshots/{sha(big)}", headers=headers, content=big), 413)
    error(small_api.post("/segments", headers={**headers, "Content-Type": "application/json"},
                         content=b"[" + b"1," * 50_000 + b"1]"), 413)
    # Streamed without a Content-Length: cut off as it grows.
    chunks = (b"y" * 8192 for _ in range(20))
    error(small_api.put(f"/screenshots/{'1' * 64}", headers=headers, content=chunks), 413)
    # Under the body limit but over the screenshot limit.
    mid = b"z" * (32 * 1024)
    error(small_api.put(f"/screenshots/{sha(mid)}", headers=headers, content=mid), 413)


def test_malformed_json(api: TestClient, world: World) -> None:
    headers = {**world.freelancer_a.headers, "Content-Type": "application/json"}
    error(api.post("/segments", headers=headers, content=b'{"segments": [}'), 400,
          "malformed_json")
    error(api.post("/auth/tokens", headers={"Content-Type": "application/json"},
                   content=b"\xff\xfe"), 400)


def segment_body(world: World, **changes: object) -> dict:
    return wire(world.device.segment(world.contract_a, NINE), **changes)


@pytest.mark.parametrize(("changes", "where"), [
    ({"surprise": 1}, "surprise"),
    ({"memo": "m" * 2001}, "memo"),
    ({"start": "1970-01-01T00:00:00Z", "end": "1970-01-01T00:10:00Z"}, "start"),
    ({"start": "2999-01-01T00:00:00Z", "end": "2999-01-01T00:10:00Z"}, "start"),
    ({"start": "2026-11-18T09:00:00", "end": "2026-11-18T09:10:00"}, "start"),  # no zone
    ({"end": "2026-11-18T08:00:00Z"}, "end"),
    ({"end": "2026-11-18T11:00:00Z"}, "60 minutes"),
    ({"seq": 2**70}, "seq"),
    ({"seq": "one"}, "seq"),
    ({"kind": "bonus"}, "kind"),
    ({"minutes": [{"at": "2026-11-18T09:00:00Z", "keys": -1}]}, "keys"),
    ({"minutes": [{"at": "2026-11-18T09:00:00Z", "extra": True}]}, "extra"),
    ({"screenshots": [{"taken_at": "2026-11-18T09:00:00Z", "sha256": "xyz"}]}, "sha256"),
    ({"id": "has spaces and / slashes"}, "id"),
])
def test_bad_segment_fields(api: TestClient, world: World, changes: dict, where: str) -> None:
    response = api.post("/segments", headers=world.freelancer_a.headers,
                        json={"segments": [segment_body(world, **changes)]})
    assert where in error(response, 422, "invalid")


def test_bad_batches(api: TestClient, world: World) -> None:
    headers = world.freelancer_a.headers
    error(api.post("/segments", headers=headers, json={"segments": []}), 422)
    error(api.post("/segments", headers=headers, json={"segments": [{}] * 501}), 422)
    error(api.post("/segments", headers=headers, json=[1, 2]), 422)
    error(api.post("/segments", headers=headers, json={"segments": [segment_body(world)],
                                                       "more": 1}), 422)


@pytest.mark.parametrize(("params", "code"), [
    ({"date": "9999-12-31"}, "date_out_of_range"),
    ({"date": "0001-01-01"}, "date_out_of_range"),
    ({"date": "2026-02-30"}, "invalid"),
    ({"date": "yesterday"}, "invalid"),
    ({"date": "2026-11-18", "tz": "Mars/Olympus_Mons"}, "invalid_tz"),
    ({"date": "2026-11-18", "tz": "../../etc/passwd"}, "invalid_tz"),
    ({}, "invalid"),
])
def test_bad_diary_queries(api: TestClient, world: World, params: dict, code: str) -> None:
    response = api.get(f"/contracts/{world.contract_a}/diary", params=params,
                       headers=world.client_a.headers)
    error(response, 422, code)


def test_bad_weeks(api: TestClient, world: World) -> None:
    base = f"/contracts/{world.contract_a}/timesheets"
    headers = world.client_a.headers
    error(api.get(f"{base}/2026-11-18", headers=headers), 404, "not_a_week_start")
    error(api.get(f"{base}/9999-12-27", headers=headers), 422, "date_out_of_range")
    error(api.get(f"{base}/soon", headers=headers), 422)


def test_bad_disputes_and_devices(api: TestClient, world: World) -> None:
    headers = world.client_a.headers
    url = f"/contracts/{world.contract_a}/disputes"
    error(api.post(url, headers=headers, json={"segment_ids": [], "reason": "x"}), 422)
    error(api.post(url, headers=headers, json={"segment_ids": ["a"], "reason": "x" * 3000}), 422)
    error(api.post(url, headers=headers, json={"segment_ids": ["nope"], "reason": "x"}), 404)
    bad_key = {"name": "x", "public_key": "not base64!"}
    error(api.post("/devices", headers=world.freelancer_a.headers, json=bad_key), 422,
          "invalid_public_key")
    short = {"name": "x", "public_key": "AAAA"}
    error(api.post("/devices", headers=world.freelancer_a.headers, json=short), 422)


def test_device_id_reuse(api: TestClient, world: World) -> None:
    from workdiary.testing.devices import DeviceChain

    same = {"name": "laptop", "public_key": world.device.public_key,
            "device_id": world.device.device_id}
    again = api.post("/devices", headers=world.freelancer_a.headers, json=same)
    assert again.status_code == 201 and again.json()["device_id"] == world.device.device_id
    other_key = dict(same, public_key=DeviceChain(device_id="x").public_key)
    error(api.post("/devices", headers=world.freelancer_a.headers, json=other_key), 409,
          "device_exists")
    error(api.post("/devices", headers=world.freelancer_b.headers, json=same), 409)


def test_unknown_paths_and_methods(api: TestClient, world: World) -> None:
    error(api.get("/nothing-here", headers=world.client_a.headers), 404)
    error(api.patch("/me", headers=world.client_a.headers), 405)
    error(api.get("/me", headers={"Authorization": "Bearer forged"}), 401, "invalid_token")
    error(api.get("/me", headers={"Authorization": "Basic abc"}), 401)


def test_upload_long_after_nothing_breaks(api: TestClient, world: World, clock) -> None:
    # A segment from years before: its week is long locked, a verdict not an error.
    old = world.device.segment(world.contract_a, NINE - timedelta(days=800))
    response = api.post("/segments", headers=world.freelancer_a.headers,
                        json={"segments": [wire(old)]})
    assert response.json()["segments"][0]["reasons"] == ["week_locked"]


def test_nul_characters_are_refused_not_crashing(api: TestClient, world: World) -> None:
    # PostgreSQL text cannot hold NUL: a clear 4xx on both backends, never a 500.
    seg = world.device.segment(world.contract_a, NINE, memo="before\x00after")
    response = api.post("/segments", headers=world.freelancer_a.headers,
                        json={"segments": [wire(seg)]})
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        error(response, 422, "invalid")
    got = api.get("/contracts/a%00b/diary", params={"date": "2026-11-18"},
                  headers=world.client_a.headers)
    assert got.status_code in (404, 422)
    login = api.post("/auth/tokens", json={"email": "x\x00@y.z", "password": "p"})
    assert login.status_code in (401, 422)
    named = api.post("/devices", headers=world.freelancer_a.headers,
                     json={"name": "a\x00b", "public_key": world.device.public_key})
    assert named.status_code in (201, 422)
