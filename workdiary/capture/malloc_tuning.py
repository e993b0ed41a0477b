"""Give a screenshot's pixel buffers back to the system as soon as they are freed (glibc).

A grab and its encode allocate a few buffers of 8 MB (1080p) to 33 MB (4K). glibc serves
such blocks with mmap and unmaps them on free, but after the first free it raises its mmap
threshold to that size (the "dynamic threshold"), so every later screenshot's buffers come
from the heap, and the heap keeps them: the tray app then held 6-12 MB more between captures
that are minutes apart. A fixed threshold turns that adjustment off. Measured with
scripts/measure-memory.py: the 12 MB peak after each capture is gone, steady RSS -1 MB.

The screen grabber reads in strips just under the mmap threshold (``screen_mss``), so their
buffers come from the heap; the trim threshold (glibc's 128 KB, also fixed once the mmap
threshold is) is raised to 1 MB so that a freed strip at the top of the heap is kept for the
next strip rather than given back and faulted in again, 270 times per 4K grab. The heap keeps
at most that 1 MB of free memory at its top.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_TRIM_THRESHOLD = -1  # mallopt parameter numbers, from glibc's malloc.h
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 256 * 1024  # glibc's own starting value; blocks above it come from mmap
TRIM_THRESHOLD = 4 * MMAP_THRESHOLD


def return_large_buffers() -> bool:
    """Fix glibc's mmap and trim thresholds; False (nothing done) elsewhere (macOS, Windows,
    musl)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc: its allocator returns memory its own way
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
