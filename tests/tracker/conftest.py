"""A tracker wired to fakes: FakeClock, fake screen and input, a real LocalStore."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from workdiary.capture.base import EncodedScreenshot, InputCounts
from workdiary.core.clock import FakeClock
from workdiary.store import LocalStore
from workdiary.testing.capture_fakes import FakeInputCounter, FakeScreenGrabber, FakeWindowProbe
from workdiary.tracker.engine import Tracker
from workdiary.tracker.events import TrackerEvent


@dataclass
class Rig:
    tracker: Tracker
    clock: FakeClock
    store: LocalStore
    screen: FakeScreenGrabber
    keyboard: FakeInputCounter
    probe: FakeWindowProbe
    events: list[TrackerEvent] = field(default_factory=list)

    def input(self, keys: int = 3, moves: int = 5) -> None:
        """Input that the next tick sees, as having arrived just now."""
        self.keyboard.feed(InputCounts(
            keys=keys, moves=moves, active_seconds=1,
            last_input_monotonic=self.clock.monotonic(),
        ))

    def run(self, seconds: int, input_every: int | None = None) -> None:
        """Tick once a simulated second; feed input every ``input_every`` seconds."""
        for second in range(seconds):
            if input_every and second % input_every == 0:
                self.input()
            self.clock.advance(1)
            self.tracker.tick()

    def run_until(self, moment: datetime, input_every: int | None = None) -> None:
        self.run(int((moment - self.clock.now()).total_seconds()), input_every)

    def of(self, kind: type[Any]) -> list[Any]:
        self.tracker.flush()
        return [event for event in self.events if isinstance(event, kind)]


@pytest.fixture
def rig(
    tmp_path: Path, small_encode: Callable[..., EncodedScreenshot],
) -> Iterator[Rig]:
    clock = FakeClock(datetime(2026, 3, 4, 8, 57, 27, tzinfo=UTC))
    store = LocalStore(tmp_path / "workdiary.sqlite3", clock=clock)
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracker-worker")
    screen, keyboard, probe = FakeScreenGrabber(160, 90), FakeInputCounter(), FakeWindowProbe()
    events: list[TrackerEvent] = []
    tracker = Tracker(
        store=store, clock=clock, screen=screen, input_counter=keyboard, encode=small_encode,
        executor=executor, rng=random.Random(1234), window_probe=probe,
        on_event=events.append,
    )
    yield Rig(tracker, clock, store, screen, keyboard, probe, events)
    executor.shutdown(wait=True)
    store.close()
