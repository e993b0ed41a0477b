"""The evidence bundle as a zip, written to a spooled temporary file.

Memory stays bounded however many screenshots the week has: the zip spills to disk past
``SPOOL_BYTES``, and each image is copied from the blob store chunk by chunk (hashed on the
way, so the manifest gives the SHA-256 of the bytes actually written). The manifest comes
last, signed with the server key, and names every other file with its hash and size.
"""

from __future__ import annotations

import hashlib
import tempfile
import zipfile
from datetime import datetime
from typing import IO

from workdiary.core.evidence import (
    CHAIN,
    CONTRACT,
    DEVICES,
    INVOICE,
    MANIFEST,
    MANIFEST_SIG,
    README,
    SCREENSHOTS,
    SHOTS_HASHES,
    SHOTS_INCLUDED,
    VERDICTS,
    FileEntry,
    Manifest,
    entry_for,
    json_bytes,
    record_bytes,
    record_path,
    shot_path,
)
from workdiary.core.timegrid import isoformat_z
from workdiary.server.blobs import BlobStore
from workdiary.server.serverkey import ServerKey
from workdiary.server.services.evidence import EvidenceWeek

SPOOL_BYTES = 8 * 1024 * 1024

README_TEXT = """\
workdiary evidence bundle: contract {contract_id}, week of {week_start} (UTC)

This zip is the evidence behind the week's time: every segment exactly as the freelancer's
desktop signed it, the devices' public keys, the screenshots ({screenshots}), the server's
verdict on every segment and the week's invoice. The server signed manifest.json (which lists
every other file with its SHA-256) with its key {key_id}.

Check it offline, without trusting the marketplace:

    workdiary verify {name}

It trusts the server key your desktop pinned when it logged in to {server_url}, else it
fetches GET /api/v1/server-key from there; give the key yourself with
--server-key SERVER_PUBLIC_KEY (or a file holding it) to trust nothing else. The command
checks the manifest signature and every file's hash, each segment's device signature and
hash chain, the screenshots' hashes, recomputes every verdict and the invoice total, and
prints a line per segment. It exits 0 when everything matches, 1 on any mismatch, 2 when the
file is not a readable bundle, 3 when everything matches but no trusted key was at hand (the
bundle's own key was used). docs/evidence.md in the workdiary sources explains each file.
"""


def bundle_name(contract_id: str, week: str) -> str:
    return f"workdiary-evidence-{contract_id}-{week}.zip"


def write_bundle(week: EvidenceWeek, *, blobs: BlobStore, key: ServerKey, now: datetime,
                 server_url: str, screenshots: str = SHOTS_INCLUDED) -> IO[bytes]:
    """The bundle, rewound to its start; the caller closes it. ``server_url``: this server's
    base URL, named in the manifest."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (returned)
    stamp = now.timetuple()[:6]
    entries: list[FileEntry] = []
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def put(path: str, data: bytes) -> None:
            archive.writestr(zipfile.ZipInfo(path, stamp), data, zipfile.ZIP_DEFLATED)
            entries.append(entry_for(path, data))

        for row in week.records:
            put(record_path(row.id, tombstone=row.deleted), record_bytes(dict(row.body)))
        files = {}
        if screenshots == SHOTS_INCLUDED:
            for shot in week.shot_files:
                path = shot_path(shot.sha256, shot.content_type)
                entry = _copy_blob(archive, blobs, shot.sha256, path, stamp)
                if entry is not None:
                    entries.append(entry)
                    files[shot.sha256] = path
        shots = [{**item, "file": files.get(item["sha256"])} for item in week.screenshots]
        put(SCREENSHOTS, json_bytes({"mode": screenshots, "screenshots": shots}))
        put(CONTRACT, json_bytes(week.contract))
        put(DEVICES, json_bytes(week.devices))
        put(CHAIN, json_bytes(week.chain))
        put(VERDICTS, json_bytes(week.verdicts))
        put(INVOICE, json_bytes(week.invoice))
        week_text = week.week_start.isoformat()
        put(README, README_TEXT.format(
            contract_id=week.contract_id, week_start=week_text, key_id=key.key_id,
            server_url=server_url,
            name=bundle_name(week.contract_id, week_text),
            screenshots="only their hashes" if screenshots == SHOTS_HASHES else "included",
        ).encode())
        manifest = Manifest(week.contract_id, week_text, isoformat_z(now), key.key_id,
                            key.public_key, screenshots, tuple(entries), server_url).to_bytes()
        archive.writestr(zipfile.ZipInfo(MANIFEST, stamp), manifest, zipfile.ZIP_DEFLATED)
        archive.writestr(zipfile.ZipInfo(MANIFEST_SIG, stamp), key.sign(manifest) + "\n")
    spool.seek(0)
    return spool


def _copy_blob(archive: zipfile.ZipFile, blobs: BlobStore, sha256: str, path: str,
               stamp: tuple[int, ...]) -> FileEntry | None:
    chunks = blobs.stream(sha256)
    if chunks is None:
        return None  # listed in screenshots.json without a file: the verifier says so
    info = zipfile.ZipInfo(path, stamp)  # type: ignore[arg-type]
    info.compress_type = zipfile.ZIP_STORED  # JPEG and PNG are compressed already
    digest, size = hashlib.sha256(), 0
    with archive.open(info, "w") as out:
        for chunk in chunks:
            out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    return FileEntry(path, digest.hexdigest(), size)
