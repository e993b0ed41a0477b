"""The portal first, wlr-screencopy when the portal does not work (wlroots compositors only).

On sway the portal never asks for consent, so a failing portal call is a broken portal (no
backend, a crashed xdg-desktop-portal-wlr), not the user's refusal: the grab is retried through
wlr-screencopy, and after the first screencopy success every later grab goes there directly.
Where a desktop can refuse (GNOME, KDE) this is never used: a refusal stays a failed capture.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from workdiary.capture.base import CaptureError, ScreenGrabber
from workdiary.core.model import CaptureMode

if TYPE_CHECKING:
    from PIL.Image import Image


class PortalThenScreencopy:
    """A ``ScreenGrabber``: ``portal`` until it fails and ``screencopy`` works, then screencopy."""

    def __init__(self, portal: ScreenGrabber, screencopy: ScreenGrabber) -> None:
        self._portal = portal
        self._screencopy = screencopy
        self._lock = threading.Lock()
        self.portal_failure: str | None = None  # why the portal was given up, once it was

    def grab(self, mode: CaptureMode) -> Image:
        with self._lock:
            if self.portal_failure is not None:
                return self._screencopy.grab(mode)
            try:
                return self._portal.grab(mode)
            except CaptureError as portal_error:
                try:
                    image = self._screencopy.grab(mode)
                except CaptureError as screencopy_error:
                    raise CaptureError(f"{portal_error}; wlr-screencopy failed too: "
                                       f"{screencopy_error}") from screencopy_error
                self.portal_failure = str(portal_error)
                self._portal.close()
                return image

    def close(self) -> None:
        self._portal.close()
        self._screencopy.close()
