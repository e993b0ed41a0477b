"""Mistyped command lines get the sub-command's own usage, and unknown names are named."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from workdiary.cli.main import main
from workdiary.config import database_path
from workdiary.core.model import Contract
from workdiary.store import LocalStore


@pytest.mark.parametrize(("argv", "usage"), [
    (["status", "--bogus"], "usage: workdiary status"),
    (["diary", "--bogus", "x"], "usage: workdiary diary"),
    (["server", "run", "--bogus"], "usage: workdiary server run"),
    (["--bogus"], "usage: workdiary [-h]"),
])
def test_an_unknown_option_shows_that_commands_usage(
        argv: list[str], usage: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert err.startswith(usage)
    unknown = " ".join(a for a in argv if a.startswith("--b") or a == "x")
    assert f"unrecognized arguments: {unknown}" in err


def test_diary_names_an_unknown_contract(
        data_dir: Path, make_contract: Callable[..., Contract],
        capsys: pytest.CaptureFixture[str]) -> None:
    with LocalStore(database_path(data_dir)) as store:
        store.replace_contracts([make_contract("c-1")])
    assert main(["diary", "--contract", "nope"]) == 1
    err = capsys.readouterr().err
    assert "unknown contract 'nope'" in err and "workdiary contracts" in err

    assert main(["diary", "--contract", "c-1"]) == 0  # known, nothing recorded today: no error
    out = capsys.readouterr()
    assert out.err == "" and "Total: 0 h 00 min" in out.out
