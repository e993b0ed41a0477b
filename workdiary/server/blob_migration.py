"""Copy every blob from one store to another and verify each one by its hash.

Used by ``workdiary server migrate-blobs --to s3://...`` to move a file store into an object
store: a blob is read from the source, checked against its name, written to the target
(idempotent, so a second run resumes), read back and checked again. Screenshots the database
knows but neither store holds are reported, never invented.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from workdiary.server.blobs import BlobStore


@dataclass
class MigrationReport:
    copied: int = 0
    already_there: int = 0
    damaged_in_source: list[str] = field(default_factory=list)
    failed_verification: list[str] = field(default_factory=list)
    missing_in_target: list[str] = field(default_factory=list)  # known to the database

    @property
    def ok(self) -> bool:
        return not (self.damaged_in_source or self.failed_verification
                    or self.missing_in_target)

    def to_dict(self) -> dict[str, object]:
        return {"copied": self.copied, "already_there": self.already_there,
                "damaged_in_source": self.damaged_in_source,
                "failed_verification": self.failed_verification,
                "missing_in_target": self.missing_in_target, "ok": self.ok}


def _digest(chunks: Iterable[bytes] | None) -> str | None:
    if chunks is None:
        return None
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def migrate_blobs(source: BlobStore, target: BlobStore, *, known: Iterable[str] = (),
                  progress: Callable[[int], None] | None = None) -> MigrationReport:
    """Copy ``source`` into ``target``; ``known`` are the hashes the database refers to."""
    report = MigrationReport()
    for number, sha in enumerate(source.hashes(), 1):
        if target.exists(sha) and _digest(target.stream(sha)) == sha:
            report.already_there += 1
        else:
            data = source.get(sha)
            if data is None or hashlib.sha256(data).hexdigest() != sha:
                report.damaged_in_source.append(sha)
                continue
            target.delete(sha)  # a damaged copy in the target would block the idempotent put
            target.put(sha, data)
            if _digest(target.stream(sha)) != sha:
                report.failed_verification.append(sha)
                continue
            report.copied += 1
        if progress is not None:
            progress(number)
    report.missing_in_target = sorted(sha for sha in set(known) if not target.exists(sha))
    return report
