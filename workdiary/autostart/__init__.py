"""Start the tray app at login, each system its own way: an XDG autostart entry on Linux, a
LaunchAgent on macOS, the user's Run key on Windows. Per user, never system-wide.

Qt-free: the tray's "Start at login" check box and ``workdiary autostart`` both use
``autostart_for_this_system()``. Nothing here starts a process; the system does at next login.
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
from pathlib import Path

from workdiary.autostart.base import Autostart

APP_ID = "io.github.workdiary.Workdiary"


def launch_command() -> list[str]:
    """How the system should start the tray app: the frozen executable, the installed
    ``workdiary`` script, or this Python with ``-m workdiary``."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "app"]
    script = shutil.which("workdiary")
    if script:
        return [str(Path(script).resolve()), "app"]
    return [sys.executable, "-m", "workdiary", "app"]


def autostart_for_this_system(system: str | None = None) -> Autostart:
    """The autostart mechanism of this system, for the current user."""
    system = platform.system() if system is None else system
    command = launch_command()
    if system == "Windows":
        from workdiary.autostart.windows import RunKeyAutostart, WinregRunKey

        return RunKeyAutostart(WinregRunKey(), command)
    if system == "Darwin":
        from workdiary.autostart.macos import LaunchAgentAutostart

        return LaunchAgentAutostart(Path.home() / "Library" / "LaunchAgents", command)
    from workdiary.autostart.linux import XdgAutostart

    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return XdgAutostart(Path(config_home) / "autostart", command)
