"""The engine on the real capture factories (mss, pynput, X11, the real encoder) under Xvfb."""

from __future__ import annotations

import os
import random
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from workdiary.capture.encode import encode_screenshot
from workdiary.capture.platform import (
    display_problem,
    make_input_counter,
    make_screen_grabber,
    make_window_probe,
)
from workdiary.core.clock import FakeClock
from workdiary.store import LocalStore
from workdiary.tracker.engine import Tracker
from workdiary.tracker.events import (
    MinuteRecorded,
    RecordingFailed,
    ScreenshotFailed,
    ScreenshotTaken,
    TrackerEvent,
)

pytestmark = pytest.mark.xvfb


def test_real_capture_through_the_engine(
    tmp_path: Path, make_contract: Any, own_display: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISPLAY", own_display)
    assert display_problem() is None
    clock = FakeClock(datetime(2026, 3, 4, 9, 0, 30, tzinfo=UTC))
    events: list[TrackerEvent] = []
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracker-worker")
    screen = make_screen_grabber()
    with LocalStore(tmp_path / "workdiary.sqlite3", clock=clock) as store:
        tracker = Tracker(
            store=store, clock=clock, screen=screen, input_counter=make_input_counter(),
            encode=encode_screenshot, executor=executor, rng=random.Random(7),
            window_probe=make_window_probe(), on_event=events.append,
        )
        tracker.clock_in(make_contract(segment_minutes=1, window_titles=True), "real")
        time.sleep(0.5)  # the pynput listener connects to the display
        subprocess.run(["xdotool", "key", "--delay", "50", "a", "b", "c"],
                       env={**os.environ, "DISPLAY": own_display}, check=True, timeout=10)
        # Let the events arrive while the (fake) clock stands still, then run 150 s.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            tracker.tick()
            time.sleep(0.05)
        for _ in range(150):
            clock.advance(1)
            tracker.tick()
        tracker.clock_out()
        executor.shutdown(wait=True)
        screen.close()

        assert [e for e in events if isinstance(e, RecordingFailed | ScreenshotFailed)] == []
        keys = sum(e.minute.keys for e in events if isinstance(e, MinuteRecorded))
        assert keys == 3
        taken = [e for e in events if isinstance(e, ScreenshotTaken)]
        assert len(taken) == 3  # one per 1-minute segment: 09:00:30-, 09:01-, 09:02-09:03:00
        for event in taken:
            assert event.shot.width == 1920 and event.shot.height == 1080
            path = store.screenshot_path(event.shot.sha256 or "")
            assert path is not None and path.read_bytes()[:2] == b"\xff\xd8"  # a JPEG
            assert store.thumbnail_path(event.shot.sha256 or "") is not None
