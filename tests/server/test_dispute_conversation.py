"""Dispute conversations over the API: messages, accept, contest, escalation by the weekly job,
an admin's decision paid or refunded through the ledger; mails queued and audit entries."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from server_factories import wire
from server_world import NOW, Person, World, make_person
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from workdiary.server.models import AuditEntry, LedgerEntry, MailRow
from workdiary.server.services.weeks import close_weeks

NINE = NOW.replace(hour=9, minute=0)
WEEK = "2026-11-16"
LOCK = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
REVIEW_END = datetime(2026, 11, 27, 23, 59, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@pytest.fixture
def admin(session: Session, world: World) -> Person:
    return make_person(session, "admin@example.com", "admin")


def at(clock, moment: datetime) -> None:
    """Move the app's fake clock forward to ``moment``."""
    clock.advance((moment - clock.now()).total_seconds())


def close(app, at: datetime) -> dict[str, int]:
    with app.state.sessionmaker() as db:
        return close_weeks(db, at).to_dict()


def locked_week(api: TestClient, world: World, app, clock) -> list[str]:
    """Six protected 10-minute segments (60 min at 30.00/h), the week locked and invoiced."""
    segs = [world.device.segment(world.contract_a, NINE + timedelta(minutes=10 * i))
            for i in range(6)]
    response = api.post("/segments", headers=world.freelancer_a.headers,
                        json={"segments": [wire(s) for s in segs]})
    assert response.status_code == 200, response.text
    assert close(app, LOCK)["invoiced"] == 1
    at(clock, LOCK + timedelta(hours=1))
    return [s.id for s in segs]


def dispute(api: TestClient, world: World, segment_ids: list[str]) -> str:
    made = api.post(f"/contracts/{world.contract_a}/disputes", headers=world.client_a.headers,
                    json={"segment_ids": segment_ids, "reason": "not my project"})
    assert made.status_code == 201, made.text
    assert made.json()["state"] == "open"
    return str(made.json()["id"])


def invoice(api: TestClient, world: World) -> dict:
    sheet = api.get(f"/contracts/{world.contract_a}/timesheets/{WEEK}",
                    headers=world.client_a.headers)
    return dict(sheet.json()["invoice"])


def ledger(session: Session) -> list[tuple[str, int, int]]:
    session.expire_all()
    return [(e.account, e.entry_no, e.amount_cents) for e in session.scalars(
        select(LedgerEntry).order_by(LedgerEntry.entry_no, LedgerEntry.account))]


def mails(session: Session, kind: str) -> list[tuple[str, dict]]:
    session.expire_all()
    return [(m.to_email, json.loads(m.context)) for m in session.scalars(
        select(MailRow).where(MailRow.kind == kind).order_by(MailRow.created_at, MailRow.id))]


def actions(session: Session, subject_id: str) -> list[tuple[str, str | None]]:
    session.expire_all()
    return [(e.action, e.actor_id) for e in session.scalars(
        select(AuditEntry).where(AuditEntry.subject_id == subject_id).order_by(AuditEntry.id))]


