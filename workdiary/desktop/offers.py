"""Answering a contract offer from the desktop (`workdiary accept|decline`, the clock-in
window): find the open offer, send the answer, refresh the cached contracts. Qt-free and
print-free; network, so never on the GUI thread. Failures are ``OfferError`` sentences."""

from __future__ import annotations

from collections.abc import Callable

from workdiary.core.model import Contract
from workdiary.desktop.account import freelancer_contracts, open_offers
from workdiary.desktop.i18n import translate
from workdiary.store import LocalStore
from workdiary.sync.api import ApiClient, ApiError, AuthExpired, Rejected
from workdiary.sync.client import AUTH_STATE, current_account
from workdiary.sync.secrets import SecretStore, SecretStoreError


class OfferError(Exception):
    """An offer that could not be read or answered; the message is a sentence."""


def _expired() -> str:  # one sentence, said in two places
    return translate("Offers", "the login expired: run `workdiary login` again.")


def _api(store: LocalStore, secrets_factory: Callable[[], SecretStore]) -> ApiClient:
    account = current_account(store)
    if account is None or store.get_setting(AUTH_STATE) == "logged_out":
        raise OfferError(translate(
            "Offers", "not logged in: run `workdiary login SERVER_URL --email EMAIL` first."))
    try:
        token = secrets_factory().token(account)
    except SecretStoreError as exc:
        raise OfferError(str(exc)) from exc
    if token is None:
        raise OfferError(translate(
            "Offers", "the login is gone from the keyring: run `workdiary login` again."))
    return ApiClient(account.server_url, token)


def pending_offers(store: LocalStore, secrets_factory: Callable[[], SecretStore]
                   ) -> list[Contract]:
    """The offers waiting for this freelancer's answer (asks the server)."""
    api = _api(store, secrets_factory)
    try:
        return open_offers(api.contracts())
    except AuthExpired as exc:
        raise OfferError(_expired()) from exc
    except ApiError as exc:
        raise OfferError(translate("Offers", "the offers could not be read: {reason}").format(
            reason=exc)) from exc


def find_offer(offers: list[Contract], contract_id: str) -> Contract:
    for offer in offers:
        if offer.id == contract_id:
            return offer
    raise OfferError(translate("Offers", "there is no open offer {contract} for you: "
                                         "`workdiary contracts` lists your offers.").format(
        contract=contract_id))


def answer_offer(store: LocalStore, secrets_factory: Callable[[], SecretStore],
                 contract_id: str, *, accept: bool) -> Contract:
    """Accept or decline; on acceptance the contract joins the cached ones at once."""
    api = _api(store, secrets_factory)
    try:
        answered = api.answer_offer(contract_id, accept)
        store.replace_contracts(freelancer_contracts(api.contracts()))
    except Rejected as exc:
        raise OfferError(translate("Offers", "the server refused the answer: {reason}").format(
            reason=exc.server_message)) from exc
    except AuthExpired as exc:
        raise OfferError(_expired()) from exc
    except ApiError as exc:
        raise OfferError(translate("Offers", "the answer could not be sent: {reason}").format(
            reason=exc)) from exc
    return answered.contract
