"""The demo's stage: its own virtual screen with the sample workspace and labelled demo input.

``open_stage`` starts a private Xvfb, points this process's capture at it (``DISPLAY``), and
starts the ``DemoInput`` that draws the workspace and types on it. The user's own screen and
input are never recorded by the demo. Without Xvfb it raises ``XvfbUnavailable`` with one
sentence saying what is missing; the demo then records time without evidence.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from workdiary.demo.demo_input import DemoInput
from workdiary.demo.virtual_screen import VirtualDisplay, XvfbUnavailable, start_xvfb

SCREEN_SIZE = (1280, 800)  # small enough for quick captures, large enough to read

__all__ = ["Stage", "XvfbUnavailable", "open_stage"]


@dataclass
class Stage:
    """A running stage; ``close()`` stops the input, the screen and restores ``DISPLAY``."""

    screen: VirtualDisplay
    demo_input: DemoInput
    previous_display: str | None  # the user's own DISPLAY (the tray app still shows there)

    def close(self) -> None:
        self.demo_input.stop()
        self.screen.stop()
        if self.previous_display is None:
            os.environ.pop("DISPLAY", None)
        else:
            os.environ["DISPLAY"] = self.previous_display


def open_stage(say: Callable[[str], None]) -> Stage:
    """Start the virtual screen and the demo input on it; capture in this process goes there.

    Raises ``XvfbUnavailable`` (a sentence for the user) when Xvfb is missing or fails.
    """
    try:
        screen = start_xvfb(*SCREEN_SIZE)
    except XvfbUnavailable as exc:
        raise XvfbUnavailable(
            f"{exc} Without it the demo records time only: no screenshots, no activity, "
            "so its segments are unprotected.") from exc
    previous = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = screen.name  # read by the capture parts built after this
    say(f"workdiary demo: recording the demo's own virtual screen {screen.name} (a sample "
        "editor and terminal), not yours.")
    demo_input = DemoInput(screen.name, say)
    try:
        demo_input.start()
    except Exception:
        screen.stop()
        raise
    return Stage(screen, demo_input, previous)
