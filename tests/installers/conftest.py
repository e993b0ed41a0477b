"""One Linux PyInstaller build and .deb per test session (`packaging/dist.py --fast`)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class LinuxBuild:
    bundle: Path  # the one-folder app
    executable: Path
    deb: Path
    seconds: float  # how long the build took (reported, never asserted)


@pytest.fixture(scope="session")
def linux_build(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
                ) -> LinuxBuild:
    if not sys.platform.startswith("linux"):
        pytest.skip("the .deb and the Linux bundle are built on Linux")
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.fail("PyInstaller is missing: pip install -e '.[dist]' (part of '.[dev]')")
    out, work = tmp_path_factory.mktemp("dist"), tmp_path_factory.mktemp("build")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "dist.py"), "--out", str(out), "--work",
         str(work), "--fast"], env=env, capture_output=True, text=True, timeout=1800)
    seconds = time.monotonic() - began
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    debs = sorted(out.glob("workdiary_*.deb"))
    assert len(debs) == 1, done.stdout
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():  # shown even while output is captured
            reporter.write_line(f"\nLinux bundle + .deb built in {seconds:.0f} s "
                                f"({debs[0].stat().st_size / 1e6:.0f} MB .deb)")
    return LinuxBuild(out / "workdiary", out / "workdiary" / "workdiary", debs[0], seconds)
