"""Forget the module sources that PySide6 reads on every import (issue 16: ~9 MB of the tray app).

Once imported, PySide6 checks every module imported after it for its ``__feature__`` switches
(PYSIDE-2029) by reading the module's whole source with ``inspect.getsource``, and ``linecache``
keeps every file's text for good: about 300 files, 4 MB of text, in the tray app. That cache
only spares a traceback a file read (it reads the file again once the entry is gone), so
``forget_module_sources`` empties it at every import: each module's text is dropped as the next
module loads, and that memory is reused instead of kept. Emptied once at the end instead, none
of it goes back to the system (Python's allocator keeps the pages): measured, see
benchmarks/memory.md.
"""

from __future__ import annotations

import linecache
import sys
import threading

_installed = threading.Event()


def forget_module_sources() -> None:
    """From now on (for good: audit hooks cannot be removed), empty linecache at each import."""
    if _installed.is_set():
        return
    _installed.set()
    linecache.clearcache()
    sys.addaudithook(_on_audit_event)


def _on_audit_event(event: str, _args: tuple[object, ...]) -> None:
    if event == "import" and linecache.cache:
        linecache.clearcache()
