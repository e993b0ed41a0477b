"""Screenshot capture + encode speed and size on a busy screen (budgets from DESIGN.md).

For 1920x1080 and 3840x2160: starts a private Xvfb of that size, paints a busy desktop (code
editor, spreadsheet, chart, photo; ``workdiary.testing.busy_screen``) as the root window's
background, then grabs (mss, the real ``MssScreenGrabber``) and encodes (``encode_screenshot``)
50 times, plain and with the policy's blur. Prints p50/p95 of grab, encode and the total, and the
JPEG bytes, next to the budgets: p95 <= 40 ms at 1080p, <= 100 ms at 4K, <= 150 KB at 1080p.

    .venv/bin/python benchmarks/bench_capture.py [--runs 50]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

from PIL import Image, ImageChops

from workdiary.capture.encode import encode_screenshot
from workdiary.capture.screen_mss import MssScreenGrabber
from workdiary.core.model import CaptureMode
from workdiary.testing.busy_screen import render_busy_screen
from workdiary.testing.xvfb import VirtualDisplay, XvfbUnavailable, start_xvfb

BUDGET_P95_MS = {(1920, 1080): 40.0, (3840, 2160): 100.0}
BUDGET_BYTES_1080P = 150_000
WARM_UP = 3


def start_display(width: int, height: int) -> VirtualDisplay:
    """A private Xvfb of that size; exits with the reason if there is none."""
    try:
        return start_xvfb(width, height)
    except XvfbUnavailable as problem:
        raise SystemExit(f"{problem} Cannot run this benchmark.") from problem


def paint_root(display_name: str, image: Image.Image) -> None:
    """Make ``image`` the root window's background, so it stays on screen with no client."""
    from Xlib import X
    from Xlib import display as xdisplay

    conn = xdisplay.Display(display_name)
    screen = conn.screen()
    root = screen.root
    width, height = image.size
    pixmap = root.create_pixmap(width, height, screen.root_depth)
    gc = pixmap.create_gc()
    data = image.convert("RGB").tobytes("raw", "BGRX")
    rows = max(1, 200_000 // (width * 4))  # stay under the core protocol's request size
    for top in range(0, height, rows):
        count = min(rows, height - top)
        chunk = data[top * width * 4 : (top + count) * width * 4]
        pixmap.put_image(gc, 0, top, width, count, X.ZPixmap, screen.root_depth, 0, chunk)
    root.change_attributes(background_pixmap=pixmap)
    root.clear_area(0, 0, width, height)
    conn.sync()
    conn.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def measure(display_name: str, runs: int, *, blur: bool) -> dict[str, list[float]]:
    grabber = MssScreenGrabber(display=display_name)
    results: dict[str, list[float]] = {"grab": [], "encode": [], "total": [], "bytes": [],
                                       "thumb": []}
    try:
        for index in range(WARM_UP + runs):
            started = time.perf_counter()
            image = grabber.grab(CaptureMode.ALL)
            grabbed = time.perf_counter()
            encoded = encode_screenshot(image, blur=blur)
            done = time.perf_counter()
            if index < WARM_UP:
                continue
            results["grab"].append((grabbed - started) * 1000)
            results["encode"].append((done - grabbed) * 1000)
            results["total"].append((done - started) * 1000)
            results["bytes"].append(len(encoded.jpeg))
            results["thumb"].append(len(encoded.thumbnail))
    finally:
        grabber.close()
    return results


def check_screen(display_name: str, expected: Image.Image) -> None:
    """The grab must be the busy picture, or the figures would measure an empty screen."""
    grabber = MssScreenGrabber(display=display_name)
    try:
        grabbed = grabber.grab(CaptureMode.ALL)
    finally:
        grabber.close()
    if grabbed.size != expected.size or ImageChops.difference(grabbed, expected).getbbox():
        raise SystemExit(f"The screen on {display_name} is not the busy picture; aborting.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    print(f"capture + encode, {args.runs} runs after {WARM_UP} warm-up; "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}")
    failures = 0
    for size, budget_ms in BUDGET_P95_MS.items():
        server = start_display(*size)
        try:
            busy = render_busy_screen(*size)
            paint_root(server.name, busy)
            check_screen(server.name, busy)
            for blur in (False, True):
                r = measure(server.name, args.runs, blur=blur)
                p95 = percentile(r["total"], 0.95)
                ok = p95 <= budget_ms
                failures += not ok
                label = f"{size[0]}x{size[1]}{' blur' if blur else ''}"
                print(
                    f"{label:<15} grab p50 {percentile(r['grab'], 0.5):5.1f} ms "
                    f"p95 {percentile(r['grab'], 0.95):5.1f} | encode p50 "
                    f"{percentile(r['encode'], 0.5):5.1f} p95 {percentile(r['encode'], 0.95):5.1f}"
                    f" | total p50 {percentile(r['total'], 0.5):5.1f} p95 {p95:5.1f} ms "
                    f"(budget p95 <= {budget_ms:.0f} ms: {'ok' if ok else 'OVER'})"
                )
                jpeg = statistics.median(r["bytes"])
                line = (f"{'':<15} JPEG {jpeg / 1000:6.1f} KB (1920 px wide max), "
                        f"thumbnail {statistics.median(r['thumb']) / 1000:4.1f} KB")
                if size == (1920, 1080) and not blur:
                    ok_bytes = max(r["bytes"]) <= BUDGET_BYTES_1080P
                    failures += not ok_bytes
                    line += (f" (budget <= {BUDGET_BYTES_1080P // 1000} KB per busy 1080p "
                             f"screen: {'ok' if ok_bytes else 'OVER'})")
                print(line)
        finally:
            server.stop()
    print("all within budget" if not failures else f"{failures} figure(s) over budget")


if __name__ == "__main__":
    main()
