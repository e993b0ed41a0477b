"""Authorisation matrix: every API endpoint x {client, freelancer, other client, other
freelancer, anonymous}. Nobody sees or changes what is not theirs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from server_factories import DeviceChain, jpeg_bytes, sha, wire
from server_world import NOW, PASSWORD, World

ACTORS = ("client", "freelancer", "other_client", "other_freelancer", "anonymous")
WEEK = "2026-11-16"


@dataclass
class Case:
    world: World
    segment_ids: list[str]

    def headers(self, actor: str) -> dict[str, str]:
        people = {"client": self.world.client_a, "freelancer": self.world.freelancer_a,
                  "other_client": self.world.client_b,
                  "other_freelancer": self.world.freelancer_b}
        return people[actor].headers if actor in people else {}


Call = Callable[[TestClient, Case, dict[str, str]], httpx.Response]


def _contract(case: Case) -> str:
    return case.world.contract_a


def _published_release(api: TestClient) -> TestClient:
    from workdiary.server.services.desktop_release import DesktopRelease, publish

    publish(api.app.state.settings.data_dir, DesktopRelease(latest="9.9.9"))  # type: ignore[attr-defined]
    return api


ENDPOINTS: dict[str, tuple[Call, dict[str, int]]] = {
    "GET /me": (lambda api, c, h: api.get("/me", headers=h),
                {"client": 200, "freelancer": 200, "other_client": 200,
                 "other_freelancer": 200, "anonymous": 401}),
    "DELETE /auth/tokens/current": (
        lambda api, c, h: api.delete("/auth/tokens/current", headers=h),
        {"client": 204, "freelancer": 204, "other_client": 204, "other_freelancer": 204,
         "anonymous": 401}),
    "POST /devices": (
        lambda api, c, h: api.post("/devices", headers=h, json={
            "name": "x", "public_key": DeviceChain(device_id="new").public_key}),
        {"client": 403, "freelancer": 201, "other_client": 403, "other_freelancer": 201,
         "anonymous": 401}),
    "GET /devices": (lambda api, c, h: api.get("/devices", headers=h),
                     {"client": 200, "freelancer": 200, "other_client": 200,
                      "other_freelancer": 200, "anonymous": 401}),
    "DELETE /devices/{id}": (
        lambda api, c, h: api.delete(f"/devices/{c.world.device.device_id}", headers=h),
        {"client": 404, "freelancer": 200, "other_client": 404, "other_freelancer": 404,
         "anonymous": 401}),
    "GET /contracts": (lambda api, c, h: api.get("/contracts", headers=h),
                       {"client": 200, "freelancer": 200, "other_client": 200,
                        "other_freelancer": 200, "anonymous": 401}),
    "PUT /screenshots/{sha}": (
        lambda api, c, h: api.put(f"/screenshots/{sha(jpeg_bytes(seed=9))}", headers=h,
                                  content=jpeg_bytes(seed=9)),
        {"client": 403, "freelancer": 201, "other_client": 403, "other_freelancer": 201,
         "anonymous": 401}),
    "GET /screenshots/{sha}": (
        lambda api, c, h: api.get(f"/screenshots/{c.world.shot}", headers=h),
        {"client": 200, "freelancer": 200, "other_client": 404, "other_freelancer": 404,
         "anonymous": 401}),
    "POST /segments": (
        lambda api, c, h: api.post("/segments", headers=h, json={"segments": [wire(
            c.world.device.segment(c.world.contract_a, NOW.replace(hour=11)))]}),
        {"client": 403, "freelancer": 200, "other_client": 403, "other_freelancer": 200,
         "anonymous": 401}),
    "DELETE /segments/{id}": (
        lambda api, c, h: api.delete(f"/segments/{c.segment_ids[0]}", headers=h),
        {"client": 404, "freelancer": 204, "other_client": 404, "other_freelancer": 404,
         "anonymous": 401}),
    "GET diary": (
        lambda api, c, h: api.get(f"/contracts/{_contract(c)}/diary",
                                  params={"date": "2026-11-18"}, headers=h),
        {"client": 200, "freelancer": 200, "other_client": 404, "other_freelancer": 404,
         "anonymous": 401}),
    "GET timesheet": (
        lambda api, c, h: api.get(f"/contracts/{_contract(c)}/timesheets/{WEEK}", headers=h),
        {"client": 200, "freelancer": 200, "other_client": 404, "other_freelancer": 404,
         "anonymous": 401}),
    "POST approve": (
        lambda api, c, h: api.post(f"/contracts/{_contract(c)}/timesheets/{WEEK}/approve",
                                   headers=h),
        {"client": 409, "freelancer": 403, "other_client": 404, "other_freelancer": 404,
         "anonymous": 401}),
    "POST disputes": (
        lambda api, c, h: api.post(f"/contracts/{_contract(c)}/disputes", headers=h,
                                   json={"segment_ids": c.segment_ids[:1], "reason": "no"}),
        {"client": 409, "freelancer": 403, "other_client": 404, "other_freelancer": 404,
         "anonymous": 401}),
    "DELETE disputes/{id}": (
        lambda api, c, h: api.delete(f"/contracts/{_contract(c)}/disputes/nope", headers=h),
        {"client": 404, "freelancer": 404, "other_client": 404, "other_freelancer": 404,
         "anonymous": 401}),
    "GET /invoices": (lambda api, c, h: api.get("/invoices", headers=h),
                      {"client": 200, "freelancer": 200, "other_client": 200,
                       "other_freelancer": 200, "anonymous": 401}),
    "GET /desktop-release": (  # public: an app too old to log in still learns what to get
        lambda api, c, h: _published_release(api).get("/desktop-release", headers=h),
        {"client": 200, "freelancer": 200, "other_client": 200, "other_freelancer": 200,
         "anonymous": 200}),
    "GET /invoices.csv": (lambda api, c, h: api.get("/invoices.csv", headers=h),
                          {"client": 200, "freelancer": 200, "other_client": 200,
                           "other_freelancer": 200, "anonymous": 401}),
}


@pytest.fixture
def case(api: TestClient, world: World) -> Case:
    nine = NOW.replace(hour=9, minute=0)
    segs = [world.device.segment(world.contract_a, nine + timedelta(minutes=10 * i))
            for i in range(2)]
    response = api.post("/segments", headers=world.freelancer_a.headers,
                        json={"segments": [wire(s) for s in segs]})
    assert response.status_code == 200
    return Case(world, [s.id for s in segs])


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_matrix(api: TestClient, case: Case, endpoint: str, actor: str) -> None:
    call, expected = ENDPOINTS[endpoint]
    response = call(api, case, case.headers(actor))
    assert response.status_code == expected[actor], response.text
    if response.status_code >= 400:
        assert set(response.json()["error"]) == {"code", "message"}
    if endpoint == "POST /segments" and actor == "other_freelancer":
        # Accepted as a request, but nothing of it is billed: not their device or contract.
        verdict = response.json()["segments"][0]
        assert verdict["status"] == "rejected" and verdict["billable_minutes"] == 0


def test_lists_show_only_the_callers_own(api: TestClient, case: Case) -> None:
    w = case.world
    seen = {actor: {c["id"] for c in api.get("/contracts", headers=case.headers(actor)).json()}
            for actor in ACTORS[:4]}
    assert seen == {"client": {w.contract_a}, "freelancer": {w.contract_a, w.contract_ab},
                    "other_client": {w.contract_b, w.contract_ab},
                    "other_freelancer": {w.contract_b}}
    devices = api.get("/devices", headers=case.headers("other_freelancer")).json()
    assert devices == []


def test_login_and_logout(api: TestClient, world: World) -> None:
    ok = api.post("/auth/tokens", json={"email": world.client_a.email, "password": PASSWORD,
                                        "device_name": "cli"})
    assert ok.status_code == 201 and ok.json()["user"]["role"] == "client"
    headers = {"Authorization": f"Bearer {ok.json()['token']}"}
    assert api.get("/me", headers=headers).status_code == 200
    assert api.delete("/auth/tokens/current", headers=headers).status_code == 204
    again = api.get("/me", headers=headers)
    assert again.status_code == 401 and again.json()["error"]["code"] == "invalid_token"


def test_login_is_rate_limited(api: TestClient, world: World, clock) -> None:
    body = {"email": world.client_a.email, "password": "wrong password"}
    codes = [api.post("/auth/tokens", json=body).status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]
    right = {"email": world.client_a.email, "password": PASSWORD}
    assert api.post("/auth/tokens", json=right).status_code == 429
    clock.advance(15 * 60)
    assert api.post("/auth/tokens", json=right).status_code == 201
