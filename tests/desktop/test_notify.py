"""DBusNotifier against a real D-Bus daemon: a private session bus started here, with a minimal
notification server (written with jeepney) that records the Notify calls it answers."""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from jeepney import HeaderFields, MessageType, message_bus, new_method_return
from jeepney.io.blocking import DBusConnection, Proxy, open_dbus_connection

from workdiary.desktop.notify import NOTIFY_BUS, DBusNotifier

pytestmark = pytest.mark.skipif(shutil.which("dbus-daemon") is None,
                                reason="dbus-daemon is not installed")
WAIT = 30.0  # generous: the machine is shared; nothing here measures time


@pytest.fixture
def bus() -> Iterator[str]:
    """A private session bus; yields its address."""
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert daemon.stdout is not None
        yield daemon.stdout.readline().strip()
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


class NotificationServer:
    """Owns org.freedesktop.Notifications on the bus and records each Notify's arguments."""

    def __init__(self, address: str) -> None:
        self.calls: list[tuple[object, ...]] = []
        self.received = threading.Condition()
        self.connection: DBusConnection = open_dbus_connection(bus=address)
        reply = Proxy(message_bus, self.connection).RequestName(NOTIFY_BUS, 4)
        assert reply == (1,)  # primary owner
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                message = self.connection.receive()
            except (OSError, ValueError):
                return  # the connection was closed
            fields = message.header.fields
            if (message.header.message_type is MessageType.method_call
                    and fields.get(HeaderFields.member) == "Notify"):
                with self.received:
                    self.calls.append(message.body)
                    self.connection.send(new_method_return(message, "u", (len(self.calls),)))
                    self.received.notify_all()

    def wait_for(self, count: int) -> list[tuple[object, ...]]:
        with self.received:
            assert self.received.wait_for(lambda: len(self.calls) >= count, timeout=WAIT)
            return list(self.calls)

    def close(self) -> None:
        self.connection.close()


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
