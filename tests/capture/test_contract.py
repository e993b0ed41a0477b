"""One contract suite for the capture interfaces, run against the fakes and the real X11 ones."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PIL import Image

from workdiary.capture.base import ActiveWindow, InputCounts
from workdiary.core.model import CaptureMode
from workdiary.testing.capture_fakes import FakeInputCounter, FakeScreenGrabber, FakeWindowProbe

from .xserver import XServer

REAL = pytest.mark.xvfb


def _real_screen(server: XServer) -> Any:
    from workdiary.capture.pointer_x11 import X11Pointer
    from workdiary.capture.screen_mss import MssScreenGrabber

    return MssScreenGrabber(X11Pointer(server.name), display=server.name)


def _real_input(server: XServer, monkeypatch: pytest.MonkeyPatch) -> Any:
    from workdiary.capture.input_pynput import PynputInputCounter

    monkeypatch.setenv("DISPLAY", server.name)
    return PynputInputCounter()


def _real_window(server: XServer) -> Any:
    from workdiary.capture.window_x11 import X11WindowProbe

    return X11WindowProbe(server.name)


@pytest.fixture(params=["fake", pytest.param("real", marks=REAL)])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def server(kind: str, request: pytest.FixtureRequest) -> XServer | None:
    # Only the real implementations need the private Xvfb (started once per module).
    return request.getfixturevalue("own_xvfb") if kind == "real" else None


@pytest.fixture
def make(kind: str, server: XServer | None, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    def build(what: str) -> Any:
        if kind == "fake":
            return {"screen": FakeScreenGrabber, "input": FakeInputCounter,
                    "window": FakeWindowProbe}[what]()
        assert server is not None
        if what == "input":
            return _real_input(server, monkeypatch)
        return {"screen": _real_screen, "window": _real_window}[what](server)

    return build


@pytest.fixture
def screen(make: Callable[..., Any]) -> Iterator[Any]:
    grabber = make("screen")
    yield grabber
    grabber.close()


@pytest.mark.parametrize("mode", list(CaptureMode))
def test_grab_gives_an_rgb_picture_in_every_mode(screen: Any, mode: CaptureMode) -> None:
    image = screen.grab(mode)
    assert isinstance(image, Image.Image)
    assert image.mode == "RGB"
    assert image.width > 0 and image.height > 0


def test_input_counter_with_no_input_takes_zeros(make: Callable[..., Any]) -> None:
    counter = make("input")
    counter.start()
    try:
        assert counter.take() == InputCounts()
        assert counter.take() == InputCounts()
    finally:
        counter.stop()
    assert counter.take() == InputCounts()  # after stop: still answers, nothing new


def test_window_probe_answers_a_window_or_none(make: Callable[..., Any]) -> None:
    answer = make("window").active_window()
    assert answer is None or isinstance(answer, ActiveWindow)
