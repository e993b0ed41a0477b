"""The real screen grabber: mss (X11 shared memory) into a Pillow image, in three capture modes.

``all`` grabs mss's monitor 0 (the bounding box of every monitor, stitched by the X server),
``primary`` the RandR primary monitor, ``active`` the monitor under the pointer.

On X11 the region is read in strips of at most ``STRIP_BYTES``, each converted into the image
at once. Every buffer of a whole-screen read (the X server's shared-memory pages, mss's copy,
Pillow's conversion) is fresh memory that page-faults in on first touch, ~0.6 ms per MB on
these machines, since the desktop gives freed screenshot buffers back to the system
(``malloc_tuning``): 3 x 8 MB at 1080p, 3 x 33 MB at 4K. Strips under glibc's mmap threshold
reuse the same few pages instead (X server + client CPU per grab, on a busy 2-core machine:
1080p ~25 -> ~15 ms, 4K ~100 -> ~50 ms). A screen that changes while the strips are read (a
few ms) may show a seam where the rows of the two moments meet.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from PIL import Image

from workdiary.capture.base import CaptureError
from workdiary.capture.encode import MAX_WIDTH, reduce_factors
from workdiary.capture.malloc_tuning import MMAP_THRESHOLD
from workdiary.core.model import CaptureMode

_log = logging.getLogger(__name__)

# mss reads the monitor layout once per instance; a per-thread instance older than this is
# replaced, so a monitor plugged in or rearranged is seen within a few minutes at most.
MAX_INSTANCE_AGE_SECONDS = 300.0
# Just under glibc's mmap threshold (as malloc_tuning fixes it): a strip's buffers (mss's copy,
# Pillow's) come from the heap and are reused by the next strip, not mapped and faulted in anew.
STRIP_BYTES = MMAP_THRESHOLD * 15 // 16

Monitor = Mapping[str, Any]


class PointerLocator(Protocol):
    def position(self) -> tuple[int, int] | None:
        """The pointer in virtual-desktop pixels, or None if unknown."""
        ...


def choose_monitor(
    monitors: Sequence[Monitor], mode: CaptureMode, pointer: tuple[int, int] | None
) -> tuple[Monitor, str | None]:
    """The region to grab for ``mode``, and a note when it is a fallback (else None).

    ``monitors`` is mss's list: index 0 is the whole desktop, then one entry per monitor.
    """
    if not monitors:
        raise CaptureError("The X server reports no screen to capture.")
    whole = monitors[0]
    each = list(monitors[1:])
    if mode is CaptureMode.ALL:
        return whole, None
    if not each:
        return (
            whole,
            f"the X server reports no separate monitors; captured the whole screen for '{mode}'",
        )
    primary = next((m for m in each if m.get("is_primary")), each[0])
    if mode is CaptureMode.PRIMARY:
        return primary, None
    if pointer is None:
        return primary, "the pointer position is unknown; captured the primary monitor instead"
    x, y = pointer
    for monitor in each:
        left, top = monitor["left"], monitor["top"]
        if left <= x < left + monitor["width"] and top <= y < top + monitor["height"]:
            return monitor, None
    return primary, (
        f"the pointer ({x}, {y}) is on no monitor; captured the primary monitor instead"
    )


class MssScreenGrabber:
    """Grabs with one mss instance per thread (an X connection is not shared across threads).

    By default the connection and its shared-memory buffer (sized for the whole screen, only
    a strip's worth of it touched) are released after each grab: the tracker grabs minutes
    apart, and reopening costs ~2 ms. ``keep_connection=True`` keeps them for back-to-back grabs.

    A region at least twice ``max_width`` wide is reduced while it is read by the integer
    factors the encoder's downscale would first reduce it by (``encode.reduce_factors``, a box
    filter), when they divide its size, so a 4K screen is never held at full size (33 MB); the
    encoded picture is the same. ``None`` keeps every pixel.
    """

    def __init__(
        self,
        pointer: PointerLocator | None = None,
        *,
        display: str | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        keep_connection: bool = False,
        max_width: int | None = MAX_WIDTH,
    ) -> None:
        if max_width is not None and max_width < 1:
            raise ValueError(f"max_width must be at least 1 pixel, not {max_width}")
        self._pointer = pointer
        self._max_width = max_width
        self._display = display
        self._keep_connection = keep_connection
        self._monotonic = monotonic
        self._local = threading.local()
        self._lock = threading.Lock()
        # Every thread's instance, so close() releases them all and dead threads' are reaped.
        self._instances: dict[threading.Thread, Any] = {}
        self.last_note: str | None = None  # the latest grab's fallback note, if it had one

    def grab(self, mode: CaptureMode) -> Image.Image:
        """The screen region for ``mode`` as an RGB image; CaptureError with the reason on failure.

        A fallback (e.g. pointer position unknown in ``active`` mode) still captures, is logged,
        and is kept in ``last_note`` and in the image's ``info["capture_note"]``.
        """
        import mss

        mode = CaptureMode(mode)
        try:
            sct = self._instance()
            pointer = (
                self._pointer.position() if mode is CaptureMode.ACTIVE and self._pointer else None
            )
            region, note = choose_monitor(sct.monitors, mode, pointer)
            image = self._read(sct, region)
        except (mss.ScreenShotError, OSError) as error:
            self._discard_instance()  # reconnect next time: the X server may have restarted
            raise CaptureError(f"The screen could not be captured ({error}).{self._hint()}"
                               ) from error
        if not self._keep_connection:
            self._discard_instance()
        self.last_note = note
        if note is not None:
            _log.warning("Screenshot fallback: %s.", note)
            image.info["capture_note"] = note
        return image

    def _read(self, sct: Any, region: Monitor) -> Image.Image:
        """The region's pixels as RGB, reduced by the factors ``max_width`` asks for.

        On X11 in strips (see the module's note); elsewhere in one piece, since a grab there
        costs a system call per piece (Windows' BitBlt, macOS' window-list image).
        """
        import sys

        left, top, width, height = (int(region[k]) for k in ("left", "top", "width", "height"))
        fx, fy = reduce_factors((width, height), self._max_width) if self._max_width else (1, 1)
        if width % fx or height % fy:  # a partial last block would not match the encoder's
            fx = fy = 1
        rows = height
        if sys.platform.startswith("linux"):  # whole multiples of fy: each strip reduces exactly
            rows = max(fy, STRIP_BYTES // (4 * width) // fy * fy)
        if rows >= height:
            shot = sct.grab({"left": left, "top": top, "width": width, "height": height})
            whole = Image.frombuffer("RGB", shot.size, shot.raw, "raw", "BGRX", 0, 1)
            whole.load()  # converted into Pillow's own memory: the mss buffer can go
            return whole.reduce((fx, fy)) if (fx, fy) != (1, 1) else whole
        image = Image.new("RGB", (width // fx, height // fy), None)
        for y in range(0, height, rows):
            shot = sct.grab({"left": left, "top": top + y, "width": width,
                             "height": min(rows, height - y)})
            strip = Image.frombuffer("RGB", shot.size, shot.raw, "raw", "BGRX", 0, 1)
            image.paste(strip.reduce((fx, fy)) if (fx, fy) != (1, 1) else strip, (0, y // fy))
        return image

    def close(self) -> None:
        """Release every thread's X connection."""
        with self._lock:
            instances, self._instances = list(self._instances.values()), {}
        for sct in instances:
            sct.close()
        self._local = threading.local()

    def _instance(self) -> Any:
        import mss

        sct = getattr(self._local, "sct", None)
        born = getattr(self._local, "born", 0.0)
        if sct is not None and self._monotonic() - born > MAX_INSTANCE_AGE_SECONDS:
            self._discard_instance()
            sct = None
        if sct is None:
            sct = mss.MSS() if self._display is None else mss.MSS(display=self._display)
            self._local.sct, self._local.born = sct, self._monotonic()
            with self._lock:
                self._instances[threading.current_thread()] = sct
                ended = [t for t in self._instances if not t.is_alive()]
                stale = [self._instances.pop(t) for t in ended]
            for old in stale:  # their threads have ended: nobody else uses these connections
                old.close()
        return sct

    def _discard_instance(self) -> None:
        sct = getattr(self._local, "sct", None)
        self._local.sct = None
        if sct is not None:
            with self._lock:
                self._instances.pop(threading.current_thread(), None)
            sct.close()

    def _hint(self) -> str:
        """What to check, where there is an X display to check (not on Windows or macOS)."""
        import os
        import sys

        if sys.platform in ("win32", "darwin"):
            return ""
        name = self._display or os.environ.get("DISPLAY")
        label = f"'{name}'" if name else "(DISPLAY is not set)"
        return f" Check that the X display {label} is running and reachable."
