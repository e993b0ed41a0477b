"""The demo's stage: its own Xvfb with a drawn workspace and labelled synthetic input; without
Xvfb one sentence at the start says what is missing."""

from __future__ import annotations

import os
import time

import pytest

from workdiary.cli import demo as demo_cli
from workdiary.core.model import CaptureMode
from workdiary.demo import stage as stage_module
from workdiary.demo import virtual_screen
from workdiary.demo.workspace import render_editor, render_terminal


@pytest.mark.xvfb
def test_the_stage_draws_a_workspace_and_its_input_is_counted(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from workdiary.capture.input_pynput import PynputInputCounter
    from workdiary.capture.pointer_x11 import X11Pointer
    from workdiary.capture.screen_mss import MssScreenGrabber

    monkeypatch.setenv("DISPLAY", ":12345")  # the user's display: restored afterwards
    said: list[str] = []
    stage = stage_module.open_stage(said.append)
    try:
        assert os.environ["DISPLAY"] == stage.screen.name != ":12345"
        counter = PynputInputCounter()
        counter.start()
        try:
            deadline = time.monotonic() + 20
            while stage.demo_input.keys < 6 and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(0.5)
            counts = counter.take()
        finally:
            counter.stop()
        grabber = MssScreenGrabber(X11Pointer(stage.screen.name), display=stage.screen.name)
        try:
            shot = grabber.grab(CaptureMode.ALL)
        finally:
            grabber.close()
    finally:
        stage.close()
    assert os.environ["DISPLAY"] == ":12345"
    assert counts.keys >= 3 and counts.moves >= 1, counts
    assert len(set(shot.convert("L").getextrema())) == 2  # not a blank screen
    assert said[0].startswith("workdiary demo: recording the demo's own virtual screen")
    assert said[1].startswith("demo input:")


def test_the_workspace_pictures_grow_as_work_goes_on() -> None:
    assert render_editor(400, 300, 1).tobytes() != render_editor(400, 300, 5).tobytes()
    assert render_terminal(400, 300, 1).tobytes() != render_terminal(400, 300, 3).tobytes()


def test_without_xvfb_the_demo_says_once_what_is_missing(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(virtual_screen.shutil, "which", lambda name: None)
    assert demo_cli._open_stage() is None
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "Xvfb is not installed" in out and "apt-get install xvfb" in out
    assert "no screenshots, no activity" in out
