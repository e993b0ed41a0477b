"""Manual time refusals in the tray's language: every code core/manual.py refuses with has a
sentence, in English and Spanish, with times in the user's zone (the CLI keeps the core's
English sentence)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from workdiary.core.manual import ManualTimeError, plan_manual
from workdiary.core.model import Contract, Policy
from workdiary.desktop import i18n
from workdiary.desktop.manual_refusals import _SENTENCES, refusal_text

ROOT = Path(__file__).resolve().parents[2]
MADRID = ZoneInfo("Europe/Madrid")
NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # Wednesday
CONTRACT = Contract(id="c-1", title="Importer", client_name="C", freelancer_name="F",
                    rate_cents=3000, policy=Policy(segment_minutes=10, allow_manual=True))


def at(hour: int, minute: int = 0) -> datetime:
    return NOW.replace(hour=hour, minute=minute)


# (contract, start, end, taken): one case of each refusal plan_manual makes.
CASES = [
    (replace(CONTRACT, policy=Policy(allow_manual=False)), at(9), at(10), ()),
    (replace(CONTRACT, status="paused"), at(9), at(10), ()),
    (CONTRACT, at(10), at(9), ()),
    (CONTRACT, at(11, 30), at(12, 30), ()),
    (CONTRACT, at(9), at(9) + timedelta(seconds=40), ()),
    (CONTRACT, at(9) - timedelta(days=2), at(11), ()),
    (CONTRACT, at(9) - timedelta(days=7), at(10) - timedelta(days=7), ()),
    (CONTRACT, at(9), at(10), ((at(9, 50), at(10, 1)),)),
]


def refusal(case: tuple[Contract, datetime, datetime, tuple[tuple[datetime, datetime], ...]],
            **more: object) -> ManualTimeError:
    contract, start, end, taken = case
    with pytest.raises(ManualTimeError) as refused:
        plan_manual(contract, start, end, now=NOW, taken=taken, **more)  # type: ignore[arg-type]
    return refused.value


def codes_raised() -> set[str]:
    """Every ``code=`` a ManualTimeError is raised with, read from the source."""
    found: set[str] = set()
    for path in (ROOT / "workdiary/core/manual.py", ROOT / "workdiary/desktop/manual.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "ManualTimeError":
                found |= {k.value.value for k in node.keywords
                          if k.arg == "code" and isinstance(k.value, ast.Constant)}
    return found


def test_every_code_has_a_sentence() -> None:
    # "unknown_contract" is translated where it is raised (desktop/manual.py).
    assert codes_raised() - {"unknown_contract"} == set(_SENTENCES)


@pytest.mark.parametrize("case", CASES)
def test_each_refusal_reads_as_a_sentence(case: tuple) -> None:  # type: ignore[type-arg]
    error = refusal(case)
    text = refusal_text(error, MADRID)
    assert text != str(error) and text.endswith(".") and "{" not in text
    assert "T" not in text.replace("The", "").replace("Time", "")  # no ISO stamps


@pytest.fixture
def spanish() -> Iterator[None]:
    """Spanish conventions and one catalog entry, as the ui's translator would give them."""
    catalog = {
        "Manual time cannot be in the future: it ends at {end}, and it is {now} now.":
            "El tiempo manual no puede estar en el futuro: termina el {end} y ahora es {now}.",
    }
    i18n.install(lambda context, text: catalog.get(text, text), "es")
    yield
    i18n.reset()


def test_times_are_in_the_users_zone_and_language(spanish: None) -> None:
    error = refusal(CASES[3])
    # It ends 12:30 UTC, 13:30 in Madrid; now is 12:00 UTC, 13:00 in Madrid.
    assert refusal_text(error, MADRID) == ("El tiempo manual no puede estar en el futuro: "
                                           "termina el 18 nov, 13:30 y ahora es 18 nov, 13:00.")
    # The command line's sentence stays the core's English one.
    assert str(error).startswith("manual time cannot be in the future (it ends at 2026-11-18T12:30")


def test_the_weekly_limit_in_hours_minutes_seconds() -> None:
    limited = (replace(CONTRACT, weekly_limit_minutes=120), at(9), at(10), ())
    monday = datetime(2026, 11, 16, tzinfo=UTC)
    error = refusal(limited, week_seconds={monday: 60 * 60 + 1})
    assert refusal_text(error, MADRID) == (
        "The weekly limit is 2 hr; the week of Nov 16 already has 1:00:01 (h:mm:ss), so "
        "1:00:00 more does not fit.")
