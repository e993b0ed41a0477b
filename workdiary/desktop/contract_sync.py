"""The contracts refresh of each sync pass (the sync worker's thread, before the uploads):
fetch the contracts, cache the active ones, and say in words what changed for the freelancer:
a new tracking policy (applied from the next segment the tracker starts) or a contract that
stopped (paused or ended on the server). Qt-free; the tray tells each message once."""

from __future__ import annotations

from dataclasses import dataclass, field

from workdiary.core.model import Contract
from workdiary.desktop.account import freelancer_contracts, open_offers
from workdiary.desktop.i18n import translate
from workdiary.desktop.policy_text import policy_change_message
from workdiary.store import LocalStore
from workdiary.sync.api import ApiClient


@dataclass(frozen=True, slots=True)
class ContractsUpdate:
    contracts: list[Contract]  # the active ones, now cached
    offers: list[Contract] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # sentences for the user, once each


def refresh_from(api: ApiClient, store: LocalStore) -> ContractsUpdate:
    """Fetch and cache; compare with the cache to say what changed (raises ApiError)."""
    items = api.contracts()
    fresh = freelancer_contracts(items)
    before = {c.id: c for c in store.contracts()}
    now_ids = {c.id for c in fresh}
    messages = [message for c in fresh if c.id in before
                if (message := policy_change_message(c.title, before[c.id].policy, c.policy))]
    messages += [translate("Contracts", "The contract “{title}” is no longer active (paused or "
                                        "ended by the client or ended by you): time recorded on "
                                        "it from now on is refused (contract_inactive). Clock "
                                        "out.").format(title=c.title)
                 for cid, c in before.items() if cid not in now_ids]
    store.replace_contracts(fresh)
    return ContractsUpdate(fresh, open_offers(items), messages)
