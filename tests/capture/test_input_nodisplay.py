"""Without a reachable X display the pynput counter says so instead of crashing.

In a subprocess: once pynput has been imported successfully (as the xvfb tests do), the import
that fails without a display is never attempted again in that process.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

SCRIPT = """
from workdiary.capture.base import DisplayUnavailable
from workdiary.capture.input_pynput import PynputInputCounter
counter = PynputInputCounter()
try:
    counter.start()
except DisplayUnavailable as error:
    print("unavailable:", error)
else:
    print("started")
print("take:", counter.take())
"""


@pytest.mark.parametrize("display", [None, ":4077"])
def test_start_without_display_raises_display_unavailable(display: str | None) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    if display is not None:
        env["DISPLAY"] = display
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "unavailable: Keyboard and mouse activity cannot be observed" in done.stdout
    expected = f"the X display '{display}' is not reachable" if display else "DISPLAY is not set"
    assert expected in done.stdout
    assert "take: InputCounts(keys=0, clicks=0, scrolls=0, moves=0" in done.stdout
