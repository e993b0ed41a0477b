"""Linux (and other XDG desktops): ``$XDG_CONFIG_HOME/autostart/<app id>.desktop``.

The entry is ``resources/workdiary-autostart.desktop`` with ``Exec`` set to how this copy of
workdiary runs (the .deb's /usr/bin/workdiary, a venv's script, or the frozen executable).
"""

from __future__ import annotations

import os
from pathlib import Path

from workdiary.resource_files import resource_path

TEMPLATE_NAME = "workdiary-autostart.desktop"  # in resources/
FILE_NAME = "io.github.workdiary.Workdiary.desktop"


def desktop_exec(command: list[str]) -> str:
    """A command line quoted for a .desktop ``Exec`` key (Desktop Entry spec, "Exec key")."""
    def quote(argument: str) -> str:
        if not any(c in argument for c in ' \t\n"\'\\><~|&;$*?#()`%'):
            return argument
        escaped = argument.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`")
        escaped = escaped.replace("$", "\\$").replace("%", "%%")
        return f'"{escaped}"'

    return " ".join(quote(argument) for argument in command)


def autostart_entry(command: list[str]) -> str:
    template = resource_path(TEMPLATE_NAME).read_text("utf-8")
    lines = [f"Exec={desktop_exec(command)}" if line.startswith("Exec=") else line
             for line in template.splitlines()]
    return "\n".join(lines) + "\n"


class XdgAutostart:
    def __init__(self, directory: Path, command: list[str]) -> None:
        self._path = directory / FILE_NAME
        self._command = command

    def is_enabled(self) -> bool:
        if not self._path.is_file():
            return False
        # A desktop may switch an entry off instead of deleting it (GNOME Tweaks does).
        text = self._path.read_text("utf-8", errors="replace")
        return "Hidden=true" not in text and "X-GNOME-Autostart-enabled=false" not in text

    def enable(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._path.with_suffix(".tmp")
        temporary.write_text(autostart_entry(self._command), "utf-8")
        temporary.chmod(0o600)  # the project's rule: files we create are the owner's alone
        os.replace(temporary, self._path)

    def disable(self) -> None:
        self._path.unlink(missing_ok=True)

    def location(self) -> str:
        return str(self._path)
