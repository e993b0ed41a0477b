"""Settings (key/value strings) and the contracts cache."""

from __future__ import annotations

import json

from workdiary.core.model import Contract
from workdiary.store.base import StoreBase


class SettingsMixin(StoreBase):
    def get_setting(self, key: str) -> str | None:
        with self._db.reading() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_setting(self, key: str, value: str) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value),
            )

    def delete_setting(self, key: str) -> None:
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM settings WHERE key = ?", (key,))

    def device_id(self) -> str:
        """The local device id (uuid4 hex), created on first use and stored."""
        with self._db.transaction() as conn:
            return self._device_id_in(conn)


class ContractsMixin(StoreBase):
    def replace_contracts(self, contracts: list[Contract]) -> None:
        """Replace the cached contracts with the server's list (also how tests seed one)."""
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM contracts")
            conn.executemany(
                "INSERT INTO contracts (id, data) VALUES (?, ?)",
                [(c.id, json.dumps(c.to_dict(), sort_keys=True)) for c in contracts],
            )

    def contracts(self) -> list[Contract]:
        with self._db.reading() as conn:
            rows = conn.execute("SELECT data FROM contracts ORDER BY id").fetchall()
        return [Contract.from_dict(json.loads(data)) for (data,) in rows]

    def contract(self, contract_id: str) -> Contract | None:
        with self._db.reading() as conn:
            row = conn.execute(
                "SELECT data FROM contracts WHERE id = ?", (contract_id,)
            ).fetchone()
        return None if row is None else Contract.from_dict(json.loads(row[0]))
