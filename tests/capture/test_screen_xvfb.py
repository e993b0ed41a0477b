"""The mss grabber on a real (private) two-monitor Xvfb: each mode captures the right pixels."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from PIL import Image

from workdiary.capture.base import CaptureError
from workdiary.capture.encode import encode_screenshot
from workdiary.capture.pointer_x11 import X11Pointer
from workdiary.capture.screen_mss import MssScreenGrabber
from workdiary.core.model import CaptureMode

from .xserver import ColourWindow, XServer, xdotool

pytestmark = pytest.mark.xvfb

RED, GREEN, BLUE, YELLOW = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)


@pytest.fixture(scope="module")
def painted(two_monitors: XServer) -> Iterator[XServer]:
    """Two windows: red+green blocks on the LEFT monitor, blue+yellow on the RIGHT (primary)."""
    left = ColourWindow(
        two_monitors.name, 100, 100, [(0, 0, 200, 100, "#ff0000"), (0, 100, 200, 100, "#00ff00")],
        width=200, height=200,
    )
    right = ColourWindow(
        two_monitors.name, 900, 300, [(0, 0, 150, 80, "#0000ff"), (150, 0, 150, 80, "#ffff00")],
        width=300, height=80,
    )
    yield two_monitors
    left.close()
    right.close()


@pytest.fixture
def grabber(painted: XServer) -> Iterator[MssScreenGrabber]:
    pointer = X11Pointer(painted.name)
    grabber = MssScreenGrabber(pointer, display=painted.name)
    yield grabber
    grabber.close()
    pointer.close()


def _rgb(image: Image.Image, x: int, y: int) -> tuple[int, int, int]:
    pixel = image.getpixel((x, y))
    assert isinstance(pixel, tuple)
    return pixel[0], pixel[1], pixel[2]


def test_all_mode_stitches_both_monitors(grabber: MssScreenGrabber) -> None:
    image = grabber.grab(CaptureMode.ALL)
    assert image.size == (1600, 600)
    assert image.mode == "RGB"
    assert _rgb(image, 150, 140) == RED
    assert _rgb(image, 150, 250) == GREEN
    assert _rgb(image, 950, 320) == BLUE
    assert _rgb(image, 1150, 320) == YELLOW
    assert _rgb(image, 500, 500) == (0, 0, 0)  # bare root window
    assert grabber.last_note is None


def test_primary_mode_is_the_randr_primary_not_the_first_monitor(
    grabber: MssScreenGrabber,
) -> None:
    image = grabber.grab(CaptureMode.PRIMARY)
    assert image.size == (800, 600)
    assert _rgb(image, 150, 320) == BLUE  # 950 - 800
    assert _rgb(image, 350, 320) == YELLOW
    assert RED not in {_rgb(image, x, y) for x in range(0, 800, 20) for y in range(0, 600, 20)}


@pytest.mark.parametrize(
    ("pointer", "expected_at", "colour"),
    [((400, 300), (150, 140), RED), ((1200, 50), (150, 320), BLUE)],
)
def test_active_mode_follows_the_pointer(
    grabber: MssScreenGrabber,
    painted: XServer,
    pointer: tuple[int, int],
    expected_at: tuple[int, int],
    colour: tuple[int, int, int],
) -> None:
    xdotool(painted.name, "mousemove", "--sync", str(pointer[0]), str(pointer[1]))
    image = grabber.grab(CaptureMode.ACTIVE)
    assert image.size == (800, 600)
    assert _rgb(image, *expected_at) == colour
    assert grabber.last_note is None


def test_active_mode_without_pointer_falls_back_to_primary_and_says_so(painted: XServer) -> None:
    class NoPointer:
        def position(self) -> tuple[int, int] | None:
            return None

    grabber = MssScreenGrabber(NoPointer(), display=painted.name)
    try:
        image = grabber.grab(CaptureMode.ACTIVE)
    finally:
        grabber.close()
    assert _rgb(image, 150, 320) == BLUE
    assert grabber.last_note is not None and "primary" in grabber.last_note
    assert image.info["capture_note"] == grabber.last_note


def test_encoded_capture_keeps_the_colours(grabber: MssScreenGrabber) -> None:
    encoded = encode_screenshot(grabber.grab(CaptureMode.ALL), blur=False)
    decoded = Image.open(io.BytesIO(encoded.jpeg)).convert("RGB")
    assert decoded.size == (1600, 600)
    for (x, y), colour in {(150, 140): RED, (950, 320): BLUE}.items():
        got = _rgb(decoded, x, y)
        assert all(abs(a - b) <= 12 for a, b in zip(got, colour, strict=True)), got


def test_by_default_the_connection_is_released_after_each_grab(
    grabber: MssScreenGrabber,
) -> None:
    first = grabber.grab(CaptureMode.ALL)
    assert grabber._instances == {}  # no X connection or shared-memory buffer kept
    assert grabber.grab(CaptureMode.ALL).tobytes() == first.tobytes()


def test_each_thread_has_its_own_connection_and_ended_threads_are_reaped(
    painted: XServer,
) -> None:
    import threading

    grabber = MssScreenGrabber(display=painted.name, keep_connection=True)

    sizes: list[tuple[int, int]] = []
    for _ in range(3):  # three short-lived threads, one after another
        worker = threading.Thread(target=lambda: sizes.append(grabber.grab(CaptureMode.ALL).size))
        worker.start()
        worker.join()
    grabber.grab(CaptureMode.ALL)  # this thread's instance; reaps the ended threads' ones
    assert sizes == [(1600, 600)] * 3
    assert list(grabber._instances) == [threading.current_thread()]
    grabber.close()


def test_unreachable_display_is_a_clear_capture_error() -> None:
    grabber = MssScreenGrabber(display=":4077")  # nothing listens there
    with pytest.raises(CaptureError, match=r"could not be captured.*':4077'"):
        grabber.grab(CaptureMode.PRIMARY)
    grabber.close()


def test_a_grab_read_in_strips_is_the_same_as_one_read(
    painted: XServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import workdiary.capture.screen_mss as screen_mss

    def grab() -> Image.Image:
        grabber = MssScreenGrabber(display=painted.name)
        try:
            return grabber.grab(CaptureMode.ALL)
        finally:
            grabber.close()

    monkeypatch.setattr(screen_mss, "STRIP_BYTES", 1600 * 600 * 4)  # the whole screen at once
    whole = grab()
    monkeypatch.setattr(screen_mss, "STRIP_BYTES", 1600 * 4 * 7)  # 7 rows: the last strip is short
    strips = grab()
    assert strips.size == whole.size == (1600, 600)
    assert strips.tobytes() == whole.tobytes()
    assert _rgb(strips, 150, 250) == GREEN and _rgb(strips, 950, 320) == BLUE


@pytest.mark.parametrize("strip_bytes", [1600 * 4 * 6, 1600 * 600 * 4])
def test_a_wide_screen_is_reduced_while_read_as_the_encoder_would_reduce_it(
    painted: XServer, monkeypatch: pytest.MonkeyPatch, strip_bytes: int,
) -> None:
    import workdiary.capture.screen_mss as screen_mss

    monkeypatch.setattr(screen_mss, "STRIP_BYTES", strip_bytes)  # in strips, and in one piece
    full_grabber = MssScreenGrabber(display=painted.name, max_width=None)
    by_four = MssScreenGrabber(display=painted.name, max_width=400)  # 1600 x 600: by 4
    by_two = MssScreenGrabber(display=painted.name, max_width=750)  # by 2, then resampled
    uneven = MssScreenGrabber(display=painted.name, max_width=500)  # 3 divides neither side
    try:
        full, four, two, kept = (grabber.grab(CaptureMode.ALL)
                                 for grabber in (full_grabber, by_four, by_two, uneven))
    finally:
        for grabber in (full_grabber, by_four, by_two, uneven):
            grabber.close()
    assert full.size == kept.size == (1600, 600)
    assert four.size == (400, 150) and two.size == (800, 300)
    assert kept.tobytes() == full.tobytes()
    assert four.tobytes() == full.reduce(4).tobytes()
    # The encoder's downscale to max_width (resize with reducing_gap 1.0) gives the same picture.
    def downscaled(image: Image.Image, size: tuple[int, int]) -> bytes:
        return image.resize(size, Image.Resampling.BILINEAR, reducing_gap=1.0).tobytes()

    assert downscaled(two, (750, 281)) == downscaled(full, (750, 281))


def test_max_width_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_width"):
        MssScreenGrabber(max_width=0)
