"""`workdiary accept CONTRACT_ID` / `workdiary decline CONTRACT_ID`: show the offer and its
tracking policy in words, ask, then answer (``--yes`` skips the question)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from workdiary.cli.account import open_secrets, open_store
from workdiary.cli.main import CommandError
from workdiary.desktop.offers import OfferError, answer_offer, find_offer, pending_offers
from workdiary.desktop.policy_text import describe_offer
from workdiary.sync.secrets import SecretStore

if TYPE_CHECKING:
    from argparse import _SubParsersAction


def register(subparsers: _SubParsersAction[argparse.ArgumentParser]) -> None:
    for name, verb in (("accept", "accept"), ("decline", "decline")):
        parser = subparsers.add_parser(
            name, help=f"{verb} a contract offer (shows its tracking policy first)")
        parser.add_argument("contract_id", metavar="CONTRACT_ID")
        parser.add_argument("--yes", action="store_true",
                            help="answer without asking (the policy is still printed)")
        parser.set_defaults(handler=run_accept if name == "accept" else run_decline)


def run_accept(args: argparse.Namespace, *,
               secrets_factory: Callable[[], SecretStore] = open_secrets) -> int:
    return _answer(args, accept=True, secrets_factory=secrets_factory)


def run_decline(args: argparse.Namespace, *,
                secrets_factory: Callable[[], SecretStore] = open_secrets) -> int:
    return _answer(args, accept=False, secrets_factory=secrets_factory)


def _answer(args: argparse.Namespace, *, accept: bool,
            secrets_factory: Callable[[], SecretStore]) -> int:
    verb = "Accept" if accept else "Decline"
    with open_store() as store:
        try:
            offer = find_offer(pending_offers(store, secrets_factory), args.contract_id)
        except OfferError as exc:
            raise CommandError(str(exc)) from exc
        for line in describe_offer(offer):
            print(line)
        if not args.yes and not _confirm(f"{verb} this contract? [y/N] "):
            print("Nothing was answered.")
            return 1
        try:
            answered = answer_offer(store, secrets_factory, offer.id, accept=accept)
        except OfferError as exc:
            raise CommandError(str(exc)) from exc
    if accept:
        print(f"Accepted: {answered.title} is active; clock in with `workdiary track "
              f"{answered.id}` or the tray app.")
    else:
        print(f"Declined: {answered.title}.")
    return 0


def _confirm(question: str) -> bool:
    try:
        return input(question).strip().lower() in ("y", "yes")
    except EOFError:  # nothing to read the answer from
        print("\n(no answer on standard input: pass --yes to answer)", file=sys.stderr)
        return False
