"""Activity from sway's idle notifications (org_kde_kwin_idle on sway 1.7), driven by wtype."""

from __future__ import annotations

import subprocess
import time

import pytest

from workdiary.capture.base import DisplayUnavailable
from workdiary.capture.wayland.idle_swayidle import SwayidleActivity
from workdiary.core.model import ActivitySource

from .compositors import WaylandSession

pytestmark = pytest.mark.wayland


def _type(session: WaylandSession) -> None:
    subprocess.run(["wtype", "-k", "space"], env=session.client_env(), check=True, timeout=10)


def test_typing_is_active_time_and_stopping_is_idle(sway: WaylandSession) -> None:
    activity = SwayidleActivity(env=sway.client_env(), timeout=1)
    activity.start()
    try:
        typed = 0
        deadline = time.monotonic() + 60
        while typed < 3:  # until three active seconds are reported (not a timing assertion)
            assert time.monotonic() < deadline, "typing was never reported as activity"
            _type(sway)
            time.sleep(0.2)
            counts = activity.take()
            assert counts.source is ActivitySource.IDLE_MONITOR
            assert (counts.keys, counts.clicks, counts.scrolls, counts.moves) == (0, 0, 0, 0)
            typed += counts.active_seconds
        assert not activity.idle
        deadline = time.monotonic() + 60
        while not activity.idle:  # no more input: the compositor says idle
            assert time.monotonic() < deadline, "the compositor never reported idle"
            time.sleep(0.1)
        activity.take()  # the tail of the last active stretch
        time.sleep(1.5)
        assert activity.take().active_seconds == 0  # idle time is never active
        _type(sway)
        deadline = time.monotonic() + 60
        while activity.idle:  # input again: resumed
            assert time.monotonic() < deadline, "input after idle was never reported"
            time.sleep(0.05)
        assert activity.take().has_input
    finally:
        activity.stop()


def test_a_compositor_without_idle_notifications_is_a_clear_error(
    sway: WaylandSession,
) -> None:
    env = sway.client_env(WAYLAND_DISPLAY="no-such-display")
    with pytest.raises(DisplayUnavailable, match="no idle notifications"):
        SwayidleActivity(env=env).start()
