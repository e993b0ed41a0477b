"""``workdiary server set-password`` and ``workdiary server disable-user`` (the server extra).

Both end the account's web sessions and revoke its API tokens at once.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime


def register(add: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Add both commands with ``add`` (cli/server.py's factory: --database, --data-dir)."""
    password = add("set-password", "set a user's password; their sessions and tokens end")
    password.add_argument("--email", required=True)
    password.add_argument("--password-stdin", action="store_true",
                          help="read the new password from standard input (else prompt)")
    password.set_defaults(handler=cmd_set_password)

    disable = add("disable-user", "disable an account (or --enable it again); its sessions and "
                                  "tokens end at once")
    disable.add_argument("--email", required=True)
    disable.add_argument("--enable", action="store_true", help="enable the account again")
    disable.set_defaults(handler=cmd_disable_user)


def cmd_set_password(args: argparse.Namespace) -> int:
    from workdiary.cli.server import _service_call, _session, read_password

    password = read_password(args.password_stdin)
    with _session(args) as session:
        from workdiary.server.services import users

        user = _service_call(users.change_password, session, email=args.email,
                             password=password)
        print(f"new password set for {user.email}; their web sessions and API tokens ended")
    return 0


def cmd_disable_user(args: argparse.Namespace) -> int:
    from workdiary.cli.server import _service_call, _session

    with _session(args) as session:
        from workdiary.server.services import users

        user = _service_call(users.set_disabled, session, email=args.email,
                             disabled=not args.enable, now=datetime.now(UTC))
        state = "disabled (web sessions and API tokens ended)" if user.disabled else "enabled"
        print(f"{user.email} is {state}")
    return 0
