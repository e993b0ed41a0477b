"""Operations: /healthz, /readyz, /metrics contents, JSON logs with a request id (no secrets)."""

from __future__ import annotations

import dataclasses
import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from server_factories import sha, wire
from server_world import NOW, PASSWORD, World

from workdiary.server.app import create_app
from workdiary.server.logs import JsonFormatter
from workdiary.server.settings import Settings, StorageSettings
from workdiary.testing.images import make_jpeg

TOKEN = "operator-metrics-token-0123456789"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_health_and_readiness(api: TestClient) -> None:
    assert api.get("http://testserver/healthz").json() == {"status": "ok"}
    ready = api.get("http://testserver/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"database": "ok", "blobs": "ok"}}


def test_not_ready_while_the_schema_is_behind(tmp_path: Path) -> None:
    storage = StorageSettings(database_url=f"sqlite:///{tmp_path / 'old.sqlite3'}",
                              data_dir=tmp_path)
    app = create_app(Settings(storage=storage, demo=True, close_weeks_interval=0,
                              auto_migrate=False))
    with TestClient(app) as client:
        answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"] == {"database": "schema_not_current", "blobs": "ok"}
    app.state.engine.dispose()


def test_not_ready_when_the_blob_folder_is_unusable(api: TestClient, app) -> None:
    blob_root = app.state.blobs.root
    blob_root.rmdir()  # empty: nothing was uploaded
    blob_root.write_bytes(b"a file where the folder should be")
    try:
        answer = api.get("http://testserver/readyz")
        assert answer.status_code == 503
        assert answer.json()["checks"] == {"database": "ok", "blobs": "unavailable"}
    finally:
        blob_root.unlink()
    assert api.get("http://testserver/readyz").status_code == 200


def test_metrics_count_requests_verdicts_and_uploads(settings: Settings, clock,
                                                     world: World) -> None:
    app = create_app(dataclasses.replace(settings, metrics_token=TOKEN), clock=clock)
    nine = NOW.replace(hour=9, minute=0)
    with TestClient(app, base_url="http://testserver/api/v1") as api:
        image = make_jpeg(seed=42)
        assert api.put(f"/screenshots/{sha(image)}", headers=world.freelancer_a.headers,
                       content=image).status_code == 201
        assert api.put(f"/screenshots/{sha(image)}", headers=world.freelancer_a.headers,
                       content=image).status_code == 200
        segs = [world.device.segment(world.contract_a, nine + timedelta(minutes=10 * i))
                for i in range(3)]
        assert api.post("/segments", headers=world.freelancer_a.headers,
                        json={"segments": [wire(s) for s in segs]}).status_code == 200
        for _ in range(2):
            api.get(f"/contracts/{world.contract_a}/diary", params={"date": "2026-11-18"},
                    headers=world.client_a.headers)
        api.get("/no/such/page")
        text = api.get("http://testserver/metrics",
                       headers={"Authorization": f"Bearer {TOKEN}"}).text
    found = samples(text)
    diary = (("method", "GET"), ("route", "/api/v1/contracts/{contract_id}/diary"),
             ("status", "200"))
    assert found[("workdiary_http_requests_total", diary)] == 2
    assert found[("workdiary_http_requests_total",
                  (("method", "GET"), ("route", "unmatched"), ("status", "404")))] == 1
    assert found[("workdiary_http_request_duration_seconds_count",
                  (("method", "GET"), ("route", "/api/v1/contracts/{contract_id}/diary")))] == 2
    assert found[("workdiary_segment_verdicts_total", (("status", "protected"),))] == 3
    assert found[("workdiary_screenshot_uploads_total", (("result", "stored"),))] == 1
    assert found[("workdiary_screenshot_uploads_total", (("result", "already_stored"),))] == 1
    app.state.engine.dispose()


def test_json_logs_carry_a_request_id_and_no_secrets(api: TestClient, world: World,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="workdiary")
    login = api.post("/auth/tokens", json={"email": world.client_a.email, "password": PASSWORD,
                                           "device_name": "cli"})
    token = login.json()["token"]
    me = api.get("/me?access_token=" + token, headers={"Authorization": f"Bearer {token}",
                                                       "X-Request-ID": "proxy-id.42"})
    assert me.headers["x-request-id"] == "proxy-id.42"
    odd = api.get("/me", headers={"Authorization": f"Bearer {token}",
                                  "X-Request-ID": "no spaces or {braces} allowed"})
    assert len(odd.headers["x-request-id"]) == 32  # replaced by a fresh one
    formatter = JsonFormatter()
    lines = [json.loads(formatter.format(r)) for r in caplog.records
             if r.name == "workdiary.server.access"]
    assert [(e["method"], e["route"], e["status"]) for e in lines] == [
        ("POST", "/api/v1/auth/tokens", 201), ("GET", "/api/v1/me", 200),
        ("GET", "/api/v1/me", 200)]
    assert lines[1]["request_id"] == "proxy-id.42" and lines[1]["path"] == "/api/v1/me"
    assert all(e["request_id"] and e["duration_ms"] >= 0 for e in lines)
    everything = caplog.text + "".join(formatter.format(r) for r in caplog.records)
    assert token not in everything and PASSWORD not in everything
