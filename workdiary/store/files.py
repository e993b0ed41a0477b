"""Screenshot files beside the database: ``screenshots/<sha[:2]>/<sha>.jpg`` (+ ``.thumb.jpg``)."""

from __future__ import annotations

import os
from pathlib import Path

from workdiary.privatefiles import PRIVATE_DIR, write_private
from workdiary.store.errors import StoreError


class ScreenshotFiles:
    """Content-addressed JPEG files; writes are atomic (temporary file, fsync, rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def image_path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.jpg"

    def thumb_path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.thumb.jpg"

    def write(self, sha256: str, jpeg: bytes, thumbnail: bytes | None) -> None:
        self._write(self.image_path(sha256), jpeg)
        if thumbnail is not None:
            self._write(self.thumb_path(sha256), thumbnail)

    def remove(self, sha256: str) -> bool:
        """Delete the image and its thumbnail; True if the image file existed."""
        self.thumb_path(sha256).unlink(missing_ok=True)
        try:
            self.image_path(sha256).unlink()
        except FileNotFoundError:
            return False
        return True

    def _write(self, path: Path, data: bytes) -> None:
        if path.exists() and path.stat().st_size == len(data):
            return  # content-addressed: the same name holds the same bytes
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
            temporary = path.with_name(path.name + ".tmp")
            write_private(temporary, data)  # 0600: screenshots are the freelancer's own
            os.replace(temporary, path)
        except OSError as exc:
            raise StoreError(
                f"could not write the screenshot file {path}: {exc}. Check free disk space and "
                f"permissions of {self.root}."
            ) from exc
