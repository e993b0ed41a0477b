"""Contract offers and lifecycle over the API: offer, accept, decline, change, pause, resume,
end, history; the terms of a week on its invoice; contract_inactive; verified accounts only."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from server_factories import wire
from server_world import NOW, PASSWORD, Person, World, make_person
from sqlalchemy import select
from sqlalchemy.orm import Session

from workdiary.core.clock import FakeClock
from workdiary.server.models import AuditEntry, Invoice, MailRow
from workdiary.server.services import users
from workdiary.server.services.weeks import close_weeks
from workdiary.testing.devices import DeviceChain

OFFER = {"freelancer_email": "free.a@example.com", "title": "Logo work", "rate": "42.50",
         "currency": "eur", "weekly_limit_hours": 10,
         "policy": {"segment_minutes": 10, "screenshots_per_segment": 2, "capture": "primary",
                    "blur": True, "allow_redaction": True, "allow_manual": False,
                    "window_titles": False, "idle_minutes": 5}}


def offer(api: TestClient, who: Person, **changes: object) -> dict:
    response = api.post("/contracts", headers=who.headers, json={**OFFER, **changes})
    assert response.status_code == 201, response.text
    return dict(response.json())


def mails(session: Session, kind: str) -> list[MailRow]:
    session.expire_all()
    return list(session.scalars(select(MailRow).where(MailRow.kind == kind)
                                .order_by(MailRow.created_at)))


def upload(api: TestClient, world: World, contract_id: str, start: datetime) -> dict:
    response = api.post("/segments", headers=world.freelancer_a.headers, json={
        "segments": [wire(world.device.segment(contract_id, start))]})
    assert response.status_code == 200, response.text
    return dict(response.json()["segments"][0])


def test_offer_accept_and_history(api: TestClient, world: World, session: Session) -> None:
    made = offer(api, world.client_a)
    assert made["status"] == "offered" and made["rate_cents"] == 4250
    assert made["currency"] == "EUR" and made["weekly_limit_minutes"] == 600
    assert made["policy"]["screenshots_per_segment"] == 2 and made["role"] == "client"
    freelancer_view = {c["id"]: c for c in api.get(
        "/contracts", headers=world.freelancer_a.headers).json()}
    assert freelancer_view[made["id"]]["status"] == "offered"
    [sent] = mails(session, "contract_offer")
    assert sent.to_email == "free.a@example.com"
    assert json.loads(sent.context)["link"] == "/offers"  # has an account: no sign-up link
    # Not the freelancer's to change, not the client's to answer.
    assert api.post(f"/contracts/{made['id']}/accept",
                    headers=world.client_a.headers).status_code == 403
    accepted = api.post(f"/contracts/{made['id']}/accept", headers=world.freelancer_a.headers)
    assert accepted.status_code == 200 and accepted.json()["status"] == "active"
    again = api.post(f"/contracts/{made['id']}/accept", headers=world.freelancer_a.headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_an_offer"
    [answered] = mails(session, "contract_answered")
    assert answered.to_email == world.client_a.email
    assert json.loads(answered.context)["answer"] == "accepted"
    for who in (world.client_a, world.freelancer_a):
        kinds = [e["kind"] for e in api.get(f"/contracts/{made['id']}/history",
                                            headers=who.headers).json()]
        assert kinds == ["offered", "accepted"]
    assert api.get(f"/contracts/{made['id']}/history",
                   headers=world.client_b.headers).status_code == 404
    actions = set(session.scalars(select(AuditEntry.action).where(
        AuditEntry.subject_id == made["id"])))
    assert actions == {"contract.offered", "contract.accepted"}


def test_offer_to_an_email_without_an_account(api: TestClient, world: World,
                                              session: Session) -> None:
    made = offer(api, world.client_a, freelancer_email="New.Person@Example.com")
    assert made["freelancer_id"] is None and made["invited_email"] == "new.person@example.com"
    [sent] = mails(session, "contract_offer")
    link = json.loads(sent.context)["link"]
    assert link == "/signup?email=new.person%40example.com&next=%2Foffers"
    # An unverified account with that email does not get the offer yet.
    user = users.create_user(session, email="new.person@example.com", name="New",
                             role="freelancer", password=PASSWORD, now=NOW, verified=False)
    newcomer = Person(user.id, user.email,
                      users.issue_token(session, user=user, device_name="t", now=NOW))
    assert api.get("/contracts", headers=newcomer.headers).json() == []
    refused = api.post(f"/contracts/{made['id']}/accept", headers=newcomer.headers)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "email_unverified"
    user.email_verified_at = NOW
    session.commit()
    listed = api.get("/contracts", headers=newcomer.headers).json()
    assert [c["id"] for c in listed] == [made["id"]] and listed[0]["role"] == "freelancer"
    accepted = api.post(f"/contracts/{made['id']}/accept", headers=newcomer.headers)
    assert accepted.status_code == 200 and accepted.json()["freelancer_name"] == "New"


@pytest.mark.parametrize(("changes", "status", "code"), [
    ({"rate": "12.345"}, 422, "invalid_rate"),
    ({"rate": -1}, 422, "invalid_rate"),
    ({"rate": "1e9"}, 422, "invalid_rate"),
    ({"rate": "ten"}, 422, "invalid_rate"),
    ({"currency": "XYZ"}, 422, "invalid_currency"),
    ({"weekly_limit_hours": 169}, 422, "invalid_limit"),
    ({"weekly_limit_hours": 0}, 422, "invalid_limit"),
    ({"policy": {"segment_minutes": 7}}, 422, "invalid_policy"),
    ({"policy": {"screenshots_per_segment": 4}}, 422, "invalid"),
    ({"policy": {"idle_minutes": 0}}, 422, "invalid"),
    ({"title": ""}, 422, "invalid"),
    ({"freelancer_email": "client.a@example.com"}, 422, "offer_to_self"),
    ({"freelancer_email": "client.b@example.com"}, 422, "not_a_freelancer"),
    ({"freelancer_email": "not an email"}, 422, "invalid_email"),
    ({"surprise": 1}, 422, "invalid"),
])
def test_offer_bounds(api: TestClient, world: World, changes: dict, status: int,
                      code: str) -> None:
    response = api.post("/contracts", headers=world.client_a.headers, json={**OFFER, **changes})
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def test_who_may_offer(api: TestClient, world: World, session: Session) -> None:
    offer(api, world.client_a, weekly_limit_hours=None)
    duplicate = api.post("/contracts", headers=world.client_a.headers, json=OFFER)
    assert duplicate.status_code == 409 and duplicate.json()["error"]["code"] == "duplicate_offer"
    by_freelancer = api.post("/contracts", headers=world.freelancer_b.headers,
                             json={**OFFER, "freelancer_email": "free.a@example.com"})
    assert by_freelancer.status_code == 403
    user = users.create_user(session, email="fresh.client@example.com", name="Fresh",
                             role="client", password=PASSWORD, now=NOW, verified=False)
    token = users.issue_token(session, user=user, device_name="t", now=NOW)
    unverified = api.post("/contracts", headers={"Authorization": f"Bearer {token}"},
                          json=OFFER)
    assert unverified.status_code == 403
    assert unverified.json()["error"]["code"] == "email_unverified"


def test_decline_and_withdraw(api: TestClient, world: World, session: Session) -> None:
    first = offer(api, world.client_a)
    declined = api.post(f"/contracts/{first['id']}/decline", headers=world.freelancer_a.headers)
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert json.loads(mails(session, "contract_answered")[0].context)["answer"] == "declined"
    second = offer(api, world.client_a)  # the first is no longer open
    assert api.patch(f"/contracts/{second['id']}", headers=world.client_a.headers,
                     json={"rate": 50}).json()["error"]["code"] == "not_accepted"
    ended = api.post(f"/contracts/{second['id']}/end", headers=world.client_a.headers)
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    late = api.post(f"/contracts/{second['id']}/accept", headers=world.freelancer_a.headers)
    assert late.status_code == 409


def test_terms_apply_from_next_week_and_invoice_each_week_at_its_terms(
        api: TestClient, world: World, app, clock: FakeClock, session: Session) -> None:
    contract = world.contract_a  # 30.00 an hour, no limit
    assert upload(api, world, contract, NOW.replace(hour=9))["billable_minutes"] == 10
    changed = api.patch(f"/contracts/{contract}", headers=world.client_a.headers,
                        json={"rate": "60", "weekly_limit_hours": 0.5})
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["rate_cents"], body["weekly_limit_minutes"]) == (3000, None)  # this week
    assert body["next_terms"] == {"week_start": "2026-11-23", "rate_cents": 6000,
                                  "weekly_limit_minutes": 30}
    assert upload(api, world, contract, NOW.replace(hour=10))["billable_minutes"] == 10
    sheet = api.get(f"/contracts/{contract}/timesheets/2026-11-16",
                    headers=world.client_a.headers).json()
    assert sheet["amount_cents"] == 1000  # 20 minutes at this week's 30.00, not next week's
    clock.advance(7 * 24 * 3600)  # Wednesday of the next week
    next_week = NOW + timedelta(days=7)
    verdicts = [upload(api, world, contract, next_week.replace(hour=h))
                for h in (8, 9, 10, 11)]
    # The new 30-minute limit holds in the new week only.
    assert [v["billable_minutes"] for v in verdicts] == [10, 10, 10, 0]
    assert verdicts[3]["reasons"][0] == "over_weekly_limit"
    close_weeks(session, datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    session.expire_all()
    invoices = {str(i.week_start): (i.rate_cents, i.amount_cents) for i in session.scalars(
        select(Invoice).where(Invoice.contract_id == contract))}
    assert invoices == {"2026-11-16": (3000, 1000), "2026-11-23": (6000, 3000)}
    history = api.get(f"/contracts/{contract}/history", headers=world.freelancer_a.headers)
    [event] = history.json()
    assert event["kind"] == "terms_changed" and event["detail"]["from_week"] == "2026-11-23"
    [told] = mails(session, "contract_changed")
    assert told.to_email == world.freelancer_a.email


def test_policy_versions(api: TestClient, world: World, session: Session,
                         clock: FakeClock) -> None:
    contract = world.contract_a
    changed = api.patch(f"/contracts/{contract}", headers=world.client_a.headers,
                        json={"policy": {"segment_minutes": 15, "blur": True}})
    assert changed.status_code == 200, changed.text
    assert changed.json()["policy_version"] == 2
    assert changed.json()["policy"]["segment_minutes"] == 15
    assert changed.json()["policy"]["screenshots_per_segment"] == 1  # kept
    # A desktop that has not refreshed yet records on the old 10-minute grid: still fine.
    clock.advance(3600)
    old_grid = upload(api, world, contract, NOW.replace(hour=12, minute=10))
    assert old_grid["status"] != "rejected", old_grid
    new_grid = api.post("/segments", headers=world.freelancer_a.headers, json={"segments": [
        wire(world.device.segment(contract, NOW.replace(hour=12, minute=30), minutes=15))]})
    assert new_grid.json()["segments"][0]["status"] != "rejected"
    # Before the change only the old grid counts.
    early = api.post("/segments", headers=world.freelancer_a.headers, json={"segments": [
        wire(world.device.segment(contract, NOW.replace(hour=8, minute=0), minutes=15))]})
    assert early.json()["segments"][0]["reasons"] == ["outside_contract"]
    [event] = api.get(f"/contracts/{contract}/history", headers=world.client_a.headers).json()
    assert event["kind"] == "policy_changed"
    assert event["detail"]["changes"]["segment_minutes"] == {"old": 10, "new": 15}
    same = api.patch(f"/contracts/{contract}", headers=world.client_a.headers,
                     json={"policy": {"segment_minutes": 15}})
    assert same.json()["policy_version"] == 2  # nothing changed, no new version
    assert api.patch(f"/contracts/{contract}", headers=world.freelancer_a.headers,
                     json={"rate": 1}).status_code == 403


def test_pause_resume_end_and_contract_inactive(api: TestClient, world: World,
                                                clock: FakeClock, session: Session) -> None:
    contract = world.contract_a
    paused = api.post(f"/contracts/{contract}/pause", headers=world.client_a.headers)
    assert paused.status_code == 200 and paused.json()["status"] == "paused"
    assert api.post(f"/contracts/{contract}/pause",
                    headers=world.client_a.headers).status_code == 409
    assert api.post(f"/contracts/{contract}/pause",
                    headers=world.freelancer_a.headers).status_code == 403
    # Recorded before the pause, uploaded after: kept. Started after it: refused.
    before = upload(api, world, contract, NOW.replace(hour=11, minute=50))
    assert before["status"] != "rejected"
    clock.advance(30 * 60)
    after = upload(api, world, contract, NOW.replace(hour=12, minute=10))
    assert after == {**after, "status": "rejected", "reasons": ["contract_inactive"]}
    resumed = api.post(f"/contracts/{contract}/resume", headers=world.client_a.headers)
    assert resumed.json()["status"] == "active"
    clock.advance(20 * 60)
    assert upload(api, world, contract, NOW.replace(hour=12, minute=30))["status"] != "rejected"
    ended = api.post(f"/contracts/{contract}/end", headers=world.freelancer_a.headers)
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    clock.advance(20 * 60)
    late = upload(api, world, contract, NOW.replace(hour=13, minute=0))
    assert late["reasons"] == ["contract_inactive"]
    assert api.post(f"/contracts/{contract}/resume",
                    headers=world.client_a.headers).status_code == 409
    kinds = [e["kind"] for e in api.get(f"/contracts/{contract}/history",
                                        headers=world.client_a.headers).json()]
    assert kinds == ["paused", "resumed", "ended"]
    told = [(m.to_email, json.loads(m.context)["change"]) for m in mails(session,
                                                                        "contract_changed")]
    assert told == [(world.freelancer_a.email, "paused"), (world.freelancer_a.email, "resumed"),
                    (world.client_a.email, "ended")]


def test_unverified_freelancer_cannot_accept(api: TestClient, world: World,
                                             session: Session) -> None:
    user = users.create_user(session, email="unverified@example.com", name="U",
                             role="freelancer", password=PASSWORD, now=NOW, verified=False)
    token = users.issue_token(session, user=user, device_name="t", now=NOW)
    made = offer(api, world.client_a, freelancer_email=user.email)
    response = api.post(f"/contracts/{made['id']}/accept",
                        headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403


def test_other_people_see_nothing(api: TestClient, world: World) -> None:
    made = offer(api, world.client_a)
    for path in ("accept", "decline", "pause", "resume", "end"):
        response = api.post(f"/contracts/{made['id']}/{path}", headers=world.client_b.headers)
        assert response.status_code == 404, path
    assert api.patch(f"/contracts/{made['id']}", headers=world.freelancer_b.headers,
                     json={"rate": 1}).status_code == 404
    # make_person and DeviceChain stay importable for the helpers above
    assert make_person and DeviceChain
