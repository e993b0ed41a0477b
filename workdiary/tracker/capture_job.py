"""One screenshot: grab, encode, write. Runs on the worker thread, never on the ticking one."""

from __future__ import annotations

from datetime import datetime

from workdiary.capture.base import CaptureError, ScreenGrabber, WindowProbe
from workdiary.core.model import Policy, ScreenshotRef
from workdiary.core.shotstamp import make_stamp
from workdiary.tracker.events import ScreenshotFailed, ScreenshotTaken
from workdiary.tracker.ports import Encoder, RecordingStore


def take_screenshot(
    *, store: RecordingStore, screen: ScreenGrabber, encode: Encoder,
    window_probe: WindowProbe | None, policy: Policy, segment_id: str, taken_at: datetime,
) -> ScreenshotTaken | ScreenshotFailed:
    """Capture and store one screenshot; a failure is stored as a failed capture with its reason."""
    app = title = None
    if policy.window_titles and window_probe is not None:
        try:
            window = window_probe.active_window()
        except Exception:  # a window probe failure must not cost the screenshot
            window = None
        if window is not None:
            app, title = window.app, window.title
    try:
        image = screen.grab(policy.capture)
        encoded = encode(image, blur=policy.blur, stamp=make_stamp(segment_id, taken_at))
    except CaptureError as exc:
        return _failed(store, segment_id, taken_at, str(exc) or type(exc).__name__)
    except Exception as exc:  # any other failure is still recorded, never silent
        return _failed(store, segment_id, taken_at, f"capture failed: {exc!r}")
    shot = ScreenshotRef(
        taken_at=taken_at, sha256=encoded.sha256, width=encoded.width, height=encoded.height,
        size=len(encoded.jpeg), thumb_sha256=encoded.thumb_sha256, app=app,
        window_title=title, blurred=encoded.blurred,
    )
    store.add_screenshot(segment_id, shot, jpeg=encoded.jpeg, thumbnail=encoded.thumbnail)
    return ScreenshotTaken(segment_id, shot)


def _failed(
    store: RecordingStore, segment_id: str, taken_at: datetime, reason: str
) -> ScreenshotFailed:
    shot = ScreenshotRef(taken_at=taken_at, error=reason)
    store.add_screenshot(segment_id, shot)
    return ScreenshotFailed(segment_id, shot)
