"""Sync against a real server on loopback: an offline week, tampering, and an injected-fault
network. Afterwards the server holds each segment exactly once, every minute accounted for."""

from __future__ import annotations

import random
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from workdiary.capture.base import InputCounts
from workdiary.capture.encode import encode_screenshot
from workdiary.core.clock import FakeClock
from workdiary.sync.api import ApiClient
from workdiary.testing.capture_fakes import FakeInputCounter, FakeScreenGrabber
from workdiary.testing.faultproxy import FaultProxy
from workdiary.testing.recording import record_segment, record_work_week
from workdiary.tracker.engine import Tracker

if TYPE_CHECKING:
    from tests.sync.conftest import Live


def local_minutes(live: Live) -> dict[str, int]:
    start = live.clock.now() - timedelta(days=60)
    return {s.id: len(s.minutes) for s in live.store.segments_between(start, live.clock.now())}


def assert_exactly_once_and_accounted(live: Live) -> None:
    local = local_minutes(live)
    server = live.server_rows()
    assert set(server) == set(local)  # ids are the primary key: once each, none missing
    assert {i: row[3] for i, row in server.items()} == local  # every recorded minute arrived
    assert live.store.pending_count() == 0


def test_a_week_offline_then_online_arrives_once_with_verdicts(live: Live) -> None:
    assert isinstance(live.clock, FakeClock)
    week = record_work_week(live.store, live.contract_id, live.clock.now().replace(hour=0),
                            signer=live.signer(), screenshot_bytes=3_000, clock=live.clock)
    assert len(week) == 240
    live.clock.advance(86400)  # Saturday: back online, the week not yet locked
    report = live.outbox().run_once()
    assert report.ok and len(report.verdicts) == 240 and report.screenshots_uploaded == 240
    assert {v.status for v in report.verdicts} == {"protected"}
    assert sum(v.billable_minutes for v in report.verdicts) == 40 * 60
    assert_exactly_once_and_accounted(live)
    info = live.store.sync_info(week[0].id)
    assert (info.sync_state, info.server_status, info.billable_seconds) == (
        "uploaded", "protected", 600)
    # The client sees the week in the diary.
    client = ApiClient(live.server_url)
    client.token = client.create_token(live.client_email, live.password, "test").token
    diary = client.diary(live.contract_id, week[0].start.date().isoformat())
    assert len(diary["segments"]) == 48
    # A second pass has nothing to do; a resend of the same batch gets the stored verdicts.
    assert live.outbox().run_once().verdicts == []


def test_a_week_tracked_offline_by_the_real_tracker_syncs_once(live: Live) -> None:
    """The tracker itself (FakeClock, fake screen and input) records 5 x 8 hours offline."""
    assert isinstance(live.clock, FakeClock)
    contract = live.store.contract(live.contract_id)
    assert contract is not None
    executor = ThreadPoolExecutor(max_workers=1)
    keyboard = FakeInputCounter()
    tracker = Tracker(store=live.store, clock=live.clock, screen=FakeScreenGrabber(320, 180),
                      input_counter=keyboard, encode=encode_screenshot, executor=executor,
                      rng=random.Random(3), signer=live.signer())
    monday = live.clock.now().replace(hour=0, minute=0)
    for day in range(5):
        live.clock.advance((monday + timedelta(days=day, hours=9) - live.clock.now())
                           .total_seconds())
        tracker.clock_in(contract, f"day {day}")
        for _ in range(8 * 60 * 2):  # a tick every 30 simulated seconds, with input
            keyboard.feed(InputCounts(keys=5, moves=3, active_seconds=20,
                                      last_input_monotonic=live.clock.monotonic()))
            live.clock.advance(30)
            tracker.tick()
        tracker.clock_out()
    executor.shutdown(wait=True)
    assert live.store.pending_count() == 240
    live.clock.advance(86400)
    report = live.outbox().run_once()
    assert report.ok and len(report.verdicts) == 240
    assert {v.status for v in report.verdicts} == {"protected"}, report.verdicts[:3]
    assert sum(v.billable_minutes for v in report.verdicts) == 40 * 60
    assert_exactly_once_and_accounted(live)


def test_tampered_and_removed_segments_are_flagged_while_the_rest_uploads(live: Live) -> None:
    signer = live.signer()
    ids = [record_segment(live.store, live.contract_id, live.clock.now(), 10, signer=signer,
                          clock=live.clock).id for _ in range(6)]
    with sqlite3.connect(live.store.path) as conn:
        # Changed after signing: more keystrokes than were recorded.
        conn.execute("UPDATE minutes SET keys = keys + 500 WHERE segment = "
                     "(SELECT pk FROM segments WHERE id = ?)", (ids[1],))
        # Removed from the cache altogether: the next segment's chain link is missing.
        (pk,) = conn.execute("SELECT pk FROM segments WHERE id = ?", (ids[3],)).fetchone()
        conn.execute("DELETE FROM minutes WHERE segment = ?", (pk,))
        conn.execute("DELETE FROM screenshots WHERE segment = ?", (pk,))
        conn.execute("DELETE FROM segments WHERE pk = ?", (pk,))
    live.clock.advance(60)
    report = live.outbox().run_once()
    verdicts = {v.id: v for v in report.verdicts}
    assert set(verdicts) == {ids[0], ids[1], ids[2], ids[4], ids[5]}
    assert verdicts[ids[1]].status == "rejected" and "bad_signature" in verdicts[ids[1]].reasons
    assert "chain_break" in verdicts[ids[4]].reasons
    # The record with the bad signature is not stored (it must not hold the chain position
    # against a genuine record), so the one after it shows the gap too, and keeps its pay.
    assert verdicts[ids[2]].status == "unprotected"
    assert verdicts[ids[2]].reasons == ("chain_break", "no_screenshot")
    # Untouched (no screenshot: unprotected for that).
    assert verdicts[ids[0]].status == "unprotected"
    assert verdicts[ids[0]].reasons == ("no_screenshot",)
    for segment_id in (ids[1], ids[4]):
        info = live.store.sync_info(segment_id)
        assert info.sync_state == "uploaded"
        assert info.server_reasons == list(verdicts[segment_id].reasons)  # reason kept locally


@pytest.mark.parametrize(("mode", "every"), [("error500", 2), ("drop", 2), ("hang", 3),
                                             ("reset", 2)])
def test_faulty_network_heals_without_duplicates_or_loss(live: Live, mode: str,
                                                         every: int) -> None:
    signer = live.signer()
    for _ in range(12):
        record_segment(live.store, live.contract_id, live.clock.now(), 10, signer=signer,
                       clock=live.clock, jpeg=None)
    live.clock.advance(60)
    port = int(live.server_url.rsplit(":", 1)[1])
    with FaultProxy(port, mode=mode, every_nth=every) as proxy:
        outbox = live.outbox(proxy.url, timeout=(1.0, 0.5), attempts=3, batch=3)
        passes = 0
        while live.store.pending_count() and passes < 20:
            outbox.run_once()
            passes += 1
        assert proxy.stats.faults > 0
    assert_exactly_once_and_accounted(live)
