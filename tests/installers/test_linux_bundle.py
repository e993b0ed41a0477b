"""The frozen Linux app: --version, the headless demo serving for ~70 s, its tray icon in a real
tray host under Xvfb, the .desktop/metainfo validators, and the .deb installed, run, removed."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.installers.conftest import LinuxBuild
from workdiary import __version__
from workdiary.testing.trayhost import (
    TrayHostUnavailable,
    start_tray_host,
    stop_tray_host,
    tray_panel,
)

# The first test builds the bundle (PyInstaller, minutes on a busy 2-core machine) in its setup.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]

DEMO_SECONDS = 70
APP_ID = "io.github.workdiary.Workdiary"


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """No PYTHONPATH or venv: the frozen app must carry everything itself."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "QT_QPA_PLATFORM")}
    env.update(WORKDIARY_DATA_DIR=str(tmp_path / "data"), HOME=str(tmp_path / "home"),
               DBUS_SESSION_BUS_ADDRESS="disabled:", **extra)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_frozen_binary_says_its_version(linux_build: LinuxBuild, tmp_path: Path) -> None:
    done = subprocess.run([str(linux_build.executable), "--version"], env=clean_env(tmp_path),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"workdiary {__version__}"


def test_the_frozen_demo_serves_and_tracks_for_70_seconds(linux_build: LinuxBuild,
                                                          tmp_path: Path) -> None:
    port = free_port()
    demo = subprocess.Popen([str(linux_build.executable), "demo", "--headless", "--port",
                             str(port)], env=clean_env(tmp_path), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    served = []
    try:
        began = time.monotonic()
        while time.monotonic() - began < DEMO_SECONDS:
            assert demo.poll() is None, demo.stdout.read() if demo.stdout else ""
            try:
                login = requests.get(f"{url}/login", timeout=5)
                release = requests.get(f"{url}/api/v1/desktop-release", timeout=5)
                served.append((login.status_code, release.status_code))
            except requests.ConnectionError:
                pass  # still starting
            time.sleep(5)
        demo.send_signal(signal.SIGINT)
        output, _ = demo.communicate(timeout=60)
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
    assert demo.returncode == 0, output
    assert served and set(served) == {(200, 404)}, served  # pages, and "no release published"
    assert "workdiary demo is running." in output
    assert "closed:" in output and "sync: uploaded" in output, output
    assert "demo stopped; its temporary server and data were removed." in output


@pytest.fixture
def tray_host(own_display: str) -> Iterator[tuple[str, str]]:
    """trayer on the module's Xvfb; yields (display, trayer's panel window id)."""
    try:
        trayer = start_tray_host(own_display)
    except TrayHostUnavailable as problem:
        pytest.fail(str(problem))
    try:
        yield own_display, tray_panel(own_display)
    finally:
        stop_tray_host(trayer)


def test_the_frozen_app_shows_its_tray_icon(linux_build: LinuxBuild, tray_host: tuple[str, str],
                                            tmp_path: Path) -> None:
    display, panel = tray_host
    env = clean_env(tmp_path, DISPLAY=display)
    app = subprocess.Popen([str(linux_build.executable), "app"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    embedded = False
    try:
        deadline = time.monotonic() + 60
        while not embedded and time.monotonic() < deadline:
            assert app.poll() is None, app.stdout.read() if app.stdout else ""
            ours = subprocess.run(["xdotool", "search", "--pid", str(app.pid)], env=env,
                                  capture_output=True, text=True).stdout.split()
            tree = subprocess.run(["xwininfo", "-id", panel, "-tree"], env=env,
                                  capture_output=True, text=True).stdout
            # The icon is our window, reparented into the tray host's panel (XEmbed).
            embedded = any(f"{int(w):#x} " in tree for w in ours)
            time.sleep(0.5)
    finally:
        app.terminate()
        try:
            app.wait(timeout=20)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()
    assert embedded, "the frozen app's tray icon never appeared in trayer"


def test_the_desktop_entry_and_metainfo_in_the_deb_validate(linux_build: LinuxBuild,
                                                             tmp_path: Path) -> None:
    subprocess.run(["dpkg-deb", "-x", str(linux_build.deb), str(tmp_path)], check=True)
    share = tmp_path / "usr" / "share"
    desktop = share / "applications" / f"{APP_ID}.desktop"
    metainfo = share / "metainfo" / f"{APP_ID}.metainfo.xml"
    checks = [["desktop-file-validate", str(desktop)],
              ["appstreamcli", "validate", "--no-net", str(metainfo)]]
    for command in checks:
        if shutil.which(command[0]) is None:
            pytest.fail(f"{command[0]} is missing: scripts/install-system-deps.sh installs it")
        done = subprocess.run(command, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "workdiary.svg").is_file()
    assert (share / "icons" / "hicolor" / "256x256" / "apps" / "workdiary.png").is_file()
    assert os.readlink(tmp_path / "usr" / "bin" / "workdiary") == "/opt/workdiary/workdiary"
    assert (tmp_path / "opt" / "workdiary" / "_internal" / "workdiary" / "resources"
            / "workdiary-autostart.desktop").is_file()  # what `workdiary autostart on` copies


def _as_root() -> list[str]:
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"]).returncode == 0:
        return ["sudo", "-n"]
    pytest.skip("installing a .deb needs root or password-less sudo (CI has both)")


def test_the_deb_installs_runs_and_removes_cleanly(linux_build: LinuxBuild,
                                                   tmp_path: Path) -> None:
    root = _as_root()
    if subprocess.run(["dpkg", "-s", "workdiary"], capture_output=True).returncode == 0:
        pytest.fail("a workdiary package is already installed here; remove it first")
    env = clean_env(tmp_path, DEBIAN_FRONTEND="noninteractive")
    installed = subprocess.run([*root, "dpkg", "-i", str(linux_build.deb)], env=env,
                               capture_output=True, text=True)
    try:
        assert installed.returncode == 0, installed.stdout + installed.stderr
        version = subprocess.run(["/usr/bin/workdiary", "--version"], env=env,
                                 capture_output=True, text=True, timeout=120)
        assert version.stdout.strip() == f"workdiary {__version__}", version.stderr
        xdg = tmp_path / "config"
        on = subprocess.run(["/usr/bin/workdiary", "autostart", "on"],
                            env={**env, "XDG_CONFIG_HOME": str(xdg)}, capture_output=True,
                            text=True, timeout=120)
        assert on.returncode == 0, on.stderr
        entry = (xdg / "autostart" / f"{APP_ID}.desktop").read_text()
        assert "Exec=/opt/workdiary/workdiary app" in entry  # the installed app, at login
    finally:
        removed = subprocess.run([*root, "apt-get", "remove", "-y", "workdiary"], env=env,
                                 capture_output=True, text=True)
    assert removed.returncode == 0, removed.stdout + removed.stderr
    assert subprocess.run(["dpkg", "-s", "workdiary"], capture_output=True).returncode != 0
    assert not Path("/opt/workdiary").exists() and not Path("/usr/bin/workdiary").is_symlink()
    assert not Path(f"/usr/share/applications/{APP_ID}.desktop").exists()
