"""Offline check of a portable evidence bundle: ``check_bundle(files, trusted_key)``.

Pure: the bundle comes in as a mapping of path to bytes (the command line reads the zip
lazily), nothing is fetched. The checks, in order:

1. ``manifest.sig`` is the trusted server key's Ed25519 signature over ``manifest.json``;
2. every file has the SHA-256 and size the manifest gives, and no file is unlisted;
3. per segment (``core/bundle_verdicts.py``): the device signature, the device's hash chain,
   the screenshots' hashes and stamps, and the server's verdict recomputed with
   ``core.verify.verify_segment`` and compared;
4. the invoice (or the live figures) recomputed from the recomputed verdicts and the terms.

A failure is a sentence in ``problems`` (of the bundle or of one segment); ``notes`` say what
could not be checked without being wrong (screenshots sent as hashes only, no pinned key).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workdiary.core.bundle_invoice import check_invoice
from workdiary.core.bundle_verdicts import SegmentCheck, check_segments
from workdiary.core.errors import DomainError
from workdiary.core.evidence import (
    CHAIN,
    CONTRACT,
    DEVICES,
    INVOICE,
    MANIFEST,
    MANIFEST_SIG,
    SCREENSHOTS,
    SEGMENTS_DIR,
    SHOTS_HASHES,
    TOMBSTONES_DIR,
    VERDICTS,
    Manifest,
    parse_manifest,
)
from workdiary.core.signing import check_public_key, key_id, signature_over_bytes_is_valid

REQUIRED_JSON = (CONTRACT, DEVICES, CHAIN, SCREENSHOTS, VERDICTS, INVOICE)


class BundleUnreadable(DomainError):
    """Not a bundle at all (no manifest, or one that is not JSON): nothing can be checked."""


@dataclass
class BundleReport:
    manifest: Manifest
    key_pinned: bool
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    segments: list[SegmentCheck] = field(default_factory=list)
    invoice: str = ""  # the recomputed invoice line

    @property
    def ok(self) -> bool:
        return not self.problems and all(s.ok for s in self.segments)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "contract_id": self.manifest.contract_id,
                "week_start": self.manifest.week_start, "server_key_id": self.manifest.key_id,
                "key_pinned": self.key_pinned, "problems": self.problems, "notes": self.notes,
                "invoice": self.invoice, "segments": [s.to_dict() for s in self.segments]}


def check_bundle(files: Mapping[str, bytes], trusted_key: str | None) -> BundleReport:
    """Check everything the bundle claims; ``trusted_key`` is the server's public key (base64)
    as the caller knows it. Raises BundleUnreadable when there is no manifest to start from."""
    if MANIFEST not in files:
        raise BundleUnreadable("this is not a workdiary evidence bundle: it has no manifest.json.")
    manifest_bytes = files[MANIFEST]
    try:
        manifest = parse_manifest(manifest_bytes)
    except DomainError as exc:
        raise BundleUnreadable(str(exc)) from exc
    report = BundleReport(manifest, key_pinned=trusted_key is not None)
    _check_signature(report, manifest_bytes, files.get(MANIFEST_SIG), trusted_key)
    _check_files(report, files)
    loaded = {name: _load_json(report, files, name) for name in REQUIRED_JSON}
    records = _load_records(report, files)
    if any(value is None for value in loaded.values()):
        return report
    if manifest.screenshots == SHOTS_HASHES:
        report.notes.append("screenshots are not included (?screenshots=hashes): their hashes "
                            "and stamps are listed, their content is not checked.")
    report.segments = check_segments(manifest, loaded, records, files)
    report.invoice = check_invoice(report.problems, loaded[INVOICE], loaded[CONTRACT],
                                   report.segments)
    return report


def _check_signature(report: BundleReport, manifest: bytes, signature: bytes | None,
                     trusted_key: str | None) -> None:
    own = report.manifest.public_key
    if signature is None:
        report.problems.append("manifest.sig is missing: the bundle is not signed.")
        return
    text = signature.decode("ascii", "replace").strip()
    if trusted_key is None:
        report.notes.append(
            f"the server key was not pinned: the manifest is checked against the key it names "
            f"({report.manifest.key_id}); compare it with GET /api/v1/server-key of your "
            "marketplace, or pass --server-key.")
        if not signature_over_bytes_is_valid(manifest, text, own):
            report.problems.append(f"the manifest signature does not verify with the key it "
                                   f"names ({report.manifest.key_id}).")
        return
    if signature_over_bytes_is_valid(manifest, text, trusted_key):
        return
    message = f"manifest is not signed by the server key {key_id(trusted_key)}"
    if own != trusted_key and _valid_key(own) and signature_over_bytes_is_valid(
            manifest, text, own):
        message += f": it is signed by another key ({key_id(own)})"
    report.problems.append(message + ".")


def _valid_key(public_key: str) -> bool:
    try:
        check_public_key(public_key)
    except DomainError:
        return False
    return True


def _check_files(report: BundleReport, files: Mapping[str, bytes]) -> None:
    listed = {entry.path for entry in report.manifest.files}
    for entry in report.manifest.files:
        if entry.path not in files:
            report.problems.append(f"{entry.path} is listed in the manifest but missing "
                                   "from the bundle.")
            continue
        data = files[entry.path]
        if len(data) != entry.size or hashlib.sha256(data).hexdigest() != entry.sha256:
            report.problems.append(f"{entry.path} does not match its SHA-256 in the manifest: "
                                   "it was changed after the server signed the bundle.")
    for path in sorted(files):
        if path not in listed and path not in (MANIFEST, MANIFEST_SIG) and not path.endswith("/"):
            report.problems.append(f"{path} is in the bundle but not in the manifest.")


def _load_json(report: BundleReport, files: Mapping[str, bytes], name: str) -> Any:
    if name not in files:
        report.problems.append(f"{name} is missing: the checks that need it were skipped.")
        return None
    try:
        return json.loads(files[name].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        report.problems.append(f"{name} is not valid JSON: the checks that need it were skipped.")
        return None


def _load_records(report: BundleReport, files: Mapping[str, bytes]) -> dict[str, dict[str, Any]]:
    """Every record file (segments/ and tombstones/) by segment id, as parsed JSON."""
    records: dict[str, dict[str, Any]] = {}
    for path in sorted(files):
        if not path.endswith(".json") or not path.startswith((SEGMENTS_DIR, TOMBSTONES_DIR)):
            continue
        try:
            body = json.loads(files[path].decode("utf-8"))
            segment_id = str(body["id"])
        except (UnicodeDecodeError, ValueError, KeyError, TypeError):
            report.problems.append(f"{path} is not a segment record.")
            continue
        if path.rsplit("/", 1)[1] != f"{segment_id}.json":
            report.problems.append(f"{path} holds the record of segment {segment_id}.")
            continue
        records[segment_id] = body
    return records
