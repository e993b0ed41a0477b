"""The Wayland backends' pure parts: idle bookkeeping, layout cuts, sway replies, evdev counting
through a fake device layer, the portal's file handling and answers, the session's choices."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from workdiary.capture.base import ActiveWindow, DisplayUnavailable
from workdiary.capture.wayland import evdev_counter as ev
from workdiary.capture.wayland.idle_timeline import IdleTimeline
from workdiary.capture.wayland.layout import Output, crop_for_mode, output_for_mode
from workdiary.capture.wayland.portal import PortalRefused, take_file
from workdiary.capture.wayland.session import (
    Probes,
    compositor_of,
    wayland_backends,
    window_titles_note,
)
from workdiary.capture.wayland.sway_ipc import focused_window_from_tree, outputs_from_reply
from workdiary.core.model import ActivitySource, CaptureMode


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# -- idle timeline -----------------------------------------------------------------------------

def test_no_input_at_all_is_no_activity() -> None:
    clock = Clock()
    timeline = IdleTimeline(2, clock)
    clock.now += 2
    timeline.idled()  # the first notification: idle since the start
    clock.now += 30
    counts = timeline.take()
    assert (counts.active_seconds, counts.source) == (0, ActivitySource.IDLE_MONITOR)
    assert counts.last_input_monotonic is None and not counts.has_input


def test_a_stretch_of_input_counts_until_timeout_before_the_idle_notification() -> None:
    clock = Clock()
    timeline = IdleTimeline(2, clock)
    clock.now += 2
    timeline.idled()
    clock.now += 5
    timeline.resumed()  # input at 1007
    clock.now += 12
    timeline.idled()  # idle at 1019: the last input was at 1017
    counts = timeline.take()
    assert counts.active_seconds == 10 and counts.last_input_monotonic == 1017
    assert counts.keys == counts.clicks == counts.moves == 0  # never invented


def test_an_open_stretch_is_split_across_takes_without_counting_twice() -> None:
    clock = Clock()
    timeline = IdleTimeline(2, clock)
    total = 0
    for _ in range(30):  # typing for 30 s, taken every second like the tracker does
        clock.now += 1
        total += timeline.take().active_seconds
    clock.now += 1
    timeline.idled()  # idle at 1031: the last input at 1029
    total += timeline.take().active_seconds
    assert total == 29


def test_a_single_keypress_is_at_least_one_active_second() -> None:
    clock = Clock()
    timeline = IdleTimeline(2, clock)
    clock.now += 2
    timeline.idled()
    clock.now += 10
    timeline.resumed()
    clock.now += 2
    timeline.idled()
    assert timeline.take().active_seconds == 1


def test_mutter_style_idle_times_place_the_last_input_exactly() -> None:
    clock = Clock()
    timeline = IdleTimeline(2, clock)
    clock.now += 5
    timeline.idled(5.0)  # idle for 5 s: nothing since the start
    clock.now += 10
    timeline.resumed(0.5)  # input half a second ago
    clock.now += 8
    timeline.idled(3.0)  # last input 3 s ago, at 1020
    assert timeline.take().active_seconds == 5  # 1014.5 .. 1020, rounded down


def test_the_timeline_is_safe_across_threads() -> None:
    timeline = IdleTimeline(0, time.monotonic)
    stop = threading.Event()

    def flip() -> None:
        while not stop.is_set():
            timeline.idled()
            timeline.resumed()

    worker = threading.Thread(target=flip)
    worker.start()
    try:
        taken = [timeline.take().active_seconds for _ in range(200)]
    finally:
        stop.set()
        worker.join()
    assert all(0 <= s <= 60 for s in taken)


# -- layout ------------------------------------------------------------------------------------

LEFT = Output("HEADLESS-1", 0, 0, 800, 600)
RIGHT = Output("HEADLESS-2", 800, 0, 640, 480, focused=True)


def _desktop(scale: int = 1) -> Image.Image:
    image = Image.new("RGB", (1440 * scale, 600 * scale), (10, 10, 10))
    image.paste((200, 0, 0), (0, 0, 800 * scale, 600 * scale))
    image.paste((0, 0, 200), (800 * scale, 0, 1440 * scale, 480 * scale))
    return image


@pytest.mark.parametrize("scale", [1, 2])
def test_modes_cut_the_right_output_from_the_desktop(scale: int) -> None:
    desktop = _desktop(scale)
    layout = [LEFT, RIGHT]
    assert crop_for_mode(desktop, layout, CaptureMode.ALL).size == desktop.size
    primary = crop_for_mode(desktop, layout, CaptureMode.PRIMARY)
    assert primary.size == (800 * scale, 600 * scale)
    assert primary.getpixel((5, 5)) == (200, 0, 0)
    active = crop_for_mode(desktop, layout, CaptureMode.ACTIVE)
    assert active.size == (640 * scale, 480 * scale)
    assert active.getpixel((5, 5)) == (0, 0, 200)


def test_primary_prefers_a_flagged_output_and_active_falls_back_to_primary() -> None:
    flagged = Output("B", 800, 0, 640, 480, primary=True)
    assert output_for_mode([LEFT, flagged], CaptureMode.PRIMARY) == flagged
    assert output_for_mode([LEFT, Output("B", 800, 0, 10, 10)], CaptureMode.ACTIVE) == LEFT
    assert output_for_mode([], CaptureMode.ACTIVE) is None  # unknown layout: whole desktop


# -- sway replies (shapes recorded from sway 1.7) ---------------------------------------------

OUTPUTS_REPLY: list[dict[str, Any]] = [
    {"name": "HEADLESS-1", "active": True, "focused": False, "primary": False,
     "rect": {"x": 0, "y": 0, "width": 800, "height": 600}},
    {"name": "HEADLESS-2", "active": True, "focused": True, "primary": False,
     "rect": {"x": 800, "y": 0, "width": 640, "height": 480}},
    {"name": "OFF-1", "active": False, "rect": {"x": 0, "y": 0, "width": 0, "height": 0}},
]

TREE_REPLY: dict[str, Any] = {
    "type": "root", "focused": False, "nodes": [
        {"type": "output", "name": "HEADLESS-1", "focused": False, "nodes": [
            {"type": "workspace", "name": "1", "focused": False, "nodes": [
                {"type": "con", "name": "notes.txt - editor", "app_id": None, "focused": True,
                 "window_properties": {"class": "Gedit", "instance": "gedit"}, "nodes": []},
            ], "floating_nodes": [
                {"type": "floating_con", "name": "Calculator", "app_id": "calc",
                 "focused": False, "nodes": []},
            ]},
        ]},
    ],
}


def test_outputs_reply_becomes_the_layout() -> None:
    assert outputs_from_reply(OUTPUTS_REPLY) == [LEFT, RIGHT]


def test_the_focused_window_is_found_with_its_x11_class_when_it_has_no_app_id() -> None:
    assert focused_window_from_tree(TREE_REPLY) == ActiveWindow("Gedit", "notes.txt - editor")
    quiet = {"type": "root", "focused": True, "nodes": []}
    assert focused_window_from_tree(quiet) is None  # an empty workspace: nothing focused


# -- evdev through a fake device layer -------------------------------------------------------

@dataclass
class Event:
    type: int
    code: int
    value: int


class FakeDevice:
    """A device with a real file descriptor (a pipe), so the counter's selector really waits."""

    def __init__(self) -> None:
        self._r, self._w = os.pipe()
        os.set_blocking(self._r, False)
        self._pending: list[Event] = []
        self._lock = threading.Lock()
        self.closed = False

    def emit(self, *events: Event) -> None:
        with self._lock:
            self._pending.extend(events)
        os.write(self._w, b"!")

    def fileno(self) -> int:
        return self._r

    def read(self) -> list[Event]:
        os.read(self._r, 4096)
        with self._lock:
            events, self._pending = self._pending, []
        return events

    def close(self) -> None:
        self.closed = True
        os.close(self._r)
        os.close(self._w)


