"""`workdiary app` without a display says so instead of letting Qt abort."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_no_display_gives_a_clear_message(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(WORKDIARY_DATA_DIR=str(tmp_path), XDG_SESSION_TYPE="tty")
    done = subprocess.run([sys.executable, "-m", "workdiary", "app"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "the tray app needs a graphical session" in done.stderr
    assert "DISPLAY is not set" in done.stderr
    assert "workdiary track CONTRACT_ID" in done.stderr
    assert "Aborted" not in done.stderr and "qt.qpa" not in done.stderr


def test_clock_in_on_an_unknown_contract_points_at_login(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    # A display name is enough to pass the display check; the contract check comes first.
    env.update(WORKDIARY_DATA_DIR=str(tmp_path), DISPLAY=":987", XDG_SESSION_TYPE="x11")
    done = subprocess.run([sys.executable, "-m", "workdiary", "app", "--clock-in", "nope"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "contract nope is not in the local cache" in done.stderr
    assert "workdiary login" in done.stderr
