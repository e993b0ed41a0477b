"""Manual time and memo edits on the server: PUT /segments/{id} until the lock (then 409
week_locked), the "edited" mark in the read model, and manual segments' verdicts."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from fastapi.testclient import TestClient
from server_factories import wire
from server_world import NOW, World
from sqlalchemy.orm import Session

from workdiary.core.model import Policy, SegmentKind
from workdiary.server.models import AuditEntry
from workdiary.server.services import contracts

NINE = NOW.replace(hour=9, minute=0)


def _upload(api: TestClient, world: World, *segments):  # type: ignore[no-untyped-def]
    response = api.post("/segments", headers=world.freelancer_a.headers,
                        json={"segments": [wire(s) for s in segments]})
    assert response.status_code == 200, response.text
    return response.json()["segments"]


def _diary_segment(api: TestClient, world: World, contract_id: str, segment_id: str) -> dict:
    diary = api.get(f"/contracts/{contract_id}/diary", params={"date": "2026-11-18"},
                    headers=world.client_a.headers if contract_id == world.contract_a
                    else world.client_b.headers).json()
    return next(s for s in diary["segments"] if s["id"] == segment_id)


def test_a_memo_edit_replaces_the_record_and_shows_edited(
        api: TestClient, world: World, session: Session) -> None:
    segment = world.device.segment(world.contract_a, NINE, memo="")
    (verdict,) = _upload(api, world, segment)
    assert "no_memo" in verdict["reasons"]
    before = _diary_segment(api, world, world.contract_a, segment.id)
    assert before["memo_edited"] is False

    edited = world.device.sign(replace(segment, memo="wrote the importer"))
    response = api.put(f"/segments/{segment.id}", headers=world.freelancer_a.headers,
                       json=wire(edited))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["memo"] == "wrote the importer" and body["memo_edited"] is True
    assert body["status"] == "protected" and body["reasons"] == []
    shown = _diary_segment(api, world, world.contract_a, segment.id)
    assert shown["memo"] == "wrote the importer" and shown["memo_edited"] is True
    assert shown["status"] == "protected"
    # The newest record is the stored one: sending it again (PUT or POST) changes nothing.
    again = api.put(f"/segments/{segment.id}", headers=world.freelancer_a.headers,
                    json=wire(edited))
    assert again.status_code == 200 and again.json()["memo_edited"] is True
    assert _upload(api, world, edited)[0]["status"] == "protected"
    # Emptying it again costs protection (no_memo), not pay.
    emptied = world.device.sign(replace(segment, memo=""))
    response = api.put(f"/segments/{segment.id}", headers=world.freelancer_a.headers,
                       json=wire(emptied))
    assert response.json()["status"] == "unprotected"
    assert response.json()["reasons"] == ["no_memo"]
    assert response.json()["billable_minutes"] == 10
    actions = [e.action for e in session.query(AuditEntry).all()]
    assert actions.count("segment.memo_edited") == 2


def test_only_the_memo_may_change_and_only_by_the_device(api: TestClient, world: World) -> None:
    segment = world.device.segment(world.contract_a, NINE)
    _upload(api, world, segment)
    longer = world.device.sign(replace(segment, memo="x", end=segment.end + timedelta(minutes=1)))
    response = api.put(f"/segments/{segment.id}", headers=world.freelancer_a.headers,
                       json=wire(longer))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "not_a_memo_edit"
    unsigned = replace(segment, memo="forged")
    response = api.put(f"/segments/{segment.id}", headers=world.freelancer_a.headers,
                       json=wire(unsigned))
    assert response.status_code == 422 and response.json()["error"]["code"] == "bad_signature"
    other = world.device.sign(replace(segment, memo="x"))
    response = api.put("/segments/another-id", headers=world.freelancer_a.headers,
                       json=wire(other))
    assert response.status_code == 422 and response.json()["error"]["code"] == "id_mismatch"
    too_long = wire(world.device.sign(replace(segment, memo="m" * 2001)))
    response = api.put(f"/segments/{segment.id}", headers=world.freelancer_a.headers,
                       json=too_long)
    assert response.status_code == 422


def test_after_the_lock_a_memo_edit_is_409_week_locked(
        api: TestClient, world: World, clock) -> None:  # type: ignore[no-untyped-def]
    segment = world.device.segment(world.contract_a, NINE)
    _upload(api, world, segment)
    clock.advance((5 * 24 + 1) * 3600)  # Monday 2026-11-23 13:00 UTC: locked at 12:00
    edited = world.device.sign(replace(segment, memo="too late"))
    response = api.put(f"/segments/{segment.id}", headers=world.freelancer_a.headers,
                       json=wire(edited))
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "week_locked"
    assert "2026-11-23 12:00 UTC" in error["message"] and "can no longer change" in error["message"]
    assert _diary_segment(api, world, world.contract_a, segment.id)["memo"] == "worked on it"


def test_a_deleted_segment_has_no_memo_to_edit(api: TestClient, world: World) -> None:
    segment = world.device.segment(world.contract_a, NINE)
    _upload(api, world, segment)
    assert api.delete(f"/segments/{segment.id}",
                      headers=world.freelancer_a.headers).status_code == 204
    edited = world.device.sign(replace(segment, memo="x"))
    response = api.put(f"/segments/{segment.id}", headers=world.freelancer_a.headers,
                       json=wire(edited))
    assert response.status_code == 409 and response.json()["error"]["code"] == "segment_deleted"


def test_manual_time_is_unprotected_only_where_the_policy_allows_it(
        api: TestClient, world: World, session: Session) -> None:
    manual_ok = contracts.create_contract(
        session, client_email=world.client_a.email, freelancer_email=world.freelancer_a.email,
        title="Manual allowed", rate_cents=3000, now=NOW, policy=Policy(allow_manual=True))
    allowed = world.device.segment(manual_ok.id, NINE, kind=SegmentKind.MANUAL, memo="call")
    refused = world.device.segment(world.contract_a, NINE + timedelta(minutes=10),
                                   kind=SegmentKind.MANUAL, memo="call")
    over_it = world.device.segment(world.contract_a, NINE + timedelta(minutes=2), minutes=5)
    verdicts = _upload(api, world, allowed, refused, over_it)
    assert verdicts[0]["status"] == "unprotected" and verdicts[0]["reasons"] == ["manual"]
    assert verdicts[0]["billable_minutes"] == 10
    assert verdicts[1]["status"] == "rejected" and "outside_contract" in verdicts[1]["reasons"]
    assert verdicts[2]["status"] == "rejected" and "overlap" in verdicts[2]["reasons"]
    diary = api.get(f"/contracts/{manual_ok.id}/diary", params={"date": "2026-11-18"},
                    headers=world.client_a.headers).json()
    (shown,) = diary["segments"]
    assert shown["kind"] == "manual" and shown["screenshots"] == [] and shown["minutes"] == []
