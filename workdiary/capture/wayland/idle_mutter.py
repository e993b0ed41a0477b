"""Activity from GNOME's ``org.gnome.Mutter.IdleMonitor`` (D-Bus, via jeepney).

A reader thread asks ``GetIdletime`` once a second; idle time of ``timeout`` seconds or more is
an idle notification, less after being idle is a resume, and the exact idle time says when the
last input was. An ``IdleTimeline`` turns that into active seconds (source ``idle_monitor``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from workdiary.capture.base import CaptureError, DisplayUnavailable, InputCounts
from workdiary.capture.wayland.idle_timeline import IdleTimeline

if TYPE_CHECKING:
    from jeepney.io.blocking import DBusConnection

MUTTER_BUS = "org.gnome.Mutter.IdleMonitor"
MUTTER_PATH = "/org/gnome/Mutter/IdleMonitor/Core"
IDLE_TIMEOUT = 2.0
POLL_SECONDS = 1.0


def idle_seconds(connection: DBusConnection, timeout: float = 5.0) -> float:
    """Mutter's idle time in seconds; DisplayUnavailable if the monitor does not answer."""
    from jeepney import DBusAddress, DBusErrorResponse, new_method_call
    from jeepney.wrappers import unwrap_msg

    address = DBusAddress(MUTTER_PATH, bus_name=MUTTER_BUS, interface=MUTTER_BUS)
    try:
        reply = connection.send_and_get_reply(new_method_call(address, "GetIdletime"),
                                              timeout=timeout)
        return int(unwrap_msg(reply)[0]) / 1000
    except (DBusErrorResponse, TimeoutError, OSError) as exc:
        raise DisplayUnavailable(f"GNOME's idle monitor did not answer: {exc}") from exc


class MutterIdleActivity:
    """An ``InputCounter`` whose active seconds come from Mutter's idle time."""

    def __init__(
        self,
        connect: Callable[[], DBusConnection],
        *,
        timeout: float = IDLE_TIMEOUT,
        poll: float = POLL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._connect = connect
        self._timeout = timeout
        self._poll = poll
        self._monotonic = monotonic
        self._timeline = IdleTimeline(timeout, monotonic)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._connection: DBusConnection | None = None

    def start(self) -> None:
        try:
            connection = self._connect()
        except (CaptureError, OSError) as exc:
            raise DisplayUnavailable(
                f"no D-Bus session bus for GNOME's idle monitor: {exc}") from exc
        idle_seconds(connection)  # fails here, clearly, if there is no idle monitor
        self._connection = connection
        self._timeline = IdleTimeline(self._timeout, self._monotonic)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="mutter-idle", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        assert self._connection is not None
        while not self._stopping.wait(self._poll):
            try:
                idle = idle_seconds(self._connection)
            except DisplayUnavailable:
                continue  # a missed poll; the next one catches up from the idle time
            if idle >= self._timeout:
                self._timeline.idled(idle)
            else:
                self._timeline.resumed(idle)

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    @property
    def idle(self) -> bool:
        """The desktop reports the user idle now."""
        return self._timeline.idle

    def take(self) -> InputCounts:
        return self._timeline.take()
