"""`workdiary login | logout | contracts | sync` and the sync part of `status`, end to end."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import keyring
import pytest
from keyring.backends import fail

from workdiary.cli.account import run_contracts, run_logout, run_sync
from workdiary.cli.main import CommandError, main
from workdiary.sync.api import ApiClient, AuthExpired
from workdiary.sync.client import current_account
from workdiary.sync.secrets import MemorySecretStore
from workdiary.sync.status import sync_status
from workdiary.testing.recording import record_segment

if TYPE_CHECKING:
    from tests.sync.conftest import Live


def factory(live: Live) -> Any:
    return lambda: live.secrets


def test_login_refuses_plain_http_to_a_remote_host(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["login", "http://diary.example.com", "--email", "a@b.c", "--password-stdin"])
    assert code == 1
    assert "refusing plain http to diary.example.com" in capsys.readouterr().err


def test_login_without_a_keyring_says_what_to_install(
        live: Live, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    monkeypatch.setenv("WORKDIARY_DATA_DIR", str(fresh))
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        code = main(["login", live.server_url, "--email", "a@b.c", "--password-stdin"])
    finally:
        keyring.set_keyring(previous)
    err = capsys.readouterr().err
    assert code == 1 and "gnome-keyring" in err and "Nothing was written" in err
    assert "--keyring file" in err and "docs/quickstart.md" in err
    assert list(fresh.iterdir()) == []  # not even the local database


def test_login_to_a_dead_server_says_so_even_without_a_keyring(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WORKDIARY_DATA_DIR", str(tmp_path))
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        code = main(["login", "http://127.0.0.1:9", "--email", "a@b.c", "--password-stdin"])
    finally:
        keyring.set_keyring(previous)
    err = capsys.readouterr().err
    assert code == 1
    assert "cannot reach the server at http://127.0.0.1:9" in err
    assert "keyring" not in err
    assert list(tmp_path.iterdir()) == []


def test_login_to_something_that_is_not_a_workdiary_server(
        stub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WORKDIARY_DATA_DIR", str(tmp_path))
    stub.status, stub.body = 404, {"detail": "Not Found"}
    assert main(["login", stub.url, "--email", "a@b.c", "--password-stdin"]) == 1
    assert "does not answer like a workdiary server" in capsys.readouterr().err


def test_wrong_password_is_a_clear_error(live: Live, login: Any,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CommandError, match="wrong email or password"):
        login(live.server_url, "freelancer@demo.example", "not the password",
              MemorySecretStore(), monkeypatch)


def test_contracts_refresh_online_and_fall_back_to_the_cache_offline(
        live: Live, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    capsys.readouterr()
    assert run_contracts(argparse.Namespace(json=True), secrets_factory=factory(live)) == 0
    out = capsys.readouterr()
    assert [c["id"] for c in json.loads(out.out)] == [live.contract_id] and out.err == ""
    live.store.set_setting("server_url", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setattr(live.secrets, "token", lambda account: "tok")
    assert run_contracts(argparse.Namespace(json=False), secrets_factory=factory(live)) == 0
    out = capsys.readouterr()
    assert "offline" in out.err and "cached" in out.err
    assert live.contract_id in out.out and "10-minute segments" in out.out


def test_sync_command_prints_verdicts_and_status_shows_the_state(
        live: Live, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKDIARY_SYNC_GRACE_SECONDS", "0")
    for _ in range(3):
        record_segment(live.store, live.contract_id, live.clock.now(), 10, jpeg=None,
                       signer=live.signer(), clock=live.clock)  # type: ignore[arg-type]
    live.clock.advance(5)
    capsys.readouterr()
    args = argparse.Namespace(watch=False, json=False, now=False)
    # The CLI runs on the system clock, after the fake week: everything is due.
    assert run_sync(args, secrets_factory=factory(live)) == 0
    out = capsys.readouterr().out
    assert "uploaded 3 segment(s): 3 unprotected" in out
    assert "no_screenshot" in out and "nothing left to upload" in out
    assert live.store.get_setting("last_sync_at") is not None


def test_sync_without_login_is_a_clear_error(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKDIARY_DATA_DIR", str(tmp_path))
    with pytest.raises(CommandError, match="workdiary login"):
        run_sync(argparse.Namespace(watch=False, json=False, now=False),
                 secrets_factory=MemorySecretStore)


def test_sync_without_login_says_so_before_asking_the_keyring(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKDIARY_DATA_DIR", str(tmp_path))

    def no_keyring() -> MemorySecretStore:
        raise AssertionError("the keyring must not be opened when nobody is logged in")

    with pytest.raises(CommandError, match="not logged in to a server"):
        run_sync(argparse.Namespace(watch=False, json=False, now=False), secrets_factory=no_keyring)


def test_expired_token_pauses_until_login_again(live: Live, login: Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    account = current_account(live.store)
    assert account is not None
    ApiClient(live.server_url, live.secrets.token(account)).delete_token()  # revoked elsewhere
    record_segment(live.store, live.contract_id, live.clock.now(), 10, jpeg=None,
                   signer=live.signer(), clock=live.clock)  # type: ignore[arg-type]
    live.clock.advance(5)
    report = live.outbox().run_once()
    assert report.paused is not None and live.store.get_setting("auth_state") == "expired"
    assert live.store.pending_count() == 1
    login(live.server_url, "freelancer@demo.example", live.password, live.secrets, monkeypatch)
    report = live.outbox().run_once()
    assert report.ok and len(report.verdicts) == 1  # same device key: still valid
    assert "bad_signature" not in report.verdicts[0].reasons


def test_logout_revokes_the_token_and_login_again_continues_the_chain(
        live: Live, capsys: pytest.CaptureFixture[str], login: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    account = current_account(live.store)
    assert account is not None
    token = live.secrets.token(account)
    key = live.secrets.private_key(account)
    assert run_logout(argparse.Namespace(), secrets_factory=factory(live)) == 0
    assert live.secrets.token(account) is None
    assert live.secrets.private_key(account) == key  # the device identity stays
    with pytest.raises(AuthExpired):
        ApiClient(live.server_url, token).me()
    assert "Logged out" in capsys.readouterr().out
    assert run_contracts(argparse.Namespace(json=False), secrets_factory=factory(live)) == 0
    assert "logged out" in capsys.readouterr().err
    status = sync_status(live.store, live.clock.now())
    assert status["auth_state"] == "logged_out" and "logged out" in status["warnings"][0]
    with pytest.raises(CommandError, match="workdiary login"):
        run_sync(argparse.Namespace(watch=False, json=False, now=False),
                 secrets_factory=factory(live))
    record_segment(live.store, live.contract_id, live.clock.now(), 10, jpeg=None,
                   signer=None, clock=live.clock)  # recorded while logged out: unsigned
    live.clock.advance(5)
    login(live.server_url, "freelancer@demo.example", live.password, live.secrets, monkeypatch)
    report = live.outbox().run_once()
    assert report.ok and len(report.verdicts) == 1
    assert not {"bad_signature", "chain_break", "unknown_device"} & set(report.verdicts[0].reasons)


def test_a_lost_device_key_gets_a_new_device_id_and_chain(
        live: Live, login: Any, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    account = current_account(live.store)
    assert account is not None
    old_id = live.store.device_id()
    live.secrets.clear(account)  # the keyring was wiped
    login(live.server_url, "freelancer@demo.example", live.password, live.secrets, monkeypatch)
    assert live.store.device_id() != old_id
    assert "new chain" in capsys.readouterr().err
    record_segment(live.store, live.contract_id, live.clock.now(), 10, jpeg=None,
                   signer=live.signer(), clock=live.clock)  # type: ignore[arg-type]
    live.clock.advance(5)
    report = live.outbox().run_once()
    assert report.ok and len(report.verdicts) == 1
    assert not {"bad_signature", "chain_break", "unknown_device"} & set(report.verdicts[0].reasons)
