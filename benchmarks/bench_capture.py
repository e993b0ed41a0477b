"""Screenshot capture + encode speed and size on a busy screen (budgets from DESIGN.md).

For 1920x1080 and 3840x2160: starts a private Xvfb of that size, paints a busy desktop (code
editor, spreadsheet, chart, photo; ``workdiary.testing.busy_screen``) as the root window's
background, then, in the production pattern, grabs (the real ``MssScreenGrabber``) and
encodes (``encode_screenshot``) in a FRESH PROCESS per repetition, the image freed after each
encode, with glibc tuned as the desktop runtime tunes it (``malloc_tuning``: freed buffers go
back to the system, so each grab faults its memory in afresh): the first grab of the process,
and a later one after a pause (the tracker grabs minutes apart: nothing is warm). The baseline
does the same in alternating fresh processes: mss + Pillow by hand, JPEG quality 70, glibc's
defaults. Budgets on the later grab's p95: <= 40 ms at 1080p,
<= 100 ms at 4K; <= 150 KB at 1080p.

    .venv/bin/python benchmarks/bench_capture.py [--runs 30] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime

from PIL import Image, ImageChops

from workdiary.capture.encode import encode_screenshot
from workdiary.capture.malloc_tuning import return_large_buffers
from workdiary.capture.screen_mss import MssScreenGrabber
from workdiary.core.model import CaptureMode
from workdiary.core.shotstamp import make_stamp
from workdiary.testing.busy_screen import render_busy_screen
from workdiary.testing.xvfb import VirtualDisplay, XvfbUnavailable, start_xvfb

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Bench, Figure, interleave

BUDGET_P95_MS = {(1920, 1080): 40.0, (3840, 2160): 100.0}
BUDGET_BYTES_1080P = 150_000
PAUSE_SECONDS = 1.0  # between the two grabs of a child: caches go cold as between real grabs


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


def grab_encode(kind: str, display_name: str, blur: bool) -> dict[str, float]:
    """One grab + encode; the image is freed before it returns (the production pattern).

    ``ours``: the product's ``MssScreenGrabber`` and ``encode_screenshot``. ``naive``: the
    least that can do the job, mss + Pillow by hand, JPEG quality 70 (the baseline).
    """
    import io

    if kind == "ours":
        grabber = MssScreenGrabber(display=display_name)
        started = time.perf_counter()
        image = grabber.grab(CaptureMode.ALL)
        grabbed = time.perf_counter()
        # As take_screenshot does: the stamp binds the picture to its segment and moment.
        stamp = make_stamp("bench-segment", datetime.now(UTC))
        encoded = encode_screenshot(image, blur=blur, stamp=stamp)
        del image  # nothing of the grab outlives its encode
        done = time.perf_counter()
        grabber.close()
        size = len(encoded.jpeg)
    else:
        import mss

        started = time.perf_counter()
        with mss.MSS(display=display_name) as screen:
            shot = screen.grab(screen.monitors[0])
        picture = Image.frombytes("RGB", shot.size, shot.bgra, "raw", "BGRX")
        grabbed = time.perf_counter()
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=70)
        del picture, shot
        done = time.perf_counter()
        size = out.tell()
    return {"grab": (grabbed - started) * 1000, "encode": (done - grabbed) * 1000,
            "total": (done - started) * 1000, "bytes": size}


def child(kind: str, display_name: str, blur: bool) -> None:
    """Child process: the first grab of a fresh process, then, after a pause, a later one (as
    the tracker's next grab, minutes apart: nothing of the last one kept). Prints
    {"first": {...}, "later": {...}} as JSON."""
    if kind == "ours":
        return_large_buffers()  # as build_runtime does in the tray app and `workdiary track`
    first = grab_encode(kind, display_name, blur)
    time.sleep(PAUSE_SECONDS)
    later = grab_encode(kind, display_name, blur)
    print(json.dumps({"first": first, "later": later}))


def measure_once(kind: str, display_name: str, blur: bool) -> dict[str, dict[str, float]]:
    """A fresh process per repetition: cold caches and allocations, no image kept."""
    out = subprocess.run([sys.executable, __file__, "--child", kind, display_name,
                          "1" if blur else "0"], capture_output=True, text=True, check=True)
    result: dict[str, dict[str, float]] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def check_screen(display_name: str, expected: Image.Image) -> None:
    """The grab must be the busy picture, or the figures would measure an empty screen."""
    grabber = MssScreenGrabber(display=display_name, max_width=None)  # every pixel
    try:
        grabbed = grabber.grab(CaptureMode.ALL)
    finally:
        grabber.close()
    if grabbed.size != expected.size or ImageChops.difference(grabbed, expected).getbbox():
        raise SystemExit(f"The screen on {display_name} is not the busy picture; aborting.")


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4] == "1")
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30,
                        help="fresh processes per figure (p95 needs about 20 or more)")
    bench = Bench("bench_capture", parser)
    runs = max(bench.repeat_count, 5 if bench.quick else bench.args.runs)
    print(f"capture + encode, {runs} fresh processes per figure; "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}")
    for size, budget_ms in BUDGET_P95_MS.items():
        server = start_display(*size)
        try:
            busy = render_busy_screen(*size)
            paint_root(server.name, busy)
            check_screen(server.name, busy)
            loads: list[float] = []
            results: dict[str, list[dict[str, dict[str, float]]]] = {"ours": [], "naive": []}

            def run(kind: str, name: str = server.name,
                    into: dict[str, list[dict[str, dict[str, float]]]] = results) -> float:
                into[kind].append(measure_once(kind, name, False))
                return into[kind][-1]["later"]["total"]

            interleave(lambda: run("ours"), lambda: run("naive"), runs, loads)
            label = f"{size[0]}x{size[1]}"
            for when, text in (("later", f"a later grab {PAUSE_SECONDS:.0f} s after the "
                                "previous, image freed"),
                               ("first", "the first grab of a fresh process")):
                ours = [r[when]["total"] for r in results["ours"]]
                naive = [r[when]["total"] for r in results["naive"]]
                grab = {k: statistics.median(r[when]["grab"] for r in v)
                        for k, v in results.items()}
                bench.emit(Figure(
                    bench.name, f"capture_{label}_{when}", f"Capture + encode {label}, busy "
                    f"screen, {text}", "ms", ours, loads, stat="p95",
                    budget=budget_ms if when == "later" else None,
                    baseline_label="mss + Pillow JPEG q70 by hand", baseline=naive,
                    note=f"grab p50 ours {grab['ours']:.1f} ms, baseline {grab['naive']:.1f} ms"))
            if size == (1920, 1080):
                bench.emit(Figure(
                    bench.name, "jpeg_bytes_1080p", "JPEG bytes, busy 1080p screen", "KB",
                    [r["later"]["bytes"] / 1000 for r in results["ours"]], loads,
                    stat="p95", budget=BUDGET_BYTES_1080P / 1000,
                    baseline_label="Pillow q70, full size",
                    baseline=[r["later"]["bytes"] / 1000 for r in results["naive"]]))
        finally:
            server.stop()
    return bench.exit_code()


if __name__ == "__main__":
    sys.exit(main())
