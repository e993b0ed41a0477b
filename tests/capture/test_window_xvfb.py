"""The X11 active-window probe under a private Xvfb (no window manager)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from Xlib import X
from Xlib import display as xdisplay

from workdiary.capture.base import ActiveWindow
from workdiary.capture.window_x11 import X11WindowProbe

from .xserver import ColourWindow, XServer, start_xvfb, xdotool

pytestmark = pytest.mark.xvfb

TITLE = "Invoice draft – naïve café.txt"  # non-ASCII: read from _NET_WM_NAME as UTF-8


@pytest.fixture(scope="module")
def windows(own_xvfb: XServer) -> Iterator[tuple[ColourWindow, ColourWindow]]:
    editor = ColourWindow(own_xvfb.name, 0, 0, [(0, 0, 50, 50, "#ff0000")], width=300,
                          height=200, title=TITLE, class_name="Workdiaryeditor")
    other = ColourWindow(own_xvfb.name, 400, 0, [(0, 0, 50, 50, "#0000ff")], width=300,
                         height=200, title="Other window", class_name="Otherapp")
    yield editor, other
    editor.close()
    other.close()


@pytest.fixture
def probe(own_xvfb: XServer) -> Iterator[X11WindowProbe]:
    probe = X11WindowProbe(own_xvfb.name)
    yield probe
    probe.close()


def _focus(server: XServer, window_id: int) -> None:
    xdotool(server.name, "windowfocus", "--sync", str(window_id))


def _set_net_active(server: XServer, window_id: int | None) -> None:
    """Play the window manager's part: publish (or remove) _NET_ACTIVE_WINDOW on the root."""
    conn = xdisplay.Display(server.name)
    try:
        root = conn.screen().root
        atom = conn.intern_atom("_NET_ACTIVE_WINDOW")
        if window_id is None:
            root.delete_property(atom)
        else:
            root.change_property(atom, conn.intern_atom("WINDOW"), 32, [window_id])
        conn.sync()
    finally:
        conn.close()


def test_without_a_window_manager_the_input_focus_is_used(
    probe: X11WindowProbe, own_xvfb: XServer, windows: tuple[ColourWindow, ColourWindow]
) -> None:
    editor, other = windows
    _set_net_active(own_xvfb, None)
    _focus(own_xvfb, editor.window_id)
    assert probe.active_window() == ActiveWindow(app="Workdiaryeditor", title=TITLE)
    _focus(own_xvfb, other.window_id)
    assert probe.active_window() == ActiveWindow(app="Otherapp", title="Other window")


def test_focus_on_an_inner_widget_reports_its_application(
    probe: X11WindowProbe, own_xvfb: XServer, windows: tuple[ColourWindow, ColourWindow]
) -> None:
    editor, _ = windows
    _set_net_active(own_xvfb, None)
    inner = editor.inner_id  # the canvas, a child window
    assert inner != editor.window_id
    _focus(own_xvfb, inner)
    assert probe.active_window() == ActiveWindow(app="Workdiaryeditor", title=TITLE)


def test_net_active_window_wins_over_the_input_focus(
    probe: X11WindowProbe, own_xvfb: XServer, windows: tuple[ColourWindow, ColourWindow]
) -> None:
    editor, other = windows
    _focus(own_xvfb, other.window_id)
    _set_net_active(own_xvfb, editor.window_id)
    try:
        assert probe.active_window() == ActiveWindow(app="Workdiaryeditor", title=TITLE)
    finally:
        _set_net_active(own_xvfb, None)


def test_focus_on_the_root_or_nothing_is_unknown(
    probe: X11WindowProbe, own_xvfb: XServer, windows: tuple[ColourWindow, ColourWindow]
) -> None:
    _set_net_active(own_xvfb, None)
    conn = xdisplay.Display(own_xvfb.name)
    try:
        conn.set_input_focus(X.NONE, X.RevertToNone, X.CurrentTime)
        conn.sync()
    finally:
        conn.close()
    assert probe.active_window() is None


def test_a_vanished_window_is_unknown_not_an_error(
    probe: X11WindowProbe, own_xvfb: XServer
) -> None:
    _set_net_active(own_xvfb, 0x3FFFFF)  # an id no window has
    try:
        assert probe.active_window() is None
        assert probe.last_error is not None
    finally:
        _set_net_active(own_xvfb, None)


def test_a_dead_display_is_unknown_and_recovers_nothing_raised() -> None:
    server = start_xvfb(320, 200)
    probe = X11WindowProbe(server.name)
    assert probe.active_window() is None  # reachable, nothing focused
    server.stop()
    assert probe.active_window() is None
    assert probe.last_error is not None and "X display unavailable" in probe.last_error
    probe.close()
