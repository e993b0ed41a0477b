"""``workdiary verify BUNDLE.zip [--server-key KEY_OR_FILE] [--json]``: check an evidence bundle
offline (``core/bundle_check.py``), print a line per segment and a summary.

Exit codes: 0 everything matches, 1 any mismatch, 2 not a readable bundle (or a bad key).
"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from workdiary.cli.main import CommandError
from workdiary.core.bundle_check import BundleReport, BundleUnreadable, check_bundle
from workdiary.core.errors import DomainError
from workdiary.core.signing import check_public_key, key_id

if TYPE_CHECKING:
    from argparse import _SubParsersAction

# A bundle member larger than this is refused unread (a zip bomb, not a week of evidence).
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 200_000
UNREADABLE = (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError,
              RuntimeError, ValueError)


def register(subparsers: _SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "verify", help="check a week's evidence bundle offline (signatures, chains, "
                       "screenshots, verdicts, invoice)")
    parser.add_argument("bundle", metavar="BUNDLE.zip", type=Path)
    parser.add_argument("--server-key", metavar="KEY_OR_FILE",
                        help="the server's public key (base64), or a file holding it or the "
                             "JSON of GET /api/v1/server-key; without it the key named in the "
                             "bundle is used and the result says it was not pinned")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(handler=run_verify)


class ZipFiles(Mapping[str, bytes]):
    """A zip's members as a read-only mapping, each read only when asked for."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise BundleUnreadable(f"the zip has {len(infos)} members: not an evidence bundle.")
        self.infos = {info.filename: info for info in infos if not info.is_dir()}
        if len(self.infos) != len([info for info in infos if not info.is_dir()]):
            raise BundleUnreadable("the zip holds two members of one name: not a bundle "
                                   "the server made.")

    def __getitem__(self, name: str) -> bytes:
        info = self.infos[name]
        if info.file_size > MAX_MEMBER_BYTES:
            raise BundleUnreadable(f"{name} is {info.file_size} bytes: too large for a bundle.")
        return self.archive.read(info)

    def __iter__(self) -> Iterator[str]:
        return iter(self.infos)

    def __len__(self) -> int:
        return len(self.infos)

    def __contains__(self, name: object) -> bool:
        return name in self.infos


def trusted_key(value: str | None) -> str | None:
    """The key given on the command line: base64 itself, or a file with it or its JSON."""
    if value is None:
        return None
    text = value
    path = Path(value)
    try:
        if path.is_file():
            text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read the server key file {value}: {exc}", 2) from exc
    text = text.strip()
    if text.startswith("{"):
        try:
            text = str(json.loads(text)["public_key"])
        except (ValueError, KeyError, TypeError) as exc:
            raise CommandError("the server key file is JSON without a public_key.", 2) from exc
    try:
        return check_public_key(text)
    except DomainError as exc:
        raise CommandError(f"--server-key is not an Ed25519 public key: {exc}", 2) from exc


def run_verify(args: argparse.Namespace) -> int:
    key = trusted_key(args.server_key)
    try:
        with zipfile.ZipFile(args.bundle) as archive:
            report = check_bundle(ZipFiles(archive), key)
    except FileNotFoundError as exc:
        raise CommandError(f"{args.bundle}: no such file.", 2) from exc
    except BundleUnreadable as exc:
        raise CommandError(f"{args.bundle}: {exc}", 2) from exc
    except UNREADABLE as exc:
        raise CommandError(f"{args.bundle} is not a readable zip ({exc}).", 2) from exc
    except (DomainError, KeyError, TypeError, AttributeError) as exc:
        raise CommandError(f"{args.bundle} is a malformed bundle ({exc!r}).", 2) from exc
    if args.json:
        json.dump(report.to_dict(), sys.stdout, indent=1)
        print()
    else:
        for line in report_lines(report, key):
            print(line)
    return 0 if report.ok else 1


def report_lines(report: BundleReport, key: str | None) -> Iterator[str]:
    manifest = report.manifest
    pinned = f"pinned key {key_id(key)}" if key else "key NOT pinned"
    yield (f"Evidence of contract {manifest.contract_id}, week of {manifest.week_start} "
           f"(UTC), made {manifest.generated_at}; server key {manifest.key_id} ({pinned}).")
    for check in report.segments:
        when = f"{check.start[:16].replace('T', ' ')}-{check.end[11:16]}" if check.start else "?"
        verdict = check.status or check.server_status or "-"
        if check.reasons:
            verdict += f" ({', '.join(check.reasons)})"
        state = "OK" if check.ok else "MISMATCH: " + " ".join(check.problems)
        yield f"{when}  {check.id}  {verdict}  {state}"
        for note in check.notes:
            yield f"    note: {note}"
    if report.invoice:
        yield f"Invoice: {report.invoice}"
    for problem in report.problems:
        yield f"PROBLEM: {problem}"
    for note in report.notes:
        yield f"Note: {note}"
    bad = sum(1 for s in report.segments if not s.ok)
    if report.ok:
        yield f"Result: OK, {len(report.segments)} segment(s) checked, everything matches."
    else:
        yield (f"Result: MISMATCH, {len(report.problems)} bundle problem(s), {bad} of "
               f"{len(report.segments)} segment(s) do not match.")
