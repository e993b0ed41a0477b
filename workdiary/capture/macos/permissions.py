"""macOS's privacy permissions as a checklist, and the System Settings pane for each."""

from __future__ import annotations

from workdiary.capture.macos.api import MacSystem
from workdiary.capture.permissions import PermissionItem, PermissionState

SCREEN_RECORDING = "screen_recording"
ACCESSIBILITY = "accessibility"
INPUT_MONITORING = "input_monitoring"

# The Privacy & Security anchors; the same URLs open System Preferences before macOS 13.
_PANE = "x-apple.systempreferences:com.apple.preference.security?"
SETTINGS_URLS = {
    SCREEN_RECORDING: _PANE + "Privacy_ScreenCapture",
    ACCESSIBILITY: _PANE + "Privacy_Accessibility",
    INPUT_MONITORING: _PANE + "Privacy_ListenEvent",
}
TITLES = {
    SCREEN_RECORDING: "Screen Recording",
    ACCESSIBILITY: "Accessibility",
    INPUT_MONITORING: "Input Monitoring",
}


def screen_recording_refusal() -> str:
    """The reason recorded for a screenshot not taken for lack of Screen Recording."""
    return (
        "Screen Recording permission is missing: macOS would give a picture of the empty "
        "desktop, so no screenshot was taken. Allow workdiary in System Settings > Privacy & "
        "Security > Screen Recording, then restart workdiary.")


def input_refusal(missing: list[str]) -> str:
    """The reason input cannot be counted, naming the permissions that are missing."""
    names = " and ".join(TITLES[key] for key in missing)
    return (
        f"{names} permission is missing, so keyboard and mouse activity cannot be counted. "
        f"Allow workdiary in System Settings > Privacy & Security > {names}, then restart "
        "workdiary.")


def missing_input_permissions(system: MacSystem) -> list[str]:
    """The permissions pynput's event tap needs that are not granted (keys of TITLES)."""
    missing = []
    if not system.accessibility_trusted():
        missing.append(ACCESSIBILITY)
    if system.input_monitoring_allowed() is not True:
        missing.append(INPUT_MONITORING)
    return missing


class MacPermissions:
    """The checklist: Screen Recording, Accessibility, Input Monitoring."""

    def __init__(self, system: MacSystem) -> None:
        self._system = system

    def items(self) -> list[PermissionItem]:
        monitoring = self._system.input_monitoring_allowed()
        return [
            self._item(SCREEN_RECORDING, "screenshots and window titles",
                       _state(self._system.screen_capture_allowed()), can_request=True),
            self._item(ACCESSIBILITY, "counting keyboard and mouse activity",
                       _state(self._system.accessibility_trusted()), can_request=False),
            self._item(INPUT_MONITORING, "counting keyboard activity",
                       PermissionState.NOT_ASKED if monitoring is None else _state(monitoring),
                       can_request=False),
        ]

    def open_settings(self, key: str) -> bool:
        url = SETTINGS_URLS.get(key)
        return url is not None and self._system.open_url(url)

    def request(self, key: str) -> bool:
        if key != SCREEN_RECORDING:
            return False
        return self._system.request_screen_capture()

    @staticmethod
    def _item(key: str, needed_for: str, state: PermissionState, *, can_request: bool
              ) -> PermissionItem:
        return PermissionItem(key=key, title=TITLES[key], needed_for=needed_for, state=state,
                              settings_url=SETTINGS_URLS[key], can_request=can_request)


def _state(granted: bool) -> PermissionState:
    return PermissionState.GRANTED if granted else PermissionState.MISSING
