"""Desktop notifications for sessions without a system tray: the freedesktop Notifications
service (``org.freedesktop.Notifications.Notify`` on the session bus, via jeepney).

Where a tray exists its balloon messages carry the app's notices; where none does, the main window
shows them in its status bar and this adapter shows them as desktop notifications too, so a notice
is seen while the window is hidden behind others.

Threads: ``notify`` only queues; one worker thread owns the D-Bus connection and waits at most
``timeout`` seconds for each answer, so the GUI thread never blocks. When no notification service
answers, ``on_unavailable`` is called once (on the worker thread) with the reason, and later
notifications are dropped: the window still shows every notice.

Once ``close()`` returns the notifier holds no reference to ``on_unavailable`` any more. The
callback usually reaches the window (a Qt object) that owns this notifier: kept, it would make a
reference cycle that only Python's cycle collector frees, on whichever thread it happens to run,
and Qt widgets destroyed off the GUI thread crash the process. The worker thread, which may
outlive ``close(wait=False)`` by one answer's timeout, must not be the last holder of the window
either.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol

from workdiary.desktop.i18n import translate

if TYPE_CHECKING:
    from jeepney.io.blocking import DBusConnection

NOTIFY_BUS = "org.freedesktop.Notifications"
NOTIFY_PATH = "/org/freedesktop/Notifications"
NOTIFY_IFACE = "org.freedesktop.Notifications"
APP_NAME = "workdiary"
DEFAULT_TIMEOUT = 5.0
EXPIRE_DEFAULT = -1  # the server decides how long a notification stays
MAX_BODY = 1000  # notices are sentences; a runaway reason must not flood the desktop


class Notifier(Protocol):
    def notify(self, summary: str, body: str) -> None:
        """Show a notification soon; never blocks and never raises."""

    def close(self) -> None:
        """Stop sending; pending notifications may be dropped."""


class DBusNotifier:
    """Notifications through the session bus's freedesktop Notifications service."""

    def __init__(self, on_unavailable: Callable[[str], None], *, bus: str = "SESSION",
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self._on_unavailable: Callable[[str], None] | None = on_unavailable
        self._bus = bus  # "SESSION" or a D-Bus address (tests run a private bus)
        self._timeout = timeout
        self._connection: DBusConnection | None = None
        self._unavailable = threading.Event()
        # Held while telling the caller and while closing: once close() returns, the caller
        # (a window about to be destroyed) is never called again, nor referenced.
        self._report_lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1,
                                            thread_name_prefix="workdiary-notify")

    def notify(self, summary: str, body: str) -> None:
        if self._unavailable.is_set():
            return
        with contextlib.suppress(RuntimeError):  # closed: nothing more is shown
            self._executor.submit(self._send, summary, body[:MAX_BODY])

    def close(self, *, wait: bool = False) -> None:
        """Stop; with ``wait``, after the queued notifications were sent or dropped (and any
        problem reported). Without it, nothing queued is reported any more."""
        if not wait:
            self._forget_caller()
        with contextlib.suppress(RuntimeError):  # already closed
            self._executor.submit(self._disconnect)
        self._executor.shutdown(wait=wait)  # queued sends see the close and return
        self._forget_caller()

    def _forget_caller(self) -> None:
        with self._report_lock:
            self._on_unavailable = None

    def _send(self, summary: str, body: str) -> None:
        """The worker thread: one Notify call, waiting at most the timeout for its answer."""
        from jeepney import DBusAddress, DBusErrorResponse, new_method_call
        from jeepney.io.blocking import open_dbus_connection
        from jeepney.wrappers import unwrap_msg

        if self._unavailable.is_set() or self._on_unavailable is None:
            return  # given up, or closed
        address = DBusAddress(NOTIFY_PATH, bus_name=NOTIFY_BUS, interface=NOTIFY_IFACE)
        message = new_method_call(address, "Notify", "susssasa{sv}i",
                                  (APP_NAME, 0, "", summary, body, [], {}, EXPIRE_DEFAULT))
        try:
            if self._connection is None:
                self._connection = open_dbus_connection(bus=self._bus)
            unwrap_msg(self._connection.send_and_get_reply(message, timeout=self._timeout))
        except (DBusErrorResponse, TimeoutError, OSError, KeyError, ValueError) as exc:
            self._give_up(_reason(exc))

    def _give_up(self, reason: str) -> None:
        self._unavailable.set()
        self._disconnect()
        with self._report_lock:
            if self._on_unavailable is not None:  # None once closed
                self._on_unavailable(reason)

    def _disconnect(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _reason(exc: Exception) -> str:
    from jeepney import DBusErrorResponse

    if isinstance(exc, DBusErrorResponse):
        return translate("Notify", "no notification service answered on the session bus "
                                   "({name})").format(name=exc.name)
    if isinstance(exc, TimeoutError):
        return translate("Notify", "the notification service did not answer in time")
    return translate("Notify", "no D-Bus session bus to send notifications on ({reason})"
                     ).format(reason=exc)
