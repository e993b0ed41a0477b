"""Local database bytes per tracked 40-hour week (budget: <= 0.5 MB of metadata).

Simulates five 8-hour days into a fresh store the way the tracker writes them: 10-minute
segments, one row per minute with realistic counts, one screenshot reference per segment,
each segment closed (chain assigned), signed and given a server verdict. Screenshot image
files live beside the database and are not metadata; they are not counted.

Baseline: the same facts in the plainest two-table SQLite file.

    .venv/bin/python benchmarks/bench_store.py [--quick]
"""

from __future__ import annotations

import os
import random
import sqlite3
import sys
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from workdiary.core.clock import FakeClock
from workdiary.core.model import Contract, MinuteRecord, Policy, ScreenshotRef
from workdiary.store import LocalStore

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Bench, Figure, load_average

BUDGET_BYTES = 512 * 1024


def simulate_week(path: Path, seed: int = 42) -> tuple[int, int]:
    rng = random.Random(seed)
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


def bare_week(path: Path, seed: int) -> int:
    """The baseline: the same facts in the plainest SQLite schema (one table of minutes, one of
    segments with memo, signature and screenshot hash); its file size after close."""
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE seg (id TEXT PRIMARY KEY, start INTEGER, memo TEXT, sig TEXT, "
                 "shot TEXT, thumb TEXT, status TEXT)")
    conn.execute("CREATE TABLE minute (seg TEXT, at INTEGER, keys INTEGER, clicks INTEGER, "
                 "scrolls INTEGER, moves INTEGER, active INTEGER)")
    for n in range(240):
        seg = str(uuid.uuid4())
        conn.execute("INSERT INTO seg VALUES (?, ?, ?, ?, ?, ?, ?)", (
            seg, n * 600, "Implementing the invoice export and its tests", "A" * 88,
            f"{rng.getrandbits(256):064x}", f"{rng.getrandbits(256):064x}", "protected"))
        conn.executemany("INSERT INTO minute VALUES (?, ?, ?, ?, ?, ?, ?)", [
            (seg, n * 600 + m * 60, rng.randint(20, 300), rng.randint(0, 30),
             rng.randint(0, 20), rng.randint(10, 400), rng.randint(10, 60)) for m in range(10)])
    conn.commit()
    conn.close()
    return path.stat().st_size


def main() -> int:
    bench = Bench("bench_store")
    ours: list[float] = []
    bare: list[float] = []
    loads: list[float] = []
    for rep in range(bench.repeat_count):
        loads.append(load_average())
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "workdiary.sqlite3"
            segments, minutes = simulate_week(path, seed=42 + rep)
            wal = path.with_name(path.name + "-wal")
            ours.append((path.stat().st_size + (wal.stat().st_size if wal.exists() else 0))
                        / 1024 / 1024)
            bare.append(bare_week(Path(folder) / "bare.sqlite3", 42 + rep) / 1024 / 1024)
    bench.emit(Figure(bench.name, "store_week_mb", f"Local metadata per 40-hour week "
                      f"({segments} segments, {minutes} minute rows, signed, with verdicts)",
                      "MB", ours, loads, budget=BUDGET_BYTES / 1024 / 1024,
                      baseline_label="same facts in a bare 2-table SQLite", baseline=bare))
    return bench.exit_code()


if __name__ == "__main__":
    raise SystemExit(main())
