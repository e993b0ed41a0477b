"""The desktop GUI built from fakes: FakeClock, fake screen and input, a LocalStore in tmp_path,
the real Tracker on its real TrackerLoop thread. Qt runs offscreen (set before QApplication exists);
the one real-tray test runs in a subprocess under its own Xvfb."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["DBUS_SESSION_BUS_ADDRESS"] = "disabled:"

import gc
import random
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from workdiary.capture.base import EncodedScreenshot, InputCounts
from workdiary.core.clock import FakeClock
from workdiary.core.model import Contract
from workdiary.desktop.loop import TrackerLoop
from workdiary.desktop.review import ScreenshotReview
from workdiary.store import LocalStore
from workdiary.testing.capture_fakes import FakeInputCounter, FakeScreenGrabber
from workdiary.testing.trayhost import TrayHostUnavailable, start_tray_host, stop_tray_host
from workdiary.tracker.engine import Tracker
from workdiary.tracker.events import TrackerEvent
from workdiary.ui.session import DesktopSession
from workdiary.ui.taskman import TaskManager

TZ = ZoneInfo("Europe/Berlin")


@dataclass
class Rig:
    session: DesktopSession
    tracker: Tracker
    control: TrackerLoop
    clock: FakeClock
    store: LocalStore
    keyboard: FakeInputCounter
    review: ScreenshotReview
    events: list[TrackerEvent] = field(default_factory=list)

    def run(self, seconds: int, input_every: int | None = None) -> None:
        """Tick once per simulated second on the tracker's own thread; wait for the writes."""
        def steps() -> None:
            for second in range(seconds):
                if input_every and second % input_every == 0:
                    self.keyboard.feed(InputCounts(
                        keys=3, moves=5, active_seconds=1,
                        last_input_monotonic=self.clock.monotonic()))
                self.clock.advance(1)
                self.tracker.tick()

        self.control.call(steps).result(timeout=30)
        self.tracker.flush()

    def of(self, kind: type[Any]) -> list[Any]:
        self.tracker.flush()
        return [event for event in list(self.events) if isinstance(event, kind)]


@pytest.fixture(autouse=True)
def no_qt_object_in_a_reference_cycle() -> Iterator[None]:
    """Fails a test that leaves a Qt object in a reference cycle. The cycle collector frees such
    objects whenever it runs, on any thread; PySide then deletes them at a random point of the
    GUI thread, also inside Qt's event dispatch: an order-dependent crash in a later test (the
    trayless Desktop once did this, through its notifier's callback)."""
    from PySide6.QtCore import QObject

    gc.collect()  # what earlier tests left is not this test's doing
    yield
    gc.set_debug(gc.DEBUG_SAVEALL)  # keep what the collector finds, to name it
    try:
        gc.collect()
        left = sorted({type(o).__name__ for o in gc.garbage if isinstance(o, QObject)})
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.collect()  # free them now, on this (the GUI) thread, outside any event dispatch
    assert not left, f"Qt objects left in a reference cycle (break it; see the docstring): {left}"


@pytest.fixture
def contracts(make_contract: Callable[..., Contract]) -> list[Contract]:
    return [
        make_contract("c-1", segment_minutes=1, screenshots_per_segment=1, idle_minutes=2),
        make_contract("c-2", segment_minutes=10, screenshots_per_segment=3, blur=True,
                      window_titles=True, allow_redaction=False, capture="active"),
    ]


@pytest.fixture
def rig(tmp_path: Path, fake_clock: FakeClock, contracts: list[Contract], qtbot: Any,
        small_encode: Callable[..., EncodedScreenshot]) -> Iterator[Rig]:
    store = LocalStore(tmp_path / "workdiary.sqlite3", clock=fake_clock)
    store.replace_contracts(contracts)
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracker-worker")
    keyboard = FakeInputCounter()
    events: list[TrackerEvent] = []
    review = ScreenshotReview(store, fake_clock.now)
    holder: dict[str, DesktopSession] = {}

    def on_event(event: TrackerEvent) -> None:
        events.append(event)
        review.on_event(event)
        if "session" in holder:
            holder["session"].post_event(event)

    tracker = Tracker(
        store=store, clock=fake_clock, screen=FakeScreenGrabber(320, 180),
        input_counter=keyboard, encode=small_encode, executor=executor,
        rng=random.Random(7), on_event=on_event, idle_decision=lambda period: None,
    )
    control = TrackerLoop(tracker, fake_clock)
    session = DesktopSession(store=store, control=control, taskman=TaskManager(executor),
                             review=review, clock=fake_clock, tz=TZ)
    holder["session"] = session
    control.start()
    yield Rig(session, tracker, control, fake_clock, store, keyboard, review, events)
    session.shutdown()
    holder.clear()  # no session <-> tracker cycle: Qt objects are freed on this thread, now
    executor.shutdown(wait=True)
    store.close()


def started(rig: Rig) -> datetime:
    return rig.clock.now()


@pytest.fixture
def language(qapp: Any, tmp_path: Path) -> Iterator[Any]:
    """The app's language switch (catalogs compiled into a temporary cache); English after."""
    from workdiary.desktop import i18n
    from workdiary.ui.translations import LanguageSwitch

    switch = LanguageSwitch(qapp, tmp_path / "qm-cache")
    yield switch
    switch.use(i18n.SOURCE_LANGUAGE)
    i18n.reset()


@pytest.fixture
def tray_host(own_display: str) -> Iterator[str]:
    """A tray host (trayer, bottom right) on this module's own Xvfb; yields the display."""
    try:
        trayer = start_tray_host(own_display)
    except TrayHostUnavailable as problem:
        pytest.fail(str(problem))
    yield own_display
    stop_tray_host(trayer)