def test_conversation_then_the_freelancer_accepts(api: TestClient, world: World, app, clock,
                                                  session: Session, admin: Person) -> None:
    ids = locked_week(api, world, app, clock)
    dispute_id = dispute(api, world, ids[:2])
    assert invoice(api, world)["amount_cents"] == 2000
    # The keys of the mail's template (docs/design.md "Mail"): two 10-minute segments disputed.
    assert mails(session, "dispute_opened") == [(world.freelancer_a.email, {
        "dispute_id": dispute_id, "title": "Contract A", "week_start": WEEK,
        "state": "open", "by_name": "Client.A", "reason": "not my project",
        "disputed_seconds": 1200, "link": f"/disputes/{dispute_id}"})]

    url = f"/disputes/{dispute_id}"
    said = api.post(f"{url}/messages", headers=world.client_a.headers,
                    json={"text": "  I never asked for this module.  "})
    assert said.status_code == 201, said.text
    clock.advance(60)
    answer = api.post(f"{url}/messages", headers=world.freelancer_a.headers,
                      json={"text": "It was in the brief of 12 November."})
    assert answer.status_code == 201
    view = api.get(url, headers=world.freelancer_a.headers).json()
    assert [(m["author_side"], m["text"]) for m in view["messages"]] == [
        ("client", "I never asked for this module."),
        ("freelancer", "It was in the brief of 12 November.")]
    assert (view["state"], view["billable_minutes"], view["amount_cents"]) == ("open", 20, 1000)
    assert view["can"] == {"message": True, "accept": True, "contest": True, "withdraw": False,
                           "decide": False}
    assert [(to, c["message"]) for to, c in mails(session, "dispute_message")] == [
        (world.freelancer_a.email, "I never asked for this module."),
        (world.client_a.email, "It was in the brief of 12 November.")]
    assert not {"text", "reason", "note"} & set(mails(session, "dispute_message")[0][1])

    # Strangers do not learn it exists; an admin reads it but writes nothing but a decision.
    assert api.get(url, headers=world.client_b.headers).status_code == 404
    assert api.get(url, headers=admin.headers).json()["can"]["decide"] is False
    assert api.post(f"{url}/messages", headers=admin.headers,
                    json={"text": "hi"}).status_code == 403
    # Bounded text: empty and too long are refused, nothing stored.
    for bad in ("   ", "x" * 4001):
        refused = api.post(f"{url}/messages", headers=world.client_a.headers, json={"text": bad})
        assert refused.status_code == 422, refused.text
    assert api.post(f"{url}/accept", headers=world.client_a.headers).status_code == 403

    accepted = api.post(f"{url}/accept", headers=world.freelancer_a.headers)
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    assert api.post(f"{url}/accept", headers=world.freelancer_a.headers).status_code == 200
    assert invoice(api, world)["amount_cents"] == 2000
    for late in (api.post(f"{url}/messages", headers=world.client_a.headers, json={"text": "x"}),
                 api.delete(f"/contracts/{world.contract_a}/disputes/{dispute_id}",
                            headers=world.client_a.headers),
                 api.post(f"{url}/contest", headers=world.freelancer_a.headers)):
        assert late.status_code == 409 and late.json()["error"]["code"] == "dispute_closed"
    # The accepted time never comes back: the week pays 40 minutes, after review too.
    assert close(app, REVIEW_END)["paid"] == 1
    assert close(app, REVIEW_END + timedelta(days=9)) == {
        "invoiced": 0, "approved": 0, "paid": 0, "escalated": 0}
    assert ledger(session) == [("client", 1, -2000), ("freelancer", 1, 2000)]
    assert actions(session, dispute_id) == [
        ("dispute.opened", world.client_a.id), ("dispute.message", world.client_a.id),
        ("dispute.message", world.freelancer_a.id), ("dispute.accepted", world.freelancer_a.id)]


