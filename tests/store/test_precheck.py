"""The desktop pre-check foresees the server's verdict from the cache."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from workdiary.core.model import MinuteRecord, Reason, ScreenshotRef, Status
from workdiary.desktop.diary import day_view
from workdiary.store import LocalStore
from workdiary.store.precheck import precheck_segment
from workdiary.testing.images import make_jpeg

START = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # a Wednesday


def record(store: LocalStore, segment_id: str, contract_id: str, start: datetime, *,
           memo: str = "", active: bool = True, shot: bool = True, minutes: int = 10) -> Any:
    store.start_segment(segment_id, contract_id, start, start + timedelta(minutes=minutes), memo)
    for i in range(minutes):
        store.add_minute(segment_id, MinuteRecord(at=start + timedelta(minutes=i),
                                                  keys=5 if active else 0,
                                                  active_seconds=20 if active else 0))
    if shot:
        data = make_jpeg(10, 10)
        ref = ScreenshotRef(taken_at=start + timedelta(minutes=2),
                            sha256=hashlib.sha256(data).hexdigest(), width=10, height=10,
                            size=len(data))
        store.add_screenshot(segment_id, ref, jpeg=data, thumbnail=data)
    return store.close_segment(segment_id, start + timedelta(minutes=minutes))


def test_precheck_names_what_costs_protection(tmp_path: Path, make_contract: Any) -> None:
    store = LocalStore(tmp_path / "db.sqlite3")
    store.replace_contracts([make_contract("c-1", segment_minutes=10)])
    good = record(store, "s-good", "c-1", START, memo="API work")
    weak = record(store, "s-weak", "c-1", START + timedelta(minutes=10), active=False, shot=False)
    now = START + timedelta(hours=1)

    assert precheck_segment(store, good, now).status is Status.PROTECTED
    verdict = precheck_segment(store, weak, now)
    assert verdict.status is Status.UNPROTECTED
    assert set(verdict.reasons) == {Reason.NO_SCREENSHOT, Reason.NO_ACTIVITY, Reason.NO_MEMO}
    assert (verdict.billable_seconds, verdict.billable_minutes) == (600, 10)


def test_precheck_sees_the_lock_and_local_overlaps(tmp_path: Path, make_contract: Any) -> None:
    store = LocalStore(tmp_path / "db.sqlite3")
    store.replace_contracts([make_contract("c-1", segment_minutes=10),
                             make_contract("c-2", segment_minutes=10)])
    first = record(store, "s-1", "c-1", START, memo="a")
    record(store, "s-2", "c-2", START, memo="b")
    assert Reason.OVERLAP in precheck_segment(store, first, START + timedelta(hours=1)).reasons
    late = START + timedelta(days=7)  # the Monday after the week, past 12:00 UTC
    assert Reason.WEEK_LOCKED in precheck_segment(store, first, late.replace(hour=13)).reasons


def test_diary_carries_the_precheck_until_upload(tmp_path: Path, make_contract: Any) -> None:
    store = LocalStore(tmp_path / "db.sqlite3")
    store.replace_contracts([make_contract("c-1", segment_minutes=10)])
    record(store, "s-1", "c-1", START)
    data = day_view(store, START.date(), ZoneInfo("UTC"), START + timedelta(hours=1)).to_json()
    check = data["segments"][0]["sync"]["precheck"]
    assert check == {"status": "unprotected", "billable_minutes": 10, "billable_seconds": 600,
                     "reasons": ["no_memo"]}
    store.record_verdict("s-1", "unprotected", 600, ["no_memo"])
    data = day_view(store, START.date(), ZoneInfo("UTC"), START + timedelta(hours=1)).to_json()
    assert data["segments"][0]["sync"]["precheck"] is None
    assert data["segments"][0]["status"] == "unprotected"
