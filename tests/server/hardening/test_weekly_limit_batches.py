"""Test gap: the weekly limit is applied across the segments of one upload batch (the outbox
sends batches of 50), and the billed total never depends on how segments are batched."""

from __future__ import annotations

import itertools
from datetime import timedelta

import httpx
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from server_factories import DeviceChain, device_uploader, set_weekly_limit, wire
from server_world import NOW, World
from sqlalchemy.orm import Session

from workdiary.server.services import contracts

# One counter per world (per database): each example takes its own hour of the open week.
SLOTS: dict[str, itertools.count[int]] = {}


def test_the_limit_cuts_inside_one_batch(http: httpx.Client, world: World,
                                         session: Session) -> None:
    set_weekly_limit(session, world.contract_a, 25)
    nine = NOW.replace(hour=9, minute=0)
    batch = [world.device.segment(world.contract_a, nine + timedelta(minutes=10 * i))
             for i in range(4)]
    answer = http.post("/segments", headers=world.freelancer_a.headers,
                       json={"segments": [wire(s) for s in batch]})
    assert answer.status_code == 200, answer.text
    verdicts = answer.json()["segments"]
    assert [v["billable_minutes"] for v in verdicts] == [10, 10, 5, 0]
    assert [v["over_limit_minutes"] for v in verdicts] == [0, 0, 5, 10]
    assert ["over_weekly_limit" in v["reasons"] for v in verdicts] == [False, False, True, True]
    sheet = http.get(f"/contracts/{world.contract_a}/timesheets/2026-11-16",
                     headers=world.client_a.headers).json()
    assert sum(sheet["day_minutes"]) == 25


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_billed_total_does_not_depend_on_batching(api: TestClient, world: World,
                                                      session: Session,
                                                      data: st.DataObject) -> None:
    slot = next(SLOTS.setdefault(world.contract_a, itertools.count()))
    assert slot < 59, "the open week before NOW has 59 free hours"
    # Each example: its own contract (limit drawn), device and hour of the open week.
    limit = data.draw(st.integers(min_value=1, max_value=70), label="limit")
    contract = contracts.create_contract(
        session, client_email=world.client_a.email, freelancer_email=world.freelancer_a.email,
        title=f"limit {slot}", rate_cents=1000, now=NOW, weekly_limit_minutes=limit)
    device = DeviceChain(device_id=f"limitdevice{slot:021d}")
    assert api.post("/devices", headers=world.freelancer_a.headers, json={
        "name": "p", "public_key": device.public_key,
        "device_id": device.device_id}).status_code == 201
    device.uploader = device_uploader(api, world.freelancer_a.headers, device)
    hour = NOW.replace(hour=0, minute=0) - timedelta(days=2) + timedelta(hours=slot)
    lengths = data.draw(st.lists(st.integers(min_value=1, max_value=10), min_size=1,
                                 max_size=6), label="lengths")
    lasts = data.draw(st.lists(st.integers(min_value=1, max_value=60), min_size=len(lengths),
                               max_size=len(lengths)), label="last minute's seconds")
    segments = [device.segment(contract.id, hour + timedelta(minutes=10 * i), minutes=n,
                               last_seconds=last)
                for i, (n, last) in enumerate(zip(lengths, lasts, strict=True))]
    tracked = [(n - 1) * 60 + last for n, last in zip(lengths, lasts, strict=True)]
    order = data.draw(st.permutations(segments), label="order")
    cuts = data.draw(st.lists(st.integers(min_value=1, max_value=len(order) - 1),
                              unique=True, max_size=len(order) - 1) if len(order) > 1
                     else st.just([]), label="cuts")
    bounds = [0, *sorted(cuts), len(order)]
    billed = 0
    for start, end in itertools.pairwise(bounds):
        answer = api.post("/segments", headers=world.freelancer_a.headers,
                          json={"segments": [wire(s) for s in order[start:end]]})
        assert answer.status_code == 200, answer.text
        for verdict in answer.json()["segments"]:
            assert verdict["status"] != "rejected", verdict
            billed += verdict["billable_seconds"]
            assert verdict["billable_seconds"] + verdict["over_limit_seconds"] == (
                tracked[[s.id for s in segments].index(verdict["id"])])
    assert billed == min(limit * 60, sum(tracked))  # the limit cuts to the second
