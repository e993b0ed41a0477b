"""The team dashboard and the freelancer's weeks: figures of a hand-made week (protected,
unprotected, manual, disputed time, activity, limit, working now, disputes, review deadline),
sorting, bounds, the client-side filter, a fixed number of queries, and the JSON API."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from server_factories import wire
from server_world import NOW, World, make_person
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from workdiary.core.model import Policy, SegmentKind
from workdiary.server.errors import Forbidden, Unprocessable
from workdiary.server.models import Dispute, DisputeSegment, Invoice, User
from workdiary.server.services import contracts, dashboard, freelancer_weeks

MONDAY = date(2026, 11, 16)  # NOW is Wednesday 2026-11-18 12:00 UTC
LAST_MONDAY = date(2026, 11, 9)
NINE = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def _user(session: Session, user_id: str) -> User:
    user = session.get(User, user_id)
    assert user is not None
    return user


def _upload(api: TestClient, world: World, segments: list) -> list[dict]:  # type: ignore[type-arg]
    response = api.post("/segments", headers=world.freelancer_a.headers,
                        json={"segments": [wire(s) for s in segments]})
    assert response.status_code == 200, response.text
    return list(response.json()["segments"])


@pytest.fixture
def week(api: TestClient, world: World, session: Session) -> dict[str, str]:
    """Client A's two contracts with freelancer A this week:

    "Manual allowed" (limit 10 h): Monday 09:00 and 09:10 protected (10 and 5 of 10 minutes
    active), 09:20 unprotected (no memo); Tuesday 10:00 manual (10 min), 10:10 tracked and
    under an open dispute. Contract A: one protected segment ending 11:50 Wednesday (working
    now at 12:00) and last week's invoice in review."""
    manual = contracts.create_contract(
        session, client_email=world.client_a.email, freelancer_email=world.freelancer_a.email,
        title="Manual allowed", rate_cents=6000, now=NOW - timedelta(days=30),
        weekly_limit_minutes=600, policy=Policy(allow_manual=True))
    d = world.device
    tuesday = NINE + timedelta(days=1, hours=1)
    segs = [d.segment(manual.id, NINE), d.segment(manual.id, NINE + timedelta(minutes=10),
                                                  active=5),
            d.segment(manual.id, NINE + timedelta(minutes=20), memo=""),
            d.segment(manual.id, tuesday, kind=SegmentKind.MANUAL, memo="call"),
            d.segment(manual.id, tuesday + timedelta(minutes=10)),
            d.segment(world.contract_a, NOW - timedelta(minutes=20))]
    verdicts = _upload(api, world, segs)
    assert [v["status"] for v in verdicts] == ["protected", "protected", "unprotected",
                                               "unprotected", "protected", "protected"]
    assert [v["billable_seconds"] for v in verdicts] == [600] * 6
    dispute = Dispute(contract_id=manual.id, week_start=MONDAY, reason="not ours",
                      created_by=world.client_a.id, created_at=NOW, state="open")
    session.add(dispute)
    session.flush()
    session.add(DisputeSegment(dispute_id=dispute.id, segment_id=segs[4].id))
    session.add(Invoice(contract_id=world.contract_a, week_start=LAST_MONDAY,
                        billable_seconds=7200, disputed_seconds=0, rate_cents=3000,
                        amount_cents=6000, paid_cents=0, currency="USD", status="in_review",
                        created_at=NOW - timedelta(days=2)))
    session.commit()
    return {"manual": manual.id, "a": world.contract_a}


