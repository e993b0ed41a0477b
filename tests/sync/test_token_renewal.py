"""Finding 12, desktop: the sync renews the login before it expires and says so when it cannot."""

from __future__ import annotations

from datetime import timedelta

from workdiary.core.timegrid import isoformat_z
from workdiary.sync.report import format_report
from workdiary.sync.tokenrenewal import SETTING, known_expiry

DAY = 24 * 3600


def test_the_sync_renews_the_login_ahead_of_expiry(live) -> None:  # type: ignore[no-untyped-def]
    report = live.outbox().run_once()
    assert report.ok and report.token_notice is None
    first = known_expiry(live.store)
    assert first == live.clock.now().replace(microsecond=0) + timedelta(days=90)
    live.clock.advance(40 * DAY)  # 50 days left: not yet due
    live.outbox().run_once()
    assert known_expiry(live.store) == first
    live.clock.advance(25 * DAY)  # 25 days left: renewed
    assert live.outbox().run_once().ok
    assert known_expiry(live.store) == live.clock.now().replace(microsecond=0) + timedelta(
        days=90)


def test_it_says_so_when_it_cannot_renew(live) -> None:  # type: ignore[no-untyped-def]
    soon = live.clock.now() + timedelta(days=10)
    live.store.set_setting(SETTING, isoformat_z(soon))
    report = live.outbox("http://127.0.0.1:9", attempts=1).run_once()  # nothing listens there
    assert report.token_notice is not None
    assert "could not be renewed" in report.token_notice
    assert f"{soon:%Y-%m-%d}" in report.token_notice
    assert any(line.startswith("login: ") for line in format_report(report))
    live.store.set_setting(SETTING, isoformat_z(live.clock.now() - timedelta(days=1)))
    expired = live.outbox("http://127.0.0.1:9", attempts=1).run_once()
    assert expired.token_notice is not None and "workdiary login" in expired.token_notice
