"""The server's data folder, owner-only (0700, files 0600): it holds the SQLite database
(password and token hashes) and the screenshot blobs. Tightened on every start."""

from __future__ import annotations

from pathlib import Path

from workdiary.privatefiles import private_dir, private_file, tighten
from workdiary.server.dblock import sqlite_path
from workdiary.server.settings import Settings


def create(settings: Settings, blob_root: Path | None) -> None:
    """The data folder and a file blob store's folder (None: blobs live elsewhere, e.g. S3),
    created owner-only (or made so)."""
    private_dir(settings.data_dir)
    if blob_root is not None:
        private_dir(blob_root)


def secure(settings: Settings, blob_root: Path | None) -> None:
    """Tighten what may exist from before: the database files and the blob fan-out folders
    (blobs themselves are written 0600 by the blob store)."""
    create(settings, blob_root)
    database = sqlite_path(settings.database_url)
    if database is not None:
        for suffix in ("", "-wal", "-shm", "-journal", ".lock"):
            private_file(database.with_name(database.name + suffix))
    if settings.mail_dir.is_dir():  # mails written as files hold reset links
        tighten(settings.mail_dir, depth=1)
    if blob_root is None:
        return
    for folder in blob_root.iterdir():
        if folder.is_dir() and not folder.is_symlink():
            private_dir(Path(folder))
