"""Private Xvfb servers for the capture tests: free display number, RandR monitors, Tk windows."""

from __future__ import annotations

import json
import os
import random
import select
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from Xlib import display as xdisplay
from Xlib.ext import randr
from Xlib.protocol import rq


@dataclass
class XServer:
    name: str  # ":N"
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _display_in_use(number: int) -> bool:
    if os.path.exists(f"/tmp/.X{number}-lock") or os.path.exists(f"/tmp/.X11-unix/X{number}"):
        return True
    # Other sessions on this machine may have their own /tmp but share the abstract socket
    # namespace; Xvfb's own -displayfd choice only looks at lock files and can collide there.
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(f"\0/tmp/.X11-unix/X{number}")
        return True
    except OSError:
        return False
    finally:
        probe.close()


def start_xvfb(width: int, height: int, attempts: int = 5) -> XServer:
    """A fresh Xvfb on a free display number (random, well above the usual :0-:99).

    -noreset keeps RandR monitors (and everything else) when the last client disconnects.
    """
    if shutil.which("Xvfb") is None:
        raise RuntimeError("Xvfb is not installed (Debian package xvfb).")
    for _ in range(attempts):
        number = random.randrange(200, 900)
        if _display_in_use(number):
            continue
        server = _launch(number, width, height)
        if server is not None:
            return server
    raise RuntimeError(f"Could not start Xvfb on a free display in {attempts} attempts.")


def _launch(number: int, width: int, height: int) -> XServer | None:
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        ["Xvfb", f":{number}", "-displayfd", str(write_end), "-screen", "0",
         f"{width}x{height}x24", "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        reported = _read_line(read_end, timeout=10.0)
    finally:
        os.close(read_end)
    if reported != str(number) or process.poll() is not None:
        process.kill()
        process.wait()
        return None
    return XServer(name=f":{number}", process=process)


def _read_line(fd: int, timeout: float) -> str:
    """-displayfd: Xvfb writes "N", then "\\n", once it accepts connections (EOF if it died).

    Read through the newline before closing the pipe: closing after "N" makes the server's
    second write fail, and Xvfb treats that as fatal ("Cannot write display number").
    """
    data = b""
    deadline = time.monotonic() + timeout
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(fd, 32) if ready else b""
        if not chunk:
            break
        data += chunk
    return data.decode().strip()


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
