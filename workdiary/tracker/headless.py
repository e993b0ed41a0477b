"""The headless tracker's composition root: real capture, the store, one worker thread."""

from __future__ import annotations

import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from workdiary.capture.base import CaptureError, InputCounter, InputCounts, ScreenGrabber
from workdiary.capture.encode import encode_screenshot
from workdiary.capture.platform import (
    display_problem,
    make_input_counter,
    make_screen_grabber,
    make_window_probe,
)
from workdiary.core.clock import Clock, SystemClock
from workdiary.tracker.engine import Tracker
from workdiary.tracker.events import TrackerEvent
from workdiary.tracker.idle import discard_idle
from workdiary.tracker.ports import RecordingStore, Signer


class TimeOnlyInputCounter:
    """Wraps the real counter; if input cannot be observed (no display, no X RECORD), it
    counts nothing instead of stopping the tracker, so time is still recorded."""

    def __init__(self, inner: InputCounter, on_unavailable: Callable[[str], None]) -> None:
        self._inner = inner
        self._on_unavailable = on_unavailable
        self.available = True

    def start(self) -> None:
        try:
            self._inner.start()
        except CaptureError as exc:
            self.available = False
            self._on_unavailable(str(exc))

    def stop(self) -> None:
        if self.available:
            self._inner.stop()

    def take(self) -> InputCounts:
        return self._inner.take() if self.available else InputCounts()


@dataclass
class HeadlessTracker:
    tracker: Tracker
    clock: Clock
    executor: ThreadPoolExecutor
    screen: ScreenGrabber
    warnings: list[str] = field(default_factory=list)

    def shutdown(self) -> None:
        """After clock-out: finish queued work, release the screen."""
        self.executor.shutdown(wait=True)
        self.screen.close()


def build_headless_tracker(
    store: RecordingStore, *, on_event: Callable[[TrackerEvent], None],
    clock: Clock | None = None, signer: Signer | None = None,
    rng: random.Random | None = None,
) -> HeadlessTracker:
    """Real capture where there is a display; without one, a tracker that still records
    time, with every screenshot stored as a failed capture and no input counted (the
    reason is in ``warnings``)."""
    clock = clock or SystemClock()
    warnings: list[str] = []
    problem = display_problem()
    if problem is not None:
        warnings.append(
            f"{problem} Tracking time anyway: screenshots are recorded as failed captures "
            f"(capture_failed) and no input is counted."
        )
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracker-worker")
    screen = make_screen_grabber()
    counter = TimeOnlyInputCounter(
        make_input_counter(),
        lambda reason: warnings.append(f"input cannot be counted: {reason}")
        if problem is None else None,
    )
    tracker = Tracker(
        store=store, clock=clock, screen=screen, input_counter=counter,
        encode=encode_screenshot, executor=executor, rng=rng or random.SystemRandom(),
        window_probe=make_window_probe(), on_event=on_event, idle_decision=discard_idle,
        signer=signer, input_observed=lambda: counter.available,
    )
    return HeadlessTracker(tracker, clock, executor, screen, warnings)
