"""Server services: keyword-only functions taking a SQLAlchemy session, one module per resource.

They are UI-agnostic (the JSON API and the web pages both call them), scope every query by
the caller, raise :mod:`workdiary.server.errors` ServiceErrors, and commit their own writes.
"""
