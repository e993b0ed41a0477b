"""The hours report (service, page, CSV, API) with figures computed by hand.

The web world's Tuesday 2026-11-24 on "Checkout redesign" (45.00 USD/h): four billable
10-minute segments (2 protected, 2 unprotected) and one rejected; 2,400 s = 0:40:00 = 30.00.
Each test adds what it checks: a manual span, a rate change from the next week, a late
segment that is Wednesday in Berlin, and a EUR contract of the same freelancer.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from workdiary.server.errors import NotFound
from workdiary.server.models import Contract, ContractTerms, User
from workdiary.server.services import contracts as contract_service
from workdiary.server.services.reports import (
    MAX_CONTRACTS,
    ReportQuery,
    ReportQueryError,
    hours_report,
    parse_query,
    report_csv,
)

from .webworld import DAY, NOW, PEOPLE, World, add_segment, sign_in

NOVEMBER = ReportQuery(date(2026, 11, 1), date(2026, 11, 30), (), "day")


def _user(world: World, who: str) -> User:
    with world.app.state.sessionmaker() as db:
        user = db.scalars(select(User).where(User.email == PEOPLE[who])).one()
        db.expunge(user)
        return user


def _contract(world: World, contract_id: str) -> Contract:
    with world.app.state.sessionmaker() as db:
        contract = db.get(Contract, contract_id)
        assert contract is not None
        db.expunge(contract)
        return contract


def _report(world: World, who: str, query: ReportQuery):  # type: ignore[no-untyped-def]
    with world.app.state.sessionmaker() as db:
        return hours_report(db, user=_user(world, who), query=query)


def _euro_contract(world: World) -> Contract:
    with world.app.state.sessionmaker() as db:
        contract = contract_service.create_contract(
            db, client_email="other-client@example.com", freelancer_email="free@example.com",
            title="Mobile app", rate_cents=5000, currency="EUR", now=NOW)
        db.expunge(contract)
    add_segment(world.app, contract=contract, start=DAY.replace(day=25, hour=8),
                memo="app work")
    return contract


def test_a_day_of_the_web_world_by_hand(world: World) -> None:
    contract = _contract(world, world.contract_id)
    add_segment(world.app, contract=contract, start=DAY.replace(hour=11), minutes=5,
                status="unprotected", reasons=("manual",), kind="manual", memo="call")
    report = _report(world, "client", NOVEMBER)
    assert [row.key for row in report.rows] == ["2026-11-24"]
    row = report.rows[0]
    # 4 x 600 s tracked + 300 s manual; the rejected segment bills nothing.
    assert (row.seconds, row.hours) == (2700, "0:45:00")
    assert (row.protected_seconds, row.unprotected_seconds, row.manual_seconds) == \
        (1200, 1200, 300)
    assert row.segments == 5
    # Active minutes 10, 7, 3 and 8 at 40 s each over 4 x 600 tracked seconds; manual: none.
    assert row.activity_percent == (100 * (10 + 7 + 3 + 8) * 40) // 2400 == 46
    assert row.amounts == {"USD": 3375}  # 2,700 s x 45.00/h
    assert report.total.amounts == {"USD": 3375} and report.total.seconds == 2700
    # The freelancer of the contract sees the same; the other client sees only theirs.
    assert _report(world, "freelancer", NOVEMBER).total.seconds == 2700
    other = _report(world, "other_client", NOVEMBER)
    assert [c.id for c in other.contracts] == [world.other_contract_id]
    assert (other.total.seconds, other.total.amounts) == (600, {"USD": 500})


def test_each_week_is_billed_at_that_weeks_rate(world: World) -> None:
    contract = _contract(world, world.contract_id)
    with world.app.state.sessionmaker() as db:  # 60.00/h from Monday 2026-11-30
        db.add(ContractTerms(contract_id=contract.id, week_start=date(2026, 11, 30),
                             rate_cents=6000, weekly_limit_minutes=None, created_at=NOW))
        db.commit()
    add_segment(world.app, contract=contract, start=datetime(2026, 11, 30, 10, tzinfo=UTC),
                minutes=30, memo="next week")
    query = ReportQuery(date(2026, 11, 23), date(2026, 12, 6), (world.contract_id,), "contract")
    report = _report(world, "freelancer", query)
    assert [row.label for row in report.rows] == ["Checkout redesign"]
    # 2,400 s at 45.00 = 30.00, plus 1,800 s at 60.00 = 30.00: rounded per week.
    assert report.rows[0].seconds == 4200
    assert report.rows[0].amounts == {"USD": 3000 + 3000}


def test_days_are_the_viewers_local_days(world: World) -> None:
    contract = _contract(world, world.contract_id)
    late = DAY.replace(hour=23, minute=30)  # Wednesday 00:30 in Berlin
    add_segment(world.app, contract=contract, start=late, memo="late")
    utc = _report(world, "client", NOVEMBER)
    assert [(r.key, r.seconds) for r in utc.rows] == [("2026-11-24", 3000)]
    berlin = _report(world, "client", ReportQuery(date(2026, 11, 1), date(2026, 11, 30), (),
                                                  "day", "Europe/Berlin"))
    assert [(r.key, r.seconds) for r in berlin.rows] == [("2026-11-24", 2400),
                                                         ("2026-11-25", 600)]
    # A range of one Berlin day starts at 23:00 UTC the day before.
    one_day = _report(world, "client", ReportQuery(date(2026, 11, 25), date(2026, 11, 25), (),
                                                   "day", "Europe/Berlin"))
    assert one_day.total.seconds == 600


def test_group_by_freelancer_with_two_currencies(world: World) -> None:
    euro = _euro_contract(world)
    report = _report(world, "freelancer",
                     ReportQuery(date(2026, 11, 1), date(2026, 11, 30), (), "freelancer"))
    assert [(r.label, r.seconds) for r in report.rows] == [("Fred Lancer", 3000)]
    # 600 s x 50.00 EUR/h = 8.333 -> 8.33, kept apart from the USD.
    assert report.rows[0].amounts == {"USD": 3000, "EUR": 833}
    by_contract = _report(world, "freelancer",
                          ReportQuery(date(2026, 11, 1), date(2026, 11, 30), (), "contract"))
    assert [(r.label, r.amounts) for r in by_contract.rows] == [
        ("Checkout redesign", {"USD": 3000}), ("Mobile app", {"EUR": 833})]
    only = _report(world, "freelancer", ReportQuery(date(2026, 11, 1), date(2026, 11, 30),
                                                    (euro.id,), "day"))
    assert [(r.key, r.amounts) for r in only.rows] == [("2026-11-25", {"EUR": 833})]


def test_csv_has_a_column_per_currency_and_a_total(world: World) -> None:
    _euro_contract(world)
    text = report_csv(_report(world, "freelancer", NOVEMBER))
    lines = text.splitlines()
    assert lines[0] == ("group,key,label,seconds,hours,protected_seconds,unprotected_seconds,"
                        "manual_seconds,segments,activity_percent,amount_cents_EUR,"
                        "amount_cents_USD")
    assert lines[1] == "day,2026-11-24,2026-11-24,2400,0:40:00,1200,1200,0,4,46,0,3000"
    assert lines[2] == "day,2026-11-25,2026-11-25,600,0:10:00,600,0,0,1,66,833,0"  # 40 of 60 s
    assert lines[3] == "total,total,,3000,0:50:00,1800,1200,0,5,50,833,3000"  # 1,520 of 3,000 s


def test_a_contract_title_cannot_become_a_spreadsheet_formula(world: World) -> None:
    with world.app.state.sessionmaker() as db:
        db.get(Contract, world.contract_id).title = "=HYPERLINK(1)"  # type: ignore[union-attr]
        db.commit()
    text = report_csv(_report(world, "client", ReportQuery(
        date(2026, 11, 1), date(2026, 11, 30), (), "contract")))
    assert ",'=HYPERLINK(1)," in text


@pytest.mark.parametrize(("asked", "code"), [
    ({"start": "2026-12-01", "end": "2026-11-01"}, "dates_reversed"),
    ({"start": "2024-01-01", "end": "2026-11-01"}, "range_too_long"),
    ({"start": "yesterday"}, "invalid_date"),
    ({"end": "1999-12-31"}, "date_out_of_range"),
    ({"group": "week"}, "unknown_group"),
    ({"contract_ids": [f"c{i}" for i in range(MAX_CONTRACTS + 1)]}, "too_many_contracts"),
])
def test_bad_queries_are_refused_with_a_reason(asked: dict[str, object], code: str) -> None:
    values: dict[str, object] = {"start": None, "end": None, "contract_ids": [],
                                 "group": "day", "tz": "UTC", "now": NOW, **asked}
    with pytest.raises(ReportQueryError) as caught:
        parse_query(**values)  # type: ignore[arg-type]
    assert caught.value.code == code and caught.value.status_code == 422


def test_a_report_reads_a_bounded_number_of_segments(world: World,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from workdiary.server.services import reports

    monkeypatch.setattr(reports, "MAX_SEGMENTS", 3)
    with pytest.raises(ReportQueryError) as caught:
        _report(world, "client", NOVEMBER)
    assert caught.value.code == "report_too_large"
    assert "hold 4 segments, more than a report reads (3)" in caught.value.message


def test_a_year_is_allowed_and_defaults_are_this_month() -> None:
    year = parse_query(start="2025-11-24", end="2026-11-24", contract_ids=[], group=None,
                       tz="UTC", now=NOW)
    assert year.days == 366
    month = parse_query(start=None, end=None, contract_ids=[" a ", "a"], group=None,
                        tz="Pacific/Kiritimati", now=datetime(2026, 11, 30, 11, tzinfo=UTC))
    # 11:00 UTC is already 1 December in Kiritimati (UTC+14).
    assert (month.start, month.end, month.contract_ids) == (date(2026, 12, 1),
                                                            date(2026, 12, 1), ("a",))


def test_a_contract_the_caller_cannot_see_is_not_found(world: World) -> None:
    with pytest.raises(NotFound):
        _report(world, "client", ReportQuery(date(2026, 11, 1), date(2026, 11, 30),
                                             (world.other_contract_id,), "day"))


def test_the_page_shows_the_report_and_links_its_downloads(world: World) -> None:
    client = sign_in(world.app, "client")
    page = client.get("/reports/hours?from=2026-11-01&to=2026-11-30&group=day&tz=UTC")
    assert page.status_code == 200
    assert 'id="report-total">0:40:00<' in page.text
    assert "$30.00" in page.text and "Tue, Nov 24, 2026" in page.text
    assert "days in UTC" in page.text
    query = "from=2026-11-01&amp;to=2026-11-30&amp;group=day&amp;tz=UTC"
    assert f'href="/reports/hours.csv?{query}"' in page.text
    assert f'href="/reports/hours.pdf?{query}"' in page.text
    csv_answer = client.get("/reports/hours.csv?from=2026-11-01&to=2026-11-30&tz=UTC")
    assert csv_answer.headers["content-type"].startswith("text/csv")
    assert "hours-2026-11-01-2026-11-30.csv" in csv_answer.headers["content-disposition"]
    assert csv_answer.text.splitlines()[-1].startswith("total,total,,2400,0:40:00,")


def test_the_page_says_what_is_wrong_with_a_query(world: World) -> None:
    client = sign_in(world.app, "client")
    page = client.get("/reports/hours?from=2026-12-01&to=2026-11-01")
    assert page.status_code == 400
    assert "The start date (2026-12-01) is after the end date (2026-11-01)." in page.text
    assert 'value="2026-12-01"' in page.text  # the form keeps what was asked
    spanish = client.get("/reports/hours?group=week", headers={"Accept-Language": "es"})
    assert spanish.status_code == 400
    assert "Agrupe por día, contrato o autónomo, no «week»." in spanish.text
    assert client.get("/reports/hours.csv?from=2020-01-01&to=2026-01-01").status_code == 400
    foreign = f"/reports/hours?contract={world.other_contract_id}"
    assert client.get(foreign).status_code == 404
    assert client.get(foreign.replace("hours?", "hours.pdf?")).status_code == 404


def test_the_api_answers_json_csv_and_clear_errors(world: World) -> None:
    from fastapi.testclient import TestClient

    with world.app.state.sessionmaker() as db:
        from workdiary.server.services import users as user_service

        freelancer = user_service.get_user_by_email(db, email=PEOPLE["freelancer"])
        assert freelancer is not None
        token = user_service.issue_token(db, user=freelancer, device_name="t", now=NOW)
    api = TestClient(world.app, base_url="http://testserver/api/v1",
                     headers={"Authorization": f"Bearer {token}"})
    body = api.get("/reports/hours", params={"from": "2026-11-01", "to": "2026-11-30",
                                             "group": "contract"}).json()
    assert body["rows"][0]["label"] == "Checkout redesign"
    assert body["total"]["seconds"] == 2400
    assert body["total"]["amounts"] == [{"currency": "USD", "amount_cents": 3000}]
    text = api.get("/reports/hours?from=2026-11-01&to=2026-11-30&format=csv").text
    assert text.splitlines()[1].startswith("day,2026-11-24,")
    wrong = api.get("/reports/hours?from=2026-11-30&to=2026-11-01")
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "dates_reversed"
    assert api.get("/reports/hours?tz=Mars/Olympus").json()["error"]["code"] == "invalid_tz"
    assert api.get(f"/reports/hours?contract={world.other_contract_id}").status_code == 404
    assert api.get("/reports/hours?format=xls").status_code == 422


def test_all_contracts_of_one_organisation(world: World) -> None:
    """?org= reports that organisation's contracts only: the form offers it, the downloads
    keep it, a non-member (page or API) gets 404."""
    from fastapi.testclient import TestClient

    from workdiary.server.models import Organisation, OrganisationMember
    from workdiary.server.services import users as user_service

    with world.app.state.sessionmaker() as db:
        org = Organisation(name="Acme Ltd", created_by=world.client_id, created_at=NOW)
        db.add(org)
        db.flush()
        db.add(OrganisationMember(organisation_id=org.id, user_id=world.client_id,
                                  role="owner", added_at=NOW, added_by=world.client_id))
        checkout = db.get(Contract, world.contract_id)
        assert checkout is not None
        checkout.organisation_id = org.id
        side = contract_service.create_contract(
            db, client_email="client@example.com", freelancer_email="other-free@example.com",
            title="Side project", rate_cents=1000, now=NOW)
        db.commit()
        org_id = org.id
        db.expunge(side)
    add_segment(world.app, contract=side, start=DAY.replace(hour=14), memo="side work")
    month = ReportQuery(date(2026, 11, 1), date(2026, 11, 30), (), "contract")
    everything = _report(world, "client", month)
    assert {row.label for row in everything.rows} == {"Checkout redesign", "Side project"}
    only = _report(world, "client", ReportQuery(month.start, month.end, (), "contract",
                                                organisation_id=org_id))
    assert [row.label for row in only.rows] == ["Checkout redesign"]
    assert only.total.seconds == 2400 and only.to_dict()["organisation_id"] == org_id
    with pytest.raises(NotFound):
        _report(world, "other_client", ReportQuery(month.start, month.end, (), "day",
                                                   organisation_id=org_id))

    client = sign_in(world.app, "client")
    form = client.get("/reports/hours").text
    assert f'<option value="{org_id}" >All contracts of Acme Ltd</option>' in form
    page = client.get(f"/reports/hours?from=2026-11-01&to=2026-11-30&group=contract&tz=UTC"
                      f"&org={org_id}")
    assert page.status_code == 200 and 'id="report-total">0:40:00<' in page.text
    assert "Side project" not in page.text.split('id="report-table"')[1]
    assert f'<option value="{org_id}" selected>' in page.text
    assert f"/reports/hours.csv?from=2026-11-01&amp;to=2026-11-30&amp;group=contract&amp;" \
           f"tz=UTC&amp;org={org_id}" in page.text
    csv_text = client.get(f"/reports/hours.csv?from=2026-11-01&to=2026-11-30&org={org_id}").text
    assert csv_text.splitlines()[-1].startswith("total,total,,2400,")
    stranger = sign_in(world.app, "other_client")
    assert stranger.get(f"/reports/hours?org={org_id}").status_code == 404
    assert stranger.get(f"/reports/hours.pdf?org={org_id}").status_code == 404
    with world.app.state.sessionmaker() as db:
        other = user_service.get_user_by_email(db, email=PEOPLE["other_client"])
        assert other is not None
        token = user_service.issue_token(db, user=other, device_name="t", now=NOW)
    api = TestClient(world.app, base_url="http://testserver/api/v1",
                     headers={"Authorization": f"Bearer {token}"})
    refused = api.get("/reports/hours", params={"org": org_id})
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "no_such_organisation"