def _wait_until(predicate: Any, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "the condition was not met in time"
        time.sleep(0.01)


def test_evdev_counts_presses_clicks_wheel_and_moves_never_releases() -> None:
    keyboard, mouse = FakeDevice(), FakeDevice()
    counter = ev.EvdevInputCounter(lambda: [keyboard, mouse])
    counter.start()
    try:
        keyboard.emit(Event(ev.EV_KEY, 30, 1), Event(ev.EV_KEY, 30, 0),  # KEY_A down, up
                      Event(ev.EV_KEY, 30, 2),  # autorepeat: not a new press
                      Event(ev.EV_KEY, 48, 1))  # KEY_B
        mouse.emit(Event(ev.EV_KEY, 0x110, 1), Event(ev.EV_KEY, 0x110, 0),  # BTN_LEFT
                   Event(ev.EV_REL, ev.REL_WHEEL, -1), Event(ev.EV_REL, ev.REL_WHEEL_HI_RES, -120),
                   Event(ev.EV_REL, ev.REL_X, 5), Event(0x00, 0, 0))  # EV_SYN
        totals = {"keys": 0, "clicks": 0, "scrolls": 0, "moves": 0}

        def seen_all() -> bool:
            counts = counter.take()
            for name in totals:
                totals[name] += getattr(counts, name)
            return totals == {"keys": 2, "clicks": 1, "scrolls": 1, "moves": 1}

        _wait_until(seen_all)
    finally:
        counter.stop()
    assert keyboard.closed and mouse.closed


def test_evdev_without_readable_devices_says_to_join_the_input_group() -> None:
    counter = ev.EvdevInputCounter(lambda: [])
    with pytest.raises(DisplayUnavailable, match="'input' group"):
        counter.start()


def test_evdev_finds_only_readable_event_devices(tmp_path: Path) -> None:
    (tmp_path / "event0").write_bytes(b"")
    (tmp_path / "event1").write_bytes(b"")
    (tmp_path / "mice").write_bytes(b"")
    (tmp_path / "event1").chmod(0)
    found = ev.readable_event_paths(str(tmp_path))
    expected = [str(tmp_path / "event0")]
    if os.geteuid() == 0:  # root reads everything
        expected.append(str(tmp_path / "event1"))
    assert found == expected
    assert ev.readable_event_paths(str(tmp_path / "missing")) == []


# -- portal file handling ----------------------------------------------------------------------

def test_the_portal_file_is_read_and_deleted_at_once(tmp_path: Path) -> None:
    path = tmp_path / "out.png"
    path.write_bytes(b"picture")
    assert take_file(str(path), time.time()) == b"picture"
    assert not path.exists()


def test_a_stale_fixed_path_file_is_refused_and_deleted(tmp_path: Path) -> None:
    path = tmp_path / "out.png"
    path.write_bytes(b"somebody's old screen")
    old = time.time() - 600
    os.utime(path, (old, old))
    with pytest.raises(PortalRefused, match="stale"):
        take_file(str(path), time.time())
    assert not path.exists()


def test_a_missing_portal_file_is_a_failed_capture(tmp_path: Path) -> None:
    with pytest.raises(PortalRefused, match="could not be read"):
        take_file(str(tmp_path / "gone.png"), time.time())


# -- the session's choices ---------------------------------------------------------------------

def _probes(portal: str | None = None, tools: tuple[str, ...] = ("grim", "swayidle"),
            evdev: tuple[str, ...] = ()) -> Probes:
    return Probes(portal_problem=lambda: portal,
                  which=lambda tool: f"/usr/bin/{tool}" if tool in tools else None,
                  evdev_paths=lambda: list(evdev))


SWAY = {"WAYLAND_DISPLAY": "wayland-1", "SWAYSOCK": "/run/sway.sock",
        "XDG_CURRENT_DESKTOP": "sway"}
GNOME = {"WAYLAND_DISPLAY": "wayland-0", "XDG_CURRENT_DESKTOP": "ubuntu:GNOME"}
KDE = {"WAYLAND_DISPLAY": "wayland-0", "XDG_CURRENT_DESKTOP": "KDE"}


def test_compositors_are_named_from_the_environment() -> None:
    assert [compositor_of(e) for e in (SWAY, GNOME, KDE, {"XDG_CURRENT_DESKTOP": "Hyprland"},
                                       {})] == ["sway", "gnome", "kde", "hyprland", "unknown"]


def test_sway_uses_the_portal_swayidle_and_ipc_titles() -> None:
    backends = wayland_backends(SWAY, _probes())
    assert (backends.display_server.name, backends.compositor.name, backends.capture.name,
            backends.activity.name, backends.input.name, backends.titles.name) == (
        "wayland", "sway", "portal", "swayidle", "none", "sway-ipc")
    assert "output layout" in backends.capture.reason
    assert window_titles_note(backends) is None
    assert len(backends.lines()) == 6 and set(backends.to_dict()) == {
        "display_server", "compositor", "capture", "activity", "input", "titles"}


def test_sway_without_a_portal_falls_back_to_screencopy_and_says_why() -> None:
    backends = wayland_backends(SWAY, _probes(portal="the desktop offers no screenshot portal"))
    assert backends.capture.name == "screencopy"
    assert "no screenshot portal" in backends.capture.reason


def test_gnome_uses_the_idle_monitor_and_says_titles_are_not_available() -> None:
    backends = wayland_backends(GNOME, _probes())
    assert (backends.capture.name, backends.activity.name, backends.titles.name) == (
        "portal", "mutter-idle-monitor", "none")
    note = window_titles_note(backends)
    assert note is not None and note.startswith("Window titles cannot be recorded here: GNOME")
    assert "not available on this desktop" in backends.titles.reason


def test_kde_without_portal_or_grim_records_failed_captures_with_the_reason() -> None:
    backends = wayland_backends(KDE, _probes(portal="no portal", tools=("swayidle",)))
    assert backends.capture.name == "none" and "no portal" in backends.capture.reason
    assert backends.activity.name == "swayidle"
    assert "KWin" in backends.titles.reason


def test_evdev_is_used_only_when_opted_in_and_readable() -> None:
    readable = ("/dev/input/event3",)
    assert wayland_backends(SWAY, _probes(evdev=readable)).input.name == "none"
    opted = {**SWAY, ev.ENV_OPT_IN: "1"}
    chosen = wayland_backends(opted, _probes(evdev=readable))
    assert (chosen.activity.name, chosen.input.name) == ("evdev", "evdev")
    refused = wayland_backends(opted, _probes())
    assert refused.activity.name == "swayidle" and "'input' group" in refused.input.reason


def test_the_policy_text_says_what_this_desktop_cannot_record() -> None:
    from workdiary.capture.wayland.session import limits_of
    from workdiary.core.model import Policy
    from workdiary.desktop.policy_text import describe_policy

    policy = Policy(window_titles=True)
    x11 = describe_policy(policy)
    assert "The active application and window title are recorded with each screenshot." in x11
    assert any("never which keys" in line for line in x11)
    gnome = describe_policy(policy, limits_of(wayland_backends(GNOME, _probes())))
    assert any(line.startswith("The policy asks for window titles. Window titles cannot be "
                               "recorded here: GNOME") for line in gnome)
    assert any("measured from the desktop's idle time" in line for line in gnome)
    assert any(line.startswith("Your desktop asks once") for line in gnome)
    sway = describe_policy(policy, limits_of(wayland_backends(SWAY, _probes())))
    assert "The active application and window title are recorded with each screenshot." in sway
    assert not any("never which keys" in line for line in sway)
    assert not any(line.startswith("Your desktop asks once") for line in sway + x11)
    opted_in = limits_of(wayland_backends({**SWAY, ev.ENV_OPT_IN: "1"},
                                          _probes(evdev=("/dev/input/event0",))))
    assert any("never which keys" in line for line in describe_policy(policy, opted_in))


class ScriptedGrabber:
    """Answers grabs from a list: an image, or a CaptureError to raise."""

    def __init__(self, *answers: object) -> None:
        self.answers = list(answers)
        self.grabs = 0
        self.closed = False

    def grab(self, mode: CaptureMode) -> Image.Image:
        from workdiary.capture.base import CaptureError

        self.grabs += 1
        answer = self.answers.pop(0)
        if isinstance(answer, CaptureError):
            raise answer
        assert isinstance(answer, Image.Image)
        return answer

    def close(self) -> None:
        self.closed = True


def test_a_broken_portal_on_wlroots_hands_over_to_screencopy_for_good() -> None:
    from workdiary.capture.wayland.fallback import PortalThenScreencopy

    picture = Image.new("RGB", (4, 4))
    portal = ScriptedGrabber(picture, PortalRefused("no portal backend"))
    screencopy = ScriptedGrabber(picture, picture)
    grabber = PortalThenScreencopy(portal, screencopy)
    assert grabber.grab(CaptureMode.ALL) is picture and grabber.portal_failure is None
    assert grabber.grab(CaptureMode.ALL) is picture  # the portal failed: screencopy answered
    assert grabber.portal_failure == "no portal backend" and portal.closed
    assert grabber.grab(CaptureMode.ALL) is picture
    assert (portal.grabs, screencopy.grabs) == (2, 2)


def test_when_both_fail_the_failed_capture_names_both_reasons() -> None:
    from workdiary.capture.base import CaptureError
    from workdiary.capture.wayland.fallback import PortalThenScreencopy

    grabber = PortalThenScreencopy(ScriptedGrabber(PortalRefused("portal says no")),
                                   ScriptedGrabber(CaptureError("grim: no screencopy")))
    with pytest.raises(CaptureError, match="portal says no; wlr-screencopy failed too: grim"):
        grabber.grab(CaptureMode.ALL)
    assert grabber.portal_failure is None  # nothing worked: the portal is asked again next time


def test_a_second_paid_in_advance_never_makes_a_take_negative() -> None:
    clock = [100.0]
    timeline = IdleTimeline(0, lambda: clock[0])
    timeline.idled()  # idle at once: nothing active
    timeline.take()
    clock[0] += 0.1
    timeline.resumed()  # input: at least one second is reported, paid back later
    assert timeline.take().active_seconds == 1
    timeline.idled()
    clock[0] += 0.1
    assert timeline.take().active_seconds == 0  # owed, not -1
