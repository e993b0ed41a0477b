"""Headless GNOME Shell: the portal screenshot of a native window (permission stored, then
refused), Mutter's IdleMonitor driven by RemoteDesktop input, and the session's choices."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from workdiary.capture.wayland.idle_mutter import MutterIdleActivity, idle_seconds
from workdiary.capture.wayland.portal import open_session_bus
from workdiary.capture.wayland.session import Probes, wayland_backends, window_titles_note
from workdiary.core.model import ActivitySource

from .compositors import (
    GNOME_PACKAGES,
    WaylandSession,
    close_window,
    grab_as_user,
    show_colour_window,
    start_gnome_shell,
)
from .conftest import require

pytestmark = pytest.mark.wayland

QUADRANTS = [[220, 30, 30], [30, 200, 40], [30, 60, 220], [240, 220, 20]]
RD_BUS = "org.gnome.Mutter.RemoteDesktop"
SPACE = 0x20  # keysym


def _call(address: object, method: str, signature: str | None = None,
          body: tuple[object, ...] = (), connection: object = None) -> tuple[object, ...]:
    """One D-Bus call; on ``connection`` when given (RemoteDesktop sessions live as long as
    the connection that created them), else on a fresh one."""
    from jeepney import new_method_call
    from jeepney.wrappers import unwrap_msg

    message = new_method_call(address, method, signature, body)  # type: ignore[arg-type]
    if connection is not None:
        return tuple(unwrap_msg(connection.send_and_get_reply(message, timeout=20)))  # type: ignore[attr-defined]
    with open_session_bus() as fresh:
        return tuple(unwrap_msg(fresh.send_and_get_reply(message, timeout=20)))


def _store_screenshot_permission(answer: str) -> None:
    from jeepney import DBusAddress

    store = DBusAddress("/org/freedesktop/impl/portal/PermissionStore",
                        bus_name="org.freedesktop.impl.portal.PermissionStore",
                        interface="org.freedesktop.impl.portal.PermissionStore")
    _call(store, "SetPermission", "sbssas", ("screenshot", True, "screenshot", "", [answer]))


@pytest.fixture(scope="module")
def gnome() -> Iterator[WaylandSession]:
    """Headless GNOME Shell as nobody, the test process on its session bus, a colour window."""
    require(GNOME_PACKAGES)
    session = start_gnome_shell()
    saved = pytest.MonkeyPatch()
    window = None
    try:
        for key, value in session.client_env().items():
            saved.setenv(key, value)
        saved.delenv("DISPLAY", raising=False)
        deadline = time.monotonic() + 60
        while True:  # the shell answers on D-Bus a little after its Wayland socket appears
            try:
                with open_session_bus() as connection:
                    idle_seconds(connection)
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        window = show_colour_window(session)
        yield session
    finally:
        if window is not None:
            close_window(window)
        saved.undo()
        session.stop()


def test_the_portal_captures_a_native_window_once_permission_is_stored(
    gnome: WaylandSession,
) -> None:
    _store_screenshot_permission("yes")
    grab, disk = grab_as_user(gnome, ["all"], [(5, 5)])
    assert grab.get("error") is None, grab
    assert tuple(grab["size"]) == (800, 600)  # type: ignore[arg-type]
    colours = grab["colours"]
    assert all(any(all(abs(a - b) <= 3 for a, b in zip(seen, colour, strict=True))
                   for seen in colours) for colour in QUADRANTS), colours  # type: ignore[union-attr]
    assert disk == {"left_on_disk": False}


def test_a_stored_refusal_is_a_failed_capture_with_the_portals_reason(
    gnome: WaylandSession,
) -> None:
    _store_screenshot_permission("no")
    try:
        grab, _ = grab_as_user(gnome, ["all"], [])
    finally:
        _store_screenshot_permission("yes")
    assert "size" not in grab
    assert "refused in the desktop's privacy settings" in str(grab["error"])


def test_the_idle_monitor_measures_input_and_idle(gnome: WaylandSession) -> None:
    from jeepney import DBusAddress

    bus = open_session_bus()
    desktop = DBusAddress("/org/gnome/Mutter/RemoteDesktop", bus_name=RD_BUS,
                          interface=RD_BUS)
    path = str(_call(desktop, "CreateSession", connection=bus)[0])
    remote = DBusAddress(path, bus_name=RD_BUS, interface=f"{RD_BUS}.Session")
    activity = MutterIdleActivity(open_session_bus, timeout=1.0, poll=0.2)
    activity.start()
    try:
        _call(remote, "Start", connection=bus)
        typed = 0
        deadline = time.monotonic() + 60
        while typed < 2:  # type until two active seconds are reported
            assert time.monotonic() < deadline, "typing was never reported as activity"
            for pressed in (True, False):
                _call(remote, "NotifyKeyboardKeysym", "ub", (SPACE, pressed), connection=bus)
            time.sleep(0.1)
            counts = activity.take()
            assert counts.source is ActivitySource.IDLE_MONITOR and counts.keys == 0
            typed += counts.active_seconds
        deadline = time.monotonic() + 60
        while not activity.idle:
            assert time.monotonic() < deadline, "the idle monitor never reported idle"
            time.sleep(0.1)
        activity.take()
        time.sleep(1.5)
        assert activity.take().active_seconds == 0
    finally:
        activity.stop()
        bus.close()  # ends the remote desktop session


def test_gnome_uses_the_portal_and_the_idle_monitor_and_explains_titles(
    gnome: WaylandSession,
) -> None:
    backends = wayland_backends(gnome.client_env(), Probes(evdev_paths=list))
    assert (backends.compositor.name, backends.capture.name, backends.activity.name,
            backends.titles.name) == ("gnome", "portal", "mutter-idle-monitor", "none")
    note = window_titles_note(backends)
    assert note is not None and "GNOME Shell extension" in note
