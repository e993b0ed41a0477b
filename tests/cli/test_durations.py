"""`track --duration`: seconds or 90s / 3m / 1h / 1h30m, anything else a usage error."""

from __future__ import annotations

import pytest

from workdiary.cli.durations import MAX_SECONDS, parse_duration
from workdiary.cli.main import main


@pytest.mark.parametrize(("text", "seconds"), [
    ("90", 90), ("90s", 90), ("3m", 180), ("1h", 3600), ("1h30m", 5400), ("2.5m", 150),
    (" 1h 30m ", 5400), ("0.5", 0.5), ("1H", 3600), ("168h", MAX_SECONDS),
])
def test_durations_people_type(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "5d", "1h30", "1m2m", "-5", "1e400", "nan", "m"])
def test_anything_else_is_not_a_duration(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


@pytest.mark.parametrize(("text", "message"), [
    ("0", "more than zero"), ("0m", "more than zero"), ("169h", "at most a week"),
    ("9" * 400, "not a duration"),
])
def test_zero_and_huge_durations_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_duration(text)


def test_track_reports_a_bad_duration_with_its_own_usage(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["track", "c-1", "--duration", "5x"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert err.startswith("usage: workdiary track")
    assert "not a duration: '5x'" in err
