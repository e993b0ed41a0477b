"""Where the desktop client keeps its data, and which time zone it shows.

``WORKDIARY_DATA_DIR`` overrides the platform's user data directory so tests and the demo
run isolated from the user's real data.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from workdiary.privatefiles import private_dir

DATA_DIR_ENV = "WORKDIARY_DATA_DIR"
DATABASE_NAME = "workdiary.sqlite3"


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The client's data directory, created owner-only (0700) if missing: ``$WORKDIARY_DATA_DIR``
    or platformdirs'."""
    return private_dir(data_dir_location(environ))


def data_dir_location(environ: Mapping[str, str] | None = None) -> Path:
    """Where ``data_dir()`` is, without creating it (for reads that must not leave a trace)."""
    override = (os.environ if environ is None else environ).get(DATA_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_data_dir("workdiary", False))


def database_path(directory: Path | None = None) -> Path:
    """The SQLite cache inside the data directory."""
    return (directory or data_dir()) / DATABASE_NAME


def local_timezone(environ: Mapping[str, str] | None = None) -> ZoneInfo:
    """The local time zone by name (``$TZ``, else /etc/localtime), UTC if it cannot be named.

    Diary views need a named zone (not a fixed offset) so days across DST changes are right.
    """
    candidates = [(os.environ if environ is None else environ).get("TZ", "").lstrip(":")]
    try:
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    for name in candidates:
        if not name:
            continue
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return ZoneInfo("UTC")
