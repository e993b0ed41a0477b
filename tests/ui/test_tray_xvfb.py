"""The real tray under Xvfb with a tray host (trayer): the icon is embedded, and clicking it
opens the window. The app runs in a subprocess (QApplication here is offscreen)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("tray_probe.py")
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.xvfb
def test_the_tray_icon_appears_and_a_click_opens_the_window(tray_host: str, tmp_path: Path
                                                             ) -> None:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(DISPLAY=tray_host, DBUS_SESSION_BUS_ADDRESS="disabled:",
               WORKDIARY_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
    probe = subprocess.Popen([sys.executable, str(PROBE), str(tmp_path)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert probe.stdout is not None
        assert probe.stdout.readline().strip() == "available True"
        words = probe.stdout.readline().split()
        assert words[0] == "icon" and words[3:] == ["visible", "True"], words
        x, y = int(words[1]), int(words[2])
        assert x > 1920 - 200 and y > 1080 - 32  # inside trayer, bottom right
        subprocess.run(["xdotool", "mousemove", str(x), str(y)], env=env, check=True)
        time.sleep(0.2)  # let the pointer settle before the click (not a timing assertion)
        subprocess.run(["xdotool", "click", "1"], env=env, check=True)
        assert probe.stdout.readline().strip() == "window shown"
        assert probe.wait(timeout=60) == 0, probe.stderr.read() if probe.stderr else ""
    finally:
        if probe.poll() is None:
            probe.kill()
            probe.wait()
