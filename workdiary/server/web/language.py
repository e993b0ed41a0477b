"""Moved to ``server/i18n/language.py`` (mail uses it too); kept for the pages' import path."""

from workdiary.server.i18n.language import *  # noqa: F403
