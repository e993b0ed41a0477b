"""macOS: a LaunchAgent, ``~/Library/LaunchAgents/<app id>.plist``, read by launchd at login.

Written, not loaded: launchd picks it up at the next login, so enabling never starts a second
copy of the app that is already running. Untested on a real Mac so far (the file is tested).
"""

from __future__ import annotations

import os
import plistlib
from pathlib import Path

LABEL = "io.github.workdiary.Workdiary"


def launch_agent(command: list[str]) -> dict[str, object]:
    return {
        "Label": LABEL,
        "ProgramArguments": command,
        "RunAtLoad": True,
        "ProcessType": "Interactive",  # a user-facing app: not throttled like a daemon
        "LimitLoadToSessionType": "Aqua",  # only in a graphical login, not over ssh
    }


class LaunchAgentAutostart:
    def __init__(self, directory: Path, command: list[str]) -> None:
        self._path = directory / f"{LABEL}.plist"
        self._command = command

    def is_enabled(self) -> bool:
        if not self._path.is_file():
            return False
        try:
            with self._path.open("rb") as handle:
                agent = plistlib.load(handle)
        except (plistlib.InvalidFileException, ValueError):
            return False
        return isinstance(agent, dict) and bool(agent.get("RunAtLoad"))

    def enable(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._path.with_suffix(".tmp")
        with temporary.open("wb") as handle:
            plistlib.dump(launch_agent(self._command), handle)
        temporary.chmod(0o600)  # owner-only; launchd refuses agents others may write
        os.replace(temporary, self._path)

    def disable(self) -> None:
        self._path.unlink(missing_ok=True)

    def location(self) -> str:
        return str(self._path)
