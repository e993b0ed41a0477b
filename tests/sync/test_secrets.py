"""Secret stores: one contract run against the in-memory store and the keyring store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.core
import keyring.errors
import pytest
from keyring.backends import fail

from workdiary.sync.secrets import (
    Account,
    KeyringSecretStore,
    KeyringUnavailable,
    MemorySecretStore,
    SecretStore,
)
from workdiary.testing.keyrings import MemoryKeyring

ACCOUNT = Account("http://127.0.0.1:8000", "fl@example.com")
OTHER = Account("https://diary.example.com", "fl@example.com")


class LockedKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("collection is locked")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(params=["memory", "keyring"])
def store(request: pytest.FixtureRequest, memory_keyring: MemoryKeyring) -> SecretStore:
    return MemorySecretStore() if request.param == "memory" else KeyringSecretStore()


def test_token_and_key_round_trip_per_account(store: SecretStore) -> None:
    store.put(ACCOUNT, "token", "t1")
    store.put(ACCOUNT, "device-key", "k1")
    store.put(OTHER, "token", "t2")
    assert (store.token(ACCOUNT), store.private_key(ACCOUNT)) == ("t1", "k1")
    assert (store.token(OTHER), store.private_key(OTHER)) == ("t2", None)


def test_clear_removes_both_and_tolerates_missing(store: SecretStore) -> None:
    store.put(ACCOUNT, "token", "t1")
    store.clear(ACCOUNT)
    store.clear(ACCOUNT)
    assert store.token(ACCOUNT) is None and store.private_key(ACCOUNT) is None


def test_keyring_store_writes_to_the_installed_backend(memory_keyring: MemoryKeyring) -> None:
    KeyringSecretStore().put(ACCOUNT, "token", "secret-token")
    assert list(memory_keyring.values.values()) == ["secret-token"]


def test_no_keyring_is_a_clear_error_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(KeyringUnavailable, match="gnome-keyring") as caught:
        KeyringSecretStore(fail.Keyring())
    assert "Nothing was written" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_a_keyring_backend_that_cannot_load_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "no_such_module.Keyring")
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    with pytest.raises(KeyringUnavailable, match="PYTHON_KEYRING_BACKEND=no_such_module") as caught:
        KeyringSecretStore()
    assert "Nothing was written" in str(caught.value)


def test_a_locked_keyring_says_to_unlock_it() -> None:
    store = KeyringSecretStore(LockedKeyring())
    with pytest.raises(KeyringUnavailable, match="locked"):
        store.put(ACCOUNT, "token", "t")


def test_a_plaintext_backend_is_refused() -> None:
    class PlaintextKeyring(MemoryKeyring):
        pass

    with pytest.raises(KeyringUnavailable, match="plain file"):
        KeyringSecretStore(PlaintextKeyring())
