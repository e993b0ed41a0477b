"""`workdiary server ...` commands, in-process and (once) in a subprocess."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workdiary.cli.main import main


@pytest.fixture
def server_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "srv"
    monkeypatch.setenv("WORKDIARY_SERVER_DATA_DIR", str(folder))
    monkeypatch.delenv("WORKDIARY_DATABASE_URL", raising=False)
    return folder


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str,
        stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_users_and_a_contract(server_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(monkeypatch, capsys, "server", "add-user", "--email", "c@x.io",
                       "--name", "Cleo", "--role", "client", "--password-stdin", "--json",
                       stdin="client password\n")
    assert code == 0
    client = json.loads(out)
    assert client["email"] == "c@x.io" and client["role"] == "client" and client["id"]
    code, out, _ = run(monkeypatch, capsys, "server", "add-user", "--email", "f@x.io",
                       "--name", "Finn", "--role", "freelancer", "--password-stdin",
                       stdin="freelancer pw\n")
    assert code == 0 and "created freelancer f@x.io" in out
    code, out, _ = run(monkeypatch, capsys, "server", "add-contract", "--client", "c@x.io",
                       "--freelancer", "f@x.io", "--title", "Site", "--rate", "25.50",
                       "--weekly-limit-hours", "12.5", "--segment-minutes", "5",
                       "--screenshots-per-segment", "2", "--capture", "active", "--blur",
                       "--allow-manual", "--window-titles", "--idle-minutes", "7", "--json")
    assert code == 0
    contract = json.loads(out)
    assert contract["rate_cents"] == 2550 and contract["weekly_limit_minutes"] == 750
    assert contract["policy"] == {
        "segment_minutes": 5, "screenshots_per_segment": 2, "capture": "active", "blur": True,
        "allow_redaction": True, "allow_manual": True, "window_titles": True, "idle_minutes": 7}
    code, out, _ = run(monkeypatch, capsys, "server", "add-contract", "--client", "c@x.io",
                       "--freelancer", "f@x.io", "--title", "Plain", "--rate", "10")
    assert code == 0 and len(out.strip()) == 32  # just the id


@pytest.mark.parametrize(("argv", "stdin", "message"), [
    (["add-user", "--email", "x@x.io", "--name", "X", "--role", "client", "--password-stdin"],
     "\n", "password is empty"),
    (["add-user", "--email", "x@x.io", "--name", "X", "--role", "client", "--password-stdin"],
     "short\n", "at least 8"),
    (["add-user", "--email", "nope", "--name", "X", "--role", "client", "--password-stdin"],
     "long enough pw\n", "not an email"),
    (["add-contract", "--client", "a@x.io", "--freelancer", "b@x.io", "--title", "T",
      "--rate", "25.001"], "", "at most two decimals"),
    (["add-contract", "--client", "a@x.io", "--freelancer", "b@x.io", "--title", "T",
      "--rate", "lots"], "", "not a number"),
    (["add-contract", "--client", "a@x.io", "--freelancer", "b@x.io", "--title", "T",
      "--rate", "25"], "", "No client with email a@x.io"),
    (["add-contract", "--client", "a@x.io", "--freelancer", "b@x.io", "--title", "T",
      "--rate", "25", "--segment-minutes", "7"], "", "segment_minutes must divide 60"),
    (["close-weeks", "--now", "next tuesday"], "", "not an ISO 8601 time"),
    (["close-weeks", "--now", "2026-11-23T12:00:00"], "", "not an ISO 8601 time"),
])
def test_user_errors_are_clear(server_dir: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str], argv: list[str], stdin: str,
                               message: str) -> None:
    code, _, err = run(monkeypatch, capsys, "server", *argv, stdin=stdin)
    assert code == 1
    assert message in err and err.startswith("workdiary: ")


def test_duplicate_user(server_dir: Path, monkeypatch: pytest.MonkeyPatch,
                        capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["server", "add-user", "--email", "d@x.io", "--name", "D", "--role", "client",
            "--password-stdin"]
    assert run(monkeypatch, capsys, *argv, stdin="password one\n")[0] == 0
    code, _, err = run(monkeypatch, capsys, *argv, stdin="password two\n")
    assert code == 1 and "already exists" in err


def test_run_refuses_the_default_secret(server_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("WORKDIARY_SECRET_KEY", raising=False)
    code, _, err = run(monkeypatch, capsys, "server", "run", "--port", "1")
    assert code == 1 and "WORKDIARY_SECRET_KEY" in err


@pytest.mark.slow
def test_migrate_and_close_weeks_in_a_subprocess(tmp_path: Path) -> None:
    env = {**os.environ, "WORKDIARY_SERVER_DATA_DIR": str(tmp_path / "srv")}
    env.pop("WORKDIARY_DATABASE_URL", None)
    for argv in (["migrate"], ["close-weeks", "--now", "2026-11-23T12:00:00Z", "--json"]):
        result = subprocess.run([sys.executable, "-m", "workdiary", "server", *argv],
                                capture_output=True, text=True, env=env, timeout=120,
                                check=False)
        assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"invoiced": 0, "approved": 0, "paid": 0,
                                         "skipped": False}
    assert (tmp_path / "srv" / "server.sqlite3").is_file()
