"""Finding 1: screenshot evidence cannot be borrowed (another device, segment or moment)."""

from __future__ import annotations

from datetime import timedelta

import httpx
from server_factories import DeviceChain, sha, stamped_jpeg, wire
from server_world import NOW, Person, World

from workdiary.core.model import ScreenshotRef
from workdiary.testing.images import make_jpeg

NINE = NOW.replace(hour=9, minute=0)


def put_image(http: httpx.Client, person: Person, image: bytes,
              device: str | None) -> httpx.Response:
    headers = dict(person.headers)
    if device is not None:
        headers["X-Workdiary-Device"] = device
    return http.put(f"/screenshots/{sha(image)}", headers=headers, content=image)


def post(http: httpx.Client, person: Person, *segments: object) -> list[dict]:
    response = http.post("/segments", headers=person.headers,
                         json={"segments": [wire(s) for s in segments]})  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return list(response.json()["segments"])


def ref(image: bytes, taken_at) -> ScreenshotRef:  # type: ignore[no-untyped-def]
    return ScreenshotRef(taken_at=taken_at, sha256=sha(image), width=64, height=48,
                         size=len(image))


def register(http: httpx.Client, person: Person, device: DeviceChain) -> None:
    response = http.post("/devices", headers=person.headers,
                         json={"name": "laptop", "public_key": device.public_key,
                               "device_id": device.device_id})
    assert response.status_code == 201, response.text


def test_another_freelancers_screenshot_is_no_evidence_and_grants_no_access(
        http: httpx.Client, world: World) -> None:
    owner = world.device.segment(world.contract_a, NINE)
    assert post(http, world.freelancer_a, owner)[0]["status"] == "protected"
    borrowed = owner.screenshots[0]
    thief = DeviceChain(device_id="deviceb0000000000000000000000009")
    register(http, world.freelancer_b, thief)
    theft = thief.segment(world.contract_b, NINE, shots=(borrowed,))
    verdict = post(http, world.freelancer_b, theft)[0]
    assert verdict["status"] == "unprotected"
    assert "screenshot_unbound" in verdict["reasons"] and "no_screenshot" in verdict["reasons"]
    for person in (world.freelancer_b, world.client_b):
        got = http.get(f"/screenshots/{borrowed.sha256}", headers=person.headers)
        assert got.status_code == 404, person.email
    assert http.get(f"/screenshots/{borrowed.sha256}",
                    headers=world.client_a.headers).status_code == 200


def test_a_picture_counts_only_for_its_own_segment_device_and_moment(
        http: httpx.Client, world: World) -> None:
    device = world.device.device_id
    first = world.device.segment(world.contract_a, NINE)
    post(http, world.freelancer_a, first)
    # The same freelancer citing an earlier segment's picture again: bound to that segment.
    reused = world.device.segment(world.contract_a, NINE + timedelta(minutes=10),
                                  shots=first.screenshots)
    # A picture stamped for this segment but at a moment outside it.
    outside_id = f"{device[:40]}-{world.device.counter + 1:05d}"
    late = stamped_jpeg(outside_id, NINE + timedelta(minutes=45))
    assert put_image(http, world.freelancer_a, late, device).status_code == 201
    outside = world.device.segment(world.contract_a, NINE + timedelta(minutes=20),
                                   shots=(ref(late, NINE + timedelta(minutes=45)),))
    # No stamp at all, and a well-stamped picture uploaded without naming the device.
    plain = make_jpeg(seed=40)
    assert put_image(http, world.freelancer_a, plain, device).status_code == 201
    unstamped = world.device.segment(world.contract_a, NINE + timedelta(minutes=30),
                                     shots=(ref(plain, NINE + timedelta(minutes=31)),))
    anon_id = f"{device[:40]}-{world.device.counter + 1:05d}"
    anonymous_image = stamped_jpeg(anon_id, NINE + timedelta(minutes=41))
    assert put_image(http, world.freelancer_a, anonymous_image, None).status_code == 201
    anonymous = world.device.segment(world.contract_a, NINE + timedelta(minutes=40),
                                     shots=(ref(anonymous_image, NINE + timedelta(minutes=41)),))
    assert anonymous.id == anon_id and outside.id == outside_id
    verdicts = post(http, world.freelancer_a, reused, outside, unstamped, anonymous)
    for verdict in verdicts:
        assert verdict["status"] == "unprotected", verdict
        assert "screenshot_unbound" in verdict["reasons"], verdict


def test_an_upload_names_only_the_uploaders_own_device(http: httpx.Client, world: World) -> None:
    image = make_jpeg(seed=41)
    response = put_image(http, world.freelancer_b, image, world.device.device_id)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unknown_device"


def test_the_desktops_own_picture_keeps_the_segment_protected(
        http: httpx.Client, world: World) -> None:
    segment = world.device.segment(world.contract_a, NINE)  # stamped and uploaded as its device
    verdict = post(http, world.freelancer_a, segment)[0]
    assert verdict["status"] == "protected", verdict
    got = http.get(f"/screenshots/{segment.screenshots[0].sha256}",
                   headers=world.client_a.headers)
    assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg"
