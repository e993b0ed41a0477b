"""Recording, closing, the device chain, crash recovery, tombstones, idle discards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from workdiary.core.canonical import GENESIS_HASH, chain_hash
from workdiary.core.clock import FakeClock
from workdiary.core.model import MinuteRecord, ScreenshotRef, SegmentKind
from workdiary.store import LocalStore, StoreError

T0 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def _record(
    store: LocalStore, segment_id: str, start: datetime, minutes: int, close: bool = True
) -> None:
    store.start_segment(segment_id, "c-1", start, start + timedelta(minutes=10), memo="work")
    for index in range(minutes):
        store.add_minute(segment_id, MinuteRecord(at=start + timedelta(minutes=index), keys=index))
    if close:
        store.close_segment(segment_id, start + timedelta(minutes=minutes))


def test_minutes_are_kept_compact_and_read_back(store: LocalStore) -> None:
    _record(store, "s1", T0, 3, close=False)
    segment = store.open_segment()
    assert segment is not None and segment.id == "s1"
    assert [m.keys for m in segment.minutes] == [0, 1, 2]
    assert segment.end == T0 + timedelta(minutes=3)  # an open segment ends at its last minute
    assert segment.seq == 0 and segment.device_id == ""  # not in the chain yet


def test_closing_assigns_chain_and_continues_across_restarts(
    tmp_path: Path, fake_clock: FakeClock
) -> None:
    path = tmp_path / "workdiary.sqlite3"
    store = LocalStore(path, clock=fake_clock)
    _record(store, "s1", T0, 10)
    _record(store, "s2", T0 + timedelta(minutes=10), 4)
    device = store.device_id()
    store.close()

    store = LocalStore(path, clock=fake_clock)
    assert store.device_id() == device
    _record(store, "s3", T0 + timedelta(minutes=20), 2)
    s1, s2, s3 = (store.segment(sid) for sid in ("s1", "s2", "s3"))
    assert s1 and s2 and s3
    assert [s.seq for s in (s1, s2, s3)] == [1, 2, 3]
    assert {s.device_id for s in (s1, s2, s3)} == {device}
    assert s1.prev_hash == GENESIS_HASH
    assert s2.prev_hash == chain_hash(s1)
    assert s3.prev_hash == chain_hash(s2)
    assert s2.end == T0 + timedelta(minutes=14)
    assert store.sync_info("s2").closed_at == fake_clock.now().replace(microsecond=0)
    store.close()


def test_closing_an_empty_segment_drops_it(store: LocalStore) -> None:
    store.start_segment("s1", "c-1", T0, T0 + timedelta(minutes=10))
    assert store.close_segment("s1", T0 + timedelta(seconds=30)) is None
    assert store.segment("s1") is None
    _record(store, "s2", T0 + timedelta(minutes=10), 1)
    s2 = store.segment("s2")
    assert s2 is not None and s2.seq == 1  # the dropped one never took a seq


def test_closed_segment_takes_no_more_minutes(store: LocalStore) -> None:
    _record(store, "s1", T0, 2)
    with pytest.raises(StoreError, match="closed"):
        store.add_minute("s1", MinuteRecord(at=T0 + timedelta(minutes=5)))


def test_recover_interrupted_closes_at_last_minute(tmp_path: Path, fake_clock: FakeClock) -> None:
    path = tmp_path / "workdiary.sqlite3"
    store = LocalStore(path, clock=fake_clock)
    _record(store, "done", T0, 10)
    _record(store, "crashed", T0 + timedelta(minutes=10), 4, close=False)
    store.close()  # the process dies here: the open segment stays open on disk

    store = LocalStore(path, clock=fake_clock)
    recovered = store.recover_interrupted()
    assert [s.id for s in recovered] == ["crashed"]
    crashed = recovered[0]
    assert crashed.end == T0 + timedelta(minutes=14)
    assert len(crashed.minutes) == 4 and crashed.seq == 2
    assert store.open_segment() is None
    assert store.recover_interrupted() == []
    store.close()


def test_recover_drops_an_open_segment_without_minutes(store: LocalStore) -> None:
    store.start_segment("empty", "c-1", T0, T0 + timedelta(minutes=10))
    assert store.recover_interrupted() == []
    assert store.segment("empty") is None


def test_delete_makes_a_tombstone_with_the_same_chain_hash(store: LocalStore) -> None:
    _record(store, "s1", T0, 3, close=False)
    store.add_screenshot(
        "s1", ScreenshotRef(taken_at=T0, sha256="ab" * 32, size=3, thumb_sha256="cd" * 32),
        jpeg=b"jpg", thumbnail=b"thm",
    )
    closed = store.close_segment("s1", T0 + timedelta(minutes=3))
    assert closed is not None
    image = store.screenshot_path("ab" * 32)
    assert image is not None and image.read_bytes() == b"jpg"

    with pytest.raises(StoreError, match="still being recorded"):
        store.start_segment("open", "c-1", T0 + timedelta(minutes=5), T0 + timedelta(minutes=10))
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


def test_delete_after_upload_queues_the_server_delete(store: LocalStore) -> None:
    _record(store, "s1", T0, 3)
    store.record_verdict("s1", "protected", 3, [])
    assert store.pending_count() == 0
    store.delete_segment("s1")
    info = store.sync_info("s1")
    assert info.uploaded and info.delete_pending and info.sync_state == "uploaded"
    assert store.pending_count() == 1
    assert [s.id for s in store.delete_pending_segments()] == ["s1"]
    store.mark_deleted_on_server("s1")
    assert store.pending_count() == 0


def test_discarding_idle_minutes(store: LocalStore) -> None:
    _record(store, "s1", T0, 5)
    store.set_signature("s1", "sig")
    idle = [T0 + timedelta(minutes=m) for m in (3, 4)]
    assert store.discard_minutes("s1", idle) == "kept"
    s1 = store.segment("s1")
    assert s1 is not None and len(s1.minutes) == 3 and s1.signature == ""
    assert s1.end == T0 + timedelta(minutes=5)  # the chain fields never move

    _record(store, "s2", T0 + timedelta(minutes=10), 2, close=False)
    store.add_screenshot(
        "s2", ScreenshotRef(taken_at=T0 + timedelta(minutes=11, seconds=5), sha256="ee" * 32),
        jpeg=b"j",
    )
    assert store.discard_minutes("s2", [T0 + timedelta(minutes=m) for m in (10, 11)]) == "emptied"
    s2 = store.segment("s2")
    assert s2 is not None and s2.minutes == () and s2.screenshots == ()
    assert store.screenshot_path("ee" * 32) is None
    assert store.close_segment("s2", T0 + timedelta(minutes=12)) is None  # dropped when closed

    _record(store, "s3", T0 + timedelta(minutes=20), 1)
    assert store.discard_minutes("s3", [T0 + timedelta(minutes=20)]) == "tombstone"
    s3 = store.segment("s3")
    assert s3 is not None and s3.kind is SegmentKind.TOMBSTONE

    _record(store, "s4", T0 + timedelta(minutes=30), 2)
    store.record_verdict("s4", "protected", 2, [])
    assert store.discard_minutes("s4", [T0 + timedelta(minutes=30)]) == "uploaded"


def test_memo_edit_clears_signature_and_refused_after_upload(store: LocalStore) -> None:
    _record(store, "s1", T0, 2)
    store.set_signature("s1", "sig")
    store.set_memo("s1", "new memo")
    s1 = store.segment("s1")
    assert s1 is not None and s1.memo == "new memo" and s1.signature == ""
    store.record_verdict("s1", "protected", 2, [])
    with pytest.raises(StoreError, match="already uploaded"):
        store.set_memo("s1", "later")


def test_segments_between_and_contract_filter(store: LocalStore) -> None:
    _record(store, "s1", T0, 10)
    store.start_segment("s2", "c-2", T0 + timedelta(minutes=10), T0 + timedelta(minutes=20))
    store.add_minute("s2", MinuteRecord(at=T0 + timedelta(minutes=10)))
    store.close_segment("s2", T0 + timedelta(minutes=11))
    everything = store.segments_between(T0, T0 + timedelta(hours=1))
    assert [s.id for s in everything] == ["s1", "s2"]
    assert [s.id for s in store.segments_between(T0, T0 + timedelta(hours=1), "c-2")] == ["s2"]
    assert store.segments_between(T0 + timedelta(minutes=11), T0 + timedelta(hours=1)) == []


def test_redaction_replaces_the_picture_and_clears_the_signature(store: LocalStore) -> None:
    _record(store, "s1", T0, 2, close=False)
    store.add_screenshot(
        "s1", ScreenshotRef(taken_at=T0, sha256="11" * 32, width=10, height=5, size=8),
        jpeg=b"original", thumbnail=b"thumb",
    )
    store.close_segment("s1", T0 + timedelta(minutes=2))
    store.set_signature("s1", "sig")
    new = ScreenshotRef(taken_at=T0, sha256="22" * 32, width=10, height=5, thumb_sha256="33" * 32)
    segment = store.redact_screenshot("s1", "11" * 32, new, b"redacted!", b"th2")
    (shot,) = segment.screenshots
    assert shot.sha256 == "22" * 32 and shot.redacted and shot.size == len(b"redacted!")
    assert segment.redacted and segment.signature == ""
    assert store.screenshot_path("11" * 32) is None  # the unredacted picture is gone
    path = store.screenshot_path("22" * 32)
    assert path is not None and path.read_bytes() == b"redacted!"
    with pytest.raises(StoreError, match="no screenshot"):
        store.redact_screenshot("s1", "11" * 32, new, b"x", None)
    store.record_verdict("s1", "protected", 2, [])
    with pytest.raises(StoreError, match="already uploaded"):
        store.redact_screenshot("s1", "22" * 32, new, b"x", None)
    stray = ScreenshotRef(taken_at=T0, sha256="44" * 32, width=10, height=5)
    with pytest.raises(StoreError, match="already uploaded"):
        store.redact_screenshot("s1", "22" * 32, stray, b"refused", None)
    assert store.screenshot_path("44" * 32) is None  # a refused redaction leaves no file


def test_the_activity_source_of_each_minute_is_kept(store: LocalStore) -> None:
    from workdiary.core.model import ActivitySource

    store.start_segment("s1", "c-1", T0, T0 + timedelta(minutes=10), memo="work")
    store.add_minute("s1", MinuteRecord(at=T0, keys=4, active_seconds=2))
    store.add_minute("s1", MinuteRecord(at=T0 + timedelta(minutes=1), active_seconds=37,
                                        source=ActivitySource.IDLE_MONITOR))
    segment = store.open_segment()
    assert segment is not None
    assert [(m.source, m.active_seconds) for m in segment.minutes] == [
        (ActivitySource.COUNTS, 2), (ActivitySource.IDLE_MONITOR, 37)]
