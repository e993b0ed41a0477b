"""Code, tests and scripts point only at files inside the repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FOLDERS = ["workdiary", "tests", "scripts", "benchmarks", ".ci", "Makefile", "packaging"]
OUTSIDE = re.compile(r"\.\./shared|\bshared/|/work/")
MARKDOWN = re.compile(r"[\w./-]*\b[\w-]+\.md\b")


def tracked_text_files() -> list[Path]:
    names = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard",
                            *FOLDERS], cwd=REPO, capture_output=True, text=True, check=True)
    paths = [REPO / name for name in names.stdout.splitlines()]
    return [p for p in paths if p.is_file() and p.suffix not in {".png", ".jpg", ".ico"}]


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
