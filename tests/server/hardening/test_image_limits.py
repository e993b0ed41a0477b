"""Findings 2 and 7: uploads are checked from the header and a bounded decode, for their
declared size and type; memory stays flat under a burst of small PNGs that decode huge."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import psutil
import pytest
from fastapi import FastAPI
from server_factories import sha
from server_world import Person, World

from workdiary.server.models import Screenshot
from workdiary.testing.images import make_jpeg

from .images import inflated_jpeg, png, webp, zero_png

MB = 1024 * 1024


def put(http: httpx.Client, person: Person, data: bytes,
        content_type: str | None = None) -> httpx.Response:
    headers = dict(person.headers)
    if content_type:
        headers["Content-Type"] = content_type
    return http.put(f"/screenshots/{sha(data)}", headers=headers, content=data)


class PeakRss:
    """Samples this process's RSS (the server runs in it) until stopped; keeps the peak."""

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.baseline = self.process.memory_info().rss
        self.peak = self.baseline
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def growth(self) -> int:
        return self.peak - self.baseline


def burst(http: httpx.Client, person: Person, images: list[bytes]) -> list[httpx.Response]:
    barrier = threading.Barrier(len(images))

    def send(data: bytes) -> httpx.Response:
        barrier.wait()
        return put(http, person, data, "image/png")

    with ThreadPoolExecutor(len(images)) as pool:
        return list(pool.map(send, images))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_forty_concurrent_zero_filled_36_megapixel_pngs_keep_memory_flat(
        http: httpx.Client, world: World) -> None:
    bombs = [zero_png(6000, 6000, label=str(i).encode()) for i in range(40)]
    assert all(len(b) < 200_000 for b in bombs)
    with PeakRss() as rss:
        answers = burst(http, world.freelancer_a, bombs)
        time.sleep(0.05)
    assert {a.status_code for a in answers} == {413}, answers[0].text
    assert {a.json()["error"]["code"] for a in answers} == {"too_many_pixels"}
    # Decoding them all would take 40 x 144 MB; the header check refuses each for nothing.
    assert rss.growth < 300 * MB, f"peak RSS grew by {rss.growth / MB:.0f} MB"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_forty_concurrent_largest_allowed_pngs_are_checked_in_little_memory(
        http: httpx.Client, world: World) -> None:
    largest = [zero_png(1920, 4320, label=str(i).encode()) for i in range(40)]
    with PeakRss() as rss:
        answers = burst(http, world.freelancer_a, largest)
    assert {a.status_code for a in answers} == {201}, answers[0].text
    # A full decode is ~33 MB each (1.3 GB for 40); the streamed check needs ~1 MB each.
    assert rss.growth < 400 * MB, f"peak RSS grew by {rss.growth / MB:.0f} MB"
    after = psutil.Process().memory_info().rss
    assert after - rss.baseline < 400 * MB


def test_too_wide_is_refused_from_the_header(http: httpx.Client, world: World) -> None:
    response = put(http, world.freelancer_a, zero_png(2400, 100))
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_many_pixels"


def test_a_small_jpeg_claiming_a_large_size_is_refused(http: httpx.Client, world: World) -> None:
    for claimed in ((6000, 6000), (1900, 1000)):
        response = put(http, world.freelancer_a, inflated_jpeg(claimed), "image/jpeg")
        assert response.status_code in (413, 422), response.text
        assert response.json()["error"]["code"] in ("not_an_image", "too_many_pixels")
    # The honest one decodes to what it declares and is stored as that.
    honest = make_jpeg(1900, 1000, seed=3)
    stored = put(http, world.freelancer_a, honest, "image/jpeg")
    assert stored.status_code == 201
    assert (stored.json()["width"], stored.json()["height"]) == (1900, 1000)


def test_bytes_that_fail_the_pixel_check_leave_nothing_stored(
        app: FastAPI, http: httpx.Client, world: World) -> None:
    # A header that passes over pixel data that does not: neither blob nor row is kept, and
    # the same address refuses it again.
    whole = make_jpeg(640, 480, seed=8)
    broken = whole[:len(whole) // 2]  # the header intact, the scan cut off
    device_headers = {"X-Workdiary-Device": world.device.device_id}
    for _ in range(2):
        response = http.put(f"/screenshots/{sha(broken)}", content=broken,
                            headers={**world.freelancer_a.headers, **device_headers,
                                     "Content-Type": "image/jpeg"})
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "not_an_image"
    assert not app.state.blobs.exists(sha(broken))
    with app.state.sessionmaker() as session:
        assert session.get(Screenshot, sha(broken)) is None
    assert put(http, world.freelancer_a, whole, "image/jpeg").status_code == 201
    assert app.state.blobs.exists(sha(whole))


def test_a_png_whose_header_claims_more_than_its_data_is_refused(
        http: httpx.Client, world: World) -> None:
    for claimed in ((1200, 900), (100, 99)):
        response = put(http, world.freelancer_a, zero_png(100, 100, claimed=claimed),
                       "image/png")
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "not_an_image"
    honest = put(http, world.freelancer_a, zero_png(100, 100), "image/png")
    assert honest.status_code == 201 and honest.json()["width"] == 100


def test_webp_is_refused(http: httpx.Client, world: World) -> None:
    for content_type in (None, "image/webp"):
        response = put(http, world.freelancer_a, webp(), content_type)
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "not_an_image"


def test_the_declared_type_must_match(http: httpx.Client, world: World) -> None:
    response = put(http, world.freelancer_a, png(), "image/jpeg")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "wrong_image_type"


def test_a_png_is_served_as_png(http: httpx.Client, world: World) -> None:
    image = png(80, 60)
    assert put(http, world.freelancer_a, image, "image/png").status_code == 201
    got = http.get(f"/screenshots/{sha(image)}", headers=world.freelancer_a.headers)
    assert got.status_code == 200 and got.headers["content-type"] == "image/png"
    assert got.content == image


def test_the_full_size_page_route_serves_the_stored_type(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from web.livesite import serve
    from web.webworld import DAY, PASSWORD, PEOPLE, add_segment, csrf_of, make_world

    from workdiary.server.models import Contract, Screenshot

    world = make_world(tmp_path)
    image = png(640, 400)
    with world.app.state.sessionmaker() as db:
        contract = db.get(Contract, world.contract_id)
        db.expunge(contract)
    _, digest = add_segment(world.app, contract=contract, start=DAY.replace(hour=14), shot=image)
    with world.app.state.sessionmaker() as db:
        db.get(Screenshot, digest).content_type = "image/png"  # as the upload stored it
        db.commit()
    with serve(world.app) as url, httpx.Client(base_url=url) as browser:
        token = csrf_of(browser.get("/login").text)
        signed_in = browser.post("/login", data={"email": PEOPLE["client"], "password": PASSWORD,
                                                 "csrf_token": token, "next": "/"})
        assert signed_in.status_code == 303, signed_in.text
        full = browser.get(f"/contracts/{world.contract_id}/screenshots/{digest}/full")
    assert full.status_code == 200 and full.content == image
    assert full.headers["content-type"] == "image/png"
