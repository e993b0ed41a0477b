"""Finding 4: a date with no UTC instant (year 1 or 9999 with an offset) is a 422, never a 500."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from server_factories import wire
from server_world import NOW, World

from workdiary.core.errors import DomainError
from workdiary.core.timegrid import parse_iso

NINE = NOW.replace(hour=9, minute=0)
EDGES = ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"]


def body(world: World, field: str, value: str) -> dict:
    data = wire(world.device.segment(world.contract_a, NINE))
    if field == "minutes.at":
        data["minutes"][0]["at"] = value
    elif field == "screenshots.taken_at":
        data["screenshots"][0]["taken_at"] = value
    else:
        data[field] = value
    return {"segments": [data]}


def assert_422(response: httpx.Response) -> None:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["message"]


@pytest.mark.parametrize("value", EDGES)
@pytest.mark.parametrize("field", ["start", "end", "minutes.at", "screenshots.taken_at"])
def test_dates_without_a_utc_instant_are_422(http: httpx.Client, world: World, field: str,
                                             value: str) -> None:
    response = http.post("/segments", headers=world.freelancer_a.headers,
                         json=body(world, field, value))
    assert_422(response)


def test_parse_iso_refuses_them_as_a_domain_error() -> None:
    for value in EDGES:
        with pytest.raises(DomainError):
            parse_iso(value)


OFFSETS = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(
    lambda minutes: timezone(timedelta(minutes=minutes)))
MOMENTS = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(1, 1, 2)),
    st.datetimes(min_value=datetime(9999, 12, 30), max_value=datetime(9999, 12, 31, 23, 59)),
    st.datetimes(min_value=datetime(1999, 12, 31), max_value=datetime(2100, 1, 2)),
)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moment=MOMENTS, zone=OFFSETS,
       field=st.sampled_from(["start", "end", "minutes.at", "screenshots.taken_at"]))
def test_any_aware_date_anywhere_is_an_answer_not_a_500(
        api: TestClient, world: World, moment: datetime, zone: timezone, field: str) -> None:
    value = moment.replace(tzinfo=zone).isoformat()
    response = api.post("/segments", headers=world.freelancer_a.headers,
                        json=body(world, field, value))
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert response.json()["error"]["code"] == "invalid"


def test_close_weeks_refuses_such_a_now(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "workdiary", "server", "close-weeks", "--data-dir",
         str(tmp_path), "--now", EDGES[0]], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "--now" in result.stderr
