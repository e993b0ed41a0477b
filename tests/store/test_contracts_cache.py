"""The contracts cache of the SQLite store (the rest of its rules: test_store_contract.py)."""

from __future__ import annotations

from collections.abc import Callable

from workdiary.core.model import Contract
from workdiary.store import LocalStore


def test_contracts_are_replaced_as_a_whole(
    store: LocalStore, make_contract: Callable[..., Contract]
) -> None:
    store.replace_contracts([make_contract("c-1"), make_contract("c-2", segment_minutes=1)])
    assert [c.id for c in store.contracts()] == ["c-1", "c-2"]
    contract = store.contract("c-2")
    assert contract is not None and contract.policy.segment_minutes == 1
    store.replace_contracts([make_contract("c-3")])
    assert store.contract("c-1") is None
