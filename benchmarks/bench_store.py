"""Local database bytes per tracked 40-hour week (budget: <= 0.5 MB of metadata).

Simulates five 8-hour days into a fresh store the way the tracker writes them: 10-minute
segments, one row per minute with realistic counts, one screenshot reference per segment,
each segment closed (chain assigned), signed and given a server verdict. Screenshot image
files live beside the database and are not metadata; they are not counted.

    .venv/bin/python benchmarks/bench_store.py
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from workdiary.core.clock import FakeClock
from workdiary.core.model import Contract, MinuteRecord, Policy, ScreenshotRef
from workdiary.store import LocalStore

BUDGET_BYTES = 512 * 1024


def simulate_week(path: Path) -> tuple[int, int]:
    rng = random.Random(42)
    monday = datetime(2026, 3, 2, tzinfo=UTC)
    clock = FakeClock(monday)
    store = LocalStore(path, clock=clock)
    store.replace_contracts([Contract("c-1", "Bench", "Client", "Me", 2500, policy=Policy())])
    segments = minutes = 0
    for day in range(5):
        start = monday + timedelta(days=day, hours=9)
        for index in range(48):  # 8 hours of 10-minute segments
            seg_start = start + timedelta(minutes=10 * index)
            seg_id = str(uuid.uuid4())
            store.start_segment(seg_id, "c-1", seg_start, seg_start + timedelta(minutes=10),
                                "Implementing the invoice export and its tests")
            for minute in range(10):
                active = rng.random() < 0.8
                store.add_minute(seg_id, MinuteRecord(
                    at=seg_start + timedelta(minutes=minute),
                    keys=rng.randint(20, 300) if active else 0,
                    clicks=rng.randint(0, 30) if active else 0,
                    scrolls=rng.randint(0, 20) if active else 0,
                    moves=rng.randint(10, 400) if active else 0,
                    active_seconds=rng.randint(10, 60) if active else 0,
                ))
                minutes += 1
            sha = f"{rng.getrandbits(256):064x}"
            store.add_screenshot(seg_id, ScreenshotRef(
                taken_at=seg_start + timedelta(seconds=rng.randint(0, 599)), sha256=sha,
                width=1920, height=1080, size=120_000, thumb_sha256=f"{rng.getrandbits(256):064x}",
            ), jpeg=b"\xff\xd8 bench", thumbnail=b"\xff\xd8 thumb")
            clock.advance(600)
            store.close_segment(seg_id, seg_start + timedelta(minutes=10))
            store.set_signature(seg_id, "A" * 88)  # an Ed25519 signature in base64
            store.record_verdict(seg_id, "protected", 10, [])
            segments += 1
    store.close()
    return segments, minutes


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "workdiary.sqlite3"
        segments, minutes = simulate_week(path)
        size = path.stat().st_size
        wal = path.with_name(path.name + "-wal")
        wal_size = wal.stat().st_size if wal.exists() else 0
        conn = sqlite3.connect(path)
        conn.execute("VACUUM")
        conn.close()
        vacuumed = path.stat().st_size
    print(f"bench_store: a 40-hour week = {segments} segments, {minutes} minute rows")
    print(f"  database bytes: {size:,} ({size / 1024 / 1024:.3f} MB; WAL after close: "
          f"{wal_size:,} B)  budget <= {BUDGET_BYTES:,} (0.5 MB)  "
          f"{'OK' if size + wal_size <= BUDGET_BYTES else 'OVER BUDGET'}")
    print(f"  after VACUUM: {vacuumed:,} bytes")


if __name__ == "__main__":
    main()
