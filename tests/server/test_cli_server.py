"""`workdiary server ...` commands, in-process and (once) in a subprocess."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

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
                                         "escalated": 0, "skipped": False}
    assert (tmp_path / "srv" / "server.sqlite3").is_file()


def test_admin_commands_say_which_database_they_use(
        server_dir: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    database = server_dir / "server.sqlite3"
    code, out, err = run(monkeypatch, capsys, "server", "add-user", "--email", "n@x.io",
                         "--name", "N", "--role", "client", "--password-stdin",
                         stdin="a good password\n")
    assert code == 0 and out.startswith("created client n@x.io")
    assert f"using the database sqlite:///{database}" in err
    assert "did not exist and was created now" in err  # the first command made it
    code, out, err = run(monkeypatch, capsys, "server", "migrate")
    assert code == 0 and f"using the database sqlite:///{database}" in err
    assert "did not exist" not in err


def test_admin_commands_find_the_database_by_the_rules_of_server_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`server run` and `server add-user` resolve one StorageSettings the same way."""
    from workdiary.cli.main import build_parser
    from workdiary.cli.server import storage_settings
    from workdiary.server.settings import Settings

    monkeypatch.setenv("WORKDIARY_SERVER_DATA_DIR", str(tmp_path / "from-env"))
    monkeypatch.setenv("WORKDIARY_SECRET_KEY", "k" * 40)
    monkeypatch.delenv("WORKDIARY_DATABASE_URL", raising=False)
    monkeypatch.delenv("WORKDIARY_BLOB_URL", raising=False)
    parser = build_parser()
    for extra in ([], ["--data-dir", str(tmp_path / "given")]):
        admin = storage_settings(parser.parse_args(
            ["server", "add-user", "--email", "a@x.io", "--name", "A", "--role", "client",
             *extra]))
        served = Settings.from_env(data_dir=extra[1] if extra else None).storage
        assert admin == served


