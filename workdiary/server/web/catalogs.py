"""Moved to ``workdiary.server.i18n.catalogs`` (the mail uses it too); the pages' old import path."""

from workdiary.server.i18n.catalogs import *  # noqa: F403
