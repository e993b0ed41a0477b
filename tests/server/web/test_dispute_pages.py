"""Who sees the dispute page and the admin pages, which forms each side gets, CSRF on every
new form, and the Spanish page (no browser: the pages as HTML over the app)."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from workdiary.server.models import Dispute, DisputeMessage, DisputeSegment
from workdiary.server.services import users as user_service

from .webworld import NOW, PASSWORD, World, csrf_of, sign_in

ADMIN = "admin@example.com"


@pytest.fixture
def dispute_id(world: World) -> str:
    """An open dispute over the first segment, and an admin account."""
    with world.app.state.sessionmaker() as db:
        user_service.create_user(db, email=ADMIN, name="Ada Admin", role="admin",
                                 password=PASSWORD, now=NOW)
        dispute = Dispute(contract_id=world.contract_id, week_start=date(2026, 11, 23),
                          reason="Not my project", created_by=world.client_id, created_at=NOW)
        db.add(dispute)
        db.flush()
        db.add(DisputeSegment(dispute_id=dispute.id, segment_id=world.segment_ids[0]))
        db.commit()
        return dispute.id


def as_admin(world: World) -> TestClient:
    client = TestClient(world.app, base_url="http://testserver", follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"email": ADMIN, "password": PASSWORD,
                                           "csrf_token": token, "next": "/"})
    assert response.status_code == 303
    return client


def browser(world: World, who: str) -> TestClient:
    return as_admin(world) if who == "admin" else sign_in(world.app, who)


@pytest.mark.parametrize(("who", "dispute_page", "admin_pages"), [
    ("client", 200, 404), ("freelancer", 200, 404), ("other_client", 404, 404),
    ("other_freelancer", 404, 404), ("admin", 200, 200)])
def test_who_sees_which_page(world: World, dispute_id: str, who: str, dispute_page: int,
                             admin_pages: int) -> None:
    client = browser(world, who)
    assert client.get(f"/disputes/{dispute_id}").status_code == dispute_page
    for path in ("/admin/users", "/admin/contracts", "/admin/disputes", "/admin/audit"):
        assert client.get(path).status_code == admin_pages, path
    anonymous = sign_in(world.app, None)
    assert anonymous.get(f"/disputes/{dispute_id}").headers["location"].startswith("/login")


def test_each_side_gets_its_forms(world: World, dispute_id: str) -> None:
    page = {who: browser(world, who).get(f"/disputes/{dispute_id}").text
            for who in ("client", "freelancer", "admin")}
    assert "Withdraw the dispute" in page["client"] and "Contest the dispute" not in page["client"]
    assert "Accept the dispute" in page["freelancer"] and "Contest the dispute" in page[
        "freelancer"]
    assert "Withdraw the dispute" not in page["freelancer"]
    assert 'name="text"' in page["client"] and 'name="text"' in page["freelancer"]
    # The admin reads, and decides only once escalated: no form yet.
    assert 'name="text"' not in page["admin"] and "Record the decision" not in page["admin"]
    assert as_admin(world).get("/").headers["location"] == "/admin/disputes"


def test_new_forms_need_their_csrf_token(world: World, dispute_id: str) -> None:
    client = sign_in(world.app, "freelancer")
    for action in ("messages", "accept", "contest", "decision"):
        response = client.post(f"/disputes/{dispute_id}/{action}", data={"text": "x"})
        assert response.status_code == 403, action
    admin = as_admin(world)
    response = admin.post(f"/admin/users/{world.client_id}/disable", data={})
    assert response.status_code == 403


def test_a_too_long_message_is_refused_with_a_sentence(world: World, dispute_id: str) -> None:
    client = sign_in(world.app, "client")
    token = csrf_of(client.get(f"/disputes/{dispute_id}").text)
    response = client.post(f"/disputes/{dispute_id}/messages",
                           data={"csrf_token": token, "text": "x" * 4001})
    assert response.status_code == 303
    assert "at most 4000 characters" in client.get(f"/disputes/{dispute_id}").text
    with world.app.state.sessionmaker() as db:
        assert db.scalar(select(func.count(DisputeMessage.id))) == 0


def test_the_dispute_page_in_spanish(world: World, dispute_id: str) -> None:
    client = sign_in(world.app, "freelancer")
    page = client.get(f"/disputes/{dispute_id}", headers={"Accept-Language": "es"}).text
    assert "Conversación" in page and "Rebatir la disputa" in page


def test_screenshots_of_the_disputed_segments(world: World, dispute_id: str) -> None:
    disputed = f"/disputes/{dispute_id}/screenshots/{world.shas[0]}"
    undisputed = f"/disputes/{dispute_id}/screenshots/{world.shas[1]}"
    client = sign_in(world.app, "client")
    assert disputed in client.get(f"/disputes/{dispute_id}").text
    image = client.get(disputed)
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert image.headers["cache-control"] == "no-store"
    assert client.get(undisputed).status_code == 404
    assert sign_in(world.app, "other_client").get(disputed).status_code == 404
    # An admin: not while the dispute is open, only while it waits for a decision.
    admin = as_admin(world)
    page = admin.get(f"/disputes/{dispute_id}").text
    assert disputed not in page and "only while deciding" in page
    assert admin.get(disputed).status_code == 404
    with world.app.state.sessionmaker() as db:
        row = db.get(Dispute, dispute_id)
        assert row is not None
        row.state, row.escalated_at = "escalated", NOW
        db.commit()
    assert disputed in admin.get(f"/disputes/{dispute_id}").text
    assert admin.get(disputed).status_code == 200
    assert admin.get(undisputed).status_code == 404
    assert "Record the decision" in admin.get(f"/disputes/{dispute_id}").text
