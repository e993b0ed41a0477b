"""The permissions a system asks the user to grant before capture works: a Qt-free checklist.

macOS gates screenshots (Screen Recording) and input counting (Accessibility, Input Monitoring)
behind System Settings; Windows and X11 ask for nothing. The tray's checklist window renders
``PermissionChecklist.items()`` and calls ``open_settings`` / ``request`` from its buttons; the
tracker's adapters consult the same checks, so a missing permission is recorded as a failed
capture naming it, never as a screenshot of an empty desktop.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol


class PermissionState(enum.Enum):
    GRANTED = "granted"
    MISSING = "missing"
    NOT_ASKED = "not_asked"  # the system has not asked the user yet


@dataclass(frozen=True, slots=True)
class PermissionItem:
    key: str  # stable id: "screen_recording", "accessibility", "input_monitoring"
    title: str  # the name System Settings uses
    needed_for: str  # what stops working without it, in a sentence
    state: PermissionState
    settings_url: str | None  # opens the right System Settings pane
    can_request: bool  # the system has a prompt we may trigger

    @property
    def granted(self) -> bool:
        return self.state is PermissionState.GRANTED


class PermissionChecklist(Protocol):
    def items(self) -> list[PermissionItem]:
        """Every permission this system needs, checked now (cheap: call on each show)."""
        ...

    def open_settings(self, key: str) -> bool:
        """Open the System Settings pane for ``key``; False if there is none or it failed."""
        ...

    def request(self, key: str) -> bool:
        """Trigger the system's own prompt for ``key`` if it has one; True if now granted."""
        ...


class NoPermissionsNeeded:
    """Windows and Linux/X11: nothing to grant."""

    def items(self) -> list[PermissionItem]:
        return []

    def open_settings(self, key: str) -> bool:
        return False

    def request(self, key: str) -> bool:
        return False


def missing_summary(items: list[PermissionItem]) -> str | None:
    """One sentence naming what is missing and its effect, or None when all is granted."""
    missing = [item for item in items if not item.granted]
    if not missing:
        return None
    parts = [f"{item.title} ({item.needed_for})" for item in missing]
    return ("Permission missing in System Settings > Privacy & Security: " + "; ".join(parts)
            + ". Segments recorded without it are not protected.")
