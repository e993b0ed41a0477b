"""Private Xvfb servers for the capture tests: RandR monitors and Tk windows on top of
``workdiary.testing.xvfb`` (which picks the free display number and starts the server)."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from Xlib import display as xdisplay
from Xlib.ext import randr
from Xlib.protocol import rq

from workdiary.testing.xvfb import VirtualDisplay, start_xvfb

# The capture tests call a running private Xvfb an XServer; started by the package's helper.
XServer = VirtualDisplay
__all__ = ["ColourWindow", "MonitorSpec", "XServer", "define_monitors", "start_xvfb", "xdotool"]


class _SetMonitor(rq.Request):
    # python-xlib 0.33's randr.set_monitor cannot serialise its MonitorInfo object; this is the
    # same RRSetMonitor request (opcode 43) with the fields written out flat.
    _request = rq.Struct(
        rq.Card8("opcode"),
        rq.Opcode(43),
        rq.RequestLength(),
        rq.Window("window"),
        rq.Card32("name"),
        rq.Bool("primary"),
        rq.Bool("automatic"),
        rq.LengthOf("outputs", 2),
        rq.Int16("x"),
        rq.Int16("y"),
        rq.Card16("width"),
        rq.Card16("height"),
        rq.Card32("width_mm"),
        rq.Card32("height_mm"),
        rq.List("outputs", rq.Card32Obj),
    )


@dataclass(frozen=True)
class MonitorSpec:
    name: str
    x: int
    y: int
    width: int
    height: int
    primary: bool = False


def define_monitors(display_name: str, monitors: Sequence[MonitorSpec]) -> None:
    """Split one Xvfb screen into RandR 1.5 monitors, as a multi-head desktop reports them.

    Xvfb's ``+xinerama`` with two ``-screen``s puts both screens at (0, 0) and RandR still reports
    one output, so it cannot model side-by-side monitors; client-defined RandR monitors can (the
    same thing ``xrandr --setmonitor`` does). The first monitor takes over the real output.
    """
    conn = xdisplay.Display(display_name)
    try:
        root = conn.screen().root
        output = root.xrandr_get_screen_resources_current().outputs[0]
        opcode = conn.display.get_extension_major(randr.extname)
        for index, spec in enumerate(monitors):
            _SetMonitor(
                display=conn.display,
                opcode=opcode,
                window=root,
                name=conn.intern_atom(spec.name),
                primary=spec.primary,
                automatic=False,
                x=spec.x,
                y=spec.y,
                width=spec.width,
                height=spec.height,
                width_mm=spec.width // 4,
                height_mm=spec.height // 4,
                outputs=[output] if index == 0 else [],
            )
        conn.sync()
    finally:
        conn.close()


def xdotool(display_name: str, *args: str) -> str:
    """Run xdotool against ``display_name``; its stdout."""
    env = {**os.environ, "DISPLAY": display_name}
    done = subprocess.run(
        ["xdotool", *args], env=env, capture_output=True, text=True, timeout=30, check=True
    )
    return done.stdout


class ColourWindow:
    """An undecorated Tk window of solid colour blocks at a fixed place, in its own process."""

    def __init__(
        self, display_name: str, x: int, y: int, blocks: Sequence[tuple[int, int, int, int, str]],
        *, width: int, height: int, title: str = "colours", class_name: str = "Colours",
    ) -> None:
        spec = {"display": display_name, "x": x, "y": y, "blocks": list(blocks), "width": width,
                "height": height, "title": title, "class_name": class_name}
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("colour_window_app.py")),
             json.dumps(spec)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], 20)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            self.close()
            raise RuntimeError(f"The Tk colour window did not come up on {display_name}.")
        ids = json.loads(line)
        self.window_id: int = ids["frame"]  # the toplevel (carries WM_CLASS and the title)
        self.inner_id: int = ids["inner"]  # the canvas inside it

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
