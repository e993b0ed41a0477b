"""``workdiary server ...``: run and administer the marketplace server (needs the server extra).

Every command finds the server's data by the rules ``server run`` uses (``--database`` /
``--data-dir`` / ``--blob-url``, else the WORKDIARY_* environment, else the defaults) through
one :class:`~workdiary.server.settings.StorageSettings`, and the admin commands say on stderr
which database they used.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from workdiary.cli.main import CommandError

ROLES = ("freelancer", "client", "admin")
CAPTURE_MODES = {"all": "every monitor, stitched", "primary": "the primary monitor",
                 "active": "the monitor under the pointer"}


def register(subparsers: Any) -> None:
    server = subparsers.add_parser(
        "server", help="run and administer the marketplace server",
        description="Run and administer the marketplace server. Every subcommand finds the "
                    "database and blobs by the same rules: --database/--data-dir/--blob-url, "
                    "else $WORKDIARY_DATABASE_URL, $WORKDIARY_SERVER_DATA_DIR and "
                    "$WORKDIARY_BLOB_URL, else a SQLite file and blobs in the platform's data "
                    "folder. Give admin commands the same settings as `server run`.")
    commands = server.add_subparsers(dest="server_command", metavar="SUBCOMMAND")
    server.set_defaults(handler=lambda args: _help(server))

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = commands.add_parser(name, help=help_text,
                                                              description=help_text)
        parser.add_argument("--database", metavar="URL",
                            help="SQLAlchemy URL (default: $WORKDIARY_DATABASE_URL, else a "
                                 "SQLite file in the data dir); postgresql+psycopg://... for "
                                 "production")
        parser.add_argument("--data-dir", metavar="DIR",
                            help="server data folder (default: $WORKDIARY_SERVER_DATA_DIR, "
                                 "else the platform's user data folder for workdiary-server)")
        parser.add_argument("--blob-url", metavar="URL",
                            help="screenshot store: file:///ABSOLUTE/DIR or s3://BUCKET/PREFIX "
                                 "(default: $WORKDIARY_BLOB_URL, else DATA_DIR/blobs); S3 takes "
                                 "AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, "
                                 "AWS_REGION")
        return parser

    run = add("run", "serve the API and the web pages (needs $WORKDIARY_SECRET_KEY)")
    run.add_argument("--host", default="127.0.0.1", help="address to listen on (default: "
                     "127.0.0.1; put a TLS reverse proxy in front, see docs/deploy.md)")
    run.add_argument("--port", type=int, default=8000, help="TCP port (default: 8000)")
    run.add_argument("--workers", type=int, default=1, metavar="N",
                     help="worker processes (default: 1); more than 1 needs PostgreSQL")
    run.add_argument("--log-format", choices=("json", "text"), default="json",
                     help="json: one JSON object per line with a request id (default); text: "
                          "plain lines")
    run.add_argument("--forwarded-allow-ips", metavar="IPS", default=None,
                     help="proxies whose X-Forwarded-For/-Proto headers are trusted "
                          "(comma-separated; default: none, $WORKDIARY_FORWARDED_ALLOW_IPS)")
    run.add_argument("--public-url", metavar="URL", default=None,
                     help="the address users reach the server at; https:// makes cookies "
                          "Secure (default: $WORKDIARY_PUBLIC_URL)")
    run.set_defaults(handler=lambda args: _run(args))

    add("migrate", "bring the database schema to the newest version").set_defaults(
        handler=cmd_migrate)

    user = add("add-user", "create a freelancer or client account")
    user.add_argument("--email", required=True, help="the login email (unique)")
    user.add_argument("--name", required=True, help="the name shown to the other party")
    user.add_argument("--role", required=True, choices=ROLES,
                      help="freelancer (tracks time, uploads) or client (hires, reviews, pays)")
    user.add_argument("--password-stdin", action="store_true",
                      help="read the password from standard input (else prompt)")
    user.add_argument("--json", action="store_true", help="print the created user as JSON")
    user.set_defaults(handler=cmd_add_user)

    contract = add("add-contract", "create a contract between a client and a freelancer")
    contract.add_argument("--client", required=True, metavar="EMAIL",
                          help="email of an existing client account")
    contract.add_argument("--freelancer", required=True, metavar="EMAIL",
                          help="email of an existing freelancer account")
    contract.add_argument("--title", required=True, help="what the work is, as both see it")
    contract.add_argument("--rate", required=True,
                          help="hourly rate, a positive amount with at most two decimals, "
                               "e.g. 25.00")
    contract.add_argument("--currency", default="USD",
                          help="three-letter ISO 4217 code such as USD, EUR or GBP (default: USD)")
    contract.add_argument("--weekly-limit-hours", type=float, metavar="H",
                          help="billable hours per week at most, e.g. 40 or 12.5 (default: no "
                               "limit); time past it is never billed")
    contract.add_argument("--segment-minutes", type=int, default=10, metavar="M",
                          help="length of a diary segment in minutes, 1-60 and dividing 60: "
                               "1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60 (default: 10)")
    contract.add_argument("--screenshots-per-segment", type=int, default=1, metavar="K",
                          help="screenshots at random moments per segment, 1-3 (default: 1)")
    contract.add_argument("--capture", choices=tuple(CAPTURE_MODES), default="all",
                          help="what a screenshot shows: " + "; ".join(
                              f"{k}: {v}" for k, v in CAPTURE_MODES.items()) + " (default: all)")
    contract.add_argument("--blur", action="store_true",
                          help="blur screenshots on the desktop before upload (irreversible)")
    contract.add_argument("--allow-manual", action="store_true",
                          help="let the freelancer add manual time (billable, never protected)")
    contract.add_argument("--window-titles", action="store_true",
                          help="record the active application and window title with each "
                               "screenshot (off by default)")
    contract.add_argument("--idle-minutes", type=int, default=10, metavar="N",
                          help="minutes without input after which time counts as idle, 1-240 "
                               "(default: 10)")
    contract.add_argument("--json", action="store_true", help="print the contract as JSON")
    contract.set_defaults(handler=cmd_add_contract)

    close = add("close-weeks", "run the due lock / invoice / approve / pay transitions")
    close.add_argument("--now", metavar="ISO-8601", help="act as if it were this time (UTC), "
                       "e.g. 2026-11-23T12:00:00Z (default: now)")
    close.add_argument("--json", action="store_true", help="print the report as JSON")
    close.set_defaults(handler=cmd_close_weeks)

    from workdiary.cli import server_data

    server_data.register(add)
    from workdiary.cli import server_users

    server_users.register(add)


def _run(args: argparse.Namespace) -> int:
    from workdiary.cli.server_run import cmd_run

    return cmd_run(args)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _server_modules() -> None:
    try:
        import fastapi  # noqa: F401
        import sqlalchemy  # noqa: F401
    except ImportError as exc:
        raise CommandError("the server needs the 'server' extra: "
                           "pip install 'workdiary[server]'.") from exc


def storage_settings(args: argparse.Namespace) -> Any:
    """The server's storage settings, resolved exactly as ``server run`` resolves them."""
    _server_modules()
    from workdiary.server.settings import SettingsError, StorageSettings

    try:
        return StorageSettings.from_env(database_url=args.database, data_dir=args.data_dir,
                                        blob_url=getattr(args, "blob_url", None))
    except SettingsError as exc:
        raise CommandError(str(exc)) from exc