def test_several_workers_need_postgresql(server_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WORKDIARY_SECRET_KEY", "k" * 40)
    code, _, err = run(monkeypatch, capsys, "server", "run", "--workers", "2", "--port", "1")
    assert code == 1 and "SQLite serves one process only" in err and "PostgreSQL" in err
    code, _, err = run(monkeypatch, capsys, "server", "run", "--workers", "0")
    assert code == 1 and "--workers must be between 1 and 64" in err


def test_every_add_contract_option_explains_itself() -> None:
    from workdiary.cli.main import build_parser

    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    server = commands["server"]
    add_contract = server._subparsers._group_actions[0].choices["add-contract"]
    for action in add_contract._actions:
        assert action.help, f"{action.option_strings} has no help text"
        if action.choices:
            assert all(str(choice) in action.help or choice in action.choices
                       for choice in action.choices)
    text = " ".join(add_contract.format_help().split())  # argparse wraps lines
    for allowed in ("1-3", "dividing 60", "1-240", "ISO 4217", "at most two decimals",
                    "all: every monitor", "primary:", "active:"):
        assert allowed in text, allowed


def test_backup_and_restore_round_trip(server_dir: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    from sqlalchemy import select

    from workdiary.server.blobs import FileBlobStore
    from workdiary.server.db import make_engine, make_sessionmaker
    from workdiary.server.models import User

    for email, role in (("c@x.io", "client"), ("f@x.io", "freelancer")):
        assert run(monkeypatch, capsys, "server", "add-user", "--email", email, "--name", "X",
                   "--role", role, "--password-stdin", stdin="a good password\n")[0] == 0
    blobs = FileBlobStore(server_dir / "blobs")
    saved = {}
    for _ in range(3):
        data = os.urandom(2000)
        saved[hashlib.sha256(data).hexdigest()] = data
        blobs.put(hashlib.sha256(data).hexdigest(), data)
    archive = tmp_path / "backup.tar.gz"
    code, out, _ = run(monkeypatch, capsys, "server", "backup", "--to", str(archive))
    assert code == 0 and "3 blobs" in out
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    code, _, err = run(monkeypatch, capsys, "server", "backup", "--to", str(archive))
    assert code == 1 and "exists already" in err  # never overwritten

    elsewhere = tmp_path / "restored"
    code, out, _ = run(monkeypatch, capsys, "server", "restore", "--from", str(archive),
                       "--data-dir", str(elsewhere))
    assert code == 0 and "3 blobs" in out
    restored = FileBlobStore(elsewhere / "blobs")
    assert {sha: restored.get(sha) for sha in restored.hashes()} == saved
    engine = make_engine(f"sqlite:///{elsewhere / 'server.sqlite3'}")
    with make_sessionmaker(engine)() as session:
        assert sorted(session.scalars(select(User.email))) == ["c@x.io", "f@x.io"]
    engine.dispose()
    # Restoring over a server that exists is refused; so is a file that is no backup.
    code, _, err = run(monkeypatch, capsys, "server", "restore", "--from", str(archive),
                       "--data-dir", str(elsewhere))
    assert code == 1 and "restore into an empty data dir" in err
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tarball")
    code, _, err = run(monkeypatch, capsys, "server", "restore", "--from", str(junk),
                       "--data-dir", str(tmp_path / "third"))
    assert code == 1 and "is not a workdiary backup" in err
    assert not (tmp_path / "third" / "server.sqlite3").exists()


def test_backup_saves_and_restore_puts_back_the_server_key(
        server_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The evidence key goes into the backup and comes back owner-only, so the restored
    server signs with the key every earlier bundle names; an existing key is never replaced."""
    from workdiary.server.serverkey import load_or_create

    monkeypatch.delenv("WORKDIARY_SERVER_KEY_FILE", raising=False)
    assert run(monkeypatch, capsys, "server", "add-user", "--email", "c@x.io", "--name", "X",
               "--role", "client", "--password-stdin", stdin="a good password\n")[0] == 0
    key = load_or_create(server_dir / "server-key.pem")
    archive = tmp_path / "backup.tar.gz"
    code, out, _ = run(monkeypatch, capsys, "server", "backup", "--to", str(archive))
    assert code == 0 and "the server key" in out
    elsewhere = tmp_path / "restored"
    code, out, _ = run(monkeypatch, capsys, "server", "restore", "--from", str(archive),
                       "--data-dir", str(elsewhere))
    assert code == 0 and "the server key" in out
    restored = elsewhere / "server-key.pem"
    assert restored.read_bytes() == (server_dir / "server-key.pem").read_bytes()
    assert oct(restored.stat().st_mode & 0o777) == "0o600"
    assert load_or_create(restored).key_id == key.key_id
    # A key named by WORKDIARY_SERVER_KEY_FILE is restored there, never over one that exists.
    shared = tmp_path / "keys" / "shared.pem"
    monkeypatch.setenv("WORKDIARY_SERVER_KEY_FILE", str(shared))
    code, _, _ = run(monkeypatch, capsys, "server", "restore", "--from", str(archive),
                     "--data-dir", str(tmp_path / "second"))
    assert code == 0 and shared.read_bytes() == restored.read_bytes()
    code, _, err = run(monkeypatch, capsys, "server", "restore", "--from", str(archive),
                       "--data-dir", str(tmp_path / "third"))
    assert code == 1 and "there is a server key at" in err
    assert not (tmp_path / "third" / "server.sqlite3").exists()
    assert shared.read_bytes() == restored.read_bytes()  # left as it was


def test_backup_refuses_postgresql(server_dir: Path, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(monkeypatch, capsys, "server", "backup", "--to", str(tmp_path / "b"),
                       "--database", "postgresql+psycopg://u@127.0.0.1:1/db")
    assert code == 1 and "pg_dump" in err


def test_readme_sets_the_secret_and_data_dir_before_server_run() -> None:
    """A newcomer copying the README's server commands gets a server that starts, and admin
    commands that write into the same database."""
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    run_at = readme.index("workdiary server run")
    assert readme.rfind("export WORKDIARY_SECRET_KEY=", 0, run_at) != -1
    assert readme.rfind("export WORKDIARY_SERVER_DATA_DIR=", 0, run_at) != -1
    assert readme.index("workdiary server add-user") > run_at


def test_add_an_admin_who_is_party_to_nothing(server_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(monkeypatch, capsys, "server", "add-user", "--email", "a@x.io",
                       "--name", "Ada", "--role", "admin", "--password-stdin", "--json",
                       stdin="admin password\n")
    assert code == 0 and json.loads(out)["role"] == "admin"
    run(monkeypatch, capsys, "server", "add-user", "--email", "c@x.io", "--name", "Cleo",
        "--role", "client", "--password-stdin", stdin="client password\n")
    code, _, err = run(monkeypatch, capsys, "server", "add-contract", "--client", "c@x.io",
                       "--freelancer", "a@x.io", "--title", "Site", "--rate", "10")
    assert code != 0 and "No freelancer with email a@x.io" in err
    # The operator's disable-user is audited too (actor: the server).
    code, out, _ = run(monkeypatch, capsys, "server", "disable-user", "--email", "c@x.io")
    assert code == 0 and "c@x.io is disabled" in out
    from workdiary.server.db import make_engine
    from workdiary.server.services import audit

    engine = make_engine(f"sqlite:///{server_dir / 'server.sqlite3'}")
    with Session(engine) as session:
        assert [(e.action, e.actor_name) for e in audit.entries(session)] == [
            ("user.disabled", "server")]
    engine.dispose()
