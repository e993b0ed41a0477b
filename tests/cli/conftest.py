"""Run `workdiary` as a subprocess against an isolated data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from workdiary.config import database_path
from workdiary.core.model import Contract
from workdiary.store import LocalStore

CLI = [sys.executable, "-m", "workdiary"]


def cli_env(data: Path, display: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(WORKDIARY_DATA_DIR=str(data), TZ="Europe/Berlin", PYTHONUNBUFFERED="1")
    if display:
        env["DISPLAY"] = display
    return env


@pytest.fixture
def run_cli(data_dir: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*CLI, *args], env=cli_env(data_dir), capture_output=True, text=True,
            timeout=timeout,
        )

    return run


@pytest.fixture
def seeded(data_dir: Path, make_contract: Callable[..., Contract]) -> Path:
    """A data dir whose cache holds contract c-1 (1-minute segments) as if after login."""
    with LocalStore(database_path(data_dir)) as store:
        store.replace_contracts([make_contract("c-1", segment_minutes=1)])
    return data_dir
