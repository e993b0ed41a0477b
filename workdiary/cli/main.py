"""The ``workdiary`` command: one sub-command module per concern, each with ``register``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from workdiary import __version__

# Each module defines register(subparsers) and sets a ``handler`` default on its parsers:
# handler(args) -> int (the exit code).
COMMAND_MODULES = (
    "workdiary.cli.app",  # app (the tray application; the default)
    "workdiary.cli.tracking",  # track, diary, status, delete
    "workdiary.cli.account",  # login, logout, contracts, sync
    "workdiary.cli.offers",  # accept, decline (contract offers)
    "workdiary.cli.manual",  # manual, memo
    "workdiary.cli.demo",  # demo
    "workdiary.cli.system_setup",  # autostart, permissions
    "workdiary.cli.server",  # server run|migrate|add-user|add-contract|close-weeks|...
    "workdiary.cli.desktop_release",  # desktop-release publish|show|withdraw (operator)
    "workdiary.cli.verify",  # verify (an evidence bundle, offline)
)


class CommandError(Exception):
    """A failure the user can act on: printed as ``workdiary: <message>``, exit code 1 or given."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workdiary",
        description="Work diary for hourly contracts: track time, keep it offline, sync it signed.",
    )
    parser.add_argument("--version", action="version", version=f"workdiary {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # that command is not built yet
                continue
            raise
        module.register(subparsers)
    _remember_parsers(parser)
    return parser


USAGE_PARSER = "_usage_parser"  # the (sub-)parser whose usage fits the command line given


def _remember_parsers(parser: argparse.ArgumentParser) -> None:
    """Let every sub-command's parser put itself in the parsed arguments, so that an unknown
    option is reported with that command's usage (argparse reports it with the top one)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subparser in action.choices.values():
                subparser.set_defaults(**{USAGE_PARSER: subparser})
                _remember_parsers(subparser)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_sync-pass"]:  # the tray app's helper process (desktop/sync_process.py)
        from workdiary.desktop.sync_process import helper_main

        return helper_main(argv[1:])
    if not argv:
        argv = ["app"]
    # The tray app parses only its own command: every other command module imported would
    # stay in its memory for good (verify's alone brings cryptography; benchmarks/memory.md).
    parser = build_parser(COMMAND_MODULES[:1] if argv[0] == "app" else COMMAND_MODULES)
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        getattr(args, USAGE_PARSER, parser).error(f"unrecognized arguments: {' '.join(unknown)}")
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args) or 0)
    except CommandError as exc:
        print(f"workdiary: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
