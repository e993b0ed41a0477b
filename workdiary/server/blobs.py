"""Content-addressed blob storage for screenshots, behind an interface an S3 store can implement."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class BlobStore(Protocol):
    """Blobs keyed by the lowercase hex SHA-256 of their bytes. ``put`` is idempotent."""

    def put(self, sha256: str, data: bytes) -> None: ...

    def get(self, sha256: str) -> bytes | None:
        """The bytes, or None when absent."""
        ...

    def exists(self, sha256: str) -> bool: ...

    def delete(self, sha256: str) -> None:
        """Remove the blob; absent is not an error."""
        ...


class FileBlobStore:
    """Blobs as files ``<root>/<sha[:2]>/<sha>``, written atomically (temp file + rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._made: set[Path] = set()  # fan-out folders known to exist (mkdir is slow on some fs)

    def _path(self, sha256: str) -> Path:
        if not SHA256_RE.match(sha256):
            raise ValueError(f"not a lowercase hex SHA-256: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def put(self, sha256: str, data: bytes) -> None:
        path = self._path(sha256)
        if path.exists():
            return
        if path.parent not in self._made:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # owner-only
            self._made.add(path.parent)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")  # 0600: owner-only
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, sha256: str) -> bytes | None:
        try:
            return self._path(sha256).read_bytes()
        except FileNotFoundError:
            return None

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).exists()

    def delete(self, sha256: str) -> None:
        self._path(sha256).unlink(missing_ok=True)
