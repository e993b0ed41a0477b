"""/dashboard and /my-weeks as pages: who gets which, the figures, sorting links, the chart
as SVG with its text, the empty state, bad input as error pages, and Spanish."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete

from workdiary.server.services import users as user_service

from .webworld import NOW, PASSWORD, World, csrf_of, sign_in


def test_the_client_sees_their_contracts_week(world: World) -> None:
    client = sign_in(world.app, "client")
    page = client.get("/dashboard")
    assert page.status_code == 200
    html = page.text
    assert "Checkout redesign" in html and "Other contract" not in html
    assert "Week of Mon, Nov 23 – Sun, Nov 29" in html
    # 40 minutes billed (the rejected segment bills nothing) of a 40-hour limit.
    assert "0:40:00" in html and "1% of 40:00" in html
    assert html.count('<svg class="week-chart"') == 1
    assert "<title id=\"chart-" in html and "<desc id=\"chart-" in html
    assert '<table class="sr-only">' in html  # the chart's days as text
    assert 'aria-sort="ascending"' in html  # the default sort: contract title
    assert "?week=2026-11-23&amp;sort=hours&amp;dir=desc" in html
    assert "<script" not in html  # no JavaScript on the page
    spanish = client.get("/dashboard", headers={"Accept-Language": "es-ES"})
    assert "Panel del equipo" in spanish.text and "Trabajando ahora" in spanish.text


def test_sorting_and_bad_input_as_pages(world: World) -> None:
    client = sign_in(world.app, "client")
    hours = client.get("/dashboard?week=2026-11-25&sort=hours&dir=desc")
    assert hours.status_code == 200 and 'aria-sort="descending"' in hours.text
    assert client.get("/dashboard?sort=price").status_code == 422
    assert client.get("/dashboard?dir=sideways").status_code == 422
    assert client.get("/dashboard?week=2026-02-30").status_code == 400
    future = client.get("/dashboard?week=2026-12-07")
    assert future.status_code == 422 and "has not started yet" in future.text
    assert client.get("/dashboard?week=" + "9" * 60).status_code == 422  # bounded length


def test_many_contracts_come_in_pages_sorted_as_a_whole(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from workdiary.server.services import contracts as contract_service
    from workdiary.server.web import pages_dashboard

    with world.app.state.sessionmaker() as db:
        for title in ("Android app", "Zebra migration"):
            contract_service.create_contract(
                db, client_email="client@example.com", freelancer_email="free@example.com",
                title=title, rate_cents=4000, now=NOW)
    monkeypatch.setattr(pages_dashboard, "PAGE_SIZE", 2)
    client = sign_in(world.app, "client")
    first = client.get("/dashboard?sort=contract&dir=asc").text
    # Sorted as a whole (A to Z), then cut: the first page holds the first two titles.
    assert "Android app" in first and "Checkout redesign" in first
    assert "Zebra migration" not in first and first.count('<svg class="week-chart"') == 2
    assert "Contracts 1–2 of 3" in first and "Previous page" not in first
    assert "sort=contract&amp;dir=asc&amp;page=2" in first  # the next page keeps the sort
    assert '<div class="value">3</div>' in first  # the totals count every contract
    second = client.get("/dashboard?sort=contract&dir=asc&page=2").text
    assert "Zebra migration" in second and "Android app" not in second
    assert "Contracts 3–3 of 3" in second and "Next page" not in second
    assert "page=1" in second
    # A page past the end, or not a number, is the nearest page rather than an error.
    assert "Zebra migration" in client.get("/dashboard?sort=contract&page=99").text
    assert "Android app" in client.get("/dashboard?sort=contract&page=x1").text
    assert client.get("/dashboard?page=" + "9" * 60).status_code == 422  # bounded length
    spanish = client.get("/dashboard?sort=contract", headers={"Accept-Language": "es-ES"})
    assert "Contratos 1–2 de 3" in spanish.text and "Página siguiente" in spanish.text


def test_who_gets_which_page(world: World) -> None:
    freelancer = sign_in(world.app, "freelancer")
    sent = freelancer.get("/dashboard")
    assert (sent.status_code, sent.headers["location"]) == (303, "/my-weeks")
    client = sign_in(world.app, "client")
    assert client.get("/my-weeks").headers["location"] == "/dashboard"
    anonymous = sign_in(world.app, None)
    for url in ("/dashboard", "/my-weeks"):
        assert anonymous.get(url).headers["location"].startswith("/login")


def test_a_client_without_contracts_sees_the_empty_state(world: World) -> None:
    with world.app.state.sessionmaker() as db:
        user_service.create_user(db, email="new@example.com", name="New Client", role="client",
                                 password=PASSWORD, now=NOW)
    client = TestClient(world.app, base_url="http://testserver", follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    client.post("/login", data={"email": "new@example.com", "password": PASSWORD,
                                "csrf_token": token, "next": "/"})
    page = client.get("/dashboard")
    assert page.status_code == 200 and "No contracts yet." in page.text
    assert "week-chart" not in page.text


def test_the_freelancer_sees_their_weeks(world: World) -> None:
    freelancer = sign_in(world.app, "freelancer")
    page = freelancer.get("/my-weeks")
    assert page.status_code == 200
    html = page.text
    assert "Week of Nov 23, 2026" in html and "Checkout redesign" in html
    assert "0:40:00" in html and "$30.00" in html and "$45.00/h" in html
    assert f"/contracts/{world.contract_id}/diary/2026-11-23?tz=UTC" in html
    assert "Other contract" not in html
    too_long = freelancer.get("/my-weeks?from=2024-01-01&to=2026-11-23")
    assert too_long.status_code == 422 and "53 weeks at a time" in too_long.text
    empty = freelancer.get("/my-weeks?from=2026-10-05&to=2026-10-12")
    assert "No time in these weeks." in empty.text


def _member(world: World, email: str, role: str, organisation_id: str) -> TestClient:
    """A new client account in the organisation with ``role``, signed in."""
    from workdiary.server.models import OrganisationMember

    with world.app.state.sessionmaker() as db:
        user = user_service.create_user(db, email=email, name=email.split("@")[0],
                                        role="client", password=PASSWORD, now=NOW)
        db.add(OrganisationMember(organisation_id=organisation_id, user_id=user.id, role=role,
                                  added_at=NOW, added_by=world.client_id))
        db.commit()
    client = TestClient(world.app, base_url="http://testserver", follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token,
                                "next": "/"})
    return client


def _organisation(world: World) -> str:
    """Client A's organisation "Acme Ltd", holding the contract "Checkout redesign"."""
    from workdiary.server.models import Contract, Organisation, OrganisationMember

    with world.app.state.sessionmaker() as db:
        org = Organisation(name="Acme Ltd", created_by=world.client_id, created_at=NOW)
        db.add(org)
        db.flush()
        db.add(OrganisationMember(organisation_id=org.id, user_id=world.client_id,
                                  role="owner", added_at=NOW, added_by=world.client_id))
        contract = db.get(Contract, world.contract_id)
        assert contract is not None
        contract.organisation_id = org.id
        db.commit()
        return org.id


