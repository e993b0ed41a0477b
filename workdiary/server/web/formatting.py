"""Moved to ``workdiary.server.i18n.formatting`` (the mail uses it too); the pages' old import path."""

from workdiary.server.i18n.formatting import *  # noqa: F403
