"""First end-to-end pass through the API: upload, verdicts, diary."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from server_factories import wire
from server_world import NOW, World


def test_upload_and_diary(api: TestClient, world: World) -> None:
    start = NOW.replace(hour=9, minute=0)
    segs = [world.device.segment(world.contract_a, start + timedelta(minutes=10 * i))
            for i in range(3)]
    response = api.post("/segments", headers=world.freelancer_a.headers,
                        json={"segments": [wire(s) for s in segs]})
    assert response.status_code == 200, response.text
    verdicts = response.json()["segments"]
    assert [v["status"] for v in verdicts] == ["protected"] * 3
    assert [v["billable_minutes"] for v in verdicts] == [10, 10, 10]
    diary = api.get(f"/contracts/{world.contract_a}/diary",
                    params={"date": "2026-11-18", "tz": "UTC"},
                    headers=world.client_a.headers)
    assert diary.status_code == 200, diary.text
    assert diary.json()["totals"]["billable_minutes"] == 30