def test_figures_of_a_hand_made_week(session: Session, world: World,
                                     week: dict[str, str]) -> None:
    view = dashboard.get_dashboard(session, user=_user(session, world.client_a.id), now=NOW)
    assert view.week_start == MONDAY
    lines = {line.contract.id: line for line in view.lines}
    assert set(lines) == {week["manual"], week["a"]}  # client A's, nobody else's
    m = lines[week["manual"]]
    assert (m.billed_seconds, m.weekly_limit_minutes, m.limit_percent) == (3000, 600, 8)
    assert (m.tracked_minutes, m.active_minutes, m.activity_percent) == (40, 35, 87)
    assert (m.unprotected_seconds, m.unprotected_percent) == (600, 20)
    assert (m.manual_seconds, m.manual_percent) == (600, 20)
    assert (m.disputed_seconds, m.open_disputes, m.working_now) == (600, 1, False)
    assert m.review_deadline is None
    monday, tuesday = m.days[0], m.days[1]
    assert (monday.protected, monday.unprotected, monday.manual, monday.disputed) == (
        1200, 600, 0, 0)
    assert (tuesday.protected, tuesday.unprotected, tuesday.manual, tuesday.disputed) == (
        0, 0, 600, 600)
    assert [bar.total for bar in m.days[2:]] == [0] * 5
    assert [bar.day for bar in m.days] == [MONDAY + timedelta(days=i) for i in range(7)]
    a = lines[week["a"]]
    assert (a.working_now, a.billed_seconds, a.days[2].protected) == (True, 600, 600)
    assert a.limit_percent is None and a.activity_percent == 100
    assert a.review_deadline == datetime(2026, 11, 20, 23, 59, tzinfo=UTC)
    assert (view.working_count, view.billed_seconds, view.open_disputes) == (1, 3600, 1)


def test_working_now_is_the_last_15_minutes(session: Session, world: World,
                                            week: dict[str, str]) -> None:
    client = _user(session, world.client_a.id)
    later = dashboard.get_dashboard(session, user=client, now=NOW + timedelta(minutes=6))
    assert later.working_count == 0  # the segment ended 11:50, 16 minutes before


def test_an_earlier_week_and_its_bounds(session: Session, world: World,
                                        week: dict[str, str]) -> None:
    client = _user(session, world.client_a.id)
    earlier = dashboard.get_dashboard(session, user=client, now=NOW, week=date(2026, 11, 12))
    assert earlier.week_start == LAST_MONDAY  # any day picks its week's Monday
    assert earlier.billed_seconds == 0 and earlier.working_count == 1
    with pytest.raises(Unprocessable) as future:
        dashboard.get_dashboard(session, user=client, now=NOW, week=date(2026, 11, 23))
    assert future.value.code == "week_in_future"
    with pytest.raises(Unprocessable) as old:
        dashboard.get_dashboard(session, user=client, now=NOW, week=date(2016, 11, 1))
    assert old.value.code == "week_out_of_range"


def test_sorting(session: Session, world: World, week: dict[str, str]) -> None:
    client = _user(session, world.client_a.id)

    def order(sort: str, direction: str) -> list[str]:
        view = dashboard.get_dashboard(session, user=client, now=NOW, sort=sort,
                                       direction=direction)
        return [line.contract.title for line in view.lines]

    assert order("contract", "asc") == ["Contract A", "Manual allowed"]
    assert order("contract", "desc") == ["Manual allowed", "Contract A"]
    assert order("hours", "desc") == ["Manual allowed", "Contract A"]
    assert order("working", "desc") == ["Contract A", "Manual allowed"]
    assert order("activity", "asc") == ["Manual allowed", "Contract A"]
    # No value (no limit, no deadline) sorts last in both directions.
    assert order("limit", "asc") == order("limit", "desc") == ["Manual allowed", "Contract A"]
    assert order("deadline", "desc") == ["Contract A", "Manual allowed"]
    for sort, direction in (("price", "asc"), ("hours", "up")):
        with pytest.raises(Unprocessable) as bad:
            dashboard.get_dashboard(session, user=client, now=NOW, sort=sort,
                                    direction=direction)
        assert bad.value.code == "invalid_sort"


def test_clients_only_and_the_client_side_filter(session: Session, world: World,
                                                 week: dict[str, str]) -> None:
    with pytest.raises(Forbidden):
        dashboard.get_dashboard(session, user=_user(session, world.freelancer_a.id), now=NOW)
    b = dashboard.get_dashboard(session, user=_user(session, world.client_b.id), now=NOW)
    assert {line.contract.id for line in b.lines} == {world.contract_b, world.contract_ab}
    assert dashboard.client_side_contracts(
        session, user=_user(session, world.freelancer_a.id)) == []


