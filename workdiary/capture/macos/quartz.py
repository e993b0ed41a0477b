"""The real ``MacSystem``: pyobjc (Quartz, AppKit, ApplicationServices) and IOKit via ctypes.

Imported only on macOS, where the ``pyobjc-framework-*`` dependencies are installed (see the
environment markers in pyproject.toml). Untested on a real Mac so far; the adapters above it
are tested through the fake.
"""

from __future__ import annotations

import ctypes
from typing import Any

import AppKit
import ApplicationServices
import Quartz

from workdiary.capture.macos.api import FrontmostApp

IOKIT_PATH = "/System/Library/Frameworks/IOKit.framework/IOKit"
IOHID_REQUEST_LISTEN_EVENT = 1  # kIOHIDRequestTypeListenEvent
IOHID_ACCESS_GRANTED, IOHID_ACCESS_DENIED = 0, 1  # kIOHIDAccessType*; 2 is "unknown"
NORMAL_WINDOW_LAYER = 0  # menus, the Dock and overlays sit on other layers


class QuartzSystem:
    def __init__(self) -> None:
        self._workspace = AppKit.NSWorkspace.sharedWorkspace()
        iokit = ctypes.cdll.LoadLibrary(IOKIT_PATH)
        # macOS 10.15 and later; older systems have no Input Monitoring to check.
        self._iohid_check_access = getattr(iokit, "IOHIDCheckAccess", None)
        if self._iohid_check_access is not None:
            self._iohid_check_access.argtypes = [ctypes.c_uint32]
            self._iohid_check_access.restype = ctypes.c_uint32

    def frontmost_app(self) -> FrontmostApp | None:
        app = self._workspace.frontmostApplication()
        if app is None:
            return None
        return FrontmostApp(name=str(app.localizedName() or ""),
                            pid=int(app.processIdentifier()))

    def front_window_title(self, pid: int) -> str | None:
        options = (Quartz.kCGWindowListOptionOnScreenOnly
                   | Quartz.kCGWindowListExcludeDesktopElements)
        windows: Any = Quartz.CGWindowListCopyWindowInfo(options, Quartz.kCGNullWindowID) or []
        for window in windows:  # front to back
            if (int(window.get(Quartz.kCGWindowOwnerPID, -1)) == pid
                    and int(window.get(Quartz.kCGWindowLayer, -1)) == NORMAL_WINDOW_LAYER):
                title = window.get(Quartz.kCGWindowName)
                return None if title is None else str(title)
        return None

    def seconds_since_input(self) -> float | None:
        seconds = Quartz.CGEventSourceSecondsSinceLastEventType(
            Quartz.kCGEventSourceStateHIDSystemState, Quartz.kCGAnyInputEventType)
        return float(seconds)

    def pointer_position(self) -> tuple[int, int] | None:
        event = Quartz.CGEventCreate(None)
        if event is None:
            return None
        point = Quartz.CGEventGetLocation(event)
        return int(point.x), int(point.y)

    def screen_capture_allowed(self) -> bool:
        return bool(Quartz.CGPreflightScreenCaptureAccess())

    def request_screen_capture(self) -> bool:
        return bool(Quartz.CGRequestScreenCaptureAccess())

    def accessibility_trusted(self) -> bool:
        return bool(ApplicationServices.AXIsProcessTrusted())

    def input_monitoring_allowed(self) -> bool | None:
        if self._iohid_check_access is None:
            return True
        answer = int(self._iohid_check_access(IOHID_REQUEST_LISTEN_EVENT))
        if answer == IOHID_ACCESS_GRANTED:
            return True
        return False if answer == IOHID_ACCESS_DENIED else None

    def open_url(self, url: str) -> bool:
        return bool(self._workspace.openURL_(AppKit.NSURL.URLWithString_(url)))
