"""A system tray host (trayer) on an X display, for the tests, the benchmarks and the memory
script that run the tray app as a user would: with a tray to sit in, not its fallback window."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

# A 200x32 panel at the bottom right, opaque: somewhere for the icons, out of the way.
TRAYER = ["trayer", "--edge", "bottom", "--align", "right", "--widthtype", "pixel", "--width",
          "200", "--height", "32", "--transparent", "false"]


class TrayHostUnavailable(RuntimeError):
    """trayer is missing or did not take the tray; the message says which and what to do."""


def start_tray_host(display: str, *, timeout: float = 20.0) -> subprocess.Popen[bytes]:
    """trayer on ``display``, returned once it owns the tray (its window is there)."""
    for tool in ("trayer", "xdotool"):
        if shutil.which(tool) is None:
            raise TrayHostUnavailable(f"{tool} is not installed (Debian package {tool}; "
                                      "scripts/install-system-deps.sh installs it)")
    env = {**os.environ, "DISPLAY": display}
    trayer = subprocess.Popen(TRAYER, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and trayer.poll() is None:
        found = subprocess.run(["xdotool", "search", "--class", "trayer"], env=env,
                               capture_output=True, text=True, timeout=10)
        if found.stdout.strip():
            return trayer
        time.sleep(0.1)
    stop_tray_host(trayer)
    raise TrayHostUnavailable(f"trayer did not take the tray on {display} within {timeout:.0f} s")


def stop_tray_host(trayer: subprocess.Popen[bytes]) -> None:
    """End trayer: asked first, killed if it does not go within 5 s."""
    trayer.terminate()
    try:
        trayer.wait(timeout=5)
    except subprocess.TimeoutExpired:
        trayer.kill()
        trayer.wait(timeout=5)


def tray_panel(display: str) -> str:
    """The window id of the running trayer's panel on ``display``: tray icons are reparented
    into it (XEmbed), so a test can look for an icon there."""
    found = subprocess.run(["xdotool", "search", "--classname", "panel"],
                           env={**os.environ, "DISPLAY": display}, capture_output=True,
                           text=True, timeout=10)
    windows = found.stdout.split()
    if not windows:
        raise TrayHostUnavailable(f"no tray panel on {display}: is trayer running?")
    return windows[0]
