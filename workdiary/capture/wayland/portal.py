"""Screenshots through the desktop portal (``org.freedesktop.portal.Screenshot``) over D-Bus.

The portal answers a ``Screenshot`` call with a Request object whose ``Response`` signal carries
a file URI. The file is read and deleted at once, so no screenshot stays on disk; a portal that
writes to a fixed path (xdg-desktop-portal-wlr 0.7: /tmp/out.png) is handled the same way, and a
file older than the call is refused as stale rather than passed off as the current screen.
A refusal or failure raises ``PortalRefused`` with the portal's reason: the tracker records a
``capture_failed`` screenshot, never a black image.

Threads: ``grab`` blocks its caller (the tracker's capture worker) until the portal answers.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

from workdiary.capture.base import CaptureError
from workdiary.capture.wayland.layout import Output, crop_for_mode
from workdiary.core.model import CaptureMode

if TYPE_CHECKING:
    from collections.abc import Callable

    from jeepney import MatchRule
    from jeepney.io.blocking import DBusConnection
    from PIL.Image import Image

PORTAL_BUS = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SCREENSHOT_IFACE = "org.freedesktop.portal.Screenshot"
REQUEST_IFACE = "org.freedesktop.portal.Request"
# The first call may wait for the compositor's consent dialog (GNOME times out after ~25 s).
DEFAULT_TIMEOUT = 40.0
MAX_REASON = 300  # a failed capture's reason travels to the server (at most 500 characters)
STALE_SLACK = 2.0  # seconds of clock granularity allowed between the call and the file's mtime

RESPONSE_REASONS = {
    1: "the screenshot was refused (cancelled at the desktop's consent dialog)",
    # GNOME answers 2 when its stored permission says no, as well as on a failure.
    2: "the desktop's screenshot portal gave no screenshot: screenshots are refused in the "
       "desktop's privacy settings, or the portal failed",
}


class PortalRefused(CaptureError):
    """The portal refused or failed the screenshot; the message is its reason."""


class PortalUnavailable(CaptureError):
    """No screenshot portal on the session bus (or no session bus)."""


def open_session_bus() -> DBusConnection:
    """A blocking connection to the session bus, or PortalUnavailable saying why not."""
    from jeepney.io.blocking import open_dbus_connection

    try:
        return open_dbus_connection(bus="SESSION")
    except (OSError, KeyError, ValueError) as exc:
        raise PortalUnavailable(f"no D-Bus session bus to reach the portal: {exc}") from exc


def portal_version(connection: DBusConnection, timeout: float = 5.0) -> int:
    """The Screenshot portal's interface version; PortalUnavailable if there is none."""
    from jeepney import DBusAddress, DBusErrorResponse, Properties
    from jeepney.wrappers import unwrap_msg

    address = DBusAddress(PORTAL_PATH, bus_name=PORTAL_BUS, interface=SCREENSHOT_IFACE)
    try:
        reply = connection.send_and_get_reply(Properties(address).get("version"), timeout=timeout)
        return int(unwrap_msg(reply)[0][1])
    except (DBusErrorResponse, TimeoutError, OSError) as exc:
        raise PortalUnavailable(f"the desktop offers no screenshot portal: {exc}") from exc


def _request_path(connection: DBusConnection, token: str) -> str:
    sender = (connection.unique_name or "").lstrip(":").replace(".", "_")
    return f"{PORTAL_PATH}/request/{sender}/{token}"


def _reason_of_error(exc: Exception) -> str:
    name = getattr(exc, "name", "") or type(exc).__name__
    data = getattr(exc, "data", ())
    detail = data[0] if isinstance(data, tuple) and data else ""
    said = f"{name}: {detail}" if detail else name
    reason = f"the screenshot portal refused the call ({said})"
    return reason[:MAX_REASON]