def test_a_fixed_number_of_queries(session: Session, world: World,
                                   week: dict[str, str]) -> None:
    client = _user(session, world.client_a.id)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        dashboard.get_dashboard(session, user=client, now=NOW)
        few = len(statements)
        for i in range(12):
            contracts.create_contract(session, client_email=world.client_a.email,
                                      freelancer_email=world.freelancer_b.email,
                                      title=f"More {i}", rate_cents=1000, now=NOW)
        statements.clear()
        view = dashboard.get_dashboard(session, user=client, now=NOW)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(view.lines) == 14
    assert len(statements) == few <= 8, statements


def test_freelancer_weeks(session: Session, world: World, week: dict[str, str]) -> None:
    freelancer = _user(session, world.freelancer_a.id)
    view = freelancer_weeks.get_weeks(session, user=freelancer, now=NOW)
    assert (view.first, view.last) == (MONDAY - timedelta(weeks=7), MONDAY)
    assert [g.week_start for g in view.weeks] == [MONDAY, LAST_MONDAY]
    this, last = view.weeks
    lines = {line.contract.title: line for line in this.lines}
    a, m = lines["Contract A"], lines["Manual allowed"]
    assert (a.billed_seconds, a.rate_cents, a.earnings_cents, a.status) == (600, 3000, 500,
                                                                          "open")
    # Live: 3000 s billed, 600 s under the open dispute, at 60.00/h: 2400 s = 40.00.
    assert (m.billed_seconds, m.disputed_seconds, m.earnings_cents, m.status) == (
        3000, 600, 4000, "disputed")
    assert this.totals["USD"].billed_seconds == 3600
    assert this.totals["USD"].earnings_cents == 4500
    (invoiced,) = last.lines
    assert (invoiced.billed_seconds, invoiced.earnings_cents, invoiced.status) == (
        7200, 6000, "in_review")
    assert invoiced.review_deadline == datetime(2026, 11, 20, 23, 59, tzinfo=UTC)
    assert view.totals["USD"].earnings_cents == 10500
    # The client of these contracts sees none of it; another freelancer sees only theirs.
    with pytest.raises(Forbidden):
        freelancer_weeks.get_weeks(session, user=_user(session, world.client_a.id), now=NOW)
    assert freelancer_weeks.get_weeks(
        session, user=_user(session, world.freelancer_b.id), now=NOW).weeks == []


def test_paid_weeks_read_the_ledger(session: Session, world: World,
                                    week: dict[str, str]) -> None:
    invoice = session.scalar(select(Invoice).where(Invoice.contract_id == week["a"]))
    assert invoice is not None
    invoice.status, invoice.paid_cents = "paid", 6000
    session.commit()
    view = freelancer_weeks.get_weeks(session, user=_user(session, world.freelancer_a.id),
                                      now=NOW)
    (paid,) = view.weeks[1].lines
    assert (paid.status, paid.paid_cents) == ("paid", 6000)
    assert view.totals["USD"].paid_cents == 6000


@pytest.mark.parametrize(("start", "end", "code"), [
    (date(2026, 11, 16), date(2026, 11, 9), "invalid_range"),
    (date(2025, 1, 6), date(2026, 11, 16), "range_too_long"),
    (None, date(2026, 11, 23), "week_in_future"),
    (date(2010, 1, 4), date(2010, 2, 1), "week_out_of_range"),
])
def test_freelancer_range_bounds(session: Session, world: World, start: date | None,
                                 end: date | None, code: str) -> None:
    with pytest.raises(Unprocessable) as bad:
        freelancer_weeks.get_weeks(session, user=_user(session, world.freelancer_a.id),
                                   now=NOW, start=start, end=end)
    assert bad.value.code == code


