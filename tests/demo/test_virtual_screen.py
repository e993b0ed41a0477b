"""The private Xvfb launcher (product code, used by the demo; the testing kit re-exports it): it
starts, serves clients, stops, and says clearly when it cannot."""

from __future__ import annotations

import shutil

import pytest
from Xlib import display as xdisplay

from workdiary.demo import virtual_screen as xvfb
from workdiary.demo.virtual_screen import XvfbUnavailable, display_in_use, start_xvfb


@pytest.mark.xvfb
def test_a_started_display_accepts_connections_and_is_gone_after_stop() -> None:
    with start_xvfb(320, 200, depth=16) as display:
        number = int(display.name.removeprefix(":"))
        assert display_in_use(number)  # what the next start_xvfb will skip
        conn = xdisplay.Display(display.name)
        try:
            screen = conn.screen()
            assert (screen.width_in_pixels, screen.height_in_pixels) == (320, 200)
            assert screen.root_depth == 16
        finally:
            conn.close()
        assert display.process.poll() is None
    assert display.process.poll() is not None  # stopped on leaving the block
    display.stop()  # a second stop is harmless


@pytest.mark.xvfb
def test_extra_args_reach_the_server() -> None:
    # -dpi shows in the screen's size in millimetres (320 px at 64 dpi = 127 mm). Not an
    # extension switch: a python-xlib connection to a server without RANDR corrupts that
    # library's event tables for later connections in the same process (pynput then fails).
    with start_xvfb(320, 200, extra_args=("-dpi", "64")) as display:
        conn = xdisplay.Display(display.name)
        try:
            assert conn.screen().width_in_mms == round(320 * 25.4 / 64)
        finally:
            conn.close()


def test_a_missing_xvfb_binary_gives_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real_which = shutil.which
    monkeypatch.setattr(
        shutil, "which", lambda name, *a, **k: None if name == "Xvfb" else real_which(name)
    )
    with pytest.raises(XvfbUnavailable, match=r"Xvfb is not installed.*package xvfb") as raised:
        start_xvfb()
    assert isinstance(raised.value, RuntimeError)  # callers may catch the general kind


def test_no_free_display_gives_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: "/usr/bin/Xvfb")
    monkeypatch.setattr(xvfb, "display_in_use", lambda number: True)
    with pytest.raises(XvfbUnavailable, match="free display number in 3 attempts"):
        start_xvfb(attempts=3)


@pytest.mark.xvfb
def test_a_display_starts_in_a_process_with_descriptors_above_1023() -> None:
    """select() refuses descriptors above 1023; a long test run (or app) can get there."""
    import os

    held = []
    try:
        while not held or held[-1] < 1100:
            held.append(os.dup(0))
        with start_xvfb(320, 200) as virtual:
            # (python-xlib's own select() has the same limit, so ask without it)
            assert display_in_use(int(virtual.name.removeprefix(":")))
            assert virtual.process.poll() is None
    finally:
        for fd in held:
            os.close(fd)
