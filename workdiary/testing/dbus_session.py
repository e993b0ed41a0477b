"""A private D-Bus session bus (a real ``dbus-daemon``) and a minimal freedesktop notification
server on it, written with jeepney: for the tests of desktop notifications."""

from __future__ import annotations

import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from jeepney import HeaderFields, MessageType, message_bus, new_method_return
from jeepney.io.blocking import DBusConnection, Proxy, open_dbus_connection

from workdiary.desktop.notify import NOTIFY_BUS

WAIT = 30.0  # generous: the machine may be shared; nothing here measures time


@contextmanager
def private_session_bus() -> Iterator[str]:
    """A ``dbus-daemon --session`` of its own; yields its address, stops it by its PID."""
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert daemon.stdout is not None
        yield daemon.stdout.readline().strip()
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)
        if daemon.stdout is not None:
            daemon.stdout.close()


class NotificationServer:
    """Owns org.freedesktop.Notifications on the bus and records each Notify's arguments;
    with ``answer=False`` it records the calls and never answers (a hung service)."""

    def __init__(self, address: str, *, answer: bool = True) -> None:
        self.calls: list[tuple[object, ...]] = []
        self.received = threading.Condition()
        self._answer = answer
        self.connection: DBusConnection = open_dbus_connection(bus=address)
        reply = Proxy(message_bus, self.connection).RequestName(NOTIFY_BUS, 4)
        assert reply == (1,)  # primary owner
        self.thread = threading.Thread(target=self._serve, name="notification-server",
                                       daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                message = self.connection.receive()
            except (OSError, ValueError):
                return  # the connection was shut down
            fields = message.header.fields
            if (message.header.message_type is MessageType.method_call
                    and fields.get(HeaderFields.member) == "Notify"):
                with self.received:
                    self.calls.append(message.body)
                    if self._answer:
                        self.connection.send(new_method_return(message, "u", (len(self.calls),)))
                    self.received.notify_all()

    def wait_for(self, count: int) -> list[tuple[object, ...]]:
        with self.received:
            assert self.received.wait_for(lambda: len(self.calls) >= count, timeout=WAIT)
            return list(self.calls)

    def close(self) -> None:
        """Stop serving and end the thread. Shut the socket down first: a receive() blocked in
        select() is not woken by close() alone, and the thread would live on, watching a file
        descriptor number the process may soon reuse for another socket."""
        with suppress(OSError):  # already disconnected (the bus went away first)
            self.connection.sock.shutdown(socket.SHUT_RDWR)
        self.thread.join(timeout=WAIT)
        assert not self.thread.is_alive(), "the notification server's thread did not end"
        self.connection.close()

