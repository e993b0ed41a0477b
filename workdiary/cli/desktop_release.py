"""`workdiary desktop-release publish | show | withdraw`: the operator sets what the server's
GET /api/v1/desktop-release answers (a file in the server's data dir; no restart needed)."""

from __future__ import annotations

import argparse
import importlib.util
import json
from typing import Any

from workdiary.cli.main import CommandError


def register(subparsers: Any) -> None:
    release = subparsers.add_parser(
        "desktop-release", help="server operator: publish the desktop app's latest and minimum "
                                "version")
    commands = release.add_subparsers(dest="release_command", metavar="SUBCOMMAND")
    release.set_defaults(handler=lambda args: _help(release))

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = commands.add_parser(name, help=help_text)
        parser.add_argument("--data-dir", metavar="DIR",
                            help="server data folder (default: $WORKDIARY_SERVER_DATA_DIR)")
        return parser

    publish = add("publish", "publish (or replace) the desktop release")
    publish.add_argument("--latest", required=True, metavar="VERSION")
    publish.add_argument("--minimum", metavar="VERSION",
                         help="older desktops finish, upload and refuse to clock in")
    publish.add_argument("--notes-url", metavar="URL")
    publish.add_argument("--download", action="append", default=[], metavar="PLATFORM=URL",
                         help="repeatable: windows=..., macos=..., linux-deb=...")
    publish.set_defaults(handler=cmd_publish)
    add("show", "print the published release as JSON").set_defaults(handler=cmd_show)
    add("withdraw", "stop publishing a release").set_defaults(handler=cmd_withdraw)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _data_dir(args: argparse.Namespace) -> Any:
    if importlib.util.find_spec("pydantic") is None:
        raise CommandError("this command needs the server part: pip install 'workdiary[server]'")
    import os

    from workdiary.server.settings import resolve_data_dir

    return resolve_data_dir(args.data_dir, os.environ)


def cmd_publish(args: argparse.Namespace) -> int:
    folder = _data_dir(args)
    from pydantic import ValidationError

    from workdiary.server.services.desktop_release import DesktopRelease, publish

    downloads: dict[str, str] = {}
    for item in args.download:
        key, sep, url = item.partition("=")
        if not sep or not key or not url:
            raise CommandError(f"--download {item!r}: write it as PLATFORM=URL")
        downloads[key] = url
    try:
        release = DesktopRelease(latest=args.latest, minimum=args.minimum,
                                 notes_url=args.notes_url, download_urls=downloads)
    except ValidationError as error:
        problems = "; ".join(str(e.get("msg", e)) for e in error.errors())
        raise CommandError(f"the release was not published: {problems}") from error
    path = publish(folder, release)
    print(f"published desktop release {release.latest} (minimum {release.minimum or 'none'}) "
          f"in {path}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    folder = _data_dir(args)
    from workdiary.server.errors import ServiceError
    from workdiary.server.services.desktop_release import ReleaseReader

    try:
        release = ReleaseReader(folder).current()
    except ServiceError as error:
        raise CommandError(error.message) from error
    print(json.dumps(release.model_dump(), indent=2))
    return 0


def cmd_withdraw(args: argparse.Namespace) -> int:
    folder = _data_dir(args)
    from workdiary.server.services.desktop_release import withdraw

    print("withdrawn" if withdraw(folder) else "no desktop release was published")
    return 0