@pytest.mark.parametrize("outcome", ["pay", "refund"])
def test_contested_escalated_then_decided(api: TestClient, world: World, app, clock,
                                          session: Session, admin: Person, outcome: str) -> None:
    ids = locked_week(api, world, app, clock)
    dispute_id = dispute(api, world, ids[:2])
    url = f"/disputes/{dispute_id}"
    assert api.post(f"{url}/contest", headers=world.client_a.headers).status_code == 403
    contested = api.post(f"{url}/contest", headers=world.freelancer_a.headers).json()
    assert contested["state"] == "contested"
    # Contested on Monday: the client keeps until the review deadline to withdraw.
    assert contested["escalate_at"] == "2026-11-27T23:59:00Z"
    assert close(app, REVIEW_END - SECOND)["escalated"] == 0
    # At the deadline the week is approved and paid without the disputed 20 minutes, and
    # the dispute goes to the admins (once, however often the job runs).
    assert close(app, REVIEW_END) == {"invoiced": 0, "approved": 1, "paid": 1, "escalated": 1}
    assert close(app, REVIEW_END + SECOND)["escalated"] == 0
    assert ledger(session) == [("client", 1, -2000), ("freelancer", 1, 2000)]
    at(clock, REVIEW_END + timedelta(hours=1))
    queue = api.get("/admin/disputes", params={"state": "escalated"}, headers=admin.headers)
    assert [d["id"] for d in queue.json()] == [dispute_id]

    body = {"outcome": outcome, "note": "the brief names the module"}
    for who in (world.client_a, world.freelancer_a):
        assert api.post(f"{url}/decision", headers=who.headers, json=body).status_code == 403
    assert api.post(f"{url}/decision", headers=admin.headers,
                    json={"outcome": "split", "note": "x"}).status_code == 422
    decided = api.post(f"{url}/decision", headers=admin.headers, json=body)
    assert decided.status_code == 200, decided.text
    assert (decided.json()["state"], decided.json()["decision_note"]) == (
        f"decided_{outcome}", "the brief names the module")
    again = api.post(f"{url}/decision", headers=admin.headers, json=body)
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_escalated"

    report = close(app, REVIEW_END + timedelta(hours=2))
    if outcome == "pay":  # the disputed 20 minutes at 30.00/h, as a second ledger entry
        assert report["paid"] == 1
        assert ledger(session) == [("client", 1, -2000), ("freelancer", 1, 2000),
                                   ("client", 2, -1000), ("freelancer", 2, 1000)]
        assert (invoice(api, world)["amount_cents"], invoice(api, world)["paid_cents"]) == (
            3000, 3000)
    else:  # the client keeps it
        assert report["paid"] == 0
        assert ledger(session) == [("client", 1, -2000), ("freelancer", 1, 2000)]
        assert invoice(api, world)["amount_cents"] == 2000
    assert sorted(to for to, _ in mails(session, "dispute_decided")) == sorted(
        [world.client_a.email, world.freelancer_a.email])
    assert {c["outcome"] for _, c in mails(session, "dispute_decided")} == {outcome}
    assert all("note" in c and "reason" not in c and "message" not in c
               for _, c in mails(session, "dispute_decided"))
    assert actions(session, dispute_id) == [
        ("dispute.opened", world.client_a.id), ("dispute.contested", world.freelancer_a.id),
        ("dispute.escalated", None), ("dispute.decided", admin.id)]


def test_a_late_contest_leaves_the_client_three_days(api: TestClient, world: World, app,
                                                     clock, admin: Person) -> None:
    ids = locked_week(api, world, app, clock)
    dispute_id = dispute(api, world, ids[:1])
    at(clock, REVIEW_END - timedelta(hours=1))
    contested = api.post(f"/disputes/{dispute_id}/contest", headers=world.freelancer_a.headers)
    assert contested.json()["escalate_at"] == "2026-11-30T22:59:00Z"
    assert close(app, REVIEW_END)["escalated"] == 0
    # Withdrawn in time: no admin is needed, and the time is paid.
    at(clock, REVIEW_END + timedelta(days=1))
    gone = api.delete(f"/contracts/{world.contract_a}/disputes/{dispute_id}",
                      headers=world.client_a.headers)
    assert gone.status_code == 204
    assert close(app, REVIEW_END + timedelta(days=4))["escalated"] == 0
    view = api.get(f"/disputes/{dispute_id}", headers=admin.headers).json()
    assert view["state"] == "withdrawn"
    assert invoice(api, world)["paid_cents"] == 3000


