"""The desktop's local cache: SQLite (WAL, versioned migrations) and screenshot files."""

from workdiary.store.codec import SyncInfo
from workdiary.store.errors import StoreError
from workdiary.store.local import LocalStore

__all__ = ["LocalStore", "StoreError", "SyncInfo"]
