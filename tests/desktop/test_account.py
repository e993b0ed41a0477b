"""The account use cases return values and raise AccountError; none prints. The server-side
paths run against a real server in tests/sync/test_cli_account.py; these are the local ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from workdiary.core.clock import FakeClock
from workdiary.core.model import Contract
from workdiary.desktop.account import (
    AccountError,
    log_in_to,
    log_out,
    refresh_contracts,
)
from workdiary.store import LocalStore
from workdiary.sync.client import AUTH_STATE, SERVER_URL, USER_EMAIL
from workdiary.sync.secrets import MemorySecretStore, SecretStore


def no_keyring() -> SecretStore:
    raise AssertionError("the keyring must not be opened when nobody is logged in")


@pytest.fixture
def store(tmp_path: Path, fake_clock: FakeClock,
          make_contract: Callable[..., Contract]) -> LocalStore:
    opened = LocalStore(tmp_path / "workdiary.sqlite3", clock=fake_clock)
    opened.replace_contracts([make_contract("c-1")])
    return opened


def test_refresh_without_login_shows_the_cache_and_says_why(store: LocalStore) -> None:
    refreshed = refresh_contracts(store, no_keyring)
    assert [c.id for c in refreshed.contracts] == ["c-1"]
    assert refreshed.note == "not logged in: showing the cached contracts"
    store.set_setting(SERVER_URL, "https://diary.example.org")
    store.set_setting(USER_EMAIL, "fred@example.org")
    store.set_setting(AUTH_STATE, "logged_out")
    refreshed = refresh_contracts(store, no_keyring)
    assert refreshed.note is not None and refreshed.note.startswith("logged out")
    store.close()


def test_log_out_without_login_touches_nothing(store: LocalStore) -> None:
    outcome = log_out(store, no_keyring)
    assert outcome.server_url is None and outcome.pending == 0
    store.close()


def test_log_in_errors_are_sentences(store: LocalStore) -> None:
    with pytest.raises(AccountError, match="no system keyring"):
        log_in_to("https://diary.example.org", store, None, "a@b.c", "pw")
    with pytest.raises(AccountError, match="not a server address"):
        log_in_to("diary.example.org", store, MemorySecretStore(), "a@b.c", "pw")
    store.close()
