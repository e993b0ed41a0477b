"""Fixtures for the web pages (the world itself is built in ``webworld``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .webworld import World, make_world


@pytest.fixture
def world(tmp_path: Path) -> World:
    """Two contracts (client A + freelancer A, client B + freelancer B) and a Tuesday of work."""
    return make_world(tmp_path)
