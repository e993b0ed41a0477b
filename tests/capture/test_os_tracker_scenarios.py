"""The tracker on Windows and macOS, driven through fakes of the OS wrappers: a missing
permission, an unreadable title, idle time that jumps. The same engine, store and verdicts as
on Linux; only the system underneath is simulated."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from workdiary.capture.base import EncodedScreenshot, InputCounter, InputCounts, ScreenGrabber
from workdiary.capture.idle_source import CrossCheckedInputCounter
from workdiary.capture.macos.adapters import (
    InputPermissionGate,
    MacIdleSource,
    MacWindowProbe,
    ScreenRecordingGate,
)
from workdiary.capture.macos.api import FrontmostApp
from workdiary.capture.macos.fake import FakeMacSystem
from workdiary.capture.windows.adapters import WindowsIdleSource, WindowsWindowProbe
from workdiary.capture.windows.fake import FakeWin32
from workdiary.core.clock import FakeClock
from workdiary.core.model import Segment
from workdiary.core.verify import Reason, Status
from workdiary.desktop.runtime import TimeOnlyInputCounter
from workdiary.store import LocalStore
from workdiary.store.precheck import precheck_segment
from workdiary.testing.capture_fakes import FakeInputCounter, FakeScreenGrabber
from workdiary.tracker.engine import Tracker
from workdiary.tracker.events import ScreenshotFailed, ScreenshotTaken, TrackerEvent

START = datetime(2026, 3, 4, 9, 0, 0, tzinfo=UTC)


@dataclass
class Run:
    tracker: Tracker
    clock: FakeClock
    store: LocalStore
    hooks: FakeInputCounter
    events: list[TrackerEvent]
    warnings: list[str]

    def tick(self, seconds: int, input_every: int | None = None) -> None:
        for second in range(seconds):
            if input_every and second % input_every == 0:
                self.hooks.feed(InputCounts(keys=2, moves=3, active_seconds=1,
                                            last_input_monotonic=self.clock.monotonic()))
            self.clock.advance(1)
            self.tracker.tick()

    def segments(self) -> list[Segment]:
        self.tracker.flush()
        return self.store.segments_between(START - timedelta(hours=1), self.clock.now())


@pytest.fixture
def start_run(tmp_path: Path, small_encode: Callable[..., EncodedScreenshot],
              make_contract: Any) -> Iterator[Callable[..., Run]]:
    executors: list[ThreadPoolExecutor] = []
    stores: list[LocalStore] = []

    def start(screen: ScreenGrabber, counter: Callable[[FakeInputCounter, FakeClock],
                                                       InputCounter],
              probe: Any, **policy: Any) -> Run:
        clock = FakeClock(START)
        store = LocalStore(tmp_path / "workdiary.sqlite3", clock=clock)
        contract = make_contract("c-1", segment_minutes=10, **policy)
        store.replace_contracts([contract])
        executor = ThreadPoolExecutor(max_workers=1)
        executors.append(executor)
        stores.append(store)
        hooks, events, warnings = FakeInputCounter(), [], []
        # As the runtime builds it: a counter that cannot start records time without input.
        guarded = TimeOnlyInputCounter(counter(hooks, clock), warnings.append)
        tracker = Tracker(store=store, clock=clock, screen=screen, input_counter=guarded,
                          encode=small_encode, executor=executor, rng=random.Random(7),
                          window_probe=probe, on_event=events.append,
                          input_observed=lambda: guarded.available)
        tracker.clock_in(contract, "porting the parser")
        return Run(tracker, clock, store, hooks, events, warnings)

    yield start
    for executor in executors:
        executor.shutdown(wait=True)
    for store in stores:
        store.close()


def test_macos_without_screen_recording_records_failed_captures_not_protection(
    start_run: Callable[..., Run],
) -> None:
    system, screen = FakeMacSystem(screen_capture=False), FakeScreenGrabber(160, 90)
    run = start_run(ScreenRecordingGate(screen, system),
                    lambda hooks, _: InputPermissionGate(hooks, system), MacWindowProbe(system))
    run.tick(600, input_every=5)
    run.tracker.clock_out()
    segments = run.segments()
    shots = [shot for segment in segments for shot in segment.screenshots]
    assert shots and screen.grabs == []  # not one picture of the bare desktop
    assert all(shot.failed and "Screen Recording permission is missing" in (shot.error or "")
               for shot in shots)
    verdict = precheck_segment(run.store, segments[0], run.clock.now())
    assert verdict.status is Status.UNPROTECTED
    assert Reason.CAPTURE_FAILED in verdict.reasons and Reason.NO_SCREENSHOT in verdict.reasons
    assert verdict.billable_minutes == 10  # the time itself is kept


def test_macos_without_input_permissions_keeps_time_says_why_and_claims_no_activity(
    start_run: Callable[..., Run],
) -> None:
    system = FakeMacSystem(accessibility=False, input_monitoring=False)
    run = start_run(ScreenRecordingGate(FakeScreenGrabber(160, 90), system),
                    lambda hooks, _: InputPermissionGate(hooks, system), MacWindowProbe(system),
                    idle_minutes=1)
    run.tick(600, input_every=5)  # the user types, but the event tap would hear nothing
    run.tracker.clock_out()
    assert len(run.warnings) == 1
    assert "Accessibility and Input Monitoring permission is missing" in run.warnings[0]
    segment = run.segments()[0]
    assert sum(m.seconds for m in segment.minutes) == 600
    assert not any(m.idle for m in segment.minutes)
    assert all(m.keys == 0 and m.moves == 0 for m in segment.minutes)
    verdict = precheck_segment(run.store, segment, run.clock.now())
    assert verdict.status is Status.UNPROTECTED and Reason.NO_ACTIVITY in verdict.reasons


@pytest.mark.parametrize("system_name", ["windows", "macos"])
def test_an_unreadable_title_keeps_the_screenshot_and_the_application(
    start_run: Callable[..., Run], system_name: str,
) -> None:
    if system_name == "windows":
        api = FakeWin32()
        api.titles[0x10010] = None
        probe: Any = WindowsWindowProbe(api)
    else:
        probe = MacWindowProbe(FakeMacSystem(frontmost=FrontmostApp("Terminal", 9),
                                             titles={9: None}))
    run = start_run(FakeScreenGrabber(160, 90), lambda hooks, _: hooks, probe,
                    window_titles=True)
    run.tick(600, input_every=5)
    run.tracker.clock_out()
    taken = [e for e in run.events if isinstance(e, ScreenshotTaken)]
    assert taken and not [e for e in run.events if isinstance(e, ScreenshotFailed)]
    expected_app = "notepad" if system_name == "windows" else "Terminal"
    assert all(e.shot.app == expected_app and e.shot.window_title == "" for e in taken)
    verdict = precheck_segment(run.store, run.segments()[0], run.clock.now())
    assert verdict.status is Status.PROTECTED


def test_windows_idle_time_that_jumps_adds_no_activity_and_no_warning(
    start_run: Callable[..., Run],
) -> None:
    api = FakeWin32(ticks=2**32 - 30_000, last_input=2**32 - 30_000)

    def counter(hooks: FakeInputCounter, clock: FakeClock) -> InputCounter:
        return CrossCheckedInputCounter(hooks, WindowsIdleSource(api), on_blind=warnings.append,
                                        monotonic=clock.monotonic)

    warnings: list[str] = []
    run = start_run(FakeScreenGrabber(160, 90), counter, None, idle_minutes=2)
    for second in range(600):
        api.ticks += 1000  # wraps past 2**32 after 30 s: idle grows smoothly through it
        if second == 300:
            api.last_input = api.ticks - 3 * 3600 * 1000  # a stale value, hours old
        run.clock.advance(1)
        run.tracker.tick()
    run.tracker.clock_out()
    assert warnings == []
    minutes = run.segments()[0].minutes
    assert all(m.keys == m.clicks == m.scrolls == m.moves == 0 for m in minutes)
    # No input anywhere: idle after 2 minutes, as on Linux (and discarded, headless rule).
    assert sum(m.seconds for m in minutes) == 120


def test_macos_input_the_event_tap_misses_is_reported_never_counted(
    start_run: Callable[..., Run],
) -> None:
    system = FakeMacSystem()
    warnings: list[str] = []

    def counter(hooks: FakeInputCounter, clock: FakeClock) -> InputCounter:
        return CrossCheckedInputCounter(InputPermissionGate(hooks, system), MacIdleSource(system),
                                        on_blind=warnings.append, monotonic=clock.monotonic)

    run = start_run(FakeScreenGrabber(160, 90), counter, None)
    run.tick(60, input_every=5)  # counted normally
    system.idle_seconds = 0.5  # permission withdrawn: the system still sees input, the tap not
    run.tick(60)
    run.tracker.clock_out()
    assert len(warnings) == 1 and "Input Monitoring" in warnings[0]
    minutes = run.segments()[0].minutes
    assert minutes[0].keys > 0 and all(m.keys == 0 for m in minutes[1:])