def say_database(storage: Any, *, new: bool) -> None:
    """Tell the operator (on stderr, so stdout stays parseable) which database is used."""
    print(f"workdiary: using the database {storage.describe_database()}", file=sys.stderr)
    if new:
        print("workdiary: that database did not exist and was created now. If a server is "
              "already running, it uses another one: give this command the same --data-dir / "
              "--database (or WORKDIARY_SERVER_DATA_DIR / WORKDIARY_DATABASE_URL) as "
              "`server run`.", file=sys.stderr)


@contextmanager
def _database(args: argparse.Namespace) -> Iterator[tuple[Any, Any]]:
    """(engine, sessionmaker) of the server's database, migrated to head first."""
    from pathlib import Path

    from sqlalchemy.exc import OperationalError

    from workdiary.privatefiles import private_dir
    from workdiary.server.db import make_engine, make_sessionmaker
    from workdiary.server.migrate import upgrade_to_head

    storage = storage_settings(args)
    private_dir(storage.data_dir)
    new = storage.is_sqlite and not Path(storage.database_url.split(":///", 1)[-1]).exists()
    engine = make_engine(storage.database_url)
    try:
        upgrade_to_head(engine)
        say_database(storage, new=new)
        yield engine, make_sessionmaker(engine)
    except OperationalError as exc:
        raise CommandError(f"cannot use the database {storage.describe_database()}: "
                           f"{exc.orig}") from exc
    finally:
        engine.dispose()


