"""`workdiary autostart [on|off|status]` and `workdiary permissions [--open KEY]`: the two
system settings a desktop install needs, from the command line (the tray offers the same)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from workdiary.cli.main import CommandError


def register(subparsers: Any) -> None:
    start = subparsers.add_parser(
        "autostart", help="start the tray app at login (on), stop that (off), or show it")
    start.add_argument("action", nargs="?", choices=("on", "off", "status"), default="status")
    start.set_defaults(handler=run_autostart)
    permissions = subparsers.add_parser(
        "permissions", help="what this system must allow before capture works (macOS)")
    permissions.add_argument("--open", metavar="KEY",
                             help="open the System Settings pane of that permission")
    permissions.add_argument("--json", action="store_true")
    permissions.set_defaults(handler=run_permissions)


def run_autostart(args: argparse.Namespace) -> int:
    from workdiary.autostart import autostart_for_this_system

    setting = autostart_for_this_system()
    try:
        if args.action == "on":
            setting.enable()
        elif args.action == "off":
            setting.disable()
    except OSError as error:
        raise CommandError(f"could not change the login item at {setting.location()}: "
                           f"{error}") from error
    state = "on" if setting.is_enabled() else "off"
    print(f"start at login: {state} ({setting.location()})")
    return 0


def run_permissions(args: argparse.Namespace) -> int:
    from workdiary.capture.permissions import missing_summary
    from workdiary.capture.platform import make_permission_checklist

    checklist = make_permission_checklist()
    items = checklist.items()
    if args.open:
        keys = [item.key for item in items]
        if args.open not in keys:
            raise CommandError(f"no permission called {args.open!r} here; "
                               f"known: {', '.join(keys) or 'none (nothing to allow)'}")
        if not checklist.open_settings(args.open):
            raise CommandError("System Settings could not be opened; open it by hand: "
                               "Privacy & Security")
        return 0
    if args.json:
        print(json.dumps([{"key": i.key, "title": i.title, "needed_for": i.needed_for,
                           "state": i.state.value, "settings_url": i.settings_url}
                          for i in items], indent=2))
        return 0
    if not items:
        print("nothing to allow on this system: capture needs no permission here")
        return 0
    for item in items:
        print(f"{item.state.value:>9}  {item.title}: {item.needed_for}  "
              f"(workdiary permissions --open {item.key})")
    summary = missing_summary(items)
    if summary:
        print(summary)
    return 1 if summary else 0
