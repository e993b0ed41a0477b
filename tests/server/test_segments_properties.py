"""Properties of upload: order and batching never change what is billed."""

from __future__ import annotations

import itertools
from datetime import timedelta

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from server_factories import wire
from server_world import NOW, World

from workdiary.testing.devices import DeviceChain

SLOT = itertools.count()


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_order_and_batching_bills_the_same(api: TestClient, world: World,
                                               data: st.DataObject) -> None:
    # Each example gets its own device and its own hour of the open week.
    slot = next(SLOT)
    hour = NOW.replace(hour=0, minute=0) - timedelta(days=2) + timedelta(hours=slot)
    device = DeviceChain(device_id=f"propdevice{slot:022d}", default_sha=world.shot)
    registered = api.post("/devices", headers=world.freelancer_a.headers,
                          json={"name": "p", "public_key": device.public_key,
                                "device_id": device.device_id})
    assert registered.status_code == 201
    lengths = data.draw(st.lists(st.integers(min_value=1, max_value=10), min_size=1,
                                 max_size=6))
    # Each segment's last minute is partial (a clock-out inside it): billed to the second.
    lasts = data.draw(st.lists(st.integers(min_value=1, max_value=60), min_size=len(lengths),
                               max_size=len(lengths)))
    segments = [device.segment(world.contract_a, hour + timedelta(minutes=10 * i), minutes=n,
                               last_seconds=last)
                for i, (n, last) in enumerate(zip(lengths, lasts, strict=True))]
    tracked = [(n - 1) * 60 + last for n, last in zip(lengths, lasts, strict=True)]
    order = data.draw(st.permutations(segments))
    size = data.draw(st.integers(min_value=1, max_value=len(order)))
    verdicts = {}
    for start in range(0, len(order), size):
        batch = order[start:start + size]
        response = api.post("/segments", headers=world.freelancer_a.headers,
                            json={"segments": [wire(s) for s in batch]})
        assert response.status_code == 200, response.text
        verdicts.update({v["id"]: v for v in response.json()["segments"]})
    # Every segment is billable for exactly its seconds, whatever the order; a record that
    # arrived before its predecessor is marked (chain_break) but keeps its pay.
    assert [verdicts[s.id]["billable_seconds"] for s in segments] == tracked
    assert [verdicts[s.id]["billable_minutes"] for s in segments] == [t // 60 for t in tracked]
    assert all(verdicts[s.id]["status"] != "rejected" for s in segments)
    in_order = all(a.seq < b.seq for a, b in itertools.pairwise(order)) and size == len(order)
    if in_order:
        assert all("chain_break" not in verdicts[s.id]["reasons"] for s in segments)
