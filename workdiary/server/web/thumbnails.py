"""Thumbnails of stored screenshots for the diary cells, made once and kept in a bounded cache.

A desktop may upload its own thumbnail (``thumb_sha256``); when it did not, the page still
needs a small picture, so one is made from the full JPEG. JPEG draft mode decodes at 1/2-1/8
scale, which keeps this to a few milliseconds even for a 4K screenshot.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict

from PIL import Image, UnidentifiedImageError

THUMB_WIDTH = 360  # a diary cell is ~200 CSS px wide; this stays sharp on 1.5x screens
THUMB_QUALITY = 78


def make_thumbnail(data: bytes, width: int = THUMB_WIDTH) -> bytes | None:
    """A JPEG at most ``width`` px wide, or None when the bytes are not a readable image."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            height = max(1, round(image.height * width / max(1, image.width)))
            image.draft("RGB", (width, height))
            small = image.convert("RGB")
            small.thumbnail((width, height), Image.Resampling.BILINEAR)
            out = io.BytesIO()
            small.save(out, "JPEG", quality=THUMB_QUALITY, optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


class ThumbnailCache:
    """Least-recently-used thumbnails by screenshot SHA-256; safe across request threads."""

    def __init__(self, max_entries: int = 1000) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, sha256: str) -> bytes | None:
        with self._lock:
            data = self._items.get(sha256)
            if data is not None:
                self._items.move_to_end(sha256)
            return data

    def put(self, sha256: str, data: bytes) -> None:
        with self._lock:
            self._items[sha256] = data
            self._items.move_to_end(sha256)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)
