"""The tray app's formats follow its language (Babel): money in the contract's currency with
that currency's decimals, numbers, days, times in the desktop's zone, durations."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from babel import Locale

from workdiary.desktop import formatting, i18n

EN, ES = Locale.parse("en"), Locale.parse("es")
NBSP = "\xa0"


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.reset()


def test_money_in_any_currency() -> None:
    assert formatting.money(2500, "USD", EN) == "$25.00"
    assert formatting.money(2500, "USD", ES) == f"25,00{NBSP}US$"
    assert formatting.money(123456, "EUR", ES) == f"1.234,56{NBSP}€"
    assert formatting.money(150000, "JPY", EN) == "¥1,500"  # no decimals in yen
    assert formatting.money(1000, "KWD", EN).endswith("10.000")  # three in dinars


def test_the_installed_language_is_the_default() -> None:
    assert formatting.money(2500, "USD") == "$25.00"
    i18n.install(lambda context, text: text, "es")
    assert formatting.money(2500, "USD") == f"25,00{NBSP}US$"
    assert formatting.number(1.5) == "1,5"
    assert formatting.long_day(date(2026, 3, 4)) == "miércoles, 4 de marzo de 2026"
    i18n.install(lambda context, text: text, "qq")  # unknown to CLDR: English conventions
    assert formatting.number(1.5) == "1.5"


def test_days_times_and_durations() -> None:
    assert formatting.long_day(date(2026, 3, 4), EN) == "Wednesday, March 4, 2026"
    moment = datetime(2026, 3, 4, 9, 3, 27, tzinfo=UTC)
    berlin = ZoneInfo("Europe/Berlin")
    assert formatting.clock_time(moment, berlin, EN) == "10:03"  # 24-hour in every language
    assert formatting.clock_time(moment, berlin, ES, seconds=True) == "10:03:27"
    later = datetime(2026, 3, 4, 9, 13, tzinfo=UTC)
    assert formatting.time_span(moment, later, berlin, ES) == "10:03–10:13"
    assert formatting.duration(425, EN) == "7 hr 5 min"
    assert formatting.duration(425, ES) == "7 h 5 min"
    assert formatting.duration(0, ES) == "0 min"
    assert formatting.hours_minutes(65) == "1:05"
