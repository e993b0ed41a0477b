"""Moved to ``server/i18n/catalogs.py`` (mail uses it too); kept for the pages' import path."""

from workdiary.server.i18n.catalogs import *  # noqa: F403
