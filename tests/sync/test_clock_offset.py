"""Finding 6, desktop side: a `future` verdict keeps the segment queued, and the user is told
how this computer's clock compares with the server's (its ``Date`` header)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from workdiary.core.clock import FakeClock, SystemClock
from workdiary.core.timegrid import floor_minute
from workdiary.store import LocalStore
from workdiary.sync.api import ApiClient
from workdiary.sync.client import current_account
from workdiary.sync.clockcheck import future_message, parse_http_date
from workdiary.sync.device import make_signer
from workdiary.sync.outbox import Outbox, OutboxConfig
from workdiary.sync.report import format_report
from workdiary.sync.retry import RetryPolicy
from workdiary.sync.secrets import MemorySecretStore
from workdiary.testing.images import noisy_jpeg
from workdiary.testing.recording import record_segment

AHEAD = timedelta(minutes=10)


@pytest.fixture
def fast_desktop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                 login: Any) -> Iterator[tuple[LocalStore, Outbox, FakeClock]]:
    """A real server on the real clock; a desktop whose clock runs 10 minutes ahead."""
    import random

    from workdiary.cli.embedded import EmbeddedServer, seed_demo
    from workdiary.config import database_path

    monkeypatch.setenv("WORKDIARY_DATA_DIR", str(tmp_path / "client"))
    desktop_clock = FakeClock(datetime.now(UTC) + AHEAD)
    with EmbeddedServer(tmp_path / "server", clock=SystemClock()) as server:
        accounts = seed_demo(server)
        secrets = MemorySecretStore()
        login(server.url, accounts.freelancer_email, accounts.password, secrets, monkeypatch)
        store = LocalStore(database_path(tmp_path / "client"), desktop_clock)
        account = current_account(store)
        assert account is not None
        start = floor_minute(desktop_clock.now()) - timedelta(minutes=1)
        record_segment(store, accounts.contract_id, start, 1, jpeg=noisy_jpeg(random.Random(3),
                       3_000), signer=make_signer(secrets, account), clock=desktop_clock)
        api = ApiClient(server.url, secrets.token(account), timeout=(2.0, 10.0))
        config = OutboxConfig(grace_seconds=0, retry=RetryPolicy(attempts=2, base=0.01,
                                                                 cap=0.01))
        yield store, Outbox(store, api, make_signer(secrets, account), desktop_clock,
                            config), desktop_clock
        store.close()


def test_a_future_verdict_keeps_the_segment_queued_and_names_the_clock_offset(
        fast_desktop: tuple[LocalStore, Outbox, FakeClock]) -> None:
    store, outbox, _ = fast_desktop
    report = outbox.run_once(flush=True)
    assert len(report.too_early) == 1 and report.verdicts == []
    assert report.clock_warning is not None
    assert "ahead of the server's" in report.clock_warning
    assert "9 min" in report.clock_warning or "10 min" in report.clock_warning
    assert store.pending_count() == 1  # still queued: the next sync sends it again
    assert any("not accepted yet" in line for line in format_report(report))
    assert outbox.run_once(flush=True).too_early == report.too_early  # sent again, judged again


def test_the_message_without_and_within_tolerance() -> None:
    now = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
    assert "sent no time" in future_message(now, None)
    assert "agrees" in future_message(now, now - timedelta(seconds=20))
    behind = future_message(now, now + timedelta(hours=3, minutes=5))
    assert "3 h 5 min behind" in behind
    assert parse_http_date("Wed, 18 Nov 2026 12:00:00 GMT") == now
    assert parse_http_date("not a date") is None
