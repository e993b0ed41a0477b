"""Freed screenshot-sized buffers go back to the system, strip-sized ones are reused (glibc's fixed
mmap and trim thresholds)."""

from __future__ import annotations

import subprocess
import sys

import pytest

# A 32 MB block, then smaller ones, freed each time, as successive captures do. Without the
# fixed threshold glibc raises it after the first free and the later blocks stay in the heap.
CYCLE = """
import sys
from workdiary.capture.malloc_tuning import return_large_buffers
if sys.argv[1] == "fixed":
    assert return_large_buffers()
def rss_mb():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20
base = rss_mb()
for size in (32, 24, 16):
    block = b"x" * (size << 20)
    del block
print(round(rss_mb() - base, 1))
"""



def _run(script: str, mode: str) -> str:
    """What ``script`` prints in a fresh interpreter (its allocator untouched by this one)."""
    return subprocess.run([sys.executable, "-c", script, mode], capture_output=True,
                          text=True, check=True, timeout=60).stdout

@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_freed_large_buffers_leave_the_process() -> None:
    assert float(_run(CYCLE, "default")) >= 8  # the problem is real here: glibc keeps it
    assert float(_run(CYCLE, "fixed")) < 2


# The screen grabber's strips: mss's copy and Pillow's, each just under the mmap threshold,
# freed before the next strip. 100 buffers of 60 pages: 6,000 page faults if each is new.
STRIPS = """
import ctypes, resource, sys
from workdiary.capture.malloc_tuning import MMAP_THRESHOLD, return_large_buffers
if sys.argv[1] == "fixed":
    assert return_large_buffers()
else:  # the mmap threshold alone, glibc's trim threshold of 128 KB
    assert ctypes.CDLL("libc.so.6").mallopt(-3, MMAP_THRESHOLD)
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
start = faults()
for _ in range(50):
    copy = bytes(240 * 1024) + b"x"
    strip = bytearray(copy)
    del copy, strip
print(faults() - start)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_strip_sized_buffers_are_reused_not_faulted_in_again() -> None:
    fixed = int(_run(STRIPS, "fixed"))
    assert fixed < 750
    assert int(_run(STRIPS, "mmap-only")) > 2 * fixed  # the default trim threshold gives them back
