"""Labelled demo input: synthetic keys and mouse moves on the demo's own virtual screen.

The demo has no person at its keyboard, so it types and moves the pointer itself (X XTEST,
the same path ``xdotool`` uses) on its private Xvfb only, never on the user's screen, and says
so in the terminal: every line it prints starts with "demo input:". The tracker counts this
input like any other, so the demo's diary has activity bars; the workspace is redrawn as the
"work" goes on, so screenshots change.

Threads: ``DemoInput`` runs its own thread and owns the ``Workspace`` and its X connection.
"""

from __future__ import annotations

import contextlib
import random
import threading
from collections.abc import Callable

from workdiary.demo.workspace import Workspace

STEP_SECONDS = 2.0  # one burst of typing or moving every STEP_SECONDS
REPORT_EVERY = 30  # bursts between two "demo input:" summary lines (~ a minute)
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


class DemoInput:
    """Types and moves on ``display_name`` until ``stop()``; ``say`` prints labelled lines."""

    def __init__(self, display_name: str, say: Callable[[str], None],
                 rng: random.Random | None = None) -> None:
        self.display_name = display_name
        self._say = say
        self._rng = rng or random.Random(7)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="demo-input", daemon=True)
        self.keys = 0
        self.moves = 0

    def start(self) -> None:
        self._say(f"demo input: typing and moving the mouse on the demo's virtual screen "
                  f"{self.display_name} (synthetic input, not yours), so the diary has activity")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(10)

    def _run(self) -> None:
        from Xlib.error import ConnectionClosedError, XError

        try:
            self._drive()
        except (ConnectionClosedError, XError, OSError) as exc:
            if not self._stop.is_set():  # at shutdown the screen may go first: nothing to say
                self._say(f"demo input: stopped, the virtual screen {self.display_name} went "
                          f"away ({exc})")

    def _drive(self) -> None:
        from Xlib import X
        from Xlib.ext import xtest

        workspace = Workspace(self.display_name)
        display = workspace.display
        try:
            step = 0
            while not self._stop.is_set():
                pane = "editor" if (step // 8) % 2 == 0 else "terminal"
                workspace.focus(pane)
                workspace.show(step)
                x, y = workspace.centre(pane)
                for _ in range(4):
                    xtest.fake_input(display, X.MotionNotify,
                                     x=x + self._rng.randrange(-80, 80),
                                     y=y + self._rng.randrange(-60, 60))
                    self.moves += 1
                for letter in self._rng.sample(_LETTERS, 3):
                    code = display.keysym_to_keycode(ord(letter))
                    xtest.fake_input(display, X.KeyPress, code)
                    xtest.fake_input(display, X.KeyRelease, code)
                    self.keys += 1
                display.sync()
                step += 1
                if step % REPORT_EVERY == 0:
                    self._say(f"demo input: {self.keys} keys and {self.moves} mouse moves "
                              f"sent so far (synthetic, on {self.display_name})")
                self._stop.wait(STEP_SECONDS)
        finally:
            with contextlib.suppress(Exception):  # the connection may be gone already
                workspace.close()
