"""Test gap: every state-changing endpoint probed with real objects of another party (a real
dispute, a real invoice in review, real segments and devices), not ids that 404 before any
role check; over uvicorn. Web forms answer with a flash and a redirect either way, so for them
the object itself is checked to be unchanged."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from server_factories import DeviceChain, device_uploader, sha, wire
from server_world import NOW, PASSWORD, Person, World

from workdiary.server.models import Device, Dispute, Invoice
from workdiary.server.services.weeks import close_weeks
from workdiary.testing.images import make_jpeg

ACTORS = ("client", "freelancer", "other_client", "other_freelancer", "anonymous")
WEEK = "2026-11-16"
AFTER_LOCK = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
NINE = NOW.replace(hour=9, minute=0)


@dataclass
class Objects:
    """Party A's real objects in their review week, and party B's beside them."""

    world: World
    segments_a: list[str]
    segment_b: str
    dispute_a: str
    device_b: DeviceChain

    def person(self, actor: str) -> Person | None:
        w = self.world
        return {"client": w.client_a, "freelancer": w.freelancer_a, "other_client": w.client_b,
                "other_freelancer": w.freelancer_b}.get(actor)

    def headers(self, actor: str) -> dict[str, str]:
        person = self.person(actor)
        return person.headers if person else {}


@pytest.fixture
def objects(api, world: World, clock, app) -> Objects:  # type: ignore[no-untyped-def]
    headers_a = world.freelancer_a.headers
    segs = [world.device.segment(world.contract_a, NINE + timedelta(minutes=10 * i))
            for i in range(3)]
    assert api.post("/segments", headers=headers_a,
                    json={"segments": [wire(s) for s in segs]}).status_code == 200
    device_b = DeviceChain(device_id="deviceb0000000000000000000000077")
    assert api.post("/devices", headers=world.freelancer_b.headers, json={
        "name": "b", "public_key": device_b.public_key,
        "device_id": device_b.device_id}).status_code == 201
    device_b.uploader = device_uploader(api, world.freelancer_b.headers, device_b)
    seg_b = device_b.segment(world.contract_b, NINE)
    assert api.post("/segments", headers=world.freelancer_b.headers,
                    json={"segments": [wire(seg_b)]}).status_code == 200
    clock.advance((AFTER_LOCK - clock.now()).total_seconds())
    with app.state.sessionmaker() as session:
        close_weeks(session, clock.now())
    dispute = api.post(f"/contracts/{world.contract_a}/disputes", headers=world.client_a.headers,
                       json={"segment_ids": [segs[0].id], "reason": "not on my project"})
    assert dispute.status_code == 201, dispute.text
    return Objects(world, [s.id for s in segs], seg_b.id, dispute.json()["id"], device_b)


Probe = Callable[[httpx.Client, Objects, dict[str, str]], httpx.Response]

STATE_CHANGING: dict[str, tuple[Probe, dict[str, int]]] = {
    "withdraw A's dispute": (
        lambda h, o, hd: h.delete(f"/contracts/{o.world.contract_a}/disputes/{o.dispute_a}",
                                  headers=hd),
        {"client": 204, "freelancer": 403, "other_client": 404, "other_freelancer": 404,
         "anonymous": 401}),
    "withdraw A's dispute through contract B": (
        lambda h, o, hd: h.delete(f"/contracts/{o.world.contract_b}/disputes/{o.dispute_a}",
                                  headers=hd),
        {"client": 404, "freelancer": 404, "other_client": 404, "other_freelancer": 404,
         "anonymous": 401}),
    "dispute A's undisputed segment": (
        lambda h, o, hd: h.post(f"/contracts/{o.world.contract_a}/disputes", headers=hd,
                                json={"segment_ids": [o.segments_a[1]], "reason": "why"}),
        {"client": 201, "freelancer": 403, "other_client": 404, "other_freelancer": 404,
         "anonymous": 401}),
    "dispute B's segment on contract A": (
        lambda h, o, hd: h.post(f"/contracts/{o.world.contract_a}/disputes", headers=hd,
                                json={"segment_ids": [o.segment_b], "reason": "why"}),
        {"client": 404, "freelancer": 403, "other_client": 404, "other_freelancer": 404,
         "anonymous": 401}),
    "approve A's week in review": (
        lambda h, o, hd: h.post(f"/contracts/{o.world.contract_a}/timesheets/{WEEK}/approve",
                                headers=hd),
        {"client": 200, "freelancer": 403, "other_client": 404, "other_freelancer": 404,
         "anonymous": 401}),
    "delete A's segment": (
        lambda h, o, hd: h.delete(f"/segments/{o.segments_a[2]}", headers=hd),
        {"client": 404, "freelancer": 409, "other_client": 404, "other_freelancer": 404,
         "anonymous": 401}),
    "revoke A's device": (
        lambda h, o, hd: h.delete(f"/devices/{o.world.device.device_id}", headers=hd),
        {"client": 404, "freelancer": 200, "other_client": 404, "other_freelancer": 404,
         "anonymous": 401}),
    "re-register A's device id with another key": (
        lambda h, o, hd: h.post("/devices", headers=hd, json={
            "name": "x", "device_id": o.world.device.device_id,
            "public_key": DeviceChain(device_id="k").public_key}),
        {"client": 403, "freelancer": 409, "other_client": 403, "other_freelancer": 409,
         "anonymous": 401}),
    "upload onto A's contract": (
        lambda h, o, hd: h.post("/segments", headers=hd, json={"segments": [wire(
            o.device_b.segment(o.world.contract_a, AFTER_LOCK - timedelta(hours=1)))]}),
        {"client": 403, "freelancer": 200, "other_client": 403, "other_freelancer": 200,
         "anonymous": 401}),
    "upload an image as A's device": (
        lambda h, o, hd: h.put(f"/screenshots/{sha(make_jpeg(seed=77))}", content=make_jpeg(
            seed=77), headers={**hd, "X-Workdiary-Device": o.world.device.device_id}),
        {"client": 403, "freelancer": 201, "other_client": 403, "other_freelancer": 422,
         "anonymous": 401}),
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("probe", sorted(STATE_CHANGING))
def test_state_changing_endpoints_with_real_objects(http: httpx.Client, objects: Objects,
                                                    probe: str, actor: str) -> None:
    call, expected = STATE_CHANGING[probe]
    response = call(http, objects, objects.headers(actor))
    assert response.status_code == expected[actor], response.text
    if response.status_code >= 400:
        assert set(response.json()["error"]) == {"code", "message"}
    if probe == "upload onto A's contract" and actor == "other_freelancer":
        verdict = response.json()["segments"][0]
        assert verdict["status"] == "rejected" and verdict["reasons"] == ["outside_contract"]


# -- the web forms: a foreign actor's post leaves the real object as it was -----------------

WEB_PEOPLE = {"freelancer": "free.a@example.com", "other_client": "client.b@example.com",
              "other_freelancer": "free.b@example.com"}


def web_client(base_url: str, email: str) -> tuple[httpx.Client, str]:
    browser = httpx.Client(base_url=base_url)
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/login").text)
    assert token
    answer = browser.post("/login", data={"email": email, "password": PASSWORD,
                                          "csrf_token": token.group(1), "next": "/"})
    assert answer.status_code == 303, answer.text
    page = browser.get("/").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    return browser, csrf.group(1)


@pytest.mark.parametrize("actor", sorted(WEB_PEOPLE))
def test_web_forms_of_another_party_change_nothing(base_url: str, objects: Objects, app,  # type: ignore[no-untyped-def]
                                                   actor: str) -> None:
    w = objects.world
    browser, csrf = web_client(base_url, WEB_PEOPLE[actor])
    try:
        browser.post(f"/contracts/{w.contract_a}/disputes/{objects.dispute_a}/withdraw",
                     data={"csrf_token": csrf})
        browser.post(f"/contracts/{w.contract_a}/timesheets/{WEEK}/approve",
                     data={"csrf_token": csrf})
        browser.post(f"/contracts/{w.contract_a}/disputes",
                     data={"csrf_token": csrf, "segment_ids": objects.segments_a[1],
                           "reason": "x"})
        if actor != "freelancer":
            browser.post(f"/devices/{w.device.device_id}/revoke", data={"csrf_token": csrf})
    finally:
        browser.close()
    with app.state.sessionmaker() as session:
        dispute = session.get(Dispute, objects.dispute_a)
        assert dispute is not None and dispute.withdrawn_at is None
        assert session.query(Dispute).count() == 1
        invoice = session.query(Invoice).filter_by(contract_id=w.contract_a).one()
        assert invoice.status == "in_review"
        device = session.get(Device, w.device.device_id)
        assert device is not None and not device.revoked
