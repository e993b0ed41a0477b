"""Give a screenshot's pixel buffers back to the system as soon as they are freed (glibc).

A grab and its encode allocate a few buffers of 8 MB (1080p) to 33 MB (4K). glibc serves
such blocks with mmap and unmaps them on free, but after the first free it raises its mmap
threshold to that size (the "dynamic threshold"), so every later screenshot's buffers come
from the heap, and the heap keeps them: the tray app then held 6-12 MB more between captures
that are minutes apart. A fixed threshold turns that adjustment off. Measured with
scripts/measure-memory.py: the 12 MB peak after each capture is gone, steady RSS -1 MB.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_MMAP_THRESHOLD = -3  # mallopt parameter number, from glibc's malloc.h
MMAP_THRESHOLD = 256 * 1024  # glibc's own starting value; blocks above it come from mmap


def return_large_buffers() -> bool:
    """Fix glibc's mmap threshold; False (nothing done) elsewhere (macOS, Windows, musl)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc: its allocator returns memory its own way
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
