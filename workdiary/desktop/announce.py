"""What the tray tells the user once per session, not on every repeat: an update per version,
a screenshot refusal per reason (a refused portal fails every screenshot the same way), a clock
or login warning per wording. Qt-free; the session asks before it shows a tray message."""

from __future__ import annotations

from collections.abc import Hashable

from workdiary.desktop.i18n import translate
from workdiary.sync.release import ReleaseNotice, ReleaseState


class Announcements:
    """Remembers what was said; ``first_time(key)`` is True once per key."""

    def __init__(self) -> None:
        self._told: set[Hashable] = set()

    def first_time(self, key: Hashable) -> bool:
        if key in self._told:
            return False
        self._told.add(key)
        return True


def release_label(notice: ReleaseNotice | None) -> str | None:
    """The tray menu's and the window's short line about an update, or None when current."""
    if notice is None or notice.state is ReleaseState.CURRENT:
        return None
    if notice.blocks_clock_in:
        return translate("Release", "Update required: workdiary {version} (clocking in is off)"
                         ).format(version=notice.latest)
    return translate("Release", "Update available: workdiary {version}").format(
        version=notice.latest)
