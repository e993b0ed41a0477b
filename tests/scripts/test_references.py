"""Code, tests and scripts point only at files inside the repository."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FOLDERS = ["workdiary", "tests", "scripts", "benchmarks", ".ci", "Makefile", "packaging"]
OUTSIDE = re.compile(r"\.\./shared|\bshared/|/work/")
MARKDOWN = re.compile(r"[\w./-]*\b[\w-]+\.md\b")


def tracked_text_files() -> list[Path]:
    # Walk the folders, not git: the tree may be a copy without .git (fresh-machine-check).
    paths = []
    for name in FOLDERS:
        top = REPO / name
        paths += [top] if top.is_file() else [p for p in top.rglob("*") if p.is_file()]
    return [p for p in paths if "__pycache__" not in p.parts and ".egg-info" not in str(p)
            and p.suffix not in {".png", ".jpg", ".ico", ".pyc", ".sqlite3"}]


def test_nothing_points_outside_the_repository() -> None:
    here = Path(__file__).resolve()
    offenders = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in tracked_text_files() if path != here
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert offenders == []


def test_every_markdown_file_named_exists() -> None:
    here = Path(__file__).resolve()
    known = {p.name.lower() for p in REPO.rglob("*.md") if ".venv" not in p.parts}
    missing = [
        f"{path.relative_to(REPO)}: {name}"
        for path in tracked_text_files() if path != here
        for name in MARKDOWN.findall(path.read_text(errors="replace"))
        if Path(name).name.lower() not in known
    ]
    assert missing == []
