"""Which capture backends this session uses, and why: chosen once, reported to the user.

``session_backends`` describes the session (display server, compositor, screenshots, activity,
input, window titles) with a reason for each choice; the ``make_*`` functions build what it
chose. ``workdiary.capture.platform`` calls them on a native Wayland session (no X display).
The probes (is the portal there? can /dev/input be read?) are injectable for tests.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass

from workdiary.capture.base import CaptureLimits, InputCounter, ScreenGrabber, WindowProbe
from workdiary.capture.unsupported import (
    UnsupportedInputCounter,
    UnsupportedScreenGrabber,
    UnsupportedWindowProbe,
)
from workdiary.capture.wayland.evdev_counter import ENV_OPT_IN, readable_event_paths

# Desktops whose portal may refuse (a consent dialog, a stored permission) and that offer no
# wlr-screencopy: a portal failure there is a failed capture, never a fallback.
CAN_REFUSE = ("gnome", "kde")

TITLES_UNAVAILABLE = {
    "gnome": "GNOME lets no application read the active window without a GNOME Shell "
             "extension, which workdiary does not ship yet",
    "kde": "KDE Plasma exposes the active window only to KWin scripts, which workdiary does "
           "not use yet",
}


@dataclass(frozen=True, slots=True)
class Choice:
    name: str  # what is used, e.g. "portal", "swayidle", "none"
    reason: str  # why, in a sentence the user can act on


@dataclass(frozen=True, slots=True)
class SessionBackends:
    display_server: Choice
    compositor: Choice
    capture: Choice
    activity: Choice  # where active seconds come from: counts or idle notifications
    input: Choice  # whether keys and clicks are counted
    titles: Choice

    def lines(self) -> list[str]:
        labels = (("display server", self.display_server), ("compositor", self.compositor),
                  ("screenshots", self.capture), ("activity", self.activity),
                  ("input counts", self.input), ("window titles", self.titles))
        return [f"{label}: {c.name} ({c.reason})" for label, c in labels]

    def to_dict(self) -> dict[str, dict[str, str]]:
        return {key: dict(value) for key, value in asdict(self).items()}


def is_native_wayland(env: Mapping[str, str]) -> bool:
    """A Wayland session without an X display: X11 capture cannot work, native backends can."""
    return bool(env.get("WAYLAND_DISPLAY")) and not env.get("DISPLAY")


def compositor_of(env: Mapping[str, str]) -> str:
    """sway, gnome, kde, or the desktop's own name (lowercase), or "unknown"."""
    if env.get("SWAYSOCK"):
        return "sway"
    desktops = [d.strip().lower() for d in env.get("XDG_CURRENT_DESKTOP", "").split(":")]
    for known in ("sway", "gnome", "kde"):
        if known in desktops:
            return known
    return next((d for d in desktops if d), "unknown")


def portal_problem() -> str | None:
    """Why the screenshot portal cannot be used here, or None when it answers."""
    from workdiary.capture.wayland.portal import (
        PortalUnavailable,
        open_session_bus,
        portal_version,
    )

    try:
        connection = open_session_bus()
    except PortalUnavailable as exc:
        return str(exc)
    try:
        portal_version(connection)
    except PortalUnavailable as exc:
        return str(exc)
    finally:
        connection.close()
    return None


@dataclass(frozen=True, slots=True)
class Probes:
    """What the session offers; real probes by default, fixed answers in tests."""

    portal_problem: Callable[[], str | None] = portal_problem
    which: Callable[[str], str | None] = shutil.which
    evdev_paths: Callable[[], list[str]] = readable_event_paths


def _capture(env: Mapping[str, str], compositor: str, probes: Probes) -> Choice:
    problem = probes.portal_problem()
    if problem is None:
        modes = ("all, primary and active monitor from sway's output layout"
                 if compositor == "sway" else "the whole desktop for every mode (the "
                 "compositor does not tell its output layout)")
        fallback = ("" if compositor in CAN_REFUSE or not probes.which("grim") else
                    "; if the portal fails, wlr-screencopy (grim) takes over")
        return Choice("portal", "org.freedesktop.portal.Screenshot answers; the desktop may "
                      f"ask once for consent; capture modes: {modes}{fallback}")
    if compositor not in CAN_REFUSE and probes.which("grim"):
        return Choice("screencopy", f"no usable screenshot portal ({problem}); grim captures "
                      "through wlr-screencopy")
    return Choice("none", f"no usable screenshot portal ({problem}) and no wlr-screencopy "
                  "client (grim); screenshots are recorded as failed captures")


