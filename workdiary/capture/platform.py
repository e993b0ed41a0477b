"""Picks the capture implementations for this OS and session, once, in the composition root.

Linux with X11 (or XWayland) uses mss, pynput and X11; a native Wayland session (WAYLAND_DISPLAY
without DISPLAY) uses the backends ``workdiary.capture.wayland.session`` chooses (portal or
wlr-screencopy, idle notifications, sway IPC). Windows (``capture/windows``) and macOS
(``capture/macos``) have their own system layers, tested through fakes of their system wrappers, not
yet on real machines. Everywhere else the factories return the ``unsupported`` stand-ins, which
report the reason instead of failing silently.
"""

from __future__ import annotations

import os
import platform as _stdlib_platform
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

from workdiary.capture.base import CaptureLimits, InputCounter, ScreenGrabber, WindowProbe
from workdiary.capture.permissions import NoPermissionsNeeded, PermissionChecklist
from workdiary.capture.unsupported import (
    UnsupportedInputCounter,
    UnsupportedScreenGrabber,
    UnsupportedWindowProbe,
)

T = TypeVar("T")

if TYPE_CHECKING:
    from workdiary.capture.wayland.session import SessionBackends


def display_problem(env: Mapping[str, str] | None = None, system: str | None = None) -> str | None:
    """Why screen and input capture cannot work in this session, or None if they can.

    ``env`` and ``system`` default to ``os.environ`` and ``platform.system()`` (tests pass them).
    """
    env = os.environ if env is None else env
    system = _stdlib_platform.system() if system is None else system
    if system in ("Windows", "Darwin"):
        return None  # always a graphical session; macOS permissions are checked per capture
    if system != "Linux":
        return (
            f"Screen and input capture is not supported on {system or 'this operating system'}; "
            "workdiary records on Linux (X11 or XWayland), Windows and macOS."
        )
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None  # X11/XWayland, or native Wayland (capture.wayland)
    if env.get("XDG_SESSION_TYPE") == "wayland":
        return (
            "This is a Wayland session, but WAYLAND_DISPLAY is not set, so workdiary cannot "
            "reach the compositor. Start workdiary from inside the graphical session."
        )
    return (
        "No X display: DISPLAY is not set, so the screen and input cannot be captured. Run "
        "workdiary inside a graphical X11 session (or set DISPLAY, e.g. under Xvfb)."
    )


def display_caveat(env: Mapping[str, str] | None = None) -> str | None:
    """A warning for sessions where capture works only in part, or None.

    Under Wayland with XWayland, X11 capture sees only X11 (XWayland) applications: native
    Wayland windows come out black on screenshots and their keyboard and mouse input is not
    counted. Capture still runs (``display_problem`` is None); the user should know.
    """
    env = os.environ if env is None else env
    wayland = env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE") == "wayland"
    if wayland and env.get("DISPLAY"):
        return (
            "This is a Wayland session: workdiary captures through XWayland, which sees only X11 "
            "applications. Native Wayland windows may appear black in screenshots and input in "
            "them is not counted; log in to an X11 session for complete records."
        )
    return None


def native_wayland() -> bool:
    """A Wayland session without an X display: the Wayland backends are used."""
    from workdiary.capture.wayland.session import is_native_wayland

    return _stdlib_platform.system() == "Linux" and is_native_wayland(os.environ)


def session_report() -> list[str]:
    """Which backends this session uses and why, one line each (for status and about)."""
    if native_wayland():
        return _wayland_backends().lines()
    problem = display_problem()
    if problem is not None:
        return [f"capture: none ({problem})"]
    lines = ["display server: x11 (DISPLAY is set)", "screenshots: mss (X11)",
             "input counts: pynput (X11 RECORD)", "window titles: X11 (_NET_ACTIVE_WINDOW)"]
    caveat = display_caveat()
    return lines + ([f"caveat: {caveat}"] if caveat else [])


def capture_limits() -> CaptureLimits:
    """What this session records differently from the policy's words (native Wayland)."""
    if not native_wayland():
        return CaptureLimits()
    from workdiary.capture.wayland.session import limits_of

    return limits_of(_wayland_backends())


def _wayland_backends() -> SessionBackends:
    from workdiary.capture.wayland.session import wayland_backends

    return wayland_backends()


def make_screen_grabber() -> ScreenGrabber:
    """The screen grabber for this session (mss on X11, the portal or wlr-screencopy on
    Wayland), or one that reports why it cannot."""
    if (native := _from_native_layer("screen_grabber", UnsupportedScreenGrabber)) is not None:
        return native
    problem = display_problem()
    if problem is not None:
        return UnsupportedScreenGrabber(problem)
    if native_wayland():
        from workdiary.capture.wayland import session

        return session.make_screen_grabber(_wayland_backends())
    from workdiary.capture.pointer_x11 import X11Pointer
    from workdiary.capture.screen_mss import MssScreenGrabber

    return MssScreenGrabber(X11Pointer())


def make_input_counter() -> InputCounter:
    """The input counter for this session (pynput on X11; evdev or idle notifications on
    Wayland), or one that reports why it cannot."""
    if (native := _from_native_layer("input_counter", UnsupportedInputCounter)) is not None:
        return native
    problem = display_problem()
    if problem is not None:
        return UnsupportedInputCounter(problem)
    if native_wayland():
        from workdiary.capture.wayland import session

        return session.make_input_counter(_wayland_backends())
    from workdiary.capture.input_pynput import PynputInputCounter

    return PynputInputCounter()


def make_window_probe() -> WindowProbe:
    """The active-window probe for this session (X11, sway IPC), or one that answers None."""
    if (native := _from_native_layer("window_probe", UnsupportedWindowProbe)) is not None:
        return native
    problem = display_problem()
    if problem is not None:
        return UnsupportedWindowProbe(problem)
    if native_wayland():
        from workdiary.capture.wayland import session

        return session.make_window_probe(_wayland_backends())
    from workdiary.capture.window_x11 import X11WindowProbe

    return X11WindowProbe()


def make_permission_checklist() -> PermissionChecklist:
    """The permissions this system wants granted (macOS) for the tray's checklist window."""
    layer = _native_layer()
    if layer is not None and layer[1] is not None and hasattr(layer[0], "permission_checklist"):
        checklist: PermissionChecklist = layer[0].permission_checklist(layer[1])
        return checklist
    return NoPermissionsNeeded()


def _from_native_layer(build: str, unsupported: Callable[[str], T]) -> T | None:
    """On Windows or macOS: what the system layer's factory ``build`` makes, or ``unsupported``
    with the reason the layer could not load. None on other systems."""
    layer = _native_layer()
    if layer is None:
        return None
    factory, native, problem = layer
    if native is None:
        return unsupported(problem or "")
    made: T = getattr(factory, build)(native)
    return made


def _native_layer() -> tuple[ModuleType, Any, str | None] | None:
    """On Windows or macOS: its factory module, its loaded system layer (None if it could not
    load) and why not. None on other systems."""
    system = _stdlib_platform.system()
    if system == "Windows":
        from workdiary.capture.windows import factory
    elif system == "Darwin":
        from workdiary.capture.macos import factory  # type: ignore[no-redef]
    else:
        return None
    native, problem = factory.load()
    return factory, native, problem
