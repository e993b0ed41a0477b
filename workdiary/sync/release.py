"""Update notices: what the server's published desktop release means for this copy, and the
rule for a copy below the operator's minimum. Qt-free; used by the tray and ``workdiary track``.

Nothing is downloaded or replaced here: the app says that an update exists and where to get
it. Below ``minimum`` the app finishes what it recorded (clock out, sign), uploads it, and
refuses to clock in until the new version is installed. Offline, the last notice stands; with
no notice at all (never reached the server, or nothing published) clocking in is allowed:
recording offline is the product's promise.
"""

from __future__ import annotations

import enum
import logging
import platform
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from packaging.version import InvalidVersion, Version

from workdiary import __version__
from workdiary.sync.api import ApiClient, ApiError

_log = logging.getLogger(__name__)

# The download_urls keys looked up for each system, in order.
DOWNLOAD_KEYS = {"Windows": ("windows",), "Darwin": ("macos",), "Linux": ("linux-deb", "linux")}


class ReleaseState(enum.Enum):
    CURRENT = "current"
    UPDATE_AVAILABLE = "update_available"
    BELOW_MINIMUM = "below_minimum"


@dataclass(frozen=True, slots=True)
class ReleaseNotice:
    state: ReleaseState
    current: str
    latest: str
    minimum: str | None
    notes_url: str | None
    download_url: str | None  # for this system, if the operator gave one
    message: str  # a sentence for the tray or the terminal

    @property
    def blocks_clock_in(self) -> bool:
        return self.state is ReleaseState.BELOW_MINIMUM


def notice_for(current: str, release: Mapping[str, Any], system: str | None = None
               ) -> ReleaseNotice:
    """Compare ``current`` with the server's release; ValueError if the release is unusable."""
    try:
        mine, latest = Version(current), Version(str(release["latest"]))
        minimum = release.get("minimum")
        floor = Version(str(minimum)) if minimum else None
    except (KeyError, InvalidVersion) as error:
        raise ValueError(f"the server's desktop release is unusable: {error!r}") from error
    downloads = release.get("download_urls") or {}
    keys = DOWNLOAD_KEYS.get(platform.system() if system is None else system, ())
    url = next((str(downloads[k]) for k in keys if isinstance(downloads, Mapping)
                and downloads.get(k)), None)
    notes = str(release["notes_url"]) if release.get("notes_url") else None
    where = f" from {url}" if url else " from your usual download page"
    if floor is not None and mine < floor:
        state = ReleaseState.BELOW_MINIMUM
        message = (
            f"This workdiary ({current}) is older than the server accepts (at least {floor}). "
            f"What you recorded has been uploaded; clocking in is off until you install "
            f"workdiary {latest}{where}.")
    elif mine < latest:
        state = ReleaseState.UPDATE_AVAILABLE
        message = f"workdiary {latest} is available (you have {current}): download it{where}."
    else:
        state = ReleaseState.CURRENT
        message = f"workdiary {current} is up to date."
    if notes and state is not ReleaseState.CURRENT:
        message += f" What is new: {notes}"
    return ReleaseNotice(state, current, str(latest), str(floor) if floor else None, notes, url,
                         message)


def check_release(api: ApiClient, current: str = __version__, system: str | None = None
                  ) -> ReleaseNotice | None:
    """Ask the server; None when it publishes no release. ApiError when it cannot answer."""
    release = api.desktop_release()
    if release is None:
        return None
    return notice_for(current, release, system)


class ReleaseGate:
    """The latest known notice, shared by the threads that check and the one that clocks in.

    ``refresh`` runs where network calls run (the sync worker, or before ``track`` starts);
    ``refusal`` is what clock-in asks. A failed check keeps the previous notice.
    """

    def __init__(self, current: str = __version__, system: str | None = None) -> None:
        self._current = current
        self._system = system
        self._lock = threading.Lock()
        self._notice: ReleaseNotice | None = None

    @property
    def notice(self) -> ReleaseNotice | None:
        with self._lock:
            return self._notice

    def refresh(self, api: ApiClient) -> ReleaseNotice | None:
        try:
            release = api.desktop_release()
        except ApiError as error:
            _log.info("desktop release check failed, keeping the last notice: %s", error)
            return self.notice
        return self.accept(release)

    def accept(self, release: Mapping[str, Any] | None) -> ReleaseNotice | None:
        """The server's answer (None: it publishes no release), fetched by ``refresh`` or by
        the tray app's sync helper process; an unusable one keeps the last notice."""
        try:
            notice = (None if release is None
                      else notice_for(self._current, release, self._system))
        except ValueError as error:
            _log.info("desktop release check failed, keeping the last notice: %s", error)
            return self.notice
        with self._lock:
            self._notice = notice
        return notice

    def refusal(self) -> str | None:
        """Why clocking in is refused now, or None if it is allowed."""
        notice = self.notice
        return notice.message if notice is not None and notice.blocks_clock_in else None


def finish_below_minimum(notice: ReleaseNotice | None, *, clocked_in: bool,
                         clock_out: Callable[[], None], upload: Callable[[], object]
                         ) -> str | None:
    """Below the minimum: clock out (the open segment is closed and signed), upload all that
    is pending, and return the refusal to show. Otherwise do nothing and return None."""
    if notice is None or not notice.blocks_clock_in:
        return None
    if clocked_in:
        clock_out()
    upload()
    return notice.message
