"""Backup and restore of an embedded server: its SQLite database, file blob store and key.

A backup is one ``.tar.gz`` with ``manifest.json``, ``server.sqlite3`` (a consistent snapshot
taken with SQLite's online backup API, so the server may keep running),
``blobs/<sha[:2]>/<sha>`` and ``server-key.pem``, the key that signs evidence bundles (every
bundle signed before names it, so a restored server must sign with the same one). Restore
writes into an empty data dir only (and never over a key), accepts no other member names (no
path tricks), and checks every blob against its hash. PostgreSQL and object stores
have their own tools (pg_dump, bucket versioning): see docs/deploy.md.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from workdiary.server.blobs import SHA256_RE, BlobStore, FileBlobStore
from workdiary.server.settings import StorageSettings

FORMAT = 1
DATABASE_MEMBER = "server.sqlite3"
KEY_MEMBER = "server-key.pem"


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why."""


@dataclass(frozen=True, slots=True)
class BackupSummary:
    blobs: int
    database_bytes: int
    server_key: bool = False  # the evidence key was saved / put back


def server_key_path(storage: StorageSettings,
                    environ: Mapping[str, str] = os.environ) -> Path:
    """Where the server keeps its evidence key: as ``Settings.server_key_path`` resolves it."""
    chosen = environ.get("WORKDIARY_SERVER_KEY_FILE", "")
    return Path(chosen) if chosen else storage.data_dir / KEY_MEMBER


def _sqlite_path(storage: StorageSettings) -> Path:
    if not storage.is_sqlite:
        raise BackupError("backup and restore cover the embedded SQLite database only: for "
                          "PostgreSQL use pg_dump / pg_restore (docs/deploy.md).")
    url = storage.database_url
    path = url.split(":///", 1)[1] if ":///" in url else ""
    if not path or path == ":memory:":
        raise BackupError(f"{url} is not a SQLite file.")
    return Path(path)


def _file_store(blobs: BlobStore) -> FileBlobStore:
    if not isinstance(blobs, FileBlobStore):
        raise BackupError("backup and restore cover the file blob store only: an object store "
                          "keeps its own versions (docs/deploy.md).")
    return blobs


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def backup(storage: StorageSettings, blobs: BlobStore, target: Path,
           key_file: Path | None = None) -> BackupSummary:
    """Write the database snapshot, every blob and the server key (``key_file``, if there is
    one yet) into ``target`` (a new .tar.gz)."""
    database = _sqlite_path(storage)
    store = _file_store(blobs)
    if not database.is_file():
        raise BackupError(f"there is no database at {database}: nothing to back up.")
    if target.exists():
        raise BackupError(f"{target} exists already: choose a new file name.")
    with tempfile.TemporaryDirectory(prefix="workdiary-backup-") as scratch:
        snapshot = Path(scratch) / DATABASE_MEMBER
        source = sqlite3.connect(database)
        copy = sqlite3.connect(snapshot)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        hashes = list(store.hashes())
        try:
            key = key_file.read_bytes() if key_file is not None and key_file.exists() else None
        except OSError as exc:
            raise BackupError(f"the server key {key_file} cannot be read ({exc.strerror}): "
                              "run the backup as the server's user.") from exc
        partial = target.with_name(target.name + ".partial")
        try:
            with tarfile.open(partial, "w:gz") as tar:
                manifest = {"format": FORMAT, "created_at": datetime.now(UTC).isoformat(),
                            "blobs": len(hashes), "server_key": key is not None}
                _add_bytes(tar, "manifest.json", json.dumps(manifest).encode())
                tar.add(snapshot, DATABASE_MEMBER)
                if key is not None:
                    _add_bytes(tar, KEY_MEMBER, key)
                for sha in hashes:
                    tar.add(store.root / sha[:2] / sha, f"blobs/{sha[:2]}/{sha}")
            partial.chmod(0o600)
            partial.replace(target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return BackupSummary(blobs=len(hashes), database_bytes=snapshot.stat().st_size,
                             server_key=key is not None)


def restore(storage: StorageSettings, blobs: BlobStore, source: Path,
            key_file: Path | None = None) -> BackupSummary:
    """Unpack ``source`` into the (empty) data dir of ``storage``, checking every blob, and
    put its server key at ``key_file`` (default: the data dir's ``server-key.pem``)."""
    database = _sqlite_path(storage)
    store = _file_store(blobs)
    key_file = key_file or storage.data_dir / KEY_MEMBER
    if database.exists() or any(store.hashes()):
        raise BackupError(f"{storage.data_dir} already holds a server (database or blobs): "
                          "restore into an empty data dir.")
    if key_file.exists():  # never replaced silently: bundles signed with it name it
        raise BackupError(f"there is a server key at {key_file} already: move it away to "
                          "restore the backup's key.")
    try:
        tar = tarfile.open(source, "r:gz")  # noqa: SIM115 (closed by _unpack)
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"{source} is not a workdiary backup: {exc}") from exc
    try:
        return _unpack(tar, source, database, store, key_file)
    except BaseException:  # the data dir was empty: leave it empty, not half restored
        database.unlink(missing_ok=True)
        key_file.unlink(missing_ok=True)
        shutil.rmtree(store.root, ignore_errors=True)
        raise


def _write_key(key_file: Path, pem: bytes) -> None:
    """The key as an owner-only file, created only if absent (as ``serverkey`` makes it)."""
    key_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    key_file.chmod(0o600)  # whatever the umask


def _unpack(tar: tarfile.TarFile, source: Path, database: Path,
            store: FileBlobStore, key_file: Path) -> BackupSummary:
    count = 0
    key = False
    with tar:
        names = tar.getnames()
        if "manifest.json" not in names or DATABASE_MEMBER not in names:
            raise BackupError(f"{source} is not a workdiary backup (no manifest or database).")
        for member in tar.getmembers():
            parts = member.name.split("/")
            handle = tar.extractfile(member) if member.isfile() else None
            if handle is None:
                raise BackupError(f"unexpected entry {member.name!r} in {source}.")
            if member.name == "manifest.json":
                manifest = json.loads(handle.read())
                if manifest.get("format") != FORMAT:
                    raise BackupError(f"backup format {manifest.get('format')} is unknown.")
            elif member.name == DATABASE_MEMBER:
                database.parent.mkdir(parents=True, exist_ok=True)
                partial = database.with_name(database.name + ".restoring")
                partial.write_bytes(handle.read())
                partial.chmod(0o600)
                partial.replace(database)
            elif member.name == KEY_MEMBER:
                _write_key(key_file, handle.read())
                key = True
            elif (len(parts) == 3 and parts[0] == "blobs" and SHA256_RE.match(parts[2])
                  and parts[1] == parts[2][:2]):
                data = handle.read()
                if hashlib.sha256(data).hexdigest() != parts[2]:
                    raise BackupError(f"the blob {parts[2]} in {source} is damaged.")
                store.put(parts[2], data)
                count += 1
            else:
                raise BackupError(f"unexpected entry {member.name!r} in {source}.")
    return BackupSummary(blobs=count, database_bytes=database.stat().st_size, server_key=key)
