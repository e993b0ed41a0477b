"""Errors of the domain layer."""


class DomainError(ValueError):
    """A value breaks a domain rule; the message says which and what is allowed."""
