"""The real input counter: pynput keyboard and mouse listeners feeding an ``InputTally``.

The callbacks only bump counters under the tally's lock: no I/O, no allocation worth noting, and
the key argument is dropped unread, so which keys were pressed is never seen by our code.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from workdiary.capture.base import DisplayUnavailable, InputCounts
from workdiary.capture.input_tally import InputTally

READY_TIMEOUT_SECONDS = 5.0


class PynputInputCounter:
    """Counts keys, clicks, scrolls, coalesced moves and active seconds on the current $DISPLAY."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._tally = InputTally(monotonic)
        self._listeners: list[Any] = []

    def start(self) -> None:
        """Start both listeners and wait until they receive events.

        Raises DisplayUnavailable if pynput cannot reach a display (it fails at import time when
        there is no X server) or the listeners do not come up.
        """
        if self._listeners:
            return
        try:
            from pynput import keyboard, mouse
        except ImportError as error:
            # pynput's own message is a multi-line list of guesses; say it in one sentence.
            display = os.environ.get("DISPLAY")
            where = (
                f"the X display '{display}' is not reachable" if display else "DISPLAY is not set"
            )
            raise DisplayUnavailable(
                f"Keyboard and mouse activity cannot be observed: {where}. Run workdiary in an "
                "X11 or XWayland session (DISPLAY naming a running X server)."
            ) from error
        # The tally's callbacks take any arguments, so pynput calls them directly instead of
        # through an argument-trimming wrapper: one frame less per event at thousands of moves
        # per second. Key objects go into an ignored *args, never read.
        self._listeners = [
            keyboard.Listener(on_press=self._tally.on_key),
            mouse.Listener(
                on_move=self._tally.on_move,
                on_click=self._on_click,
                on_scroll=self._tally.on_scroll,
            ),
        ]
        for listener in self._listeners:
            listener.start()
        for listener in self._listeners:
            if not _wait_ready(listener, READY_TIMEOUT_SECONDS):
                self.stop()
                raise DisplayUnavailable(
                    "Keyboard and mouse activity cannot be observed: the X input listener did "
                    f"not start within {READY_TIMEOUT_SECONDS:.0f} s (does the X server offer "
                    "the RECORD extension?)."
                )

    def stop(self) -> None:
        """Stop listening; counts not yet taken stay available to ``take``."""
        listeners, self._listeners = self._listeners, []
        for listener in listeners:
            listener.stop()
            _disable_recording(listener)
        for listener in listeners:
            if listener.is_alive() and listener is not threading.current_thread():
                listener.join(timeout=2.0)

    def take(self) -> InputCounts:
        """Counts since the previous take, reset atomically."""
        return self._tally.take()

    @property
    def running(self) -> bool:
        """Whether both listeners are alive."""
        return bool(self._listeners) and all(item.is_alive() for item in self._listeners)

    def _on_click(
        self, _x: int, _y: int, _button: object, pressed: bool, _injected: bool = False
    ) -> None:
        if pressed:
            self._tally.on_click()


def _disable_recording(listener: Any) -> None:
    """Make pynput's X11 listener thread end now.

    pynput's ``stop()`` sends RECORD's "disable context" on the recording (data) connection,
    where it stays queued while that connection's thread sits blocked reading; with both
    listeners running the thread then lingers until the next input event. The RECORD protocol
    wants the disable on a control connection: pynput keeps one (``_display_stop``, private),
    so send it there, which ends the recording at once. Harmless if already stopped.
    """
    control = getattr(listener, "_display_stop", None)
    context = getattr(listener, "_context", None)
    if control is not None and context is not None:
        with contextlib.suppress(Exception):  # connection already gone: nothing left to stop
            control.record_disable_context(context)
            control.flush()


def _wait_ready(listener: Any, timeout: float) -> bool:
    """pynput's ``wait()`` has no timeout; wait for it on a helper thread instead."""
    waiter = threading.Thread(target=listener.wait, daemon=True)
    waiter.start()
    waiter.join(timeout)
    return not waiter.is_alive() and listener.is_alive()