def portal_screenshot_file(connection: DBusConnection, timeout: float) -> str:
    """Ask for a non-interactive screenshot; the local path of the file the portal wrote."""
    from jeepney import DBusErrorResponse, MatchRule, message_bus
    from jeepney.io.blocking import Proxy

    token = "workdiary_" + secrets.token_hex(8)
    path = _request_path(connection, token)
    rule = MatchRule(type="signal", interface=REQUEST_IFACE, member="Response", path=path)
    bus = Proxy(message_bus, connection)
    bus.AddMatch(rule)
    try:
        return _request_screenshot(connection, rule, token, timeout)
    finally:  # one rule per request: a day of screenshots must not pile them up on the bus
        with contextlib.suppress(OSError, TimeoutError, DBusErrorResponse):
            bus.RemoveMatch(rule)


def _request_screenshot(connection: DBusConnection, rule: MatchRule, token: str,
                        timeout: float) -> str:
    """Send the request (``token`` names its Request object) and wait for its Response."""
    from jeepney import DBusAddress, DBusErrorResponse, new_method_call

    address = DBusAddress(PORTAL_PATH, bus_name=PORTAL_BUS, interface=SCREENSHOT_IFACE)
    options = {"handle_token": ("s", token), "interactive": ("b", False)}  # no dialog per shot
    call = new_method_call(address, "Screenshot", "sa{sv}", ("", options))
    with connection.filter(rule) as queue:
        try:
            reply = connection.send_and_get_reply(call, timeout=timeout)
            if reply.header.message_type.name == "error":
                raise DBusErrorResponse(reply)
            signal = connection.recv_until_filtered(queue, timeout=timeout)
        except DBusErrorResponse as exc:
            raise PortalRefused(_reason_of_error(exc)) from exc
        except TimeoutError as exc:
            raise PortalRefused(
                f"the screenshot portal did not answer within {timeout:.0f} s (a consent "
                "dialog left open?)"
            ) from exc
    response, results = signal.body
    if response != 0:
        raise PortalRefused(RESPONSE_REASONS.get(response, f"portal response {response}"))
    uri = results.get("uri", ("s", ""))[1]
    parsed = urlparse(uri)
    if parsed.scheme != "file" or not parsed.path:
        raise PortalRefused(f"the screenshot portal returned no file ({uri!r})")
    return unquote(parsed.path)


def take_file(path: str, not_before: float) -> bytes:
    """The file's bytes, deleting it at once; refuses a file written before ``not_before``.

    A fixed-path portal file left by an earlier or a concurrent call is deleted too, since it
    is somebody's screen that should not stay on disk.
    """
    try:
        with open(path, "rb") as handle:
            modified = os.fstat(handle.fileno()).st_mtime
            data = handle.read()
    except OSError as exc:
        raise PortalRefused(f"the portal's screenshot file could not be read: {exc}") from exc
    finally:
        Path(path).unlink(missing_ok=True)
    if modified < not_before - STALE_SLACK:
        raise PortalRefused(f"the portal returned a stale screenshot file ({path})")
    return data


class PortalScreenGrabber:
    """A ``ScreenGrabber`` over the screenshot portal; modes cut from the compositor's layout.

    ``outputs`` returns the output layout where the compositor tells it (sway IPC); without it
    every mode is the whole desktop the portal returns.
    """

    def __init__(
        self,
        outputs: Callable[[], list[Output]] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        connect: Callable[[], DBusConnection] = open_session_bus,
    ) -> None:
        self._outputs = outputs
        self._timeout = timeout
        self._connect = connect
        self._connection: DBusConnection | None = None

    def grab(self, mode: CaptureMode) -> Image:
        from PIL import Image as PILImage

        if self._connection is None:
            self._connection = self._connect()
        started = time.time()
        try:
            path = portal_screenshot_file(self._connection, self._timeout)
        except OSError as exc:  # the bus went away: reconnect on the next grab
            self.close()
            raise PortalRefused(f"the D-Bus session bus connection failed: {exc}") from exc
        data = take_file(path, started)
        try:
            image = PILImage.open(io.BytesIO(data)).convert("RGB")
        except (OSError, ValueError) as exc:
            raise PortalRefused(f"the portal's screenshot could not be decoded: {exc}") from exc
        layout = self._outputs() if self._outputs is not None else []
        return crop_for_mode(image, layout, mode)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
