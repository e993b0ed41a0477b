"""DBusNotifier against a real D-Bus daemon: a private session bus started here, with a minimal
notification server (written with jeepney) that records the Notify calls it answers."""

from __future__ import annotations

import gc
import shutil
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from workdiary.desktop.notify import DBusNotifier
from workdiary.testing.dbus_session import NotificationServer, private_session_bus

pytestmark = pytest.mark.skipif(shutil.which("dbus-daemon") is None,
                                reason="dbus-daemon is not installed")


@pytest.fixture
def bus() -> Iterator[str]:
    """A private session bus; yields its address."""
    with private_session_bus() as address:
        yield address


def test_notifications_reach_the_desktops_notification_service(bus: str) -> None:
    server = NotificationServer(bus)
    problems: list[str] = []
    notifier = DBusNotifier(problems.append, bus=bus)
    try:
        notifier.notify("workdiary", "A screenshot could not be taken (portal refused).")
        notifier.notify("workdiary", "workdiary 2.0 is available.")
        calls = server.wait_for(2)
    finally:
        notifier.close()
        server.close()
    app, replaces, _icon, summary, body, actions, hints, expire = calls[0]
    assert (app, replaces, summary, body) == (
        "workdiary", 0, "workdiary", "A screenshot could not be taken (portal refused).")
    assert (actions, hints, expire) == ([], {}, -1)
    assert calls[1][4] == "workdiary 2.0 is available."
    assert problems == []


def _problems_after_three_notices(bus: str) -> list[str]:
    """Three notices to a bus where none can be shown; the reasons reported once all ran."""
    problems: list[str] = []
    notifier = DBusNotifier(problems.append, bus=bus)
    for _ in range(3):
        notifier.notify("workdiary", "Syncing now.")
    notifier.close(wait=True)
    return problems


def test_a_bus_without_a_notification_service_is_told_once(bus: str) -> None:
    problems = _problems_after_three_notices(bus)
    assert len(problems) == 1
    assert "no notification service answered" in problems[0]
    assert "ServiceUnknown" in problems[0]


def test_no_session_bus_at_all_is_told_once(tmp_path: Path) -> None:
    problems = _problems_after_three_notices(f"unix:path={tmp_path}/no-bus")
    assert len(problems) == 1
    assert "no D-Bus session bus" in problems[0]


class Window:
    """Stands in for the window the notifier reports to (weak-referenceable, callable)."""

    def __init__(self) -> None:
        self.told: list[str] = []

    def __call__(self, reason: str) -> None:
        self.told.append(reason)


def test_once_closed_the_notifier_holds_nothing_of_its_caller(bus: str) -> None:
    """While a notice waits on a service that never answers, close() returns at once and the
    notifier (whose worker thread is still waiting) no longer references the window: were it
    the last holder, the window would be destroyed on the worker thread, or by the cycle
    collector on any thread, and Qt windows crash when destroyed off the GUI thread."""
    server = NotificationServer(bus, answer=False)
    window = Window()
    gone = weakref.ref(window)
    notifier = DBusNotifier(window, bus=bus, timeout=60)
    gc.disable()  # only reference counting may free the window here
    try:
        notifier.notify("workdiary", "Syncing now.")
        server.wait_for(1)  # the worker is now waiting for an answer that never comes
        notifier.close()
        del window
        assert gone() is None
    finally:
        gc.enable()
        server.close()
