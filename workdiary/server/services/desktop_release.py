"""The desktop release the operator publishes: ``desktop-release.json`` in the server's data dir.

A file, not a table: the operator sets it with ``workdiary desktop-release publish`` (or by
hand) and every request reads the newest version of it, without a restart or a migration. With
several API workers, each worker's data dir needs the same file (a shared volume does it).
It is read again only when its size or modification time changes.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from pathlib import Path

from packaging.version import InvalidVersion, Version
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from workdiary.server.errors import NotFound, ServiceError

log = logging.getLogger(__name__)

FILE_NAME = "desktop-release.json"
MAX_FILE_BYTES = 64 * 1024
MAX_URL_CHARS = 2000
PLATFORM_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")


class ReleaseUnavailable(ServiceError):
    """The operator's file exists but cannot be used: the server's fault, not the caller's."""

    status_code = 503
    code = "release_unavailable"


def _url(value: str) -> str:
    if len(value) > MAX_URL_CHARS or not re.match(r"^https?://[^\s/]+\S*$", value):
        raise ValueError(f"not an http(s) URL of at most {MAX_URL_CHARS} characters: {value!r}")
    return value


class DesktopRelease(BaseModel):
    """``{latest, minimum, notes_url, download_urls}``: the newest desktop version, the oldest
    one still allowed to clock in (None: every version), release notes, and a download per
    platform key (``windows``, ``macos``, ``linux-deb``, ...)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    latest: str = Field(max_length=64)
    minimum: str | None = Field(default=None, max_length=64)
    notes_url: str | None = None
    download_urls: dict[str, str] = Field(default_factory=dict, max_length=16)

    @field_validator("latest", "minimum")
    @classmethod
    def _version(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                Version(value)
            except InvalidVersion as error:
                raise ValueError(f"{value!r} is not a version like 1.2.3") from error
        return value

    @field_validator("notes_url")
    @classmethod
    def _notes(cls, value: str | None) -> str | None:
        return None if value is None else _url(value)

    @field_validator("download_urls")
    @classmethod
    def _downloads(cls, value: dict[str, str]) -> dict[str, str]:
        for key, url in value.items():
            if not PLATFORM_KEY.match(key):
                raise ValueError(f"platform key {key!r}: use lower-case letters, digits, '-'")
            _url(url)
        return value

    @model_validator(mode="after")
    def _minimum_not_above_latest(self) -> DesktopRelease:
        if self.minimum is not None and Version(self.minimum) > Version(self.latest):
            raise ValueError(f"minimum {self.minimum} is above latest {self.latest}")
        return self


def release_file(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def publish(data_dir: Path, release: DesktopRelease) -> Path:
    """Write the release atomically (a reader never sees half a file); returns its path."""
    path = release_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(release.model_dump_json(indent=2) + "\n", "utf-8")
    temporary.chmod(0o600)  # owner-only, like every file the server writes
    os.replace(temporary, path)
    return path


def withdraw(data_dir: Path) -> bool:
    """Remove the published release; False if there was none."""
    try:
        release_file(data_dir).unlink()
    except FileNotFoundError:
        return False
    return True


class ReleaseReader:
    """Reads the file when it changed since the last read; one per app (``app.state``)."""

    def __init__(self, data_dir: Path) -> None:
        self._path = release_file(data_dir)
        self._lock = threading.Lock()
        self._seen: tuple[int, int] | None = None
        self._release: DesktopRelease | None = None
        self._problem: str | None = None

    def current(self) -> DesktopRelease:
        """The published release; NotFound if none, ReleaseUnavailable if the file is bad."""
        try:
            stat = self._path.stat()
        except FileNotFoundError:
            raise NotFound("No desktop release is published on this server.",
                           code="no_release") from None
        with self._lock:
            if self._seen != (stat.st_mtime_ns, stat.st_size):
                self._release, self._problem = _load(self._path, stat.st_size)
                self._seen = (stat.st_mtime_ns, stat.st_size)
                if self._problem:
                    log.error("%s", self._problem)
            if self._release is None:
                raise ReleaseUnavailable(
                    "The server's desktop release information is damaged; the operator has "
                    "been told (server log). Try again later.")
            return self._release


def _load(path: Path, size: int) -> tuple[DesktopRelease | None, str | None]:
    if size > MAX_FILE_BYTES:
        return None, f"{path} is larger than {MAX_FILE_BYTES} bytes: not a release file"
    try:
        return DesktopRelease.model_validate(json.loads(path.read_text("utf-8"))), None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValidationError) as error:
        return None, f"{path} cannot be used ({error}); fix it or run `workdiary desktop-release`"