def test_the_json_api(api: TestClient, world: World, week: dict[str, str]) -> None:
    ca, fa = world.client_a.headers, world.freelancer_a.headers
    body = api.get("/dashboard", headers=ca, params={"sort": "hours", "dir": "desc"}).json()
    assert (body["week_start"], body["sort"], body["dir"]) == ("2026-11-16", "hours", "desc")
    first = body["contracts"][0]
    assert first["title"] == "Manual allowed"
    assert (first["billed_seconds"], first["manual_percent"], first["activity_percent"]) == (
        3000, 20, 87)
    assert first["days"][1] == {"date": "2026-11-17", "protected_seconds": 0,
                                "unprotected_seconds": 0, "manual_seconds": 600,
                                "disputed_seconds": 600}
    assert body["contracts"][1]["review_deadline"] == "2026-11-20T23:59:00Z"
    for params, status, code in (({"sort": "nope"}, 422, None),
                                 ({"week": "2026-13-01"}, 422, None),
                                 ({"week": "2030-01-07"}, 422, "week_in_future")):
        response = api.get("/dashboard", headers=ca, params=params)
        assert response.status_code == status, response.text
        if code:
            assert response.json()["error"]["code"] == code
    assert api.get("/dashboard", headers=fa).status_code == 403
    weeks = api.get("/me/weeks", headers=fa, params={"from": "2026-11-09",
                                                     "to": "2026-11-18"}).json()
    assert (weeks["from"], weeks["to"]) == ("2026-11-09", "2026-11-16")
    assert [w["week_start"] for w in weeks["weeks"]] == ["2026-11-16", "2026-11-09"]
    assert weeks["totals"] == [{"currency": "USD", "billed_seconds": 10800,
                                "earnings_cents": 10500, "paid_cents": 0}]
    too_long = api.get("/me/weeks", headers=fa, params={"from": "2020-01-06"})
    assert too_long.status_code == 422
    assert too_long.json()["error"]["code"] == "range_too_long"
    assert api.get("/me/weeks", headers=ca).status_code == 403


def test_one_organisations_contracts(api: TestClient, session: Session, world: World,
                                     week: dict[str, str]) -> None:
    """?org= keeps the organisation's contracts: its manager and viewer see them, a stranger
    and a removed member get the 404 of an unknown organisation."""
    from workdiary.server.errors import NotFound
    from workdiary.server.models import Contract, OrganisationMember
    from workdiary.server.services import organisations

    owner = _user(session, world.client_a.id)
    org = organisations.create_organisation(session, user=owner, name="Acme Ltd", now=NOW)
    contract = session.get(Contract, week["a"])
    assert contract is not None
    contract.organisation_id = org.id
    stranger = _user(session, world.client_b.id)
    members = {}
    for role in ("manager", "viewer"):
        person = make_person(session, f"{role}@example.com", "client")
        members[role] = person
        session.add(OrganisationMember(organisation_id=org.id, user_id=person.id, role=role,
                                       added_at=NOW, added_by=owner.id))
    session.commit()
    everything = dashboard.get_dashboard(session, user=owner, now=NOW)
    assert {line.contract.id for line in everything.lines} == {week["a"], week["manual"]}
    assert everything.organisation is None and everything.to_dict()["organisation"] is None
    for who, role in ((owner, "owner"), (_user(session, members["manager"].id), "manager"),
                      (_user(session, members["viewer"].id), "viewer")):
        view = dashboard.get_dashboard(session, user=who, now=NOW, organisation_id=org.id)
        assert [line.contract.id for line in view.lines] == [week["a"]]
        assert view.billed_seconds == 600 and view.my_role == role
        assert view.read_only == (role == "viewer")
        assert view.to_dict()["organisation"] == {"id": org.id, "name": "Acme Ltd",
                                                  "my_role": role}
    for outsider, org_id in ((stranger, org.id), (owner, "no-such-organisation")):
        with pytest.raises(NotFound) as missing:
            dashboard.get_dashboard(session, user=outsider, now=NOW, organisation_id=org_id)
        assert missing.value.code == "no_such_organisation"
    viewer = _user(session, members["viewer"].id)
    organisations.remove_member(session, user=owner, organisation_id=org.id,
                                member_id=viewer.id, now=NOW)
    with pytest.raises(NotFound):
        dashboard.get_dashboard(session, user=viewer, now=NOW, organisation_id=org.id)
    assert dashboard.get_dashboard(session, user=viewer, now=NOW).lines == []
    # The API: the same view, the same 404.
    response = api.get("/dashboard", headers=members["manager"].headers,
                       params={"org": org.id, "week": MONDAY.isoformat()})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [c["contract_id"] for c in body["contracts"]] == [week["a"]]
    assert body["organisation"]["name"] == "Acme Ltd"
    refused = api.get("/dashboard", headers=world.client_b.headers, params={"org": org.id})
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "no_such_organisation"
    assert api.get("/dashboard", headers=world.client_b.headers,
                   params={"org": "x" * 65}).status_code == 422
