"""``workdiary verify BUNDLE.zip [--server-key KEY_OR_FILE] [--json]``: check an evidence bundle
offline (``core/bundle_check.py``), print a line per segment and a summary.

The trusted server key (the anchor), first found of: ``--server-key``; the key pinned at login
for the server the manifest names (``sync/serverkeys.py``); that server's GET /server-key
fetched now (a short timeout, nothing pinned); else the bundle's own key, which proves nothing
about who made the bundle.

Exit codes: 0 everything matches against a trusted key, 1 any mismatch, 2 not a readable
bundle (or a bad key), 3 everything matches but only against the bundle's own key.
"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workdiary.cli.main import CommandError
from workdiary.config import data_dir_location
from workdiary.core.bundle_check import BundleReport, BundleUnreadable, check_bundle
from workdiary.core.errors import DomainError
from workdiary.core.evidence import MANIFEST, parse_manifest
from workdiary.core.signing import check_public_key, key_id
from workdiary.sync.api import ApiClient, ApiError
from workdiary.sync.serverkeys import (
    PinsUnreadable,
    fetch_key,
    normalise_url,
    pinned_key,
    pins_path,
)

if TYPE_CHECKING:
    from argparse import _SubParsersAction

# A bundle member larger than this is refused unread (a zip bomb, not a week of evidence).
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 200_000
UNREADABLE = (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError,
              RuntimeError, ValueError)
# Fetching the key is a convenience for an offline tool: give up quickly.
FETCH_TIMEOUT = (3.0, 5.0)
UNANCHORED = 3  # the exit code of a bundle that matches only the key it names itself


def register(subparsers: _SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "verify", help="check a week's evidence bundle offline (signatures, chains, "
                       "screenshots, verdicts, invoice)")
    parser.add_argument("bundle", metavar="BUNDLE.zip", type=Path)
    parser.add_argument("--server-key", metavar="KEY_OR_FILE",
                        help="the server's public key (base64), or a file holding it or the "
                             "JSON of GET /api/v1/server-key; without it the key pinned at "
                             "`workdiary login` to the bundle's server is used, else the one "
                             "that server gives now, else the bundle's own (exit code 3)")
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


@dataclass(frozen=True, slots=True)
class Anchor:
    """The key the manifest must be signed by, and where it came from."""

    key: str | None  # None: only the bundle's own key
    source: str  # "given" | "pinned" | "fetched" | "bundle"
    label: str  # how the first line names it
    server_url: str  # the manifest's, "" when it names none
    notes: tuple[str, ...] = ()  # why a better anchor was not at hand


def find_anchor(given: str | None, server_url: str, data_dir: Path) -> Anchor:
    if given is not None:
        return Anchor(given, "given", f"key {key_id(given)} given with --server-key",
                      server_url)
    if not server_url:
        return Anchor(None, "bundle", "key NOT pinned", server_url,
                      ("the bundle does not name its server (made by an older version), so "
                       "no pinned key could be looked up.",))
    notes: list[str] = []
    try:
        pin = pinned_key(pins_path(data_dir), server_url)
    except PinsUnreadable as exc:
        pin, notes = None, [str(exc)]
    if pin is not None:
        return Anchor(pin.public_key, "pinned",
                      f"key {pin.key_id} pinned at login on {pin.pinned_on}", server_url)
    url = normalise_url(server_url)
    if url is None:
        notes.append(f"the bundle names the server {server_url}, which is not an https "
                     "address: its key was not fetched.")
        return Anchor(None, "bundle", "key NOT pinned", server_url, tuple(notes))
    notes.append(f"this computer has no key pinned for {url} (it pins one at `workdiary "
                 "login`).")
    api = ApiClient(url, timeout=FETCH_TIMEOUT)
    try:
        key = fetch_key(api)
    except (ApiError, DomainError) as exc:
        notes.append(f"the server's key could not be fetched from {url} ({exc}).")
        return Anchor(None, "bundle", "key NOT pinned", server_url, tuple(notes))
    finally:
        api.close()
    return Anchor(key, "fetched", f"key {key_id(key)} fetched from {url} now; pin it with "
                  "--server-key next time", server_url, tuple(notes))


def manifest_server_url(files: Mapping[str, bytes]) -> str:
    """The server the manifest names; "" when there is none (check_bundle says why)."""
    try:
        return parse_manifest(files[MANIFEST]).server_url
    except (KeyError, DomainError):
        return ""


def run_verify(args: argparse.Namespace) -> int:
    given = trusted_key(args.server_key)
    try:
        with zipfile.ZipFile(args.bundle) as archive:
            files = ZipFiles(archive)
            anchor = find_anchor(given, manifest_server_url(files), data_dir_location())
            report = check_bundle(files, anchor.key)
    except FileNotFoundError as exc:
        raise CommandError(f"{args.bundle}: no such file.", 2) from exc
    except BundleUnreadable as exc:
        raise CommandError(f"{args.bundle}: {exc}", 2) from exc
    except UNREADABLE as exc:
        raise CommandError(f"{args.bundle} is not a readable zip ({exc}).", 2) from exc
    except (DomainError, KeyError, TypeError, AttributeError) as exc:
        raise CommandError(f"{args.bundle} is a malformed bundle ({exc!r}).", 2) from exc
    proven, unproven = conclusions(report, anchor)
    if args.json:
        json.dump({**report.to_dict(), "server_url": anchor.server_url,
                   "key_source": anchor.source,
                   "trusted_key_id": key_id(anchor.key) if anchor.key else None,
                   "key_notes": list(anchor.notes), "proven": proven, "not_proven": unproven},
                  sys.stdout, indent=1)
        print()
    else:
        for line in report_lines(report, anchor):
            print(line)
    if not report.ok:
        return 1
    return UNANCHORED if anchor.key is None else 0


def conclusions(report: BundleReport, anchor: Anchor) -> tuple[list[str], list[str]]:
    """In words: what the check proved and what it did not."""
    if not report.ok:
        return [], ["that this bundle is the server's untouched record: see the problems "
                    "above."]
    contents = ("the files are the ones the manifest lists, the devices signed these records "
                "in an unbroken chain, and the verdicts and invoice follow from them.")
    if anchor.key is None:
        return [f"the bundle is consistent with itself: {contents}"], [
            f"who made it: the manifest is signed by the key it names itself "
            f"({report.manifest.key_id}), and anyone who rewrites a bundle can name their own. "
            "Log in to the server with `workdiary login` (which pins its key) or pass "
            "--server-key, then verify again."]
    proven = [f"the server key {key_id(anchor.key)} signed this bundle, and {contents}"]
    if anchor.source == "fetched":
        return proven, [f"that {anchor.server_url} is your marketplace: that address comes "
                        "from the bundle itself and the key from whoever answers there now. "
                        "Check the address; `workdiary login` to it pins the key."]
    return proven, []


def report_lines(report: BundleReport, anchor: Anchor) -> Iterator[str]:
    manifest = report.manifest
    server = f" by {anchor.server_url}" if anchor.server_url else ""
    yield (f"Evidence of contract {manifest.contract_id}, week of {manifest.week_start} "
           f"(UTC), made{server} {manifest.generated_at}; server key {manifest.key_id} "
           f"({anchor.label}).")
    for note in anchor.notes:
        yield f"Key: {note}"
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
    proven, unproven = conclusions(report, anchor)
    yield from (f"Proven: {line}" for line in proven)
    yield from (f"NOT proven: {line}" for line in unproven)
    bad = sum(1 for s in report.segments if not s.ok)
    if report.ok:
        yield f"Result: OK, {len(report.segments)} segment(s) checked, everything matches."
    else:
        yield (f"Result: MISMATCH, {len(report.problems)} bundle problem(s), {bad} of "
               f"{len(report.segments)} segment(s) do not match.")
