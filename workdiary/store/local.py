"""``LocalStore``: the desktop's SQLite cache and screenshot files (its behaviour: tests/store)."""

from __future__ import annotations

from pathlib import Path

from workdiary.core.clock import Clock, SystemClock
from workdiary.privatefiles import private_dir, private_file, tighten
from workdiary.store.connection import Database
from workdiary.store.files import ScreenshotFiles
from workdiary.store.manual import ManualMixin
from workdiary.store.migrations import MIGRATIONS, Migration
from workdiary.store.queries import QueriesMixin
from workdiary.store.recording import RecordingMixin
from workdiary.store.redaction import RedactionMixin
from workdiary.store.settings import ContractsMixin, SettingsMixin
from workdiary.store.sync_state import SyncStateMixin
from workdiary.store.upload_queue import UploadQueueMixin


class LocalStore(
    SettingsMixin, ContractsMixin, RecordingMixin, RedactionMixin, QueriesMixin, SyncStateMixin,
    UploadQueueMixin, ManualMixin,
):
    """One SQLite file (WAL) plus ``screenshots/`` beside it. Thread-safe: one connection
    used under a lock, every write its own committed transaction."""

    def __init__(
        self, path: Path, clock: Clock | None = None,
        migrations: tuple[Migration, ...] = MIGRATIONS,
    ) -> None:
        self.path = Path(path)
        self._clock = clock or SystemClock()
        private_dir(self.path.parent)
        self._db = Database(self.path, migrations)
        self._files = ScreenshotFiles(self.path.parent / "screenshots")
        # Owner-only: the cache, its WAL and backups, the screenshots (an older version left
        # them 0644). Only our own names: the folder may be one the user chose.
        for own in self.path.parent.glob(self.path.name + "*"):
            private_file(own)
        tighten(private_dir(self._files.root), depth=2)

    @property
    def migration_backup(self) -> Path | None:
        """The copy made before migrating at open, if a migration ran."""
        return self._db.backup

    def integrity_check(self) -> str:
        """SQLite's full ``PRAGMA integrity_check``: "ok" or the problems found."""
        with self._db.reading() as conn:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        return "\n".join(str(row[0]) for row in rows)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> LocalStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
