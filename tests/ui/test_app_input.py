"""The tray app and `workdiary track` treat missing input the same way: when keyboard and mouse
cannot be counted, time is kept, never marked idle (there is nothing to judge idleness by)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from workdiary.capture import platform
from workdiary.capture.base import CaptureError, InputCounts
from workdiary.cli.app import run_app
from workdiary.core.clock import FakeClock
from workdiary.core.model import Contract
from workdiary.desktop.settings import DesktopSettings
from workdiary.store import LocalStore
from workdiary.testing.capture_fakes import FakeScreenGrabber


class UncountableInput:
    """An input counter that cannot start, as on a display without the X RECORD extension."""

    def start(self) -> None:
        raise CaptureError("the X server has no RECORD extension")

    def stop(self) -> None:
        pass

    def take(self) -> InputCounts:
        raise AssertionError("never asked once start failed")


def test_the_tray_app_keeps_minutes_when_input_cannot_be_counted(
    tmp_path: Path, fake_clock: FakeClock, make_contract: Callable[..., Contract], qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(platform, "make_input_counter", UncountableInput)
    monkeypatch.setattr(platform, "make_screen_grabber", lambda: FakeScreenGrabber(64, 36))
    monkeypatch.setattr(platform, "make_window_probe", lambda: None)
    contract = make_contract("c-1", segment_minutes=10, screenshots_per_segment=1,
                             idle_minutes=1)
    store = LocalStore(tmp_path / "workdiary.sqlite3", clock=fake_clock)
    store.replace_contracts([contract])
    stop = threading.Event()
    notices: list[str] = []

    def ready(desktop: Any) -> None:
        session = desktop.session
        session.notice.connect(notices.append)
        session.clock_in(contract, "no input here")
        qtbot.waitUntil(lambda: session.clocked_in, timeout=10_000)
        tracker = session.control.tracker

        def four_minutes() -> None:
            for _ in range(240):
                fake_clock.advance(1)
                tracker.tick()

        session.control.call(four_minutes).result(timeout=30)
        tracker.flush()
        stop.set()  # the app quits at its next look at the flag: clock out, all written

    try:
        run_app(store, settings=DesktopSettings(tmp_path, ZoneInfo("UTC")), secrets=None,
                clock=fake_clock, stop=stop, on_ready=ready)
        [segment] = store.segments_between(fake_clock.now().replace(year=2000),
                                           fake_clock.now().replace(year=2100))
    finally:
        store.close()
    assert len(segment.minutes) >= 4
    assert not any(minute.idle for minute in segment.minutes)
    assert any("cannot be counted" in text for text in notices)
