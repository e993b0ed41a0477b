"""The desktop's settings, typed: built once in each composition root (from the environment
and the command line) and passed in. Nothing below reads or writes ``os.environ``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from workdiary.config import data_dir, database_path, local_timezone
from workdiary.store.diskguard import DiskLimits
from workdiary.store.protocols import OutboxStore
from workdiary.sync.client import GRACE_ENV, KEEP_DAYS_ENV, SyncSettings, load_sync_settings


@dataclass(frozen=True, slots=True)
class DesktopSettings:
    data_dir: Path  # the SQLite cache, screenshots and the tracker lock live here
    tz: ZoneInfo  # the zone days are shown in (named, so DST days are right)
    # Sync timing given outright (the demo); None: defaults, overridden by the store's
    # settings, overridden by ``sync_overrides`` (read when sync starts, so a bad value is
    # reported where uploads are set up, as before).
    sync: SyncSettings | None = None
    sync_overrides: Mapping[str, str] = field(default_factory=dict)
    disk_limits: DiskLimits = field(default_factory=DiskLimits)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> DesktopSettings:
        """``WORKDIARY_DATA_DIR``, ``TZ``, the sync variables (docs/design.md, Environment)."""
        env = os.environ if environ is None else environ
        overrides = {name: env[name] for name in (GRACE_ENV, KEEP_DAYS_ENV) if name in env}
        return cls(data_dir=data_dir(env), tz=local_timezone(env), sync_overrides=overrides)

    @property
    def database_path(self) -> Path:
        return database_path(self.data_dir)

    def sync_settings(self, store: OutboxStore) -> SyncSettings:
        """The sync timing for this store; ValueError names a malformed override."""
        return self.sync or load_sync_settings(store, self.sync_overrides)
