"""The SQLite store beyond the shared contract: reopening, crash recovery, ranges, redaction."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from workdiary.core.canonical import GENESIS_HASH, chain_hash
from workdiary.core.clock import FakeClock
from workdiary.core.model import MinuteRecord, ScreenshotRef
from workdiary.store import LocalStore, StoreError

from .recordings import T0, record


def test_closing_assigns_chain_and_continues_across_restarts(
    tmp_path: Path, fake_clock: FakeClock
) -> None:
    path = tmp_path / "workdiary.sqlite3"
    store = LocalStore(path, clock=fake_clock)
    record(store, "s1", T0, 10)
    record(store, "s2", T0 + timedelta(minutes=10), 4)
    device = store.device_id()
    store.close()

    store = LocalStore(path, clock=fake_clock)
    assert store.device_id() == device
    record(store, "s3", T0 + timedelta(minutes=20), 2)
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


def test_recover_interrupted_closes_at_last_minute(tmp_path: Path, fake_clock: FakeClock) -> None:
    path = tmp_path / "workdiary.sqlite3"
    store = LocalStore(path, clock=fake_clock)
    record(store, "done", T0, 10)
    record(store, "crashed", T0 + timedelta(minutes=10), 4, close=False)
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


def test_segments_between_and_contract_filter(store: LocalStore) -> None:
    record(store, "s1", T0, 10)
    store.start_segment("s2", "c-2", T0 + timedelta(minutes=10), T0 + timedelta(minutes=20))
    store.add_minute("s2", MinuteRecord(at=T0 + timedelta(minutes=10)))
    store.close_segment("s2", T0 + timedelta(minutes=11))
    everything = store.segments_between(T0, T0 + timedelta(hours=1))
    assert [s.id for s in everything] == ["s1", "s2"]
    assert [s.id for s in store.segments_between(T0, T0 + timedelta(hours=1), "c-2")] == ["s2"]
    assert store.segments_between(T0 + timedelta(minutes=11), T0 + timedelta(hours=1)) == []


def test_redaction_replaces_the_picture_and_clears_the_signature(store: LocalStore) -> None:
    record(store, "s1", T0, 2, close=False)
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
