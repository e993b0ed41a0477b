"""Start at login on each system: the file or registry value written, read back, removed."""

from __future__ import annotations

import configparser
import os
import plistlib
import shutil
import subprocess
from pathlib import Path

import pytest

from workdiary import autostart
from workdiary.autostart.linux import XdgAutostart, desktop_exec
from workdiary.autostart.macos import LaunchAgentAutostart
from workdiary.autostart.windows import VALUE_NAME, MemoryRunKey, RunKeyAutostart

COMMAND = ["/opt/work diary/workdiary", "app"]


def test_linux_writes_a_valid_xdg_autostart_entry(tmp_path: Path) -> None:
    setting = XdgAutostart(tmp_path / "autostart", COMMAND)
    assert not setting.is_enabled()
    setting.enable()
    setting.enable()  # idempotent
    path = Path(setting.location())
    assert path.name == "io.github.workdiary.Workdiary.desktop" and setting.is_enabled()
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(path)
    assert entry["Desktop Entry"]["Exec"] == '"/opt/work diary/workdiary" app'
    assert entry["Desktop Entry"]["Type"] == "Application"
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(["desktop-file-validate", str(path)], capture_output=True,
                                text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    setting.disable()
    setting.disable()
    assert not setting.is_enabled() and not path.exists()


def test_linux_respects_an_entry_the_desktop_switched_off(tmp_path: Path) -> None:
    setting = XdgAutostart(tmp_path, COMMAND)
    setting.enable()
    path = Path(setting.location())
    path.write_text(path.read_text().replace("X-GNOME-Autostart-enabled=true",
                                             "X-GNOME-Autostart-enabled=false"))
    assert not setting.is_enabled()
    setting.enable()
    assert setting.is_enabled()


@pytest.mark.parametrize(("argument", "quoted"), [
    ("plain", "plain"), ("with space", '"with space"'), ('say "hi"', '"say \\"hi\\""'),
    ("100%", '"100%%"'), ("$HOME", '"\\$HOME"'),
])
def test_desktop_exec_quoting(argument: str, quoted: str) -> None:
    assert desktop_exec([argument]) == quoted


def test_macos_writes_a_launch_agent(tmp_path: Path) -> None:
    setting = LaunchAgentAutostart(tmp_path / "LaunchAgents", COMMAND)
    assert not setting.is_enabled()
    setting.enable()
    with open(setting.location(), "rb") as handle:
        agent = plistlib.load(handle)
    assert agent["Label"] == "io.github.workdiary.Workdiary"
    assert agent["ProgramArguments"] == COMMAND and agent["RunAtLoad"] is True
    if os.name == "posix":
        assert Path(setting.location()).stat().st_mode & 0o777 == 0o600
    assert setting.is_enabled()
    Path(setting.location()).write_bytes(b"not a plist")
    assert not setting.is_enabled()  # a damaged file is "off", and enabling repairs it
    setting.enable()
    assert setting.is_enabled()
    setting.disable()
    assert not setting.is_enabled()


def test_windows_writes_the_run_value_quoted(tmp_path: Path) -> None:
    key = MemoryRunKey()
    setting = RunKeyAutostart(key, ["C:\\Users\\Ana Li\\AppData\\Local\\Programs\\Workdiary"
                                    "\\workdiary.exe", "app"])
    assert not setting.is_enabled()
    setting.enable()
    assert key.values[VALUE_NAME] == (
        '"C:\\Users\\Ana Li\\AppData\\Local\\Programs\\Workdiary\\workdiary.exe" app')
    assert setting.is_enabled() and setting.location().startswith("HKEY_CURRENT_USER\\Software")
    setting.disable()
    setting.disable()
    assert not setting.is_enabled() and key.values == {}


def test_each_system_gets_its_own_mechanism(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    linux = autostart.autostart_for_this_system("Linux")
    assert linux.location() == str(tmp_path / "config" / "autostart"
                                   / "io.github.workdiary.Workdiary.desktop")
    mac = autostart.autostart_for_this_system("Darwin")
    assert mac.location() == str(tmp_path / "home" / "Library" / "LaunchAgents"
                                 / "io.github.workdiary.Workdiary.plist")
    windows = autostart.autostart_for_this_system("Windows")
    assert windows.location().endswith("\\CurrentVersion\\Run\\Workdiary")


def test_the_launch_command_runs_this_copy_of_workdiary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(autostart.sys, "frozen", True, raising=False)
    monkeypatch.setattr(autostart.sys, "executable", "/opt/workdiary/workdiary")
    assert autostart.launch_command() == ["/opt/workdiary/workdiary", "app"]
    monkeypatch.setattr(autostart.sys, "frozen", False)
    monkeypatch.setattr(autostart.shutil, "which", lambda name: None)
    assert autostart.launch_command() == ["/opt/workdiary/workdiary", "-m", "workdiary", "app"]


def test_the_autostart_command_switches_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from workdiary.cli.main import main

    monkeypatch.setattr(autostart.platform, "system", lambda: "Linux")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    entry = tmp_path / "autostart" / "io.github.workdiary.Workdiary.desktop"
    assert main(["autostart"]) == 0 and "start at login: off" in capsys.readouterr().out
    assert main(["autostart", "on"]) == 0 and entry.is_file()
    assert f"start at login: on ({entry})" in capsys.readouterr().out
    assert main(["autostart", "off"]) == 0 and not entry.exists()
    (tmp_path / "autostart").rmdir()
    (tmp_path / "autostart").write_text("a file where the folder should be")
    assert main(["autostart", "on"]) == 1
    assert "could not change the login item" in capsys.readouterr().err


def test_the_permissions_command(monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    from workdiary.capture import platform as capture_platform
    from workdiary.capture.macos import factory
    from workdiary.capture.macos.fake import FakeMacSystem
    from workdiary.cli.main import main

    monkeypatch.setattr(capture_platform._stdlib_platform, "system", lambda: "Linux")
    assert main(["permissions"]) == 0 and "nothing to allow" in capsys.readouterr().out
    system = FakeMacSystem(screen_capture=False)
    monkeypatch.setattr(capture_platform._stdlib_platform, "system", lambda: "Darwin")
    monkeypatch.setattr(factory, "quartz", lambda: system)
    assert main(["permissions"]) == 1
    out = capsys.readouterr().out
    assert "  missing  Screen Recording" in out and "--open screen_recording" in out
    assert main(["permissions", "--open", "screen_recording"]) == 0
    assert system.opened[0].endswith("Privacy_ScreenCapture")
    assert main(["permissions", "--open", "camera"]) == 1
    assert "known: screen_recording, accessibility" in capsys.readouterr().err
