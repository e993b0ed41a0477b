"""Fakes of the screen, input counter and window probe: for tests and benchmarks."""

from __future__ import annotations

import threading
from collections import deque

from PIL import Image, ImageDraw

from workdiary.capture.base import ActiveWindow, CaptureError, InputCounts
from workdiary.core.model import CaptureMode


class FakeScreenGrabber:
    """Draws a small, varied picture; ``fail_with`` makes every grab fail with that reason."""

    def __init__(self, width: int = 640, height: int = 360, fail_with: str | None = None) -> None:
        self.width = width
        self.height = height
        self.fail_with = fail_with
        self.grabs: list[CaptureMode] = []
        self._count = 0

    def grab(self, mode: CaptureMode) -> Image.Image:
        if self.fail_with is not None:
            raise CaptureError(self.fail_with)
        self.grabs.append(mode)
        self._count += 1
        image = Image.new("RGB", (self.width, self.height), (30, 60, 90))
        draw = ImageDraw.Draw(image)
        shade = (self._count * 37) % 255
        draw.rectangle((10, 10, self.width // 2, self.height // 2), fill=(shade, 200, 80))
        draw.text((20, self.height - 40), f"fake screen #{self._count} {mode.value}", fill="white")
        return image

    def close(self) -> None:
        pass


class FakeInputCounter:
    """Hands out scripted counts: ``feed`` queues counts that the next ``take`` returns."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[InputCounts] = deque()
        self.started = False

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        self.started = False

    def feed(self, counts: InputCounts) -> None:
        with self._lock:
            self._queue.append(counts)

    def take(self) -> InputCounts:
        with self._lock:
            return self._queue.popleft() if self._queue else InputCounts()


class FakeWindowProbe:
    def __init__(self, window: ActiveWindow | None = None) -> None:
        self.window = window

    def active_window(self) -> ActiveWindow | None:
        return self.window
