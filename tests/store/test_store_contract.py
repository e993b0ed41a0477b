"""The store contract: one suite run against ``LocalStore`` (SQLite) and its memory twin.

Everything the tracker and the outbox rely on (``workdiary.store.protocols``) is here, so a
test or benchmark that uses ``MemoryStore`` sees the same rules as the product. What only the
SQLite store does (reopening, crash recovery, redaction, migrations) stays in the other files.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from workdiary.core.canonical import GENESIS_HASH, chain_hash
from workdiary.core.clock import FakeClock
from workdiary.core.model import MinuteRecord, ScreenshotRef, SegmentKind
from workdiary.store import LocalStore, StoreError
from workdiary.store.protocols import DesktopStore
from workdiary.testing.memory_store import MemoryStore

from .recordings import T0, record


@pytest.fixture(params=["sqlite", "memory"])
def store(
    request: pytest.FixtureRequest, tmp_path: Path, fake_clock: FakeClock
) -> Iterator[DesktopStore]:
    if request.param == "memory":
        yield MemoryStore(fake_clock)
        return
    opened = LocalStore(tmp_path / "workdiary.sqlite3", clock=fake_clock)
    yield opened
    opened.close()


def _closed(store: DesktopStore, segment_id: str, start: datetime, shot: str | None = None) -> None:
    store.start_segment(segment_id, "c-1", start, start + timedelta(minutes=10))
    store.add_minute(segment_id, MinuteRecord(at=start, keys=1))
    if shot:
        store.add_screenshot(
            segment_id, ScreenshotRef(taken_at=start, sha256=shot, size=4), jpeg=b"data",
            thumbnail=b"th",
        )
    store.close_segment(segment_id, start + timedelta(minutes=1))


# -- recording ------------------------------------------------------------------------------


def test_minutes_are_kept_and_read_back(store: DesktopStore) -> None:
    record(store, "s1", T0, 3, close=False)
    segment = store.open_segment()
    assert segment is not None and segment.id == "s1"
    assert [m.keys for m in segment.minutes] == [0, 1, 2]
    assert segment.end == T0 + timedelta(minutes=3)  # an open segment ends at its last minute
    assert segment.seq == 0 and segment.device_id == ""  # not in the chain yet


def test_closing_assigns_the_place_in_the_chain(store: DesktopStore, fake_clock: FakeClock) -> None:
    record(store, "s1", T0, 10)
    record(store, "s2", T0 + timedelta(minutes=10), 4)
    record(store, "s3", T0 + timedelta(minutes=20), 2)
    s1, s2, s3 = (store.segment(sid) for sid in ("s1", "s2", "s3"))
    assert s1 and s2 and s3
    assert [s.seq for s in (s1, s2, s3)] == [1, 2, 3]
    assert {s.device_id for s in (s1, s2, s3)} == {store.device_id()}
    assert len(store.device_id()) == 32
    assert s1.prev_hash == GENESIS_HASH
    assert s2.prev_hash == chain_hash(s1) and s3.prev_hash == chain_hash(s2)
    assert s2.end == T0 + timedelta(minutes=14)
    assert store.sync_info("s2").closed_at == fake_clock.now().replace(microsecond=0)
    assert store.open_segment() is None


def test_closing_an_empty_segment_drops_it(store: DesktopStore) -> None:
    store.start_segment("s1", "c-1", T0, T0 + timedelta(minutes=10))
    assert store.close_segment("s1", T0 + timedelta(seconds=30)) is None
    assert store.segment("s1") is None
    record(store, "s2", T0 + timedelta(minutes=10), 1)
    s2 = store.segment("s2")
    assert s2 is not None and s2.seq == 1  # the dropped one never took a seq


def test_closed_or_unknown_segment_takes_no_more_records(store: DesktopStore) -> None:
    record(store, "s1", T0, 2)
    with pytest.raises(StoreError, match="closed"):
        store.add_minute("s1", MinuteRecord(at=T0 + timedelta(minutes=5)))
    with pytest.raises(StoreError, match="closed"):
        store.add_screenshot("s1", ScreenshotRef(taken_at=T0, error="no display"))
    with pytest.raises(StoreError, match="no segment"):
        store.add_minute("nope", MinuteRecord(at=T0))
    with pytest.raises(StoreError, match="needs its JPEG"):
        store.add_screenshot("s1", ScreenshotRef(taken_at=T0, sha256="ab" * 32))


def test_screenshots_keep_their_files_and_failed_captures_have_none(store: DesktopStore) -> None:
    record(store, "s1", T0, 3, close=False)
    store.add_screenshot("s1", ScreenshotRef(taken_at=T0 + timedelta(minutes=2), sha256="ab" * 32,
                                             size=3), jpeg=b"jpg", thumbnail=b"thm")
    store.add_screenshot("s1", ScreenshotRef(taken_at=T0 + timedelta(minutes=1),
                                             error="no display"))
    segment = store.close_segment("s1", T0 + timedelta(minutes=3))
    assert segment is not None
    assert [(s.sha256, s.error) for s in segment.screenshots] == [
        (None, "no display"), ("ab" * 32, None)]  # in the order they were taken
    image, thumb = store.screenshot_path("ab" * 32), store.thumbnail_path("ab" * 32)
    assert image is not None and image.read_bytes() == b"jpg"
    assert thumb is not None and thumb.read_bytes() == b"thm"


def test_memo_edit_clears_signature_and_refused_after_upload(store: DesktopStore) -> None:
    record(store, "s1", T0, 2)
    store.set_signature("s1", "sig")
    store.set_memo("s1", "new memo")
    s1 = store.segment("s1")
    assert s1 is not None and s1.memo == "new memo" and s1.signature == ""
    store.record_verdict("s1", "protected", 120, [])
    with pytest.raises(StoreError, match="already uploaded"):
        store.set_memo("s1", "later")


# -- deleting and discarding ----------------------------------------------------------------


def test_delete_makes_a_tombstone_with_the_same_chain_hash(store: DesktopStore) -> None:
    record(store, "s1", T0, 3, close=False)
    store.add_screenshot(
        "s1", ScreenshotRef(taken_at=T0, sha256="ab" * 32, size=3, thumb_sha256="cd" * 32),
        jpeg=b"jpg", thumbnail=b"thm",
    )
    closed = store.close_segment("s1", T0 + timedelta(minutes=3))
    assert closed is not None

    store.start_segment("open", "c-1", T0 + timedelta(minutes=5), T0 + timedelta(minutes=10))
    with pytest.raises(StoreError, match="still being recorded"):
        store.delete_segment("open")
    tomb = store.delete_segment("s1")
    assert tomb.kind is SegmentKind.TOMBSTONE
    assert tomb.minutes == () and tomb.screenshots == () and tomb.memo == ""
    assert tomb.tracked_minutes == 0
    assert chain_hash(tomb) == chain_hash(closed)
    assert store.screenshot_path("ab" * 32) is None
    assert store.thumbnail_path("ab" * 32) is None
    assert store.sync_info("s1").sync_state == "pending"
    with pytest.raises(StoreError, match="already deleted"):
        store.delete_segment("s1")
    with pytest.raises(StoreError, match="no segment"):
        store.delete_segment("nope")


def test_delete_after_upload_queues_the_server_delete(store: DesktopStore) -> None:
    record(store, "s1", T0, 3)
    store.record_verdict("s1", "protected", 180, [])
    assert store.pending_count() == 0
    store.delete_segment("s1")
    info = store.sync_info("s1")
    assert info.uploaded and info.delete_pending and info.sync_state == "uploaded"
    assert store.pending_count() == 1
    assert [s.id for s in store.delete_pending_segments()] == ["s1"]
    store.mark_deleted_on_server("s1")
    assert store.pending_count() == 0 and store.delete_pending_segments() == []


def test_a_refused_deletion_is_kept_aside_with_its_reason(store: DesktopStore) -> None:
    record(store, "s1", T0, 3)
    store.record_verdict("s1", "protected", 180, [])
    store.delete_segment("s1")
    store.deletion_refused("s1", "delete refused: week_locked")
    info = store.sync_info("s1")
    assert info.sync_state == "quarantined" and not info.delete_pending
    assert info.quarantine_reason == info.last_error == "delete refused: week_locked"
    assert store.delete_pending_segments() == [] and store.pending_count() == 0


def test_discarding_idle_minutes(store: DesktopStore) -> None:
    record(store, "s1", T0, 5)
    store.set_signature("s1", "sig")
    idle = [T0 + timedelta(minutes=m) for m in (3, 4)]
    assert store.discard_minutes("s1", idle) == "kept"
    s1 = store.segment("s1")
    assert s1 is not None and len(s1.minutes) == 3 and s1.signature == ""
    assert s1.end == T0 + timedelta(minutes=5)  # the chain fields never move

    record(store, "s2", T0 + timedelta(minutes=10), 2, close=False)
    store.add_screenshot(
        "s2", ScreenshotRef(taken_at=T0 + timedelta(minutes=11, seconds=5), sha256="ee" * 32),
        jpeg=b"j",
    )
    assert store.discard_minutes("s2", [T0 + timedelta(minutes=m) for m in (10, 11)]) == "emptied"
    s2 = store.segment("s2")
    assert s2 is not None and s2.minutes == () and s2.screenshots == ()
    assert store.screenshot_path("ee" * 32) is None
    assert store.close_segment("s2", T0 + timedelta(minutes=12)) is None  # dropped when closed

    record(store, "s3", T0 + timedelta(minutes=20), 1)
    assert store.discard_minutes("s3", [T0 + timedelta(minutes=20)]) == "tombstone"
    s3 = store.segment("s3")
    assert s3 is not None and s3.kind is SegmentKind.TOMBSTONE

    record(store, "s4", T0 + timedelta(minutes=30), 2)
    store.record_verdict("s4", "protected", 120, [])
    assert store.discard_minutes("s4", [T0 + timedelta(minutes=30)]) == "uploaded"
    assert store.discard_minutes("never-recorded", [T0]) == "emptied"


def test_a_screenshot_shared_by_two_segments_keeps_its_file(store: DesktopStore) -> None:
    _closed(store, "s1", T0, shot="aa" * 32)
    _closed(store, "s2", T0 + timedelta(minutes=10), shot="aa" * 32)  # the same picture
    store.delete_segment("s1")
    assert store.screenshot_path("aa" * 32) is not None
    store.delete_segment("s2")
    assert store.screenshot_path("aa" * 32) is None


# -- sync state -----------------------------------------------------------------------------


def test_pending_in_chain_order_and_verdicts(store: DesktopStore, fake_clock: FakeClock) -> None:
    for index in range(3):
        _closed(store, f"s{index}", T0 + timedelta(minutes=10 * index))
    store.start_segment("open", "c-1", T0 + timedelta(hours=1), T0 + timedelta(hours=2))
    later = fake_clock.now() + timedelta(seconds=1)
    assert [s.seq for s in store.pending_segments(later, 10)] == [1, 2, 3]
    assert store.pending_segments(fake_clock.now() - timedelta(seconds=1), 10) == []
    assert [s.id for s in store.pending_segments(later, 2)] == ["s0", "s1"]
    assert store.pending_count() == 3

    store.record_verdict("s0", "unprotected", 98, ["no_memo"])
    store.quarantine("s1", "chain_break")
    store.set_sync_error("s2", "server unreachable")
    s0, s1, s2 = (store.sync_info(f"s{i}") for i in range(3))
    assert s0.sync_state == "uploaded" and s0.server_reasons == ["no_memo"]
    assert s0.billable_seconds == 98 and s0.uploaded_at is not None and s0.uploaded
    assert s0.server_status == "unprotected" and s0.last_error is None
    assert s1.sync_state == "quarantined" and s1.quarantine_reason == "chain_break"
    assert s2.sync_state == "pending" and s2.last_error == "server unreachable"
    assert [s.id for s in store.pending_segments(later, 10)] == ["s2"]
    assert store.pending_count() == 1
    with pytest.raises(StoreError, match="no segment"):
        store.sync_info("nope")
    with pytest.raises(StoreError, match="no segment"):
        store.quarantine("nope", "x")


def test_a_batch_of_verdicts_is_recorded_together_or_not_at_all(
        store: DesktopStore, fake_clock: FakeClock) -> None:
    for index in range(3):
        _closed(store, f"s{index}", T0 + timedelta(minutes=10 * index))
    store.set_sync_error("s0", "server unreachable")
    store.record_verdicts([("s0", "protected", 60, []), ("s1", "unprotected", 30, ["no_memo"])])
    s0, s1, s2 = (store.sync_info(f"s{i}") for i in range(3))
    assert (s0.sync_state, s0.server_status, s0.billable_seconds, s0.last_error) == \
        ("uploaded", "protected", 60, None)
    assert s0.uploaded and s0.uploaded_at is not None
    assert (s1.sync_state, s1.server_reasons) == ("uploaded", ["no_memo"])
    assert s2.sync_state == "pending"
    later = fake_clock.now() + timedelta(seconds=1)
    # An unknown id refuses the whole batch: s2 is not recorded either.
    with pytest.raises(StoreError, match="no segment nope"):
        store.record_verdicts([("s2", "protected", 60, []), ("nope", "protected", 60, [])])
    assert [s.id for s in store.pending_segments(later, 10)] == ["s2"]


def test_screenshots_are_marked_uploaded_together(store: DesktopStore) -> None:
    _closed(store, "s0", T0, shot="aa" * 32)
    _closed(store, "s1", T0 + timedelta(minutes=10), shot="bb" * 32)
    _closed(store, "s2", T0 + timedelta(minutes=20), shot="cc" * 32)
    store.mark_screenshots_uploaded(["aa" * 32, "bb" * 32], T0)
    assert [store.screenshot_uploaded(sha * 32) for sha in ("aa", "bb", "cc")] == \
        [True, True, False]
    store.mark_screenshots_uploaded([], T0)  # nothing to mark is not an error


def test_waiting_records_stay_with_their_account(store: DesktopStore,
                                                 fake_clock: FakeClock) -> None:
    for index in range(3):
        _closed(store, f"s{index}", T0 + timedelta(minutes=10 * index))
    store.bind_account("s0", "alice")
    store.bind_account("s1", "bob")
    store.bind_account("s0", "bob")  # the first binding stays
    later = fake_clock.now() + timedelta(seconds=1)
    assert [s.id for s in store.pending_segments(later, 10, account="alice")] == ["s0", "s2"]
    assert [s.id for s in store.pending_segments(later, 10, account="bob")] == ["s1", "s2"]
    assert len(store.pending_segments(later, 10)) == 3  # no account given: all of them
    assert [(r.segment_id, r.account) for r in store.queued_records()] == \
        [("s0", "alice"), ("s1", "bob"), ("s2", "")]


def test_seen_segments_may_skip_the_review_window(store: DesktopStore,
                                                 fake_clock: FakeClock) -> None:
    _closed(store, "s0", T0)
    _closed(store, "s1", T0 + timedelta(minutes=10))
    now = fake_clock.now()
    store.mark_seen(["s1", "nope"], now)
    in_review = now - timedelta(minutes=2)  # both closed within the window
    assert store.pending_segments(in_review, 10) == []
    skip = now + timedelta(seconds=1)
    assert [s.id for s in store.pending_segments(in_review, 10, seen_closed_before=skip)] == \
        ["s1"]
    assert [r.seen for r in store.queued_records()] == [False, True]


def test_pending_segments_are_signed_as_stored(store: DesktopStore, fake_clock: FakeClock) -> None:
    _closed(store, "s0", T0)
    store.set_signature("s0", "c2lnbmF0dXJl")
    (pending,) = store.pending_segments(fake_clock.now() + timedelta(seconds=1), 10)
    assert pending.signature == "c2lnbmF0dXJl" and pending.memo == ""


def test_screenshot_upload_marks_and_purge_keep_metadata(store: DesktopStore) -> None:
    _closed(store, "s0", T0, shot="aa" * 32)
    _closed(store, "s1", T0 + timedelta(minutes=10), shot="bb" * 32)
    assert not store.screenshot_uploaded("aa" * 32)
    store.mark_screenshot_uploaded("aa" * 32, T0)
    store.mark_screenshot_uploaded("bb" * 32, T0)
    store.record_verdict("s0", "protected", 60, [])
    assert store.screenshot_uploaded("aa" * 32)
    assert store.purge_uploaded_screenshots(T0) == 0  # uploaded at T0: not before T0
    assert store.purge_uploaded_screenshots(T0 + timedelta(hours=1)) == 1  # s1 has no verdict
    assert store.screenshot_path("aa" * 32) is None
    assert store.screenshot_path("bb" * 32) is not None
    s0 = store.segment("s0")
    assert s0 is not None and s0.screenshots[0].sha256 == "aa" * 32
    assert store.purge_uploaded_screenshots(T0 + timedelta(hours=1)) == 0  # purged once


def test_settings_and_device_id(store: DesktopStore) -> None:
    assert store.get_setting("server_url") is None
    store.set_setting("server_url", "http://127.0.0.1:8000")
    store.set_setting("server_url", "http://127.0.0.1:9000")
    assert store.get_setting("server_url") == "http://127.0.0.1:9000"
    assert len(store.device_id()) == 32 and store.device_id() == store.device_id()
