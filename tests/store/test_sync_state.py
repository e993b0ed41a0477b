"""The sync-state columns and screenshot marks the outbox uses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from workdiary.core.clock import FakeClock
from workdiary.core.model import Contract, MinuteRecord, ScreenshotRef
from workdiary.store import LocalStore

T0 = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def _closed(store: LocalStore, segment_id: str, start: datetime, shot: str | None = None) -> None:
    store.start_segment(segment_id, "c-1", start, start + timedelta(minutes=10))
    store.add_minute(segment_id, MinuteRecord(at=start, keys=1))
    if shot:
        store.add_screenshot(
            segment_id, ScreenshotRef(taken_at=start, sha256=shot, size=4), jpeg=b"data",
            thumbnail=b"th",
        )
    store.close_segment(segment_id, start + timedelta(minutes=1))


def test_pending_in_chain_order_and_verdicts(store: LocalStore, fake_clock: FakeClock) -> None:
    for index in range(3):
        _closed(store, f"s{index}", T0 + timedelta(minutes=10 * index))
    store.start_segment("open", "c-1", T0 + timedelta(hours=1), T0 + timedelta(hours=2))
    later = fake_clock.now() + timedelta(seconds=1)
    assert [s.seq for s in store.pending_segments(later, 10)] == [1, 2, 3]
    assert store.pending_segments(fake_clock.now() - timedelta(seconds=1), 10) == []
    assert [s.id for s in store.pending_segments(later, 2)] == ["s0", "s1"]
    assert store.pending_count() == 3

    store.record_verdict("s0", "unprotected", 1, ["no_memo"])
    store.quarantine("s1", "chain_break")
    store.set_sync_error("s2", "server unreachable")
    s0, s1, s2 = (store.sync_info(f"s{i}") for i in range(3))
    assert s0.sync_state == "uploaded" and s0.server_reasons == ["no_memo"]
    assert s0.billable_minutes == 1 and s0.uploaded_at is not None
    assert s1.sync_state == "quarantined" and s1.quarantine_reason == "chain_break"
    assert s2.sync_state == "pending" and s2.last_error == "server unreachable"
    assert [s.id for s in store.pending_segments(later, 10)] == ["s2"]
    assert store.pending_count() == 1


def test_purge_keeps_metadata(store: LocalStore) -> None:
    _closed(store, "s0", T0, shot="aa" * 32)
    _closed(store, "s1", T0 + timedelta(minutes=10), shot="bb" * 32)
    store.mark_screenshot_uploaded("aa" * 32, T0)
    store.mark_screenshot_uploaded("bb" * 32, T0)
    store.record_verdict("s0", "protected", 1, [])
    assert store.screenshot_uploaded("aa" * 32)
    assert store.purge_uploaded_screenshots(T0 + timedelta(hours=1)) == 1  # s1 has no verdict
    assert store.screenshot_path("aa" * 32) is None
    assert store.screenshot_path("bb" * 32) is not None
    s0 = store.segment("s0")
    assert s0 is not None and s0.screenshots[0].sha256 == "aa" * 32


def test_settings_and_contracts(
    store: LocalStore, make_contract: Callable[..., Contract]
) -> None:
    assert store.get_setting("server_url") is None
    store.set_setting("server_url", "http://127.0.0.1:8000")
    store.set_setting("server_url", "http://127.0.0.1:9000")
    assert store.get_setting("server_url") == "http://127.0.0.1:9000"
    assert len(store.device_id()) == 32 and store.device_id() == store.device_id()
    store.replace_contracts([make_contract("c-1"), make_contract("c-2", segment_minutes=1)])
    assert [c.id for c in store.contracts()] == ["c-1", "c-2"]
    contract = store.contract("c-2")
    assert contract is not None and contract.policy.segment_minutes == 1
    store.replace_contracts([make_contract("c-3")])
    assert store.contract("c-1") is None
