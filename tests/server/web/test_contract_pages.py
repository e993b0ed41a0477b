"""The contract offer and lifecycle pages, over the real app: the client's "New offer" form,
the freelancer's offers with the policy in words, the contract page with its change form,
pause / resume / end and the history both parties read; CSRF on every form."""

from __future__ import annotations

from fastapi.testclient import TestClient

from workdiary.server.models import Contract

from .webworld import PEOPLE, World, csrf_of, sign_in


def _offer(client: TestClient, **changes: str) -> str:
    html = client.get("/contracts/new").text
    form = {"csrf_token": csrf_of(html), "freelancer_email": PEOPLE["freelancer"],
            "title": "Landing page", "rate": "40.00", "currency": "EUR",
            "weekly_limit_hours": "20", "segment_minutes": "10",
            "screenshots_per_segment": "2", "capture": "primary", "idle_minutes": "5",
            "blur": "on", "allow_redaction": "on", **changes}
    response = client.post("/contracts/new", data=form)
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def test_offer_accept_change_pause_end(world: World) -> None:
    client = sign_in(world.app, "client")
    page = _offer(client)
    assert page.startswith("/contracts/")
    html = client.get(page).text
    assert "Offer sent to" in html and "offered" in html and "Withdraw the offer" in html
    freelancer = sign_in(world.app, "freelancer")
    offers = freelancer.get("/offers").text
    assert "Landing page" in offers
    assert "Screenshots are blurred" in offers and "primary monitor only" in offers
    response = freelancer.post(f"{page}/accept", data={"csrf_token": csrf_of(offers)})
    assert response.status_code == 303
    html = client.get(page).text
    assert "Accepted the offer" in html and "Change terms and policy" in html
    form = {"csrf_token": csrf_of(html), "rate": "55", "weekly_limit_hours": "",
            "segment_minutes": "5", "screenshots_per_segment": "1", "capture": "all",
            "idle_minutes": "10"}
    client.post(f"{page}/change", data=form)
    html = client.get(page).text
    assert "Saved." in html and "Changed the terms from the week of" in html
    assert "Changed the tracking policy (version 2)" in html
    assert "€55.00/h" in html  # next week's rate is shown beside this week's
    with world.app.state.sessionmaker() as db:
        contract = db.get(Contract, page.rsplit("/", 1)[1])
        assert contract is not None and contract.segment_minutes == 5 and not contract.blur
    client.post(f"{page}/pause", data={"csrf_token": csrf_of(html)})
    html = client.get(page).text
    assert "Contract paused" in html and "Resume" in html
    freelancer_view = freelancer.get(page).text
    assert "Paused the contract" in freelancer_view and "Change terms" not in freelancer_view
    freelancer.post(f"{page}/end", data={"csrf_token": csrf_of(freelancer_view)})
    assert "Ended the contract" in client.get(page).text


def test_bad_offer_says_why_and_others_get_404(world: World) -> None:
    client = sign_in(world.app, "client")
    back = _offer(client, rate="12.345")
    assert back == "/contracts/new"
    assert "at most two decimals" in client.get(back).text
    page = _offer(client)
    for who in ("other_client", "other_freelancer"):
        other = sign_in(world.app, who)
        token = csrf_of(other.get("/").text)
        assert other.get(page).status_code == 404
        assert other.post(f"{page}/accept", data={"csrf_token": token}).status_code == 404
    freelancer = sign_in(world.app, "freelancer")
    # Without the CSRF token nothing happens.
    assert freelancer.post(f"{page}/accept", data={}).status_code == 403
    assert sign_in(world.app, "freelancer").get("/contracts/new").status_code == 404


def test_the_contract_page_links_its_diary_week_evidence_and_report(world: World) -> None:
    """NOW is Wednesday 2026-11-25: this week starts 2026-11-23, this month on the 1st."""
    cid = world.contract_id
    for who in ("client", "freelancer"):
        page = sign_in(world.app, who).get(f"/contracts/{cid}")
        assert page.status_code == 200
        html = page.text
        assert f'href="/contracts/{cid}/diary"' in html
        assert f'href="/contracts/{cid}/timesheets/2026-11-23"' in html
        assert f'href="/contracts/{cid}/timesheets/2026-11-23/evidence.zip"' in html
        assert f"/reports/hours?contract={cid}&amp;from=2026-11-01&amp;to=2026-11-25" in html
    client = sign_in(world.app, "client")
    # every link leads somewhere real
    for url in (f"/contracts/{cid}/diary", f"/contracts/{cid}/timesheets/2026-11-23",
                f"/reports/hours?contract={cid}&from=2026-11-01&to=2026-11-25"):
        assert client.get(url, follow_redirects=True).status_code == 200, url
    evidence = client.get(f"/contracts/{cid}/timesheets/2026-11-23/evidence.zip")
    assert evidence.status_code == 200 and evidence.content[:2] == b"PK"
