"""Content-addressed blob storage for screenshots: the interface, the file store, the chooser.

``open_blob_store(url)`` picks the implementation from ``WORKDIARY_BLOB_URL``:
``file:///ABSOLUTE/DIR`` (:class:`FileBlobStore`) or ``s3://BUCKET/PREFIX``
(:class:`workdiary.server.blobs_s3.S3BlobStore`, any S3-compatible store).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from workdiary.server.errors import ServiceError

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
CHUNK_BYTES = 64 * 1024


class BlobStoreUnavailable(ServiceError):
    """The blob store cannot be used right now (unreachable, missing bucket, refused
    credentials); the message says which. The API answers 503."""

    status_code = 503
    code = "blob_store_unavailable"


class BlobStore(Protocol):
    """Blobs keyed by the lowercase hex SHA-256 of their bytes. ``put`` is idempotent."""

    def put(self, sha256: str, data: bytes) -> None: ...

    def get(self, sha256: str) -> bytes | None:
        """The bytes, or None when absent."""
        ...

    def stream(self, sha256: str) -> Iterator[bytes] | None:
        """The bytes in chunks without holding them all, or None when absent."""
        ...

    def exists(self, sha256: str) -> bool: ...

    def delete(self, sha256: str) -> None:
        """Remove the blob; absent is not an error."""
        ...

    def hashes(self) -> Iterator[str]:
        """Every stored blob's SHA-256 (for migration and backups)."""
        ...

    def check(self) -> None:
        """Raise :class:`BlobStoreUnavailable` when the store cannot be read and written."""
        ...

    def describe(self) -> str:
        """Where the blobs are, for messages (no secrets)."""
        ...


def check_sha256(sha256: str) -> str:
    if not SHA256_RE.match(sha256):
        raise ValueError(f"not a lowercase hex SHA-256: {sha256!r}")
    return sha256


class FileBlobStore:
    """Blobs as files ``<root>/<sha[:2]>/<sha>``, written atomically (temp file + rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._made: set[Path] = set()  # fan-out folders known to exist (mkdir is slow on some fs)

    def _path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / check_sha256(sha256)

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

    def stream(self, sha256: str) -> Iterator[bytes] | None:
        try:
            handle = self._path(sha256).open("rb")
        except FileNotFoundError:
            return None

        def chunks() -> Iterator[bytes]:
            with handle:
                while chunk := handle.read(CHUNK_BYTES):
                    yield chunk

        return chunks()

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).exists()

    def delete(self, sha256: str) -> None:
        self._path(sha256).unlink(missing_ok=True)

    def hashes(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if folder.is_dir() and len(folder.name) == 2:
                for path in sorted(folder.iterdir()):
                    if SHA256_RE.match(path.name) and path.name.startswith(folder.name):
                        yield path.name

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BlobStoreUnavailable(f"the blob folder {self.root} cannot be created: "
                                       f"{exc.strerror}.") from exc
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise BlobStoreUnavailable(f"the blob folder {self.root} is not writable.")

    def describe(self) -> str:
        return self.root.resolve().as_uri()


def open_blob_store(url: str, environ: Mapping[str, str] | None = None) -> BlobStore:
    """The store a blob URL names; ``environ`` supplies the AWS_* settings for s3://."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise ValueError(f"{url!r}: a file blob URL is file:///ABSOLUTE/PATH.")
        return FileBlobStore(Path(unquote(parts.path)))
    if parts.scheme == "s3":
        from workdiary.server.blobs_s3 import S3BlobStore

        return S3BlobStore.from_url(url, environ=os.environ if environ is None else environ)
    raise ValueError(f"{url!r}: the blob store URL must start with file:/// or s3://.")
