"""When the desktop refreshes its contracts: not before every sync pass, but on demand, every
five minutes, and while clocked in once just before each segment boundary, so a policy changed
before that window still applies from the segment starting at the boundary (docs/design.md,
"Policy versions"). Passes are simulated on a fake timeline; the worker's part runs for real."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from workdiary.desktop.contract_sync import RefreshSchedule, next_boundary, says_stale

START = datetime(2026, 11, 23, 9, 0, 7, tzinfo=UTC)
INTERVAL = 30  # seconds between the worker's passes


def passes(hours: float, interval: int = INTERVAL) -> list[datetime]:
    """Pass times: every interval, and at each 10-minute boundary (a closed segment wakes it)."""
    end = START + timedelta(hours=hours)
    times = {START + timedelta(seconds=s) for s in range(0, int(hours * 3600), interval)}
    moment = next_boundary(START, 10)
    while moment < end:
        times.add(moment + timedelta(milliseconds=200))
        moment += timedelta(minutes=10)
    return sorted(times)


def refreshes(schedule: RefreshSchedule, times: list[datetime], minutes: int | None
              ) -> list[datetime]:
    done = []
    for now in times:
        if schedule.due(now, segment_minutes=minutes):
            schedule.refreshed(now)
            done.append(now)
    return done


def test_a_pass_no_longer_fetches_every_time() -> None:
    times = passes(2)
    clocked_in = refreshes(RefreshSchedule(lead=INTERVAL + 10), times, 10)
    # Each 10-minute segment: one refresh before its end, one at five minutes; was every pass.
    assert len(times) > 240 and len(clocked_in) <= 2 * 12 + 1
    idle = refreshes(RefreshSchedule(lead=INTERVAL + 10), times, None)
    assert len(idle) == 2 * 12  # not clocked in: every five minutes, from the first pass


@pytest.mark.parametrize("minutes", [1, 5, 10])
def test_a_change_before_the_window_applies_from_the_next_segment(minutes: int) -> None:
    """For a change at any moment, the first refresh after it comes before the next boundary
    whenever the change came at least the window (one interval + 10 s) before it."""
    lead = timedelta(seconds=INTERVAL + 10)
    done = refreshes(RefreshSchedule(lead=lead.total_seconds()), passes(1), minutes)
    change = START
    while change < START + timedelta(minutes=50):
        boundary = next_boundary(change, minutes)
        if boundary - change < lead:
            boundary += timedelta(minutes=minutes)  # too close: the one after
        first = next(r for r in done if r >= change)
        assert first < boundary, (change, first, boundary)
        change += timedelta(seconds=7)


def test_on_demand_and_stale_verdicts() -> None:
    schedule = RefreshSchedule()
    schedule.refreshed(START)
    soon = START + timedelta(seconds=5)
    assert not schedule.due(soon, segment_minutes=None)
    assert schedule.due(soon, segment_minutes=None, asked=True)
    assert says_stale(("contract_inactive",)) and says_stale(["no_memo", "outside_contract"])
    assert not says_stale(("no_memo", "no_activity"))


def test_the_worker_tells_before_pass_once_when_asked() -> None:
    from workdiary.sync.outbox import SyncReport
    from workdiary.sync.worker import SyncWorker

    class Outbox:
        api = object()
        stop_event = threading.Event()

        def run_once(self, flush: bool = False) -> SyncReport:
            return SyncReport()

    seen: list[bool] = []
    asked_once = threading.Event()

    def before_pass(api: object, asked: bool) -> None:
        seen.append(asked)
        if asked:
            asked_once.set()

    worker = SyncWorker(Outbox(), interval=0.05, before_pass=before_pass)  # type: ignore[arg-type]
    worker.start()
    try:
        worker.wake(refresh=True)
        assert asked_once.wait(5)
        count = len(seen)
        deadline = threading.Event()
        deadline.wait(0.3)
        assert len(seen) > count and seen.count(True) == 1
    finally:
        worker.stop()
