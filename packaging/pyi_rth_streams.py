# PyInstaller runtime hook: a windowed executable (Windows workdiary.exe, the macOS .app) starts
# with sys.stdout and sys.stderr set to None, and the first `.flush()` or `.write()` on them
# would end the app. They go to the null device instead; logs still reach their handlers.
import os
import sys

for _name in ("stdout", "stderr"):
    if getattr(sys, _name) is None:
        setattr(sys, _name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
