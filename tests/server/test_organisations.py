"""Organisations over the real HTTP server (uvicorn on loopback, SQLite and PostgreSQL): an
owner creates one and invites a manager (no account yet: signs up from the mailed link) and a
viewer by email; both accept; the manager offers and approves; the viewer reads the diary and
the timesheet but every change is 403 read_only_member; a removed member gets the stranger's
404; the last owner stays. Tokens are read from the queued mail rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from server_factories import wire
from server_world import NOW, PASSWORD, World, make_person
from sqlalchemy import select

from tests.server.web.livesite import serve
from workdiary.core.clock import FakeClock
from workdiary.server.models import AuditEntry, MailRow
from workdiary.server.services.weeks import close_weeks

WEEK = "2026-11-16"
LOCKED = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)  # Monday after the week, past the lock


@pytest.fixture
def live(app: FastAPI, world: World) -> Iterator[httpx.Client]:
    with serve(app) as base, httpx.Client(base_url=f"{base}/api/v1", timeout=30) as client:
        yield client


def mails(app: FastAPI, kind: str, to: str) -> list[dict[str, object]]:
    with app.state.sessionmaker() as session:
        return [json.loads(row.context) for row in session.scalars(
            select(MailRow).where(MailRow.kind == kind, MailRow.to_email == to)
            .order_by(MailRow.created_at, MailRow.id))]


def token_in(link: object) -> str:
    """The token of a mailed link: the invitation's own, or the one inside a sign-up link's
    ``next``."""
    query = parse_qs(urlsplit(str(link)).query)
    if "token" in query:
        return query["token"][0]
    return token_in(query["next"][0])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def error_code(response: httpx.Response) -> str:
    return str(response.json()["error"]["code"])


def test_organisation_roles_over_http(app: FastAPI, world: World, live: httpx.Client,
                                      clock: FakeClock) -> None:
    owner = world.client_a.headers
    with app.state.sessionmaker() as session:
        viewer = make_person(session, "vic@team.test", "client")

    made = live.post("/organisations", headers=owner, json={"name": "  Acme   Ltd "})
    assert made.status_code == 201, made.text
    org = made.json()
    assert (org["name"], org["my_role"]) == ("Acme Ltd", "owner")
    assert live.post("/organisations", headers=world.freelancer_a.headers,
                     json={"name": "X"}).status_code == 403
    assert live.post("/organisations", headers=owner, json={"name": "x" * 121}
                     ).status_code == 422

    # Invitations: the manager has no account yet (a sign-up link that comes back), the
    # viewer has one. Only owners invite; the role is manager or viewer.
    for email, role in (("mia@team.test", "manager"), (viewer.email, "viewer")):
        sent = live.post(f"/organisations/{org['id']}/invitations", headers=owner,
                         json={"email": email, "role": role})
        assert sent.status_code == 201, sent.text
    assert live.post(f"/organisations/{org['id']}/invitations", headers=owner,
                     json={"email": "a@b.test", "role": "owner"}).status_code == 422
    [to_mia] = mails(app, "organisation_invitation", "mia@team.test")
    assert to_mia["has_account"] is False
    assert str(to_mia["link"]).startswith("/signup?email=mia%40team.test&next=")
    [to_vic] = mails(app, "organisation_invitation", viewer.email)
    assert to_vic["has_account"] is True and to_vic["role"] == "viewer"
    pending = live.get(f"/organisations/{org['id']}", headers=owner).json()["invitations"]
    assert sorted(i["email"] for i in pending) == ["mia@team.test", viewer.email]

    # Another account cannot use someone else's invitation.
    wrong = live.post("/organisation-invitations/accept", headers=world.client_b.headers,
                      json={"token": token_in(to_vic["link"])})
    assert (wrong.status_code, error_code(wrong)) == (403, "wrong_account")
    joined = live.post("/organisation-invitations/accept", headers=viewer.headers,
                       json={"token": token_in(to_vic["link"])})
    assert joined.status_code == 200 and joined.json()["my_role"] == "viewer"
    again = live.post("/organisation-invitations/accept", headers=viewer.headers,
                      json={"token": token_in(to_vic["link"])})
    assert (again.status_code, error_code(again)) == (400, "token_used")

    # The manager signs up from the link, verifies the address, then accepts.
    signed_up = live.post("/accounts", json={"email": "mia@team.test", "name": "Mia",
                                             "password": PASSWORD, "role": "client"})
    assert signed_up.status_code == 201, signed_up.text
    mia = bearer(live.post("/auth/tokens", json={"email": "mia@team.test",
                                                 "password": PASSWORD}).json()["token"])
    unverified = live.post("/organisation-invitations/accept", headers=mia,
                           json={"token": token_in(to_mia["link"])})
    assert (unverified.status_code, error_code(unverified)) == (403, "email_unverified")
    [verify] = mails(app, "verify_email", "mia@team.test")
    assert live.post("/auth/verify-email", json={"token": token_in(verify["link"])}
                     ).status_code == 200
    joined = live.post("/organisation-invitations/accept", headers=mia,
                       json={"token": token_in(to_mia["link"])})
    assert joined.status_code == 200 and joined.json()["my_role"] == "manager"
    members = {m["email"]: m["role"] for m in joined.json()["members"]}
    assert members == {world.client_a.email: "owner", "mia@team.test": "manager",
                       viewer.email: "viewer"}
    assert joined.json()["invitations"] == []  # only owners see them

    # The owner puts contract A into the organisation; the manager offers a new one for it.
    moved = live.post(f"/contracts/{world.contract_a}/organisation", headers=owner,
                      json={"organisation_id": org["id"]})
    assert moved.status_code == 200 and moved.json()["organisation"] == {
        "id": org["id"], "name": "Acme Ltd"}
    offer = live.post("/contracts", headers=mia, json={
        "freelancer_email": world.freelancer_b.email, "title": "Team work", "rate": 40,
        "organisation_id": org["id"]})
    assert offer.status_code == 201, offer.text
    assert offer.json()["organisation"]["id"] == org["id"]
    refused = live.post("/contracts", headers=viewer.headers, json={
        "freelancer_email": world.freelancer_b.email, "title": "Mine", "rate": 40,
        "organisation_id": org["id"]})
    assert (refused.status_code, error_code(refused)) == (403, "read_only_member")
    assert live.post(f"/contracts/{offer.json()['id']}/accept",
                     headers=world.freelancer_b.headers).status_code == 200
    seen = {c["id"]: c["role"] for c in live.get("/contracts", headers=viewer.headers).json()}
    assert seen == {world.contract_a: "viewer", offer.json()["id"]: "viewer"}

    # The freelancer records on contract A; the week locks and is invoiced.
    segment = world.device.segment(world.contract_a, NOW.replace(hour=9, minute=0))
    assert live.post("/segments", headers=world.freelancer_a.headers,
                     json={"segments": [wire(segment)]}).status_code == 200
    clock.advance((LOCKED - clock.now()).total_seconds())
    with app.state.sessionmaker() as session:
        assert close_weeks(session, LOCKED).invoiced == 1

    # The viewer reads everything and changes nothing.
    contract = f"/contracts/{world.contract_a}"
    diary = live.get(f"{contract}/diary", params={"date": "2026-11-18"}, headers=viewer.headers)
    assert diary.status_code == 200 and len(diary.json()["segments"]) == 1
    sheet = live.get(f"{contract}/timesheets/{WEEK}", headers=viewer.headers)
    assert sheet.status_code == 200 and sheet.json()["invoice"]["status"] == "in_review"
    assert live.get(f"{contract}/history", headers=viewer.headers).status_code == 200
    assert live.get("/invoices", headers=viewer.headers).json()[0]["contract_id"] == (
        world.contract_a)
    for attempt in (
        live.post(f"{contract}/timesheets/{WEEK}/approve", headers=viewer.headers),
        live.post(f"{contract}/disputes", headers=viewer.headers,
                  json={"segment_ids": [segment.id], "reason": "no"}),
        live.patch(contract, headers=viewer.headers, json={"rate": 99}),
        live.post(f"{contract}/pause", headers=viewer.headers),
        live.post(f"{contract}/end", headers=viewer.headers),
    ):
        assert attempt.status_code == 403, attempt.text
        assert error_code(attempt) == "read_only_member"
        assert "viewer" in attempt.json()["error"]["message"]

    # The manager disputes and writes as the client; the viewer reads the dispute only.
    opened = live.post(f"{contract}/disputes", headers=mia,
                       json={"segment_ids": [segment.id], "reason": "Not our project"})
    assert opened.status_code == 201, opened.text
    dispute = f"/disputes/{opened.json()['id']}"
    assert live.post(f"{dispute}/messages", headers=mia,
                     json={"text": "Which task was this?"}).status_code == 201
    read = live.get(dispute, headers=viewer.headers)
    assert read.status_code == 200 and read.json()["viewer_side"] == "viewer"
    assert not any(read.json()["can"].values())
    [message] = read.json()["messages"]
    assert (message["author_side"], message["author_name"]) == ("client", "Mia")
    for attempt in (live.post(f"{dispute}/messages", headers=viewer.headers,
                              json={"text": "me too"}),
                    live.delete(f"{contract}/disputes/{opened.json()['id']}",
                                headers=viewer.headers)):
        assert (attempt.status_code, error_code(attempt)) == (403, "read_only_member")
    assert live.delete(f"{contract}/disputes/{opened.json()['id']}",
                       headers=mia).status_code == 204

    # The manager acts as the client: a change mailed to the freelancer, the approval.
    assert live.patch(contract, headers=mia, json={"rate": 35}).status_code == 200
    changed = mails(app, "contract_changed", world.freelancer_a.email)
    assert changed and changed[-1]["by_name"] == "Mia"
    approved = live.post(f"{contract}/timesheets/{WEEK}/approve", headers=mia)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"

    # Roles: only owners change them; the last owner can neither go nor step down.
    owner_id = world.client_a.id
    assert live.patch(f"/organisations/{org['id']}/members/{viewer.id}", headers=mia,
                      json={"role": "manager"}).status_code == 403
    last = live.delete(f"/organisations/{org['id']}/members/{owner_id}", headers=owner)
    assert (last.status_code, error_code(last)) == (409, "last_owner")
    demote = live.patch(f"/organisations/{org['id']}/members/{owner_id}", headers=owner,
                        json={"role": "viewer"})
    assert (demote.status_code, error_code(demote)) == (409, "last_owner")

    # A removed member learns nothing more: the stranger's 404, and the lists are empty.
    assert live.delete(f"/organisations/{org['id']}/members/{viewer.id}",
                       headers=owner).status_code == 204
    for path in (f"{contract}/timesheets/{WEEK}", f"{contract}/history",
                 f"{contract}/diary?date=2026-11-18", f"/organisations/{org['id']}"):
        gone = live.get(path, headers=viewer.headers)
        stranger = live.get(path, headers=world.client_b.headers)
        assert gone.status_code == stranger.status_code == 404, (path, gone.text)
        assert gone.json() == stranger.json()
    assert live.get("/contracts", headers=viewer.headers).json() == []
    assert live.get("/invoices", headers=viewer.headers).json() == []

    # The manager leaves: the contract they offered passes to the owner (its client of record)
    # and they see it no more.
    assert live.delete(f"/organisations/{org['id']}/members/{mia_id(live, mia)}",
                       headers=mia).status_code == 204
    mine = {c["id"]: c for c in live.get("/contracts", headers=owner).json()}
    assert mine[offer.json()["id"]]["client_id"] == owner_id
    assert live.get(f"/contracts/{offer.json()['id']}/history", headers=mia).status_code == 404

    with app.state.sessionmaker() as session:
        actions = [a for (a,) in session.execute(select(AuditEntry.action).where(
            AuditEntry.action.like("organisation.%")).order_by(AuditEntry.id))]
    assert actions == ["organisation.created", "organisation.invited", "organisation.invited",
                       "organisation.joined", "organisation.joined",
                       "organisation.member_removed", "organisation.member_removed"]


def mia_id(live: httpx.Client, headers: dict[str, str]) -> str:
    return str(live.get("/me", headers=headers).json()["id"])


def test_organisation_input_bounds_and_invitation_life(app: FastAPI, world: World, api,  # type: ignore[no-untyped-def]
                                                       clock: FakeClock) -> None:
    owner = world.client_a.headers
    for name in ("   ", "x" * 121, "\x00bad"):
        response = api.post("/organisations", headers=owner, json={"name": name})
        assert response.status_code == 422, response.text
    org = api.post("/organisations", headers=owner, json={"name": "Acme"}).json()
    invitations = f"/organisations/{org['id']}/invitations"
    for body in ({"email": "not-an-email", "role": "viewer"},
                 {"email": "a@b.test", "role": "owner"},
                 {"email": "a@b.test", "role": "viewer", "extra": 1},
                 {"email": world.freelancer_a.email, "role": "viewer"},
                 {"email": world.client_a.email, "role": "manager"}):
        response = api.post(invitations, headers=owner, json=body)
        assert response.status_code in (409, 422), (body, response.text)
    assert api.post(f"/organisations/{'x' * 500}/invitations", headers=owner,
                    json={"email": "a@b.test", "role": "viewer"}).status_code == 404
    assert api.post("/organisation-invitations/accept", headers=owner,
                    json={"token": "t" * 129}).status_code == 422

    # A second invitation to the same email replaces the first; a revoked or expired link
    # says so.
    first = api.post(invitations, headers=owner, json={"email": world.client_b.email,
                                                        "role": "viewer"}).json()
    clock.advance(60)  # the mails are told apart by their time
    second = api.post(invitations, headers=owner, json={"email": world.client_b.email,
                                                         "role": "manager"}).json()
    [old_link, new_link] = [m["link"] for m in mails(app, "organisation_invitation",
                                                     world.client_b.email)]
    pending = api.get(f"/organisations/{org['id']}", headers=owner).json()["invitations"]
    assert [i["id"] for i in pending] == [second["id"]] != [first["id"]]
    stale = api.post("/organisation-invitations/accept", headers=world.client_b.headers,
                     json={"token": token_in(old_link)})
    assert (stale.status_code, error_code(stale)) == (400, "invitation_revoked")
    clock.advance(15 * 24 * 3600)
    expired = api.post("/organisation-invitations/accept", headers=world.client_b.headers,
                       json={"token": token_in(new_link)})
    assert (expired.status_code, error_code(expired)) == (400, "token_expired")
    assert api.delete(f"{invitations}/{second['id']}", headers=owner).status_code == 204
    assert api.delete(f"{invitations}/nope", headers=owner).status_code == 404
