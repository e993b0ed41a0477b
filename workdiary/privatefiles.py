"""Owner-only files: the desktop's and the server's data hold work diaries, screenshots,
password and token hashes, so their folders are 0700 and their files 0600.

New folders and files are created that way; folders that already exist (made by an older
version, or by hand) are tightened when the program starts.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) if needed, and make it owner-only."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    os.chmod(path, PRIVATE_DIR)
    return path


def private_file(path: Path) -> None:
    """Make an existing file owner-only (absent is fine)."""
    try:
        if not path.is_symlink():
            os.chmod(path, PRIVATE_FILE)
    except FileNotFoundError:
        pass


def tighten(root: Path, *, depth: int) -> None:
    """Make ``root`` and what lies up to ``depth`` levels below it owner-only.

    Symbolic links are left alone (their targets are not ours to change).
    """
    private_dir(root)
    if depth <= 0:
        return
    for entry in os.scandir(root):
        path = Path(entry.path)
        if entry.is_symlink():
            continue
        if entry.is_dir():
            tighten(path, depth=depth - 1)
        elif entry.is_file():
            private_file(path)


def write_private(path: Path, data: bytes) -> None:
    """Write a new owner-only file (0600 from the start, not chmod-ed afterwards)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
