"""Offers on the desktop over a real server on loopback: `workdiary contracts` lists them,
`workdiary accept|decline` print the policy in words and ask first; the sync pass's contract
refresh says a changed policy in words and hands the new version to the tracker."""

from __future__ import annotations

import argparse
import io
from typing import TYPE_CHECKING, Any

import pytest
import requests

from workdiary.cli.account import run_contracts
from workdiary.cli.main import CommandError
from workdiary.cli.offers import run_accept, run_decline
from workdiary.desktop.contract_sync import refresh_from
from workdiary.sync.api import ApiClient
from workdiary.sync.client import current_account

if TYPE_CHECKING:
    from tests.sync.conftest import Live


def client_call(live: Live, method: str, path: str, json: dict[str, Any] | None = None
                ) -> dict[str, Any]:
    token = ApiClient(live.server_url).create_token(live.client_email, live.password, "t").token
    response = requests.request(method, f"{live.server_url}/api/v1{path}", json=json,
                                headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert response.status_code < 300, response.text
    return dict(response.json())


def offer(live: Live, title: str) -> str:
    freelancer = current_account(live.store)
    assert freelancer is not None
    return str(client_call(live, "POST", "/contracts", {
        "freelancer_email": freelancer.email, "title": title, "rate": "30",
        "policy": {"segment_minutes": 5, "blur": True, "window_titles": True}})["id"])


def answer(run: Any, live: Live, contract_id: str, stdin: str, *, yes: bool = False) -> int:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(stdin))
        return int(run(argparse.Namespace(contract_id=contract_id, yes=yes),
                       secrets_factory=lambda: live.secrets))


def test_list_then_accept_after_reading_the_policy(
        live: Live, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = offer(live, "Redesign"), offer(live, "Audit")
    capsys.readouterr()
    assert run_contracts(argparse.Namespace(json=False), secrets_factory=lambda: live.secrets) == 0
    listed = capsys.readouterr().out
    assert f"{first}  OFFER: Redesign" in listed and f"workdiary accept {second}" in listed
    assert answer(run_accept, live, first, "n\n") == 1  # said no: nothing answered
    out = capsys.readouterr().out
    assert "5-minute segments" in out and "blurred on this computer" in out
    assert "window title are recorded" in out and "Nothing was answered." in out
    assert first not in {c.id for c in live.store.contracts()}
    assert answer(run_accept, live, first, "y\n") == 0
    assert "Accepted: Redesign is active" in capsys.readouterr().out
    assert first in {c.id for c in live.store.contracts()}  # cached for clocking in
    assert answer(run_decline, live, second, "", yes=True) == 0
    assert "Declined: Audit." in capsys.readouterr().out
    statuses = {c["id"]: c["status"] for c in
                requests.get(f"{live.server_url}/api/v1/contracts", timeout=10, headers={
                    "Authorization": "Bearer " + ApiClient(live.server_url).create_token(
                        live.client_email, live.password, "t").token}).json()}
    assert statuses[first] == "active" and statuses[second] == "declined"
    with pytest.raises(CommandError, match="no open offer"):
        answer(run_accept, live, second, "y\n")


def test_sync_refresh_says_a_changed_policy_in_words(live: Live) -> None:
    account = current_account(live.store)
    assert account is not None
    api = ApiClient(live.server_url, live.secrets.token(account))
    assert refresh_from(api, live.store).messages == []
    client_call(live, "PATCH", f"/contracts/{live.contract_id}",
                {"policy": {"segment_minutes": 5, "blur": True}})
    update = refresh_from(api, live.store)
    [message] = update.messages
    assert message.startswith("The client changed the tracking policy of")
    assert "segments of 5 minutes (were 10)" in message and "screenshots are blurred" in message
    cached = live.store.contract(live.contract_id)
    assert cached is not None and cached.policy.segment_minutes == 5
    assert refresh_from(api, live.store).messages == []  # told once
    client_call(live, "POST", f"/contracts/{live.contract_id}/pause")
    [stopped] = refresh_from(api, live.store).messages
    assert "no longer active" in stopped and live.store.contracts() == []
