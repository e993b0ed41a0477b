"""The encrypted-file keyring (keyrings.cryptfile), chosen explicitly for machines without a
desktop session: round trip, owner-only file, wrong or missing passphrase, the choice itself."""

from __future__ import annotations

import io
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import keyring
import keyring.core
import pytest
from keyrings.cryptfile.cryptfile import CryptFileKeyring

from workdiary.cli.main import main
from workdiary.sync.encrypted_file import (
    FILE_NAME,
    KEYRING_ENV,
    PASSPHRASE_ENV,
    KeyringChoiceError,
    keyring_choice,
    open_encrypted_file,
)
from workdiary.sync.secrets import NO_KEYRING_HELP, Account, KeyringSecretStore, KeyringUnavailable

if TYPE_CHECKING:
    from tests.sync.conftest import Live

ACCOUNT = Account("http://127.0.0.1:8000", "fl@example.com")
PASSPHRASE = "correct horse battery"


@pytest.fixture
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at a tenth of its cost (the file does not record it; one test keeps the real one)."""
    monkeypatch.setattr(CryptFileKeyring, "time_cost", 1)
    monkeypatch.setattr(CryptFileKeyring, "memory_cost", 2**12)


@pytest.fixture
def no_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (KEYRING_ENV, PASSPHRASE_ENV):
        monkeypatch.delenv(name, raising=False)


def file_store(directory: Path) -> KeyringSecretStore:
    return KeyringSecretStore(choice="file", directory=directory)


def test_round_trip_through_the_file_with_the_real_key_derivation(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    store = file_store(tmp_path)
    store.put(ACCOUNT, "token", "the-token")
    store.put(ACCOUNT, "device-key", "the-key")
    path = tmp_path / FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"the-token" not in path.read_bytes() and b"the-key" not in path.read_bytes()
    assert "encrypted file" in store.where and "less safe than the OS keyring" in store.where

    again = file_store(tmp_path)  # as a later command would open it
    assert (again.token(ACCOUNT), again.private_key(ACCOUNT)) == ("the-token", "the-key")
    again.clear(ACCOUNT)
    assert file_store(tmp_path).token(ACCOUNT) is None


def test_a_wrong_passphrase_is_a_clear_error_and_loses_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cheap_kdf: None) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    file_store(tmp_path).put(ACCOUNT, "token", "the-token")
    before = (tmp_path / FILE_NAME).read_bytes()

    monkeypatch.setenv(PASSPHRASE_ENV, "not the passphrase")
    with pytest.raises(KeyringUnavailable, match="wrong passphrase") as caught:
        file_store(tmp_path)
    assert "nothing was read or changed" in str(caught.value)
    assert (tmp_path / FILE_NAME).read_bytes() == before

    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    assert file_store(tmp_path).token(ACCOUNT) == "the-token"


def test_without_a_passphrase_or_a_terminal_it_says_how_to_give_one(
        tmp_path: Path, no_choice: None, cheap_kdf: None) -> None:
    def nobody(path: Path, creating: bool) -> str:
        raise EOFError("no terminal")

    with pytest.raises(KeyringChoiceError, match=PASSPHRASE_ENV):
        open_encrypted_file(tmp_path, ask=nobody)
    assert not (tmp_path / FILE_NAME).exists()


def test_the_prompt_is_asked_whether_the_file_is_new(
        tmp_path: Path, no_choice: None, cheap_kdf: None) -> None:
    asked: list[bool] = []

    def person(path: Path, creating: bool) -> str:
        asked.append(creating)
        return PASSPHRASE

    open_encrypted_file(tmp_path, ask=person).set_password("workdiary", "who", "secret")
    assert open_encrypted_file(tmp_path, ask=person).get_password("workdiary", "who") == "secret"
    assert asked == [True, False]


def test_a_new_file_needs_a_real_passphrase(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cheap_kdf: None) -> None:
    for weak, message in (("short", "at least 8"), ("   ", "empty")):
        monkeypatch.setenv(PASSPHRASE_ENV, weak)
        with pytest.raises(KeyringUnavailable, match=message):
            file_store(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_file_readable_by_others_is_made_owner_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cheap_kdf: None) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    file_store(tmp_path).put(ACCOUNT, "token", "t")
    (tmp_path / FILE_NAME).chmod(0o644)
    assert file_store(tmp_path).token(ACCOUNT) == "t"
    assert stat.S_IMODE((tmp_path / FILE_NAME).stat().st_mode) == 0o600


def test_the_choice_comes_from_the_environment_then_the_last_login(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_choice: None) -> None:
    assert keyring_choice(tmp_path) == "os"
    (tmp_path / "keyring-choice").write_text("file\n")
    assert keyring_choice(tmp_path) == "file"
    monkeypatch.setenv(KEYRING_ENV, "OS")
    assert keyring_choice(tmp_path) == "os"
    monkeypatch.setenv(KEYRING_ENV, "plaintext")
    with pytest.raises(KeyringChoiceError, match=r"'os'.*'file'"):
        keyring_choice(tmp_path)


@pytest.fixture
def detected_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Let keyring detect its backend afresh, as in a new process, and restore it after."""
    previous = keyring.get_keyring()
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "disabled:")  # no Secret Service here
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    yield
    keyring.core.init_backend()
    keyring.set_keyring(previous)


def test_the_os_choice_never_falls_back_to_a_file_keyring(
        tmp_path: Path, no_choice: None, detected_keyring: None) -> None:
    # Installed, keyrings.cryptfile offers its file backends to keyring's automatic choice.
    assert any(isinstance(b, CryptFileKeyring) for b in keyring.backend.get_all_keyring())
    with pytest.raises(KeyringUnavailable) as caught:
        KeyringSecretStore(directory=tmp_path)
    assert str(caught.value) == NO_KEYRING_HELP
    assert list(tmp_path.iterdir()) == []


def test_login_with_the_file_keyring_and_the_commands_after_it(
        live: Live, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], no_choice: None, cheap_kdf: None) -> None:
    fresh = tmp_path / "fresh"
    monkeypatch.setenv("WORKDIARY_DATA_DIR", str(fresh))
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    monkeypatch.setattr("sys.stdin", io.StringIO(live.password + "\n"))
    assert main(["login", live.server_url, "--email", "freelancer@demo.example",
                 "--password-stdin", "--keyring", "file"]) == 0
    out = capsys.readouterr().out
    assert f"{fresh / FILE_NAME}" in out and "less safe than the OS keyring" in out
    assert (fresh / "keyring-choice").read_text() == "file\n"
    assert stat.S_IMODE((fresh / "keyring-choice").stat().st_mode) == 0o600

    assert main(["contracts", "--json"]) == 0  # finds the token in the file by itself
    out_err = capsys.readouterr()
    assert live.contract_id in out_err.out and "offline" not in out_err.err
