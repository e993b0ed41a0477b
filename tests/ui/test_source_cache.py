"""The tray app does not keep the module sources PySide6 reads on every import (issue 16)."""

from __future__ import annotations

import linecache
from pathlib import Path

import pytest

from workdiary.ui.source_cache import forget_module_sources


def test_a_source_read_into_linecache_is_dropped_at_the_next_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    forget_module_sources()
    forget_module_sources()  # once per process: a second call adds no second hook
    first_line = Path(__file__).read_text().splitlines()[0] + "\n"
    assert linecache.getline(__file__, 1) == first_line  # as PySide6's check leaves a file
    assert __file__ in linecache.cache

    (tmp_path / "workdiary_source_probe.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    # An import statement, as PySide6 sees it (importlib.import_module raises no audit event).
    import workdiary_source_probe  # type: ignore[import-not-found]

    assert workdiary_source_probe.VALUE == 1
    assert __file__ not in linecache.cache
    assert linecache.getline(__file__, 1) == first_line  # a traceback reads the file again
