"""Moved to ``server/i18n/formatting.py`` (mail uses it too); kept for the pages' import path."""

from workdiary.server.i18n.formatting import *  # noqa: F403
