"""The diary read model's rules: tombstones stay visible and bill nothing; what may be disputed.

Service-level tests (``services.diary``, ``services.timesheet``, ``services.disputes``) on
SQLite and PostgreSQL; the segments arrive through the API as the desktop sends them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from server_factories import wire
from server_world import NOW, World
from sqlalchemy.orm import Session

from workdiary.server.errors import Conflict, NotFound, Unprocessable
from workdiary.server.models import User
from workdiary.server.services import disputes, timesheet
from workdiary.server.services.diary import get_diary
from workdiary.server.services.weeks import close_weeks

NINE = NOW.replace(hour=9, minute=0)
WEEK = NOW.date() - timedelta(days=NOW.weekday())
IN_REVIEW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # the week of 2026-11-16 locks
REVIEW_END = datetime(2026, 11, 27, 23, 59, tzinfo=UTC)


def upload(api: TestClient, world: World, *segments) -> list[dict]:  # type: ignore[no-untyped-def]
    response = api.post("/segments", headers=world.freelancer_a.headers,
                        json={"segments": [wire(s) for s in segments]})
    assert response.status_code == 200, response.text
    return list(response.json()["segments"])


def day_with_a_deletion(api: TestClient, world: World) -> dict[str, str]:
    """Contract A on Wednesday: full, partial and deleted segments stored; a forged one refused."""
    full = world.device.segment(world.contract_a, NINE)
    partial = world.device.segment(world.contract_a, NINE + timedelta(minutes=10), minutes=4)
    deleted = world.device.segment(world.contract_a, NINE + timedelta(minutes=20))
    upload(api, world, full, partial, deleted)
    assert api.delete(f"/segments/{deleted.id}",
                      headers=world.freelancer_a.headers).status_code == 204
    # A copy under another id with a broken signature: answered `rejected`, never stored (it
    # must not hold its device's chain position: docs/design.md, "Unauthenticated records").
    forged = world.device.segment(world.contract_a, NINE + timedelta(minutes=30))
    verdict = api.post("/segments", headers=world.freelancer_a.headers,
                       json={"segments": [wire(forged, memo="changed after signing")]})
    assert verdict.json()["segments"][0]["status"] == "rejected"
    return {"full": full.id, "partial": partial.id, "deleted": deleted.id,
            "rejected": forged.id}


def user(session: Session, person_id: str) -> User:
    session.expire_all()
    found = session.get(User, person_id)
    assert found is not None
    return found


def test_a_tombstone_is_in_the_read_model_and_bills_nothing(
        api: TestClient, world: World, session: Session) -> None:
    ids = day_with_a_deletion(api, world)
    client = user(session, world.client_a.id)
    day = get_diary(session, user=client, contract_id=world.contract_a, day=NINE.date())
    by_id = {s.id: s for s in day.segments}
    assert list(by_id) == [ids["full"], ids["partial"], ids["deleted"]]
    tomb = by_id[ids["deleted"]]
    assert tomb.deleted and tomb.billable_minutes == 0 and tomb.tracked_minutes == 0
    assert tomb.screenshots == () and tomb.memo == ""
    assert tomb.to_dict()["kind"] == "tombstone" and tomb.to_dict()["reasons"] == ["deleted"]
    assert (day.totals.segments, day.totals.tracked_minutes, day.totals.billable_minutes) == \
        (3, 14, 14)
    assert day.totals.by_status == {"protected": 2, "rejected": 1}
    assert day.undisputed_cents == 700  # 14 minutes at 30.00/h

    sheet = timesheet.get_timesheet(session, user=client, contract_id=world.contract_a,
                                    week_start=WEEK, now=NOW)
    assert ids["deleted"] in [s.id for s in sheet.segments]
    assert sheet.day_minutes == [0, 0, 14, 0, 0, 0, 0]
    wednesday = sheet.days[2]
    assert (wednesday.tracked_minutes, wednesday.billable_minutes, wednesday.amount_cents) == \
        (14, 14, 700)
    assert sheet.amount_cents == 700


def test_the_api_shows_the_tombstone_in_diary_and_timesheet(
        api: TestClient, world: World) -> None:
    ids = day_with_a_deletion(api, world)
    diary = api.get(f"/contracts/{world.contract_a}/diary", params={"date": "2026-11-18"},
                    headers=world.client_a.headers).json()
    shown = {s["id"]: s for s in diary["segments"]}
    assert shown[ids["deleted"]]["kind"] == "tombstone"
    assert (shown[ids["deleted"]]["billable_minutes"], shown[ids["deleted"]]["minutes"],
            shown[ids["deleted"]]["screenshots"]) == (0, [], [])
    assert ids["rejected"] not in shown
    assert diary["totals"] == {"segments": 3, "billable_minutes": 14, "tracked_minutes": 14,
                               "billable_seconds": 840, "tracked_seconds": 840,
                               "active_minutes": 14}
    sheet = api.get(f"/contracts/{world.contract_a}/timesheets/2026-11-16",
                    headers=world.client_a.headers).json()
    assert [s["kind"] for s in sheet["segments"]] == ["tracked", "tracked", "tombstone"]
    assert sheet["billable_minutes"] == 14 and sheet["amount_cents"] == 700
    assert sheet["billable_seconds"] == 840 and sheet["day_seconds"][2] == 840


def test_only_the_client_may_dispute_and_only_what_bills_in_a_week_in_review(
        api: TestClient, world: World, session: Session) -> None:
    ids = day_with_a_deletion(api, world)
    client, freelancer = user(session, world.client_a.id), user(session, world.freelancer_a.id)

    def offered(who: User, now: datetime) -> set[str]:
        day = get_diary(session, user=who, contract_id=world.contract_a, day=NINE.date())
        return disputes.disputable_segment_ids(
            session, user=who, contract_id=world.contract_a,
            segments=[s.row for s in day.segments], now=now)

    assert offered(client, NOW) == set()  # the week is still open: nothing is invoiced yet
    close_weeks(session, IN_REVIEW)
    assert offered(client, IN_REVIEW) == {ids["full"], ids["partial"]}
    assert offered(freelancer, IN_REVIEW) == set()
    with pytest.raises(NotFound):
        offered(user(session, world.client_b.id), IN_REVIEW)

    # What is not offered is refused by create_dispute too.
    with pytest.raises(Unprocessable) as refused:
        disputes.create_dispute(session, user=client, contract_id=world.contract_a,
                                segment_ids=[ids["deleted"]], reason="gone", now=IN_REVIEW)
    assert refused.value.code == "segment_deleted"
    disputes.create_dispute(session, user=client, contract_id=world.contract_a,
                            segment_ids=[ids["full"]], reason="not our project", now=IN_REVIEW)
    assert offered(client, IN_REVIEW) == {ids["partial"]}  # already disputed: not again
    assert offered(client, REVIEW_END) == set()  # the review is over at its deadline
    with pytest.raises(Conflict) as late:
        disputes.create_dispute(session, user=client, contract_id=world.contract_a,
                                segment_ids=[ids["partial"]], reason="late", now=REVIEW_END)
    assert late.value.code == "review_over"


def test_segments_of_another_contract_are_never_offered(
        api: TestClient, world: World, session: Session) -> None:
    ids = day_with_a_deletion(api, world)
    upload(api, world, world.device.segment(world.contract_ab, NINE + timedelta(hours=2)))
    close_weeks(session, IN_REVIEW)
    client_b = user(session, world.client_b.id)
    other_day = get_diary(session, user=user(session, world.client_a.id),
                          contract_id=world.contract_a, day=NINE.date())
    # Client B passes contract A's rows under contract AB: none of them is offered.
    assert disputes.disputable_segment_ids(
        session, user=client_b, contract_id=world.contract_ab,
        segments=[s.row for s in other_day.segments], now=IN_REVIEW) == set()
    assert ids["full"] in {s.id for s in other_day.segments}