def test_an_admin_sees_screenshots_only_while_deciding(api: TestClient, world: World, app,
                                                       clock, admin: Person) -> None:
    ids = locked_week(api, world, app, clock)
    dispute_id = dispute(api, world, ids[:1])
    diary = api.get(f"/contracts/{world.contract_a}/diary", params={"date": "2026-11-18"},
                    headers=world.client_a.headers).json()
    first = next(seg for seg in diary["segments"] if seg["id"] == ids[0])
    other = next(seg for seg in diary["segments"] if seg["id"] == ids[1])
    shot = f"/screenshots/{first['screenshots'][0]['sha256']}"
    undisputed = f"/screenshots/{other['screenshots'][0]['sha256']}"
    assert api.get(shot, headers=admin.headers).status_code == 404
    api.post(f"/disputes/{dispute_id}/contest", headers=world.freelancer_a.headers)
    close(app, REVIEW_END)
    assert api.get(shot, headers=admin.headers).status_code == 200
    assert api.get(undisputed, headers=admin.headers).status_code == 404
    api.post(f"/disputes/{dispute_id}/decision", headers=admin.headers,
             json={"outcome": "refund", "note": "no evidence of the module"})
    assert api.get(shot, headers=admin.headers).status_code == 404
    assert api.get(shot, headers=world.client_a.headers).status_code == 200


def test_admin_users_contracts_and_audit(api: TestClient, world: World, session: Session,
                                         admin: Person) -> None:
    listed = api.get("/admin/users", headers=admin.headers)
    assert listed.status_code == 200
    assert {u["email"] for u in listed.json()} == {
        world.client_a.email, world.freelancer_a.email, world.client_b.email,
        world.freelancer_b.email, admin.email}
    assert api.get("/admin/users", headers=world.client_a.headers).status_code == 403

    out = api.post(f"/admin/users/{world.freelancer_b.id}/disable", headers=admin.headers)
    assert out.status_code == 200 and out.json()["disabled"] is True
    assert api.get("/me", headers=world.freelancer_b.headers).status_code == 401
    back = api.post(f"/admin/users/{world.freelancer_b.id}/enable", headers=admin.headers)
    assert back.json()["disabled"] is False
    itself = api.post(f"/admin/users/{admin.id}/disable", headers=admin.headers)
    assert itself.status_code == 409 and itself.json()["error"]["code"] == "cannot_disable_self"
    assert api.post("/admin/users/nobody/disable", headers=admin.headers).status_code == 404

    contracts = api.get("/admin/contracts", headers=admin.headers).json()
    assert {(c["title"], c["client_name"], c["freelancer_name"]) for c in contracts} == {
        ("Contract A", "Client.A", "Free.A"), ("Contract B", "Client.B", "Free.B"),
        ("Contract AB", "Client.B", "Free.A")}
    bad = api.get("/admin/disputes", params={"state": "nonsense"}, headers=admin.headers)
    assert bad.status_code == 404

    first = api.get("/admin/audit", params={"limit": 1}, headers=admin.headers).json()
    assert [(e["action"], e["actor_name"]) for e in first["entries"]] == [
        ("user.enabled", "Admin")]
    older = api.get("/admin/audit", params={"limit": 1, "before_id": first["next_before_id"]},
                    headers=admin.headers).json()
    assert [(e["action"], e["subject_id"]) for e in older["entries"]] == [
        ("user.disabled", world.freelancer_b.id)]
    assert api.get("/admin/audit", params={"limit": 501},
                   headers=admin.headers).status_code == 422


def test_an_admin_cannot_clock_in_or_see_diaries(api: TestClient, world: World,
                                                 admin: Person) -> None:
    seg = world.device.segment(world.contract_a, NINE)
    assert api.post("/segments", headers=admin.headers,
                    json={"segments": [wire(seg)]}).status_code == 403
    assert api.get("/contracts", headers=admin.headers).json() == []
    assert api.get(f"/contracts/{world.contract_a}/timesheets/{WEEK}",
                   headers=admin.headers).status_code == 404
    assert api.get("/me", headers=admin.headers).json()["role"] == "admin"


@pytest.mark.postgres
def test_postgres_refuses_to_change_the_audit_log(api: TestClient, world: World,
                                                  session: Session, admin: Person,
                                                  database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the append-only trigger is PostgreSQL's")
    api.post(f"/admin/users/{world.freelancer_b.id}/disable", headers=admin.headers)
    for statement in ("UPDATE audit_log SET action = 'user.enabled'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement))
        session.rollback()
    assert session.scalar(text("SELECT count(*) FROM audit_log")) == 1
