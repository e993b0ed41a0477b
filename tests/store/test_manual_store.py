"""Manual segments and memo edits in the store, on ``LocalStore`` and its memory twin alike;
the use cases of ``desktop/manual.py`` on the SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from workdiary.core.canonical import GENESIS_HASH, chain_hash
from workdiary.core.clock import FakeClock
from workdiary.core.manual import ManualTimeError
from workdiary.core.model import Contract, Policy, SegmentKind
from workdiary.desktop.manual import MemoEditError, add_manual_time, edit_memo
from workdiary.store import LocalStore, StoreError
from workdiary.store.protocols import DesktopStore
from workdiary.testing.memory_store import MemoryStore

from .recordings import T0, record

SLOTS = [(T0 - timedelta(hours=2) + timedelta(minutes=10 * i),
          T0 - timedelta(hours=2) + timedelta(minutes=10 * (i + 1))) for i in range(3)]


@pytest.fixture(params=["sqlite", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path, fake_clock: FakeClock
          ) -> Iterator[DesktopStore]:
    if request.param == "memory":
        yield MemoryStore(fake_clock)
        return
    opened = LocalStore(tmp_path / "workdiary.sqlite3", clock=fake_clock)
    yield opened
    opened.close()


def test_manual_segments_are_closed_chained_seen_and_pending(store: DesktopStore) -> None:
    record(store, "t1", T0 - timedelta(hours=3), 5)
    made = store.add_manual_segments(["m1", "m2", "m3"], "c-1", SLOTS, "call", "me on x")
    assert [s.kind for s in made] == [SegmentKind.MANUAL] * 3
    assert [s.seq for s in made] == [2, 3, 4]
    tracked = store.segment("t1")
    assert tracked is not None and made[0].prev_hash == chain_hash(tracked)
    assert made[1].prev_hash == chain_hash(made[0])
    assert [s.tracked_minutes for s in made] == [10, 10, 10] and made[0].minutes == ()
    queued = {q.segment_id: q for q in store.queued_records()}
    assert queued["m1"].seen and queued["m1"].account == "me on x"
    pending = store.pending_segments(T0 + timedelta(days=1), 10)
    assert [s.id for s in pending] == ["t1", "m1", "m2", "m3"]


def test_manual_time_never_overlaps_live_time(store: DesktopStore) -> None:
    record(store, "t1", SLOTS[1][0] + timedelta(minutes=5), 2)
    with pytest.raises(StoreError, match="overlaps segment t1"):
        store.add_manual_segments(["m1", "m2", "m3"], "c-1", SLOTS, "call")
    assert store.segment("m1") is None  # nothing written
    store.delete_segment("t1")  # a deletion frees its time
    assert len(store.add_manual_segments(["m1", "m2", "m3"], "c-1", SLOTS, "call")) == 3
    with pytest.raises(StoreError, match="overlaps segment m2"):
        store.add_manual_segments(["m4"], "c-2", [SLOTS[1]], "twice")


def test_the_segment_being_recorded_counts_to_its_planned_end(store: DesktopStore) -> None:
    record(store, "open", T0, 1, close=False)  # planned 09:00-09:10, one minute written
    with pytest.raises(StoreError, match="overlaps segment open"):
        store.add_manual_segments(["m"], "c-1", [(T0 + timedelta(minutes=3),
                                                  T0 + timedelta(minutes=4))], "x")


def test_a_memo_edit_waits_beside_the_uploaded_record(store: DesktopStore) -> None:
    record(store, "s1", T0 - timedelta(hours=1), 10)
    with pytest.raises(StoreError, match="not uploaded yet"):
        store.queue_memo_edit("s1", "better")
    store.set_signature("s1", "sig-1")
    store.record_verdict("s1", "protected", 10, [])
    store.queue_memo_edit("s1", "better")
    before = store.segment("s1")
    assert before is not None and before.memo == "work" and before.signature == "sig-1"
    (edit,) = store.memo_edits_pending()
    assert edit.memo == "better" and edit.signature == "" and edit.seq == before.seq
    assert store.sync_info("s1").memo_edit == "better"

    store.memo_edit_accepted("s1", "better", "sig-2", "protected", 10, [])
    after = store.segment("s1")
    assert after is not None and (after.memo, after.signature) == ("better", "sig-2")
    assert chain_hash(after) == chain_hash(before)
    info = store.sync_info("s1")
    assert info.memo_edited and info.memo_edit is None and store.memo_edits_pending() == []

    store.queue_memo_edit("s1", "too late")
    store.memo_edit_refused("s1", "memo edit refused: locked (week_locked)")
    info = store.sync_info("s1")
    assert info.memo_edit is None and info.last_error == "memo edit refused: locked (week_locked)"
    assert store.segment("s1").memo == "better"  # type: ignore[union-attr]
    store.queue_memo_edit("s1", "never sent")
    store.delete_segment("s1")  # a deletion drops the edit still waiting
    assert store.memo_edits_pending() == [] and store.sync_info("s1").memo_edit is None
    with pytest.raises(StoreError, match="deleted"):
        store.queue_memo_edit("s1", "x")


def test_an_edit_made_while_one_uploads_stays_queued(store: DesktopStore) -> None:
    record(store, "s1", T0 - timedelta(hours=1), 10)
    store.record_verdict("s1", "protected", 10, [])
    store.queue_memo_edit("s1", "first")
    store.queue_memo_edit("s1", "second")  # the outbox is sending "first" meanwhile
    store.memo_edit_accepted("s1", "first", "sig", "protected", 10, [])
    (edit,) = store.memo_edits_pending()
    assert edit.memo == "second"


def test_edits_wait_for_their_account(store: DesktopStore) -> None:
    record(store, "s1", T0 - timedelta(hours=1), 10)
    store.bind_account("s1", "a on x")
    store.record_verdict("s1", "protected", 10, [])
    store.queue_memo_edit("s1", "new")
    assert store.memo_edits_pending(account="b on x") == []
    assert [s.id for s in store.memo_edits_pending(account="a on x")] == ["s1"]


# -- the use cases, on the SQLite store ------------------------------------------------------

@pytest.fixture
def local(tmp_path: Path, fake_clock: FakeClock) -> Iterator[LocalStore]:
    opened = LocalStore(tmp_path / "w.sqlite3", clock=fake_clock)
    opened.replace_contracts([Contract(
        id="c-1", title="Importer", client_name="C", freelancer_name="F", rate_cents=3000,
        weekly_limit_minutes=60, policy=Policy(segment_minutes=10, allow_manual=True))])
    yield opened
    opened.close()


def test_add_manual_time_splits_checks_overlap_and_the_limit(local: LocalStore,
                                                             fake_clock: FakeClock) -> None:
    now = fake_clock.now()  # 09:03:27
    record(local, "t1", T0 - timedelta(hours=1), 10)  # 08:00-08:10, 10 min this week
    made = add_manual_time(local, "c-1", T0 - timedelta(minutes=25), T0 + timedelta(minutes=3),
                           "planning call", now)
    assert [(s.start.strftime("%H:%M"), s.end.strftime("%H:%M")) for s in made] == [
        ("08:35", "08:40"), ("08:40", "08:50"), ("08:50", "09:00"), ("09:00", "09:03")]
    with pytest.raises(ManualTimeError, match="overlaps"):
        add_manual_time(local, "c-1", T0 - timedelta(hours=1), T0 - timedelta(minutes=55),
                        "again", now)
    with pytest.raises(ManualTimeError, match="weekly limit is 60 min"):  # 38 min so far
        add_manual_time(local, "c-1", T0 - timedelta(hours=3), T0 - timedelta(hours=2, minutes=37),
                        "over", now)
    with pytest.raises(ManualTimeError, match="unknown contract"):
        add_manual_time(local, "nope", T0 - timedelta(hours=3), T0 - timedelta(hours=2), "x",
                        now)


def test_edit_memo_in_place_before_upload_queued_after_refused_once_locked(
        local: LocalStore, fake_clock: FakeClock) -> None:
    record(local, "s1", T0 - timedelta(hours=1), 10)
    assert edit_memo(local, "s1", "first", fake_clock.now()).queued is False
    assert local.segment("s1").memo == "first"  # type: ignore[union-attr]
    local.record_verdict("s1", "protected", 10, [])
    assert edit_memo(local, "s1", "second", fake_clock.now()).queued is True
    assert local.sync_info("s1").memo_edit == "second"
    with pytest.raises(MemoEditError, match="at most 2000"):
        edit_memo(local, "s1", "x" * 2001, fake_clock.now())
    with pytest.raises(MemoEditError, match="no segment nope"):
        edit_memo(local, "nope", "x", fake_clock.now())
    fake_clock.advance(6 * 24 * 3600)  # Tuesday after: the week locked on Monday 12:00 UTC
    with pytest.raises(MemoEditError, match="locked at 2026-03-09T12:00:00Z"):
        edit_memo(local, "s1", "third", fake_clock.now())
    record(local, "open", fake_clock.now().replace(second=0), 1, close=False)
    with pytest.raises(MemoEditError, match="still being recorded"):
        edit_memo(local, "open", "x", fake_clock.now())


def test_first_record_of_a_device_can_be_manual(store: DesktopStore) -> None:
    (made,) = store.add_manual_segments(["m"], "c-1", [SLOTS[0]], "x")
    assert made.seq == 1 and made.prev_hash == GENESIS_HASH
