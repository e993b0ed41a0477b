"""Windows: a value in ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run``.

The same value the Inno Setup installer's "Start at login" task writes (packaging/windows), so
the installer, the tray setting and ``workdiary autostart`` agree. The registry goes through
``RunKey`` (winreg for real, a dict in tests); untested on real Windows so far.
"""

from __future__ import annotations

import subprocess
from typing import Protocol

RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
VALUE_NAME = "Workdiary"


class RunKey(Protocol):
    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None: ...


class WinregRunKey:
    """The current user's Run key through ``winreg`` (Windows only)."""

    def get(self, name: str) -> str | None:
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:  # type: ignore[attr-defined]
                value, _ = winreg.QueryValueEx(key, name)  # type: ignore[attr-defined]
        except FileNotFoundError:
            return None
        return str(value)

    def set(self, name: str, value: str) -> None:
        import winreg

        with winreg.CreateKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:  # type: ignore[attr-defined]
            winreg.SetValueEx(key, name, 0, winreg.REG_SZ, value)  # type: ignore[attr-defined]

    def delete(self, name: str) -> None:
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0,  # type: ignore[attr-defined]
                                winreg.KEY_SET_VALUE) as key:  # type: ignore[attr-defined]
                winreg.DeleteValue(key, name)  # type: ignore[attr-defined]
        except FileNotFoundError:
            pass


class MemoryRunKey:
    """A Run key in a dict: for tests and the demo."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def set(self, name: str, value: str) -> None:
        self.values[name] = value

    def delete(self, name: str) -> None:
        self.values.pop(name, None)


class RunKeyAutostart:
    def __init__(self, key: RunKey, command: list[str]) -> None:
        self._key = key
        self._command = command

    def is_enabled(self) -> bool:
        return bool(self._key.get(VALUE_NAME))

    def enable(self) -> None:
        # list2cmdline quotes as the Windows C runtime parses: a path with spaces stays whole.
        self._key.set(VALUE_NAME, subprocess.list2cmdline(self._command))

    def disable(self) -> None:
        self._key.delete(VALUE_NAME)

    def location(self) -> str:
        return f"HKEY_CURRENT_USER\\{RUN_KEY}\\{VALUE_NAME}"
