"""The keyring path against a real Secret Service (gnome-keyring under its own D-Bus session),
and the clear error when no Secret Service can be reached."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from workdiary.testing.desktop_session import UNLOCK_KEYRING, end_session_processes, session_env

if TYPE_CHECKING:
    from tests.sync.conftest import Live

ROUND_TRIP = textwrap.dedent("""
    import keyring
    from workdiary.sync.secrets import Account, KeyringSecretStore
    store = KeyringSecretStore()
    print("backend", store.backend_name)
    account = Account("http://127.0.0.1:8000", "fl@example.com")
    store.put(account, "token", "tok-123")
    store.put(account, "device-key", "key-456")
    print("read", store.token(account), store.private_key(account))
    store.clear(account)
    print("cleared", store.token(account), store.private_key(account))
""")

NO_KEYRING = textwrap.dedent("""
    from workdiary.sync.secrets import KeyringSecretStore, KeyringUnavailable
    try:
        KeyringSecretStore()
    except KeyringUnavailable as exc:
        print("unavailable:", exc)
""")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("dbus-run-session") is None
                    or shutil.which("gnome-keyring-daemon") is None,
                    reason="needs dbus and gnome-keyring (scripts/install-system-deps.sh)")
def test_secrets_round_trip_through_gnome_keyring(tmp_path: Path) -> None:
    script = tmp_path / "round_trip.py"
    script.write_text(ROUND_TRIP)
    command = f"{UNLOCK_KEYRING}; {sys.executable} {script}"
    try:
        result = subprocess.run(["dbus-run-session", "--", "sh", "-c", command],
                                env=session_env(tmp_path), capture_output=True, text=True,
                                timeout=120)
    finally:
        end_session_processes(tmp_path)  # the keyring daemon outlives its D-Bus session
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "backend keyring.backends.SecretService.Keyring"
    assert lines[1:] == ["read tok-123 key-456", "cleared None None"]
    # Nothing readable was written under the data dir: the keyring file is encrypted.
    keyrings = list((tmp_path / "data").rglob("*.keyring"))
    assert keyrings and all(b"tok-123" not in k.read_bytes() for k in keyrings)


def test_without_a_session_bus_the_error_names_what_to_install(tmp_path: Path) -> None:
    env = session_env(tmp_path)
    env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=" + str(tmp_path / "no-bus")
    result = subprocess.run([sys.executable, "-c", NO_KEYRING], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "unavailable:" in result.stdout and "gnome-keyring" in result.stdout
    assert list(tmp_path.rglob("*.json")) == [] and list(tmp_path.rglob("*.cfg")) == []


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("dbus-run-session") is None
                    or shutil.which("gnome-keyring-daemon") is None,
                    reason="needs dbus and gnome-keyring (scripts/install-system-deps.sh)")
def test_the_quickstart_headless_recipe_logs_in_and_a_later_session_finds_the_login(
        live: Live, tmp_path: Path) -> None:
    """docs/quickstart.md, "No desktop session", way A, with the real `workdiary` command."""
    env = session_env(tmp_path)
    env["WORKDIARY_DATA_DIR"] = str(tmp_path / "desktop")
    workdiary = f"{sys.executable} -m workdiary"
    unlock = ("printf '%s' 'keyring password' | "
              "gnome-keyring-daemon --unlock --components=secrets >/dev/null")

    def in_session(commands: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["dbus-run-session", "--", "sh", "-c", f"{unlock}; {commands}"],
                              env=env, capture_output=True, text=True, timeout=180)

    first = in_session(f"echo {live.password} | {workdiary} login {live.server_url} "
                       "--email freelancer@demo.example --password-stdin")
    assert first.returncode == 0, first.stderr
    assert "are in the OS keyring" in first.stdout

    later = in_session(f"{workdiary} contracts --json")
    assert later.returncode == 0, later.stderr
    assert live.contract_id in later.stdout and "offline" not in later.stderr
    assert "not logged in" not in later.stderr and "expired" not in later.stderr
