"""The portable evidence bundle of one contract-week: its file layout and its signed manifest.

The server writes the bundle (``server/services/evidence.py``); ``workdiary verify`` checks it
offline (``core/bundle_check.py``). Both take the names and the manifest rules from here, so
the writer and the checker cannot drift apart. docs/design.md "Portable evidence" lists every
file.

The manifest (``manifest.json``) names every other file with its SHA-256 and size; the server
signs the manifest's exact bytes with its Ed25519 key (``manifest.sig``, base64). So one
signature check plus one hash per file proves the whole bundle is what the server issued, and
the devices' own signatures and hash chains inside prove the records are what the desktops
recorded.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from workdiary.core.canonical import dumps_canonical
from workdiary.core.errors import DomainError

FORMAT = "workdiary-evidence/1"
ALGORITHM = "Ed25519"
MANIFEST = "manifest.json"
MANIFEST_SIG = "manifest.sig"
CONTRACT = "contract.json"
DEVICES = "devices.json"
CHAIN = "chain.json"
SCREENSHOTS = "screenshots.json"
VERDICTS = "verdicts.json"
INVOICE = "invoice.json"
README = "README.txt"
SEGMENTS_DIR = "segments/"
TOMBSTONES_DIR = "tombstones/"
SHOTS_DIR = "screenshots/"
# ?screenshots=... : the images themselves, or only their hashes (a small bundle).
SHOTS_INCLUDED = "included"
SHOTS_HASHES = "hashes"
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png"}


def record_path(segment_id: str, *, tombstone: bool) -> str:
    return (TOMBSTONES_DIR if tombstone else SEGMENTS_DIR) + f"{segment_id}.json"


def shot_path(sha256: str, content_type: str) -> str:
    return SHOTS_DIR + sha256 + EXTENSIONS.get(content_type, ".bin")


def json_bytes(value: Any) -> bytes:
    """How every JSON file of the bundle is written: sorted keys, indented, UTF-8, a final
    newline (readable in any editor; the manifest pins the exact bytes)."""
    return (json.dumps(value, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode()


def record_bytes(body: dict[str, Any]) -> bytes:
    """A segment or tombstone file: the signed wire record, canonical JSON plus a newline."""
    return dumps_canonical(body) + b"\n"


@dataclass(frozen=True, slots=True)
class FileEntry:
    path: str
    sha256: str
    size: int

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "sha256": self.sha256, "size": self.size}


def entry_for(path: str, data: bytes) -> FileEntry:
    return FileEntry(path, hashlib.sha256(data).hexdigest(), len(data))


@dataclass(frozen=True, slots=True)
class Manifest:
    """What ``manifest.json`` says: the bundle's subject, the signing key and every file."""

    contract_id: str
    week_start: str  # YYYY-MM-DD, a Monday
    generated_at: str  # ISO 8601 UTC
    key_id: str
    public_key: str  # base64 of the raw Ed25519 key (also at GET /api/v1/server-key)
    screenshots: str  # SHOTS_INCLUDED | SHOTS_HASHES
    files: tuple[FileEntry, ...]
    # The base URL of the server that made the bundle (where `workdiary verify` finds the key
    # pinned at login, or fetches it); "" in bundles made before it was added.
    server_url: str = ""

    def to_bytes(self) -> bytes:
        body: dict[str, Any] = {
            "format": FORMAT, "contract_id": self.contract_id, "week_start": self.week_start,
            "generated_at": self.generated_at, "screenshots": self.screenshots,
            "server_key": {"algorithm": ALGORITHM, "key_id": self.key_id,
                           "public_key": self.public_key},
            "files": [f.to_dict() for f in sorted(self.files, key=lambda f: f.path)],
        }
        if self.server_url:
            body["server_url"] = self.server_url
        return json_bytes(body)


def parse_manifest(data: bytes) -> Manifest:
    """The manifest in ``data``; DomainError with a sentence when it is not one."""
    try:
        raw = json.loads(data.decode("utf-8"))
        if raw.get("format") != FORMAT:
            raise DomainError(f"the manifest's format is {raw.get('format')!r}, not {FORMAT!r}: "
                              "this bundle is from another version of workdiary.")
        key = raw["server_key"]
        files = tuple(FileEntry(str(f["path"]), str(f["sha256"]), int(f["size"]))
                      for f in raw["files"])
        return Manifest(str(raw["contract_id"]), str(raw["week_start"]),
                        str(raw["generated_at"]), str(key["key_id"]), str(key["public_key"]),
                        str(raw.get("screenshots", SHOTS_INCLUDED)), files,
                        str(raw.get("server_url") or ""))
    except DomainError:
        raise
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DomainError(f"manifest.json is not a workdiary evidence manifest ({exc!r}).") \
            from exc
