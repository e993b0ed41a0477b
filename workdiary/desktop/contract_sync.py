"""The contracts refresh (the sync worker's thread, before a pass's uploads): fetch the
contracts, cache the active ones, and say in words what changed for the freelancer: a new
tracking policy (applied from the next segment the tracker starts) or a contract that stopped
(paused or ended on the server). Qt-free; the tray tells each message once.

``RefreshSchedule`` says when a pass refreshes, instead of every pass: on demand (clock-in,
"Sync now", an upload the server refused as off the contract), every ``max_age`` seconds, and
while clocked in once just before each segment boundary, so a policy changed before that
window still applies from the segment that starts at the boundary (docs/design.md, "Policy
versions").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from workdiary.core.model import Contract
from workdiary.desktop.account import freelancer_contracts, open_offers
from workdiary.desktop.i18n import translate
from workdiary.desktop.policy_text import policy_change_message
from workdiary.store import LocalStore
from workdiary.sync.api import ApiClient, ContractInfo

# Verdict reasons that say the cached contract is out of date (paused or ended, or off the
# policy's grid or manual time no longer allowed).
STALE_REASONS = frozenset({"contract_inactive", "outside_contract"})


class RefreshSchedule:
    """Whether a sync pass fetches the contracts (the sync thread only)."""

    def __init__(self, *, max_age: float = 300.0, lead: float = 40.0) -> None:
        self.max_age = timedelta(seconds=max_age)
        # Passes come at least every sync interval: a window a little longer than that before
        # each boundary holds at least one pass.
        self.lead = timedelta(seconds=lead)
        self.last: datetime | None = None

    def due(self, now: datetime, *, segment_minutes: int | None, asked: bool = False) -> bool:
        """``segment_minutes``: the tracked contract's grid while clocked in, else None."""
        if asked or self.last is None or now - self.last >= self.max_age:
            return True
        if segment_minutes is None:
            return False
        window = next_boundary(now, segment_minutes) - self.lead
        return now >= window and self.last < window

    def refreshed(self, now: datetime) -> None:
        self.last = now


def next_boundary(now: datetime, segment_minutes: int) -> datetime:
    """The next start of a segment on the UTC grid of ``segment_minutes``."""
    step = segment_minutes * 60
    seconds = int(now.astimezone(UTC).timestamp())
    return datetime.fromtimestamp((seconds // step + 1) * step, UTC)


def says_stale(reasons: list[str] | tuple[str, ...]) -> bool:
    return bool(STALE_REASONS.intersection(reasons))


@dataclass(frozen=True, slots=True)
class ContractsUpdate:
    contracts: list[Contract]  # the active ones, now cached
    offers: list[Contract] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # sentences for the user, once each


def refresh_from(api: ApiClient, store: LocalStore) -> ContractsUpdate:
    """Fetch and cache; compare with the cache to say what changed (raises ApiError)."""
    return apply_contracts(api.contracts(), store)


def apply_contracts(items: list[ContractInfo], store: LocalStore) -> ContractsUpdate:
    """Cache the server's contract list (fetched here or by the tray app's sync helper
    process) and say what changed, in the user's language."""
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
