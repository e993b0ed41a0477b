"""Without a tray, the app's messages also become desktop notifications (through the notifier
the root chose); a notifier that cannot reach a service is said once in the window."""

from __future__ import annotations

import gc
import shutil
import threading
import weakref
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from workdiary.capture import platform
from workdiary.cli.app import run_app
from workdiary.core.clock import FakeClock
from workdiary.core.model import Contract
from workdiary.desktop.settings import DesktopSettings
from workdiary.store import LocalStore
from workdiary.testing.capture_fakes import FakeInputCounter, FakeScreenGrabber
from workdiary.testing.dbus_session import NotificationServer, private_session_bus
from workdiary.testing.notify_fakes import RecordingNotifier
from workdiary.ui.desktop import Desktop

from .conftest import Rig


def test_a_failed_capture_is_notified_once_without_a_tray(rig: Rig, qtbot: Any) -> None:
    notifier = RecordingNotifier()
    desktop = Desktop(rig.session, tray_available=False, on_quit=lambda: None,
                      notifier=notifier)
    qtbot.addWidget(desktop.main_window)
    desktop.start()
    screen = rig.tracker._screen
    assert isinstance(screen, FakeScreenGrabber)
    screen.fail_with = "the screenshot portal refused"

    rig.session.clock_in(rig.store.contracts()[0], "Work")
    qtbot.waitUntil(lambda: rig.session.clocked_in)
    rig.run(400, input_every=3)  # several screenshot times, all failing alike
    qtbot.waitUntil(lambda: any("could not be taken" in body for _, body in notifier.sent))
    failed = [body for _, body in notifier.sent if "could not be taken" in body]
    assert failed == [
        "A screenshot could not be taken (the screenshot portal refused); it is recorded as a "
        "failed capture. This message is not repeated for the same reason."]
    assert desktop.main_window.statusBar().currentMessage() == failed[0]
    assert {summary for summary, _ in notifier.sent} == {"workdiary"}

    desktop.notifications_unavailable.emit("the notification service did not answer in time")
    assert "Desktop notifications cannot be shown (the notification service did not answer" \
        in desktop.main_window.statusBar().currentMessage()
    assert "tray: none (notices in the main window and as desktop notifications)" \
        in desktop.show_about().informativeText()
    desktop.quit()
    assert notifier.closed


def test_with_a_tray_the_notifier_is_not_used(rig: Rig, qtbot: Any) -> None:
    notifier = RecordingNotifier()
    desktop = Desktop(rig.session, tray_available=True, on_quit=lambda: None,
                      notifier=notifier)
    qtbot.addWidget(desktop.main_window)
    rig.session.notice.emit("Syncing now.")
    assert notifier.sent == []
    assert "tray: the system tray" in desktop.show_about().informativeText()
    desktop.quit()


@pytest.mark.skipif(shutil.which("dbus-daemon") is None, reason="dbus-daemon is not installed")
def test_the_trayless_app_notifies_on_the_session_bus_and_leaves_nothing_behind(
    tmp_path: Path, fake_clock: FakeClock, make_contract: Callable[..., Contract], qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The app without a tray (offscreen Qt has none) sends its notices to the session bus's
    notification service. When it returns, its windows are freed at once by reference counting:
    a window left in a reference cycle is freed later by the cycle collector on whatever thread
    runs it, and Qt crashed when that was another test's server thread."""
    monkeypatch.setattr(platform, "make_input_counter", FakeInputCounter)
    monkeypatch.setattr(platform, "make_screen_grabber", lambda: FakeScreenGrabber(64, 36))
    monkeypatch.setattr(platform, "make_window_probe", lambda: None)
    store = LocalStore(tmp_path / "workdiary.sqlite3", clock=fake_clock)
    store.replace_contracts([make_contract("c-1")])
    stop = threading.Event()
    windows: list[weakref.ref[Any]] = []

    with private_session_bus() as bus:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus)
        server = NotificationServer(bus)

        def ready(desktop: Desktop) -> None:
            assert desktop.tray is None and desktop.notifier is not None
            # The manual-time dialog and an offer's buttons are connected too: they must not
            # keep the windows either.
            desktop.session.offers = [replace(make_contract("o-1"), status="offered")]
            desktop.main_window.offers_panel.refresh()
            windows.extend(weakref.ref(w) for w in (desktop, desktop.main_window,
                                                     desktop.preview, desktop.session,
                                                     desktop.open_manual_time()))
            desktop.session.notice.emit("Syncing now.")
            server.wait_for(1)
            stop.set()

        gc.disable()  # only reference counting may free the windows here
        try:
            run_app(store, settings=DesktopSettings(tmp_path, ZoneInfo("UTC")), secrets=None,
                    clock=fake_clock, stop=stop, on_ready=ready)
            assert windows and [ref() for ref in windows] == [None] * len(windows)
        finally:
            gc.enable()
            store.close()
            server.close()
    [call] = server.calls
    assert (call[0], call[3], call[4]) == ("workdiary", "workdiary", "Syncing now.")
