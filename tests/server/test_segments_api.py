"""POST /segments and DELETE /segments/{id} through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from fastapi.testclient import TestClient
from server_factories import wire
from server_world import NOW, World

from workdiary.core.model import ScreenshotRef, SegmentKind
from workdiary.testing.devices import DeviceChain

NINE = NOW.replace(hour=9, minute=0)


def upload(api: TestClient, world: World, *segments: object, who: object = None) -> list[dict]:
    person = who or world.freelancer_a
    response = api.post("/segments", headers=person.headers,  # type: ignore[attr-defined]
                        json={"segments": [wire(s) for s in segments]})  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return list(response.json()["segments"])


def test_verdicts_come_back_in_request_order_and_chain_in_seq_order(
        api: TestClient, world: World) -> None:
    segs = [world.device.segment(world.contract_a, NINE + timedelta(minutes=10 * i))
            for i in range(4)]
    verdicts = upload(api, world, *reversed(segs))
    assert [v["id"] for v in verdicts] == [s.id for s in reversed(segs)]
    assert {v["status"] for v in verdicts} == {"protected"}


def test_resend_returns_the_stored_verdict(api: TestClient, world: World) -> None:
    seg = world.device.segment(world.contract_a, NINE, memo="")
    first = upload(api, world, seg)
    again = upload(api, world, seg)
    assert first == again
    assert first[0]["reasons"] == ["no_memo"]


def test_a_different_body_under_a_stored_id_is_a_409_and_stores_nothing(
        api: TestClient, world: World) -> None:
    seg = world.device.segment(world.contract_a, NINE)
    upload(api, world, seg)
    changed = world.device.sign(replace(seg, memo="rewritten"))
    fresh = world.device.segment(world.contract_a, NINE + timedelta(minutes=10))
    response = api.post("/segments", headers=world.freelancer_a.headers,
                        json={"segments": [wire(fresh), wire(changed)]})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "segment_conflict"
    assert seg.id in response.json()["error"]["message"]
    day = api.get(f"/contracts/{world.contract_a}/diary", params={"date": "2026-11-18"},
                  headers=world.freelancer_a.headers).json()
    assert [s["id"] for s in day["segments"]] == [seg.id]


def test_overlap_across_two_contracts_is_rejected(api: TestClient, world: World) -> None:
    on_a = world.device.segment(world.contract_a, NINE)
    on_ab = world.device.segment(world.contract_ab, NINE + timedelta(minutes=5), minutes=5)
    assert upload(api, world, on_a)[0]["status"] == "protected"
    verdict = upload(api, world, on_ab)[0]
    assert verdict["status"] == "rejected" and "overlap" in verdict["reasons"]
    later = world.device.segment(world.contract_ab, NINE + timedelta(minutes=10))
    assert upload(api, world, later)[0]["status"] == "protected"


def test_overlap_within_one_batch(api: TestClient, world: World) -> None:
    one = world.device.segment(world.contract_a, NINE)
    two = world.device.segment(world.contract_ab, NINE)
    verdicts = upload(api, world, one, two)
    assert [v["status"] for v in verdicts] == ["protected", "rejected"]


def test_weekly_limit_cut_across_batches(api: TestClient, world: World, session) -> None:
    from server_factories import set_weekly_limit

    set_weekly_limit(session, world.contract_a, 25)
    segs = [world.device.segment(world.contract_a, NINE + timedelta(minutes=10 * i))
            for i in range(3)]
    upload(api, world, *segs[:2])
    last = upload(api, world, segs[2])[0]
    assert last["billable_minutes"] == 5 and last["over_limit_minutes"] == 5
    assert "over_weekly_limit" in last["reasons"]
    contracts = api.get("/contracts", headers=world.client_a.headers).json()
    assert [c["week_minutes"] for c in contracts if c["id"] == world.contract_a] == [25]


def test_chain_gap_is_unprotected_not_rejected(api: TestClient, world: World) -> None:
    first = world.device.segment(world.contract_a, NINE)
    world.device.segment(world.contract_a, NINE + timedelta(minutes=10))  # never uploaded
    third = world.device.segment(world.contract_a, NINE + timedelta(minutes=20))
    verdicts = upload(api, world, first, third)
    assert verdicts[0]["status"] == "protected"
    assert verdicts[1]["status"] == "unprotected" and verdicts[1]["reasons"] == ["chain_break"]
    assert verdicts[1]["billable_minutes"] == 10


def test_unknown_and_revoked_devices_are_rejected(api: TestClient, world: World) -> None:
    stranger = DeviceChain(device_id="unregistered0000000000000000000")
    assert upload(api, world, stranger.segment(world.contract_a, NINE))[0]["reasons"] == [
        "unknown_device"]
    api.delete(f"/devices/{world.device.device_id}", headers=world.freelancer_a.headers)
    verdict = upload(api, world, world.device.segment(world.contract_a, NINE))[0]
    assert verdict["status"] == "rejected" and "unknown_device" in verdict["reasons"]


def test_another_freelancers_device_or_contract_is_refused(api: TestClient, world: World) -> None:
    verdict = upload(api, world, world.device.segment(world.contract_b, NINE))[0]
    assert verdict["reasons"] == ["outside_contract"]
    # ... and not stored: contract B's client never sees it.
    day = api.get(f"/contracts/{world.contract_b}/diary", params={"date": "2026-11-18"},
                  headers=world.client_b.headers).json()
    assert day["segments"] == []
    nowhere = world.device.segment("no-such-contract", NINE + timedelta(minutes=10))
    assert upload(api, world, nowhere)[0]["reasons"] == ["outside_contract"]
    # Freelancer B uploads with freelancer A's device id (and even A's key): unknown device.
    verdict = upload(api, world, world.device.segment(world.contract_b, NINE),
                     who=world.freelancer_b)[0]
    assert "unknown_device" in verdict["reasons"]


def test_tampered_body_is_a_bad_signature(api: TestClient, world: World) -> None:
    seg = world.device.segment(world.contract_a, NINE)
    body = wire(seg, memo="I was working, honest")
    response = api.post("/segments", headers=world.freelancer_a.headers,
                        json={"segments": [body]})
    assert response.json()["segments"][0]["reasons"] == ["bad_signature"]


def test_missing_screenshot_blob_costs_protection(api: TestClient, world: World) -> None:
    shot = ScreenshotRef(taken_at=NINE, sha256="c" * 64, width=10, height=10, size=10)
    seg = world.device.segment(world.contract_a, NINE, shots=(shot,))
    assert upload(api, world, seg)[0]["reasons"] == ["no_screenshot"]


def test_tombstone_upload_is_stored_as_deleted(api: TestClient, world: World) -> None:
    seg = world.device.segment(world.contract_a, NINE)
    verdict = upload(api, world, world.device.tombstone(seg))[0]
    assert verdict == {"id": seg.id, "status": "rejected", "billable_minutes": 0,
                       "billable_seconds": 0, "over_limit_minutes": 0,
                       "over_limit_seconds": 0, "reasons": ["deleted"]}
    nxt = world.device.segment(world.contract_a, NINE + timedelta(minutes=10))
    assert upload(api, world, nxt)[0]["status"] == "protected"  # the chain stays whole


def test_tombstone_for_an_uploaded_segment_deletes_it(api: TestClient, world: World) -> None:
    seg = world.device.segment(world.contract_a, NINE)
    upload(api, world, seg)
    tomb = world.device.tombstone(seg)
    assert tomb.kind is SegmentKind.TOMBSTONE
    assert upload(api, world, tomb)[0]["reasons"] == ["deleted"]
    assert upload(api, world, tomb)[0]["reasons"] == ["deleted"]  # idempotent
    day = api.get(f"/contracts/{world.contract_a}/diary", params={"date": "2026-11-18"},
                  headers=world.client_a.headers).json()
    # The deletion stays visible as a deletion, with no time, no evidence and no pay.
    (shown,) = day["segments"]
    assert (shown["id"], shown["kind"], shown["status"], shown["reasons"]) == (
        seg.id, "tombstone", "rejected", ["deleted"])
    assert (shown["billable_minutes"], shown["minutes"], shown["screenshots"], shown["memo"]) \
        == (0, [], [], "")
    assert day["totals"]["billable_minutes"] == 0 and day["totals"]["tracked_minutes"] == 0


def test_delete_before_the_lock_and_not_after(api: TestClient, world: World, clock) -> None:
    seg = world.device.segment(world.contract_a, NINE)
    upload(api, world, seg)
    assert api.get(f"/screenshots/{seg.screenshots[0].sha256}",
                   headers=world.client_a.headers).status_code == 200
    other = api.delete(f"/segments/{seg.id}", headers=world.freelancer_b.headers)
    assert other.status_code == 404
    assert api.delete(f"/segments/{seg.id}", headers=world.freelancer_a.headers).status_code == 204
    # The screenshot went with it: nobody can fetch it any more.
    assert api.get(f"/screenshots/{seg.screenshots[0].sha256}",
                   headers=world.client_a.headers).status_code == 404
    late = world.device.segment(world.contract_a, NINE + timedelta(minutes=10))
    upload(api, world, late)
    clock.advance(6 * 24 * 3600)  # Tuesday after the week: locked
    response = api.delete(f"/segments/{late.id}", headers=world.freelancer_a.headers)
    assert response.status_code == 409 and response.json()["error"]["code"] == "week_locked"


def test_upload_after_the_lock_is_rejected(api: TestClient, world: World, clock) -> None:
    clock.advance(5 * 24 * 3600 + 1)  # Monday 12:00:01 after the week
    verdict = upload(api, world, world.device.segment(world.contract_a, NINE))[0]
    assert verdict["reasons"] == ["week_locked"]


def test_future_segment_is_rejected(api: TestClient, world: World) -> None:
    verdict = upload(api, world, world.device.segment(world.contract_a, NOW + timedelta(hours=1)))
    assert verdict[0]["reasons"] == ["future"]


def test_clients_cannot_upload(api: TestClient, world: World) -> None:
    seg = world.device.segment(world.contract_a, NINE)
    response = api.post("/segments", headers=world.client_a.headers,
                        json={"segments": [wire(seg)]})
    assert response.status_code == 403


def test_concurrent_overlapping_uploads_bill_once(api: TestClient, world: World) -> None:
    import threading

    second = DeviceChain(device_id="deviceb0000000000000000000000002",
                         default_sha=world.shot)
    api.post("/devices", headers=world.freelancer_a.headers,
             json={"name": "desktop", "public_key": second.public_key,
                   "device_id": second.device_id})
    batches = [[world.device.segment(world.contract_a, NINE + timedelta(minutes=10 * i))
                for i in range(6)],
               [second.segment(world.contract_ab, NINE + timedelta(minutes=10 * i))
                for i in range(6)]]
    barrier = threading.Barrier(2)
    verdicts: list[dict] = []

    def send(batch: list) -> None:  # type: ignore[type-arg]
        barrier.wait()
        response = api.post("/segments", headers=world.freelancer_a.headers,
                            json={"segments": [wire(s) for s in batch]})
        verdicts.extend(response.json()["segments"])

    threads = [threading.Thread(target=send, args=(b,)) for b in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    billed = [v for v in verdicts if v["status"] != "rejected"]
    assert len(verdicts) == 12
    assert sum(v["billable_minutes"] for v in billed) == 60  # one hour, billed once


def test_minutes_measured_from_idle_time_are_verified_and_kept(
        api: TestClient, world: World) -> None:
    from workdiary.core.canonical import segment_to_dict
    from workdiary.core.model import ActivitySource, MinuteRecord

    plain = world.device.segment(world.contract_a, NINE)
    idle_minutes = tuple(
        MinuteRecord(at=m.at, active_seconds=40, source=ActivitySource.IDLE_MONITOR)
        for m in plain.minutes)
    seg = world.device.sign(replace(plain, minutes=idle_minutes))
    assert upload(api, world, seg)[0]["status"] == "protected"
    assert all(m["source"] == "idle_monitor" for m in segment_to_dict(seg)["minutes"])

    bad = wire(world.device.segment(world.contract_a, NINE + timedelta(minutes=10)))
    bad["minutes"][0].update(source="idle_monitor")  # with its key counts: not idle-measured
    response = api.post("/segments", headers=world.freelancer_a.headers,
                        json={"segments": [bad]})
    assert response.status_code == 422
    assert "idle time carries no input counts" in response.text
    unknown = wire(world.device.segment(world.contract_a, NINE + timedelta(minutes=20)))
    unknown["minutes"][0]["source"] = "guesswork"
    assert api.post("/segments", headers=world.freelancer_a.headers,
                    json={"segments": [unknown]}).status_code == 422


def test_a_batch_as_desktops_write_it_is_not_read_by_pydantic(
        api: TestClient, world: World, monkeypatch) -> None:
    """The direct reader (api/segment_wire.py) takes it; pydantic would refuse it here."""
    from workdiary.server.api.segment_schemas import SegmentBatch

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("pydantic read a canonical batch")

    monkeypatch.setattr(SegmentBatch, "model_validate_json", refuse)
    segs = [world.device.segment(world.contract_a, NINE + timedelta(minutes=10 * i))
            for i in range(3)]
    assert {v["status"] for v in upload(api, world, *segs)} == {"protected"}


def test_another_spelling_of_the_same_segment_is_stored_in_canonical_form(
        api: TestClient, world: World, session) -> None:
    """Times with an offset, a count as a float: pydantic reads them; the stored body is the
    canonical one the device signed, so the segment stays protected and a resend matches."""
    from workdiary.server.models import SegmentRow

    seg = world.device.segment(world.contract_a, NINE)
    other = wire(seg, start=wire(seg)["start"].replace("Z", "+00:00"))
    other["minutes"][0]["keys"] = float(other["minutes"][0]["keys"])
    response = api.post("/segments", headers=world.freelancer_a.headers,
                        json={"segments": [other]})
    assert response.status_code == 200 and response.json()["segments"][0]["status"] == "protected"
    assert session.get(SegmentRow, seg.id).body == wire(seg)
    assert upload(api, world, seg)[0]["status"] == "protected"  # the resend: the same body
