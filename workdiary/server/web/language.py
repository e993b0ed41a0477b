"""Moved to ``workdiary.server.i18n.language`` (the mail uses it too); the pages' old import path."""

from workdiary.server.i18n.language import *  # noqa: F403
