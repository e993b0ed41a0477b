"""`workdiary login` pins the server's evidence key (owner-only, per server) and a later login
that sees another key stops loudly instead of replacing it; against a real loopback server."""

from __future__ import annotations

import argparse
import io
import json
import stat
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from workdiary.cli import account
from workdiary.cli.main import CommandError
from workdiary.cli.tracking import _pinned_key_status
from workdiary.core.signing import generate_private_key, key_id, public_key_of
from workdiary.sync.api import ApiClient
from workdiary.sync.serverkeys import (
    PinnedKey,
    PinsUnreadable,
    pinned_key,
    pins_path,
    read_pins,
    save_pin,
)

if TYPE_CHECKING:
    from tests.sync.conftest import Live


def log_in_again(live: Live, monkeypatch: pytest.MonkeyPatch, **flags: bool) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(live.password + "\n"))
    account.run_login(argparse.Namespace(server_url=live.server_url,
                                         email="freelancer@demo.example", password_stdin=True,
                                         **flags),
                      secrets_factory=lambda: live.secrets)


def served_key(live: Live) -> str:
    return str(ApiClient(live.server_url).server_key()["public_key"])


def test_login_pins_the_servers_key_in_an_owner_only_file(live: Live, tmp_path: Path) -> None:
    path = pins_path(tmp_path / "client")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    pin = pinned_key(path, live.server_url + "/")  # the URL as the manifest may spell it
    assert pin is not None and pin.public_key == served_key(live)
    assert pin.key_id == key_id(pin.public_key) and pin.server_url == live.server_url
    assert json.loads(path.read_text())["servers"][live.server_url]["key_id"] == pin.key_id
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".server-keys-")] == []
    line, shown = _pinned_key_status(tmp_path / "client", live.server_url)
    assert line == f"server evidence key: {pin.key_id}, pinned at login on {pin.pinned_on}"
    assert shown is not None and shown["public_key"] == pin.public_key


def test_a_changed_server_key_stops_the_login_until_accepted(
        live: Live, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = pins_path(tmp_path / "client")
    old = public_key_of(generate_private_key())  # what the server had before a reset
    save_pin(path, PinnedKey(live.server_url, old, key_id(old), "2026-01-05T10:00:00Z"))
    before = path.read_bytes()
    new = served_key(live)
    with pytest.raises(CommandError) as refused:
        log_in_again(live, monkeypatch)
    message = str(refused.value)
    assert message.startswith(f"WARNING: the server at {live.server_url} now signs evidence "
                              f"with key {key_id(new)}, but this computer pinned its key "
                              f"{key_id(old)} at login on 2026-01-05.")
    assert "someone is pretending to be that server" in message
    assert "--accept-new-server-key" in message and f"--server-key {old}" in message
    assert path.read_bytes() == before  # not replaced
    capsys.readouterr()
    log_in_again(live, monkeypatch, accept_new_server_key=True)
    out = capsys.readouterr()
    assert f"evidence key {key_id(new)} is pinned" in out.out
    assert f"changed from {key_id(old)} (pinned on 2026-01-05) to {key_id(new)}" in out.err
    pin = pinned_key(path, live.server_url)
    assert pin is not None and pin.public_key == new
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    log_in_again(live, monkeypatch)  # the same key again: nothing to say
    assert "changed" not in capsys.readouterr().err


def test_pins_of_other_servers_stay_and_damage_is_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "server-keys.json"
    assert read_pins(path) == {}
    one, two = (public_key_of(generate_private_key()) for _ in range(2))
    save_pin(path, PinnedKey("https://a.example", one, key_id(one), "2026-01-01T00:00:00Z"))
    save_pin(path, PinnedKey("https://b.example", two, key_id(two), "2026-01-02T00:00:00Z"))
    assert {url: p.public_key for url, p in read_pins(path).items()} == {
        "https://a.example": one, "https://b.example": two}
    assert pinned_key(path, "http://a.example") is None  # not an address a login takes
    path.write_text('{"servers": {"https://a.example": {"public_key": "nope"}}}')
    with pytest.raises(PinsUnreadable, match="are damaged"):
        read_pins(path)
    line, shown = _pinned_key_status(tmp_path, "https://a.example")
    assert "are damaged" in line and shown is None
