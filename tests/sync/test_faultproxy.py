"""The fault-injecting proxy itself: each mode does what the fault tests rely on."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from workdiary.sync.api import ApiClient, Transient
from workdiary.testing.faultproxy import FaultProxy

if TYPE_CHECKING:
    from tests.sync.conftest import StubServer


def client(proxy: FaultProxy) -> ApiClient:
    return ApiClient(proxy.url, "tok", timeout=(1.0, 0.5))


def test_pass_relays_the_answer(stub: StubServer) -> None:
    stub.body = {"id": 1}
    with FaultProxy(stub.port) as proxy:
        assert client(proxy).me() == {"id": 1}
        assert client(proxy).me() == {"id": 1}
    assert len(stub.requests) == 2


@pytest.mark.parametrize(("mode", "reaches_server"),
                         [("error500", False), ("hang", False), ("reset", False), ("drop", True)])
def test_faults_are_transient_errors(stub: StubServer, mode: str, reaches_server: bool) -> None:
    with FaultProxy(stub.port, mode=mode) as proxy:
        with pytest.raises(Transient):
            client(proxy).me()
        assert proxy.stats.faults == 1
    assert len(stub.requests) == (1 if reaches_server else 0)


def test_every_nth_request_fails(stub: StubServer) -> None:
    with FaultProxy(stub.port, mode="error500", every_nth=3) as proxy:
        outcomes = []
        for _ in range(6):
            try:
                client(proxy).me()
                outcomes.append("ok")
            except Transient:
                outcomes.append("fail")
    assert outcomes == ["ok", "ok", "fail", "ok", "ok", "fail"]
