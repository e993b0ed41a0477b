"""``workdiary server run|migrate|add-user|add-contract|close-weeks`` (needs the server extra)."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from workdiary.cli.main import CommandError


def register(subparsers: Any) -> None:
    server = subparsers.add_parser("server", help="run and administer the marketplace server")
    commands = server.add_subparsers(dest="server_command", metavar="SUBCOMMAND")
    server.set_defaults(handler=lambda args: _help(server))

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = commands.add_parser(name, help=help_text)
        parser.add_argument("--database", metavar="URL",
                            help="SQLAlchemy URL (default: $WORKDIARY_DATABASE_URL, else a "
                                 "SQLite file in the data dir); postgresql+psycopg://... for "
                                 "production")
        parser.add_argument("--data-dir", metavar="DIR",
                            help="server data folder (default: $WORKDIARY_SERVER_DATA_DIR)")
        return parser

    run = add("run", "serve the API and the web pages")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--forwarded-allow-ips", metavar="IPS", default=None,
                     help="proxies whose X-Forwarded-For/-Proto headers are trusted "
                          "(comma-separated; default: none, $WORKDIARY_FORWARDED_ALLOW_IPS)")
    run.add_argument("--public-url", metavar="URL", default=None,
                     help="the address users reach the server at; https:// makes cookies "
                          "Secure (default: $WORKDIARY_PUBLIC_URL)")
    run.set_defaults(handler=cmd_run)

    add("migrate", "bring the database schema to the newest version").set_defaults(
        handler=cmd_migrate)

    user = add("add-user", "create a freelancer or client account")
    user.add_argument("--email", required=True)
    user.add_argument("--name", required=True)
    user.add_argument("--role", required=True, choices=("freelancer", "client"))
    user.add_argument("--password-stdin", action="store_true",
                      help="read the password from standard input (else prompt)")
    user.add_argument("--json", action="store_true", help="print the created user as JSON")
    user.set_defaults(handler=cmd_add_user)

    contract = add("add-contract", "create a contract between a client and a freelancer")
    contract.add_argument("--client", required=True, metavar="EMAIL")
    contract.add_argument("--freelancer", required=True, metavar="EMAIL")
    contract.add_argument("--title", required=True)
    contract.add_argument("--rate", required=True, help="hourly rate, e.g. 25.00")
    contract.add_argument("--currency", default="USD")
    contract.add_argument("--weekly-limit-hours", type=float, metavar="H")
    contract.add_argument("--segment-minutes", type=int, default=10, metavar="M")
    contract.add_argument("--screenshots-per-segment", type=int, default=1, metavar="K")
    contract.add_argument("--capture", choices=("all", "primary", "active"), default="all")
    contract.add_argument("--blur", action="store_true")
    contract.add_argument("--allow-manual", action="store_true")
    contract.add_argument("--window-titles", action="store_true")
    contract.add_argument("--idle-minutes", type=int, default=10, metavar="N")
    contract.add_argument("--json", action="store_true", help="print the contract as JSON")
    contract.set_defaults(handler=cmd_add_contract)

    close = add("close-weeks", "run the due lock / invoice / approve / pay transitions")
    close.add_argument("--now", metavar="ISO-8601", help="act as if it were this time (UTC)")
    close.add_argument("--json", action="store_true")
    close.set_defaults(handler=cmd_close_weeks)

    from workdiary.cli import server_users

    server_users.register(add)


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


@contextmanager
def _session(args: argparse.Namespace) -> Iterator[Any]:
    """A session on the chosen database, migrated to head first."""
    _server_modules()
    from sqlalchemy.exc import OperationalError

    from workdiary.privatefiles import private_dir
    from workdiary.server.db import make_engine, make_sessionmaker
    from workdiary.server.migrate import upgrade_to_head
    from workdiary.server.settings import resolve_data_dir, resolve_database_url

    data_dir = private_dir(resolve_data_dir(args.data_dir, os.environ))
    engine = make_engine(resolve_database_url(args.database, data_dir, os.environ))
    try:
        upgrade_to_head(engine)
        with make_sessionmaker(engine)() as session:
            yield session
    except OperationalError as exc:
        raise CommandError(f"cannot use the database {engine.url!r}: {exc.orig}") from exc
    finally:
        engine.dispose()


def _service_call(func: Any, *args: Any, **kwargs: Any) -> Any:
    from workdiary.server.errors import ServiceError

    try:
        return func(*args, **kwargs)
    except ServiceError as exc:
        raise CommandError(exc.message[:1].upper() + exc.message[1:]) from exc


def cmd_run(args: argparse.Namespace) -> int:
    _server_modules()
    import uvicorn

    from workdiary.server.app import create_app
    from workdiary.server.settings import Settings, SettingsError

    try:
        settings = Settings.from_env(database_url=args.database, data_dir=args.data_dir,
                                     forwarded_allow_ips=args.forwarded_allow_ips,
                                     public_url=args.public_url)
    except SettingsError as exc:
        raise CommandError(str(exc)) from exc
    from workdiary.privatefiles import private_dir
    from workdiary.server.dblock import DatabaseInUse, hold_database

    private_dir(settings.data_dir)
    try:
        lock = hold_database(settings.database_url)  # held until this process ends
    except DatabaseInUse as exc:
        raise CommandError(str(exc)) from exc
    app = create_app(settings)
    app.state.database_lock = lock
    print(f"workdiary server on http://{args.host}:{args.port}/ (data in {settings.data_dir})",
          flush=True)
    # proxy_headers=False: the app trusts forwarded headers itself, from configured proxies
    # only (uvicorn's default would believe any from 127.0.0.1).
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", proxy_headers=False)
    return 0


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
    with _session(args) as session:
        from workdiary.server.services.weeks import close_weeks

        report = close_weeks(session, now)
    if args.json:
        print(json.dumps(report.to_dict()))
    else:
        print(f"invoiced {report.invoiced}, approved {report.approved}, paid {report.paid} "
              f"(as of {now.isoformat()})")
    return 0