@contextmanager
def _session(args: argparse.Namespace) -> Iterator[Any]:
    """A session on the server's database, migrated to head first."""
    with _database(args) as (_, sessions), sessions() as session:
        yield session


def _service_call(func: Any, *args: Any, **kwargs: Any) -> Any:
    from workdiary.server.errors import ServiceError

    try:
        return func(*args, **kwargs)
    except ServiceError as exc:
        raise CommandError(exc.message[:1].upper() + exc.message[1:]) from exc


def cmd_migrate(args: argparse.Namespace) -> int:
    with _session(args):
        print("the database schema is up to date")
    return 0


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            raise CommandError("the two passwords differ: nothing was created.")
    if not password:
        raise CommandError("the password is empty: nothing was created.")
    return password


def cmd_add_user(args: argparse.Namespace) -> int:
    password = read_password(args.password_stdin)
    with _session(args) as session:
        from workdiary.server.services import users

        user = _service_call(users.create_user, session, email=args.email, name=args.name,
                             role=args.role, password=password, now=datetime.now(UTC))
        data = {"id": user.id, "email": user.email, "name": user.name, "role": user.role}
    print(json.dumps(data) if args.json else f"created {data['role']} {data['email']} "
          f"(id {data['id']})")
    return 0


def parse_rate(text: str) -> int:
    """'25', '25.5' or '25.00' -> integer cents; more than two decimals is refused."""
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise CommandError(f"--rate {text!r} is not a number such as 25.00.") from exc
    cents = value * 100
    if cents != cents.to_integral_value() or value < 0:
        raise CommandError(f"--rate {text!r} must be a positive amount with at most two decimals.")
    return int(cents)


def cmd_add_contract(args: argparse.Namespace) -> int:
    from workdiary.core.errors import DomainError
    from workdiary.core.model import CaptureMode, Policy

    try:
        policy = Policy(segment_minutes=args.segment_minutes,
                        screenshots_per_segment=args.screenshots_per_segment,
                        capture=CaptureMode(args.capture), blur=args.blur,
                        allow_manual=args.allow_manual, window_titles=args.window_titles,
                        idle_minutes=args.idle_minutes)
    except DomainError as exc:
        raise CommandError(str(exc)) from exc
    limit = None
    if args.weekly_limit_hours is not None:
        limit = round(args.weekly_limit_hours * 60)
    with _session(args) as session:
        from workdiary.server.services import contracts

        contract = _service_call(
            contracts.create_contract, session, client_email=args.client,
            freelancer_email=args.freelancer, title=args.title, rate_cents=parse_rate(args.rate),
            currency=args.currency, weekly_limit_minutes=limit, policy=policy,
            now=datetime.now(UTC))
        data = contracts.to_core(session, contract).to_dict()
        data.update(client_id=contract.client_id, freelancer_id=contract.freelancer_id)
    print(json.dumps(data) if args.json else data["id"])
    return 0


def cmd_close_weeks(args: argparse.Namespace) -> int:
    from workdiary.core.errors import DomainError
    from workdiary.core.timegrid import parse_iso

    now = datetime.now(UTC)
    if args.now:
        try:
            now = parse_iso(args.now)
        except DomainError as exc:
            raise CommandError(f"--now {args.now!r} is not an ISO 8601 time with a zone, "
                               "e.g. 2026-11-23T12:00:00Z.") from exc
    from workdiary.server.jobs import run_weekly_transitions

    with _database(args) as (engine, sessions):
        report = run_weekly_transitions(engine, sessions, now)
    if report is None:
        message = "another worker is running the weekly transitions right now: nothing done"
        if args.json:
            print(json.dumps({"invoiced": 0, "approved": 0, "paid": 0, "escalated": 0,
                              "skipped": True}))
        else:
            print(message)
        return 0
    if args.json:
        print(json.dumps({**report.to_dict(), "skipped": False}))
    else:
        print(f"invoiced {report.invoiced}, approved {report.approved}, paid {report.paid}, "
              f"disputes escalated {report.escalated} (as of {now.isoformat()})")
    return 0
