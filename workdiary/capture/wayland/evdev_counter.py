"""Input counts from /dev/input (evdev), for users who opt in and may read it (``input`` group).

The only way to count keys and clicks on Wayland outside the compositor. Counts only, never
which key: events feed the same ``InputTally`` as the X11 counter, so a minute's source stays
``counts``. Devices come from ``open_devices`` (python-evdev's ``InputDevice`` in real use, a
fake device layer in tests); each needs ``fileno()``, ``read()`` and ``close()``.

Threads: one reader thread waits on every device with a selector; ``take`` runs on the
tracker's thread (the tally's lock keeps them apart).
"""

from __future__ import annotations

import os
import selectors
import threading
from collections.abc import Callable, Iterable
from typing import Protocol

from workdiary.capture.base import DisplayUnavailable, InputCounts
from workdiary.capture.input_tally import InputTally

# Linux input event codes (linux/input-event-codes.h): stable ABI, so no import is needed.
EV_KEY, EV_REL, EV_ABS = 0x01, 0x02, 0x03
BTN_MOUSE_FIRST, BTN_MOUSE_LAST = 0x110, 0x117  # BTN_LEFT .. BTN_TASK
BTN_TOUCH = 0x14A
KEYBOARD_LAST = 0xFF  # key codes below the button range
REL_X, REL_Y, REL_HWHEEL, REL_WHEEL = 0x00, 0x01, 0x06, 0x08
REL_WHEEL_HI_RES, REL_HWHEEL_HI_RES = 0x0B, 0x0C
ABS_X, ABS_Y = 0x00, 0x01
PRESS = 1  # value of a key-down event (0 is up, 2 is autorepeat)
ENV_OPT_IN = "WORKDIARY_EVDEV"  # "1": the user chose to count input from /dev/input


class InputEvent(Protocol):
    type: int
    code: int
    value: int


class EventDevice(Protocol):
    def fileno(self) -> int: ...
    def read(self) -> Iterable[InputEvent]: ...
    def close(self) -> None: ...


def readable_event_paths(directory: str = "/dev/input") -> list[str]:
    """The event devices this user may read (none without the ``input`` group)."""
    try:
        names = sorted(n for n in os.listdir(directory) if n.startswith("event"))
    except OSError:
        return []
    paths = [os.path.join(directory, n) for n in names]
    return [p for p in paths if os.access(p, os.R_OK)]


def open_evdev_devices() -> list[EventDevice]:
    """Every readable keyboard or pointer, through python-evdev."""
    import evdev

    devices: list[EventDevice] = []
    for path in readable_event_paths():
        try:
            device = evdev.InputDevice(path)
        except OSError:
            continue
        if {EV_KEY, EV_REL} & set(device.capabilities()):
            devices.append(device)
        else:
            device.close()
    return devices


def count_event(tally: InputTally, event: InputEvent) -> None:
    """One evdev event into the tally: presses, clicks, wheel steps and moves, nothing else."""
    if event.type == EV_KEY and event.value == PRESS:
        if BTN_MOUSE_FIRST <= event.code <= BTN_MOUSE_LAST or event.code == BTN_TOUCH:
            tally.on_click()
        elif event.code <= KEYBOARD_LAST:
            tally.on_key()
    elif event.type == EV_REL:
        if event.code in (REL_WHEEL, REL_HWHEEL):
            tally.on_scroll()
        elif event.code in (REL_X, REL_Y):
            tally.on_move()
        # hi-res wheel events duplicate REL_WHEEL: not counted twice
    elif event.type == EV_ABS and event.code in (ABS_X, ABS_Y):
        tally.on_move()


class EvdevInputCounter:
    """An ``InputCounter`` over evdev devices; ``start`` fails clearly when none is readable."""

    def __init__(
        self,
        open_devices: Callable[[], list[EventDevice]] = open_evdev_devices,
        tally: InputTally | None = None,
    ) -> None:
        self._open_devices = open_devices
        self._tally = tally or InputTally()
        self._selector: selectors.BaseSelector | None = None
        self._wake_r, self._wake_w = -1, -1
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        devices = self._open_devices()
        if not devices:
            raise DisplayUnavailable(
                "no readable keyboard or mouse in /dev/input: counting input from evdev needs "
                "membership of the 'input' group"
            )
        self._selector = selectors.DefaultSelector()
        for device in devices:
            self._selector.register(device, selectors.EVENT_READ)
        self._wake_r, self._wake_w = os.pipe()
        self._selector.register(self._wake_r, selectors.EVENT_READ)
        self._tally.take()  # nothing from before the start
        self._thread = threading.Thread(target=self._run, name="evdev-reader", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        selector = self._selector
        assert selector is not None
        while True:
            for key, _ in selector.select():
                if key.fileobj == self._wake_r:
                    return
                device: EventDevice = key.fileobj  # type: ignore[assignment]
                try:
                    for event in device.read():
                        count_event(self._tally, event)
                except BlockingIOError:
                    continue
                except OSError:  # unplugged: stop listening to it, keep the others
                    selector.unregister(device)
                    device.close()

    def stop(self) -> None:
        if self._selector is None:
            return
        os.write(self._wake_w, b"x")
        if self._thread is not None:
            self._thread.join(timeout=5)
        for key in list(self._selector.get_map().values()):
            if key.fileobj != self._wake_r:
                key.fileobj.close()  # type: ignore[union-attr]
        self._selector.close()
        os.close(self._wake_r)
        os.close(self._wake_w)
        self._selector = None

    def take(self) -> InputCounts:
        return self._tally.take()