def test_an_organisations_dashboard(world: World) -> None:
    org = _organisation(world)
    owner = sign_in(world.app, "client")
    everything = owner.get("/dashboard")
    assert 'id="org-choice"' in everything.text and f"org={org}" in everything.text
    assert owner.get(f"/organisations/{org}").text.count(f"/dashboard?org={org}") == 1
    manager = _member(world, "manager@example.com", "manager", org)
    viewer = _member(world, "viewer@example.com", "viewer", org)
    for who in (owner, manager, viewer):
        page = who.get(f"/dashboard?org={org}&week=2026-11-23")
        assert page.status_code == 200, page.text
        html = page.text
        assert "Team dashboard of Acme Ltd" in html and "Checkout redesign" in html
        assert "0:40:00" in html and "Other contract" not in html
        # the week and sort links keep the organisation
        assert f"?week=2026-11-23&amp;sort=hours&amp;dir=desc&amp;org={org}" in html
        assert f"?week=2026-11-16&amp;sort=contract&amp;dir=asc&amp;org={org}" in html
        # each row links to its contract, diary and this month's report
        cid = world.contract_id
        assert f'href="/contracts/{cid}"' in html and f'href="/contracts/{cid}/diary"' in html
        assert f"/reports/hours?contract={cid}&amp;from=2026-11-01&amp;to=2026-11-25" in html
    viewing = viewer.get(f"/dashboard?org={org}").text
    assert "You are a viewer of this organisation" in viewing
    # nothing on it offers an action: no form, no button, no offer link (sign-out aside)
    viewing = viewing[viewing.index("<main"):viewing.index("</main>")]
    assert "<form" not in viewing and "<button" not in viewing
    assert "/contracts/new" not in viewing
    # the viewer's own dashboard (no organisation chosen) shows the organisation's contract
    assert "Checkout redesign" in viewer.get("/dashboard").text
    spanish = viewer.get(f"/dashboard?org={org}", headers={"Accept-Language": "es-ES"})
    assert "Panel del equipo de Acme Ltd" in spanish.text


def test_an_organisations_dashboard_is_404_for_outsiders(world: World) -> None:
    from workdiary.server.models import Organisation, OrganisationMember

    org = _organisation(world)
    stranger = sign_in(world.app, "other_client")
    assert stranger.get(f"/dashboard?org={org}").status_code == 404
    assert stranger.get("/dashboard?org=no-such-org").status_code == 404
    assert stranger.get("/dashboard?org=" + "x" * 65).status_code == 422  # bounded
    viewer = _member(world, "viewer@example.com", "viewer", org)
    assert viewer.get(f"/dashboard?org={org}").status_code == 200
    with world.app.state.sessionmaker() as db:
        removed = db.execute(delete(OrganisationMember).where(
            OrganisationMember.organisation_id == org, OrganisationMember.role == "viewer"))
        assert removed.rowcount == 1  # type: ignore[attr-defined]
        db.commit()
    assert viewer.get(f"/dashboard?org={org}").status_code == 404  # removed: learns nothing
    assert "Checkout redesign" not in viewer.get("/dashboard").text
    # an empty organisation says so, and offers no offer link
    with world.app.state.sessionmaker() as db:
        empty = Organisation(name="Empty Co", created_by=world.client_id, created_at=NOW)
        db.add(empty)
        db.flush()
        db.add(OrganisationMember(organisation_id=empty.id, user_id=world.client_id,
                                  role="owner", added_at=NOW, added_by=world.client_id))
        db.commit()
        empty_id = empty.id
    page = sign_in(world.app, "client").get(f"/dashboard?org={empty_id}")
    assert page.status_code == 200 and "This organisation has no contracts yet." in page.text
