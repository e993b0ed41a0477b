"""Errors of the local store."""


class StoreError(Exception):
    """The local cache cannot be used as asked; the message says which file, what happened
    and what to do."""
