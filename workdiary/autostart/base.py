"""The one interface every system's autostart mechanism has."""

from __future__ import annotations

from typing import Protocol


class Autostart(Protocol):
    def is_enabled(self) -> bool:
        """Whether the tray app starts at this user's next login."""
        ...

    def enable(self) -> None:
        """Start at login from now on (idempotent); raises OSError if it cannot be written."""
        ...

    def disable(self) -> None:
        """Stop starting at login (idempotent); raises OSError if it cannot be removed."""
        ...

    def location(self) -> str:
        """Where the setting lives, for the user (a file path or a registry value)."""
        ...
