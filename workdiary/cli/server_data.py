"""``workdiary server migrate-blobs|backup|restore``: move and keep the server's data.

Only parsing and printing here; the work is in ``workdiary.server.blob_migration`` and
``workdiary.server.backup``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workdiary.cli.main import CommandError

AddParser = Callable[[str, str], argparse.ArgumentParser]


def register(add: AddParser) -> None:
    move = add("migrate-blobs", "copy every screenshot blob into another store (e.g. S3) and "
                                "verify each hash")
    move.add_argument("--to", required=True, metavar="URL",
                      help="the target store: s3://BUCKET/PREFIX (with the AWS_* settings) or "
                           "file:///ABSOLUTE/DIR; then set WORKDIARY_BLOB_URL to it")
    move.add_argument("--json", action="store_true", help="print the report as JSON")
    move.set_defaults(handler=cmd_migrate_blobs)

    save = add("backup", "save the embedded server (SQLite database, file blob store, server "
                         "key) into one .tar.gz; the server may keep running")
    save.add_argument("--to", required=True, metavar="FILE", help="the new backup file")
    save.set_defaults(handler=cmd_backup)

    load = add("restore", "restore a backup into an empty data dir")
    load.add_argument("--from", dest="source", required=True, metavar="FILE",
                      help="a file written by `workdiary server backup`")
    load.set_defaults(handler=cmd_restore)


def _blobs(storage: Any, url: str | None = None) -> Any:
    from workdiary.server.blobs import open_blob_store

    try:
        return open_blob_store(url or storage.blob_location)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc


def cmd_migrate_blobs(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from workdiary.cli.server import _session, storage_settings
    from workdiary.server.blob_migration import migrate_blobs
    from workdiary.server.blobs import BlobStoreUnavailable
    from workdiary.server.models import Screenshot

    storage = storage_settings(args)
    source, target = _blobs(storage), _blobs(storage, args.to)
    if source.describe() == target.describe():
        raise CommandError("--to names the store the server already uses: nothing to copy.")
    with _session(args) as session:
        known = list(session.scalars(select(Screenshot.sha256)))
    print(f"copying blobs from {source.describe()} to {target.describe()}", file=sys.stderr)
    try:
        target.check()
        report = migrate_blobs(source, target, known=known, progress=lambda n: print(
            f"  {n} blobs done", file=sys.stderr) if n % 1000 == 0 else None)
    except BlobStoreUnavailable as exc:
        raise CommandError(exc.message) from exc
    if args.json:
        print(json.dumps(report.to_dict()))
    else:
        print(f"copied {report.copied}, already there {report.already_there}; every copy "
              "verified by its SHA-256" if report.ok else
              f"copied {report.copied}, already there {report.already_there}; PROBLEMS: "
              f"damaged in the source {report.damaged_in_source}, failed verification "
              f"{report.failed_verification}, missing {report.missing_in_target}")
    if not report.ok:
        return 1
    print(f"now set WORKDIARY_BLOB_URL={args.to} for every worker and restart them.",
          file=sys.stderr)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from workdiary.cli.server import say_database, storage_settings
    from workdiary.server.backup import BackupError, backup, server_key_path

    storage = storage_settings(args)
    say_database(storage, new=False)
    try:
        summary = backup(storage, _blobs(storage), Path(args.to), server_key_path(storage))
    except BackupError as exc:
        raise CommandError(str(exc)) from exc
    key = ", the server key" if summary.server_key else ""
    print(f"saved the database ({summary.database_bytes} bytes){key} and {summary.blobs} "
          f"blobs to {args.to}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from workdiary.cli.server import say_database, storage_settings
    from workdiary.server.backup import BackupError, restore, server_key_path

    storage = storage_settings(args)
    say_database(storage, new=False)
    try:
        summary = restore(storage, _blobs(storage), Path(args.source), server_key_path(storage))
    except BackupError as exc:
        raise CommandError(str(exc)) from exc
    key = ", the server key" if summary.server_key else ""
    print(f"restored the database ({summary.database_bytes} bytes){key} and {summary.blobs} "
          f"blobs into {storage.data_dir}")
    return 0
