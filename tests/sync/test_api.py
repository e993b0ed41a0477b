"""The API client: URL policy, typed errors, timeouts, and never a truthiness test on responses."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

import pytest

from workdiary.sync.api import (
    ApiClient,
    AuthExpired,
    InsecureServerUrl,
    MalformedAnswer,
    Rejected,
    Transient,
    check_server_url,
)

if TYPE_CHECKING:
    from tests.sync.conftest import StubServer


@pytest.mark.parametrize("url", ["http://example.com", "http://10.0.0.5:8000", "http://[2001:db8::1]/"])
def test_plain_http_to_a_remote_host_is_refused(url: str) -> None:
    with pytest.raises(InsecureServerUrl, match="https"):
        check_server_url(url)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000"),
        ("http://localhost:9/api/v1", "http://localhost:9"),
        ("http://[::1]:80", "http://[::1]:80"),
        ("https://diary.example.com/base/", "https://diary.example.com/base"),
    ],
)
def test_https_and_loopback_http_are_accepted(url: str, expected: str) -> None:
    assert check_server_url(url) == expected


def test_not_a_url_is_refused() -> None:
    with pytest.raises(InsecureServerUrl, match="not a server address"):
        check_server_url("diary.example.com")


def test_401_is_auth_expired(stub: StubServer) -> None:
    stub.status, stub.body = 401, {"error": {"code": "unauthorized", "message": "bad token"}}
    with pytest.raises(AuthExpired, match="workdiary login"):
        ApiClient(stub.url, "tok").me()
    assert stub.requests[0][3]["Authorization"] == "Bearer tok"


def test_4xx_is_rejected_with_the_server_code(stub: StubServer) -> None:
    stub.status, stub.body = 409, {"error": {"code": "conflict", "message": "different body"}}
    with pytest.raises(Rejected) as caught:
        ApiClient(stub.url, "tok").delete_segment("abc")
    assert (caught.value.status, caught.value.code) == (409, "conflict")
    assert caught.value.server_message == "different body"


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_transient(stub: StubServer, status: int) -> None:
    stub.status, stub.body = status, {"error": {"code": "x", "message": "y"}}
    with pytest.raises(Transient):
        ApiClient(stub.url, "tok").put_screenshot("ab" * 32, b"jpeg")


def test_429_is_transient_with_retry_after(stub: StubServer) -> None:
    stub.status, stub.headers = 429, {"Retry-After": "7"}
    stub.body = {"error": {"code": "rate_limited", "message": "slow down"}}
    with pytest.raises(Transient) as caught:
        ApiClient(stub.url, "tok").contracts()
    assert caught.value.retry_after == 7.0


def test_a_falsy_error_response_is_still_an_error(stub: StubServer) -> None:
    # A 404 Response is falsy (Response.__bool__ is .ok); the client must not treat that as
    # "no response" and swallow the error.
    stub.status, stub.body = 404, {"error": {"code": "not_found", "message": "no such segment"}}
    with pytest.raises(Rejected, match="no such segment"):
        ApiClient(stub.url, "tok").delete_segment("gone")


def test_connection_refused_is_transient() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(Transient, match="cannot reach"):
        ApiClient(f"http://127.0.0.1:{port}").me()


def test_post_segments_parses_verdicts_and_per_record_errors(stub: StubServer) -> None:
    stub.body = {"segments": [
        {"id": "a", "status": "protected", "billable_minutes": 10, "reasons": []},
        {"id": "b", "error": {"code": "conflict", "message": "different body"}},
    ]}
    verdicts = ApiClient(stub.url, "tok").post_segments([{"id": "a"}, {"id": "b"}])
    assert verdicts[0].status == "protected" and verdicts[0].billable_minutes == 10
    assert verdicts[1].error_code == "conflict" and verdicts[1].status is None


def test_answers_are_typed_as_the_server_sends_them(stub: StubServer) -> None:
    stub.body = {"token": "t-1", "user": {"id": "u-1", "email": "f@example.org",
                                          "name": "Fred", "role": "freelancer"}}
    answer = ApiClient(stub.url).create_token("f@example.org", "pw", "laptop")
    assert answer.token == "t-1" and answer.user.name == "Fred"
    stub.body = {"device_id": "dev-12345678", "name": "laptop", "public_key": "k",
                 "revoked": False, "created_at": "2026-03-04T09:00:00Z"}
    assert ApiClient(stub.url, "t").register_device("laptop", "k", "dev-12345678") == (
        "dev-12345678")
    policy = {"segment_minutes": 10, "screenshots_per_segment": 3, "capture": "all",
              "blur": False, "allow_redaction": True, "allow_manual": False,
              "window_titles": False, "idle_minutes": 5}
    stub.body = [{"id": "c-1", "title": "Build", "client_id": "u-2", "freelancer_id": "u-1",
                  "client_name": "Cleo", "freelancer_name": "Fred", "role": "freelancer",
                  "rate_cents": 2500, "currency": "EUR", "weekly_limit_minutes": None,
                  "status": "active", "policy": policy, "week_start": "2026-03-02",
                  "week_minutes": 25, "invited_email": None, "policy_version": 3,
                  "next_terms": None}]
    [info] = ApiClient(stub.url, "t").contracts()
    assert info.role == "freelancer" and info.week_minutes == 25 and info.policy_version == 3
    assert info.contract.id == "c-1" and info.contract.policy.segment_minutes == 10


@pytest.mark.parametrize(("call", "body"), [
    ("login", {"access_token": "t-1"}),  # another field name for the token
    ("device", {"id": "dev-12345678"}),  # "id" instead of "device_id"
    ("contracts", {"contracts": []}),  # a wrapper object instead of the list
    ("upload", {"results": [{"id": "a", "status": "protected", "billable_minutes": 1,
                             "reasons": []}]}),  # "results" instead of "segments"
])
def test_other_field_names_are_a_malformed_answer_not_a_guess(
    stub: StubServer, call: str, body: object
) -> None:
    stub.body = body
    client = ApiClient(stub.url, "t")
    calls = {
        "login": lambda: client.create_token("f@example.org", "pw", "laptop"),
        "device": lambda: client.register_device("laptop", "k", "dev-12345678"),
        "contracts": client.contracts,
        "upload": lambda: client.post_segments([{"id": "a"}]),
    }
    with pytest.raises(MalformedAnswer, match="same version"):
        calls[call]()