def _activity(env: Mapping[str, str], compositor: str, probes: Probes) -> tuple[Choice, Choice]:
    if env.get(ENV_OPT_IN) == "1":
        if probes.evdev_paths():
            counted = "keys, clicks, scrolls and moves are counted from /dev/input (opted in)"
            return Choice("evdev", counted), Choice("evdev", counted)
        refused = ("opted in to evdev, but no /dev/input device is readable: add the user to "
                   "the 'input' group")
    else:
        refused = (f"Wayland lets no application count input; set {ENV_OPT_IN}=1 with the "
                   "'input' group to count it from /dev/input")
    no_counts = Choice("none", refused)
    if compositor == "gnome":
        return Choice("mutter-idle-monitor", "GNOME's org.gnome.Mutter.IdleMonitor idle time; "
                      "minutes record 'idle_monitor' as their activity source"), no_counts
    if probes.which("swayidle"):
        return Choice("swayidle", "the compositor's idle notifications (ext-idle-notify-v1 or "
                      "org_kde_kwin_idle) through swayidle; minutes record 'idle_monitor' as "
                      "their activity source"), no_counts
    return Choice("none", "no idle notifications (install swayidle): time is recorded "
                  "without activity"), no_counts


def _titles(env: Mapping[str, str], compositor: str) -> Choice:
    if compositor == "sway" and env.get("SWAYSOCK"):
        return Choice("sway-ipc", "the focused window from sway's IPC tree (get_tree)")
    reason = TITLES_UNAVAILABLE.get(
        compositor, f"this desktop ({compositor}) tells applications no active window")
    return Choice("none", f"not available on this desktop: {reason}")


def wayland_backends(env: Mapping[str, str] | None = None,
                     probes: Probes | None = None) -> SessionBackends:
    """The backends a native Wayland session uses, each with its reason."""
    env = os.environ if env is None else env
    probes = probes or Probes()
    compositor = compositor_of(env)
    activity, counts = _activity(env, compositor, probes)
    return SessionBackends(
        display_server=Choice("wayland", f"WAYLAND_DISPLAY={env.get('WAYLAND_DISPLAY')} and no "
                              "X display"),
        compositor=Choice(compositor, "from SWAYSOCK / XDG_CURRENT_DESKTOP"),
        capture=_capture(env, compositor, probes),
        activity=activity,
        input=counts,
        titles=_titles(env, compositor),
    )


def window_titles_note(backends: SessionBackends) -> str | None:
    """What the policy text says before clock-in when titles cannot be recorded here."""
    if backends.titles.name != "none":
        return None
    return f"Window titles cannot be recorded here: {backends.titles.reason.split(': ', 1)[-1]}."


IDLE_ACTIVITY = ("swayidle", "mutter-idle-monitor")


def limits_of(backends: SessionBackends) -> CaptureLimits:
    """What the policy text must say differently on this session."""
    return CaptureLimits(
        titles_unavailable=window_titles_note(backends),
        activity_from_idle=backends.activity.name in IDLE_ACTIVITY,
        screenshot_consent=(backends.capture.name == "portal"
                            and backends.compositor.name in CAN_REFUSE),
    )


def make_screen_grabber(backends: SessionBackends,
                        env: Mapping[str, str] | None = None) -> ScreenGrabber:
    env = os.environ if env is None else env
    outputs = None
    if env.get("SWAYSOCK"):
        from workdiary.capture.wayland.sway_ipc import SwayOutputs

        outputs = SwayOutputs(env["SWAYSOCK"])
    if backends.capture.name == "portal":
        from workdiary.capture.wayland.portal import PortalScreenGrabber

        portal = PortalScreenGrabber(outputs)
        if backends.compositor.name in CAN_REFUSE or not shutil.which("grim"):
            return portal
        from workdiary.capture.wayland.fallback import PortalThenScreencopy
        from workdiary.capture.wayland.screencopy import ScreencopyGrabber

        return PortalThenScreencopy(portal, ScreencopyGrabber(outputs))
    if backends.capture.name == "screencopy":
        from workdiary.capture.wayland.screencopy import ScreencopyGrabber

        return ScreencopyGrabber(outputs)
    return UnsupportedScreenGrabber(backends.capture.reason)


def make_input_counter(backends: SessionBackends) -> InputCounter:
    name = backends.activity.name
    if name == "evdev":
        from workdiary.capture.wayland.evdev_counter import EvdevInputCounter

        return EvdevInputCounter()
    if name == "mutter-idle-monitor":
        from workdiary.capture.wayland.idle_mutter import MutterIdleActivity
        from workdiary.capture.wayland.portal import open_session_bus

        return MutterIdleActivity(open_session_bus)
    if name == "swayidle":
        from workdiary.capture.wayland.idle_swayidle import SwayidleActivity

        return SwayidleActivity()
    return UnsupportedInputCounter(backends.activity.reason)


def make_window_probe(backends: SessionBackends,
                      env: Mapping[str, str] | None = None) -> WindowProbe:
    env = os.environ if env is None else env
    if backends.titles.name == "sway-ipc":
        from workdiary.capture.wayland.sway_ipc import SwayWindowProbe

        return SwayWindowProbe(env["SWAYSOCK"])
    return UnsupportedWindowProbe(backends.titles.reason)
