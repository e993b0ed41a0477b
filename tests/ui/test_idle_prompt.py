"""Idle: when input returns the prompt asks Keep / Discard and the answer reaches the engine."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from workdiary.tracker.events import IdleEnded, IdleResolved
from workdiary.ui.idle_prompt import IdlePrompt

from .conftest import Rig


def away_and_back(rig: Rig, qtbot: Any) -> IdlePrompt:
    prompts: list[IdlePrompt] = []
    rig.session.idle_ended.connect(
        lambda period: prompts.append(IdlePrompt(rig.session, period)))
    rig.session.clock_in(rig.store.contracts()[0], "Work")  # idle after 2 minutes
    qtbot.waitUntil(lambda: rig.session.clocked_in)
    rig.run(5, input_every=1)
    rig.run(300)  # away: no input
    qtbot.waitUntil(lambda: rig.session.idle_since is not None)
    rig.run(3, input_every=1)  # back
    qtbot.waitUntil(lambda: bool(prompts))
    (ended,) = rig.of(IdleEnded)
    assert ended.kept is None  # the decision is the user's
    prompt = prompts[0]
    qtbot.addWidget(prompt)
    prompt.show()
    return prompt


def recorded_seconds(rig: Rig) -> int:
    now = rig.clock.now()
    return sum(s.tracked_seconds for s in rig.store.segments_between(now.replace(hour=0), now))


@pytest.mark.parametrize("keep", [True, False])
def test_the_idle_decision_reaches_the_engine(rig: Rig, qtbot: Any, keep: bool) -> None:
    prompt = away_and_back(rig, qtbot)
    assert "were recorded as idle" in prompt.text.text()
    before = recorded_seconds(rig)
    idle_seconds = rig.of(IdleEnded)[0].period.seconds
    assert idle_seconds > 0
    button = prompt.keep_button if keep else prompt.discard_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    rig.tracker.flush()
    (resolved,) = rig.of(IdleResolved)
    assert resolved.kept is keep
    expected = before if keep else before - idle_seconds
    assert recorded_seconds(rig) == expected
    assert not prompt.isVisible()


def test_closing_the_prompt_keeps_the_time(rig: Rig, qtbot: Any) -> None:
    prompt = away_and_back(rig, qtbot)
    prompt.reject()
    rig.tracker.flush()
    (resolved,) = rig.of(IdleResolved)
    assert resolved.kept is True
