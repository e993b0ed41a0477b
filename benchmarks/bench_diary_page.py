"""A day's diary page with 144 segments (24 h of 10-minute segments): render time.

Budget (issue 16): p95 <= 50 ms. The day goes in through the JSON API as the desktop sends it
(signed, chained segments and JPEG screenshots, on SQLite in a temporary folder); then the
client's page is requested and timed end to end: session cookie, scoped queries, layout in
the viewer's zone, Jinja2 rendering. Twice: in-process (ASGI, no sockets) and over HTTP from
a real uvicorn on 127.0.0.1. Baseline, alternating with each page request in the same run:
the same app's ``GET /healthz`` (routing, middleware, session: the floor of any request).

    .venv/bin/python benchmarks/bench_diary_page.py [--runs 60] [--quick]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from tests.server.web.apiseed import register, seed_contract, sqlite_app, upload_day  # noqa: E402
from tests.server.web.livesite import serve  # noqa: E402
from workdiary.core.clock import FakeClock  # noqa: E402
from workdiary.server.app import serving  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from harness import Bench, Figure, time_gets  # noqa: E402

BUDGET_MS = 50.0
PASSWORD = "benchmark password"
DAY = datetime(2026, 11, 24, tzinfo=UTC)
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    bench = Bench("bench_diary_page", parser)
    args = bench.args
    if bench.quick:
        args.runs = 20
    with tempfile.TemporaryDirectory(prefix="bench-diary-") as folder:
        app = serving(sqlite_app(Path(folder), FakeClock(NOW)))  # as `workdiary server run`
        contract_id = seed_contract(app, client_email="c@example.com",
                                    freelancer_email="f@example.com", password=PASSWORD,
                                    title="Benchmark contract", now=NOW)
        with TestClient(app, base_url="http://testserver") as http:
            headers, device = register(http, email="f@example.com", password=PASSWORD)
            verdicts = upload_day(http, headers=headers, device=device, contract_id=contract_id,
                                  start=DAY, count=144, screen_size=(640, 400))
            assert len(verdicts) == 144, verdicts[:3]
            token = re.search(r'name="csrf_token" value="([^"]+)"',
                              http.get("/login").text).group(1)  # type: ignore[union-attr]
            http.post("/login", data={"email": "c@example.com", "password": PASSWORD,
                                      "csrf_token": token})
            url = f"/contracts/{contract_id}/diary/2026-11-24?tz=Europe/Berlin"
            first = http.get(url)
            assert first.status_code == 200 and first.text.count('class="seg s-') >= 138
            in_process = time_gets(http, url, args.runs)
            cookies = dict(http.cookies)
        with serve(app) as base, httpx.Client(base_url=base, cookies=cookies) as live:
            assert live.get(url).status_code == 200
            over_http = time_gets(live, url, args.runs)
    print(f"diary page, 144 segments, {len(first.content) // 1024} KiB HTML, {args.runs} runs")
    for key, label, (page, floor, loads) in (("in_process", "in-process (ASGI)", in_process),
                                             ("http", "over HTTP 127.0.0.1", over_http)):
        bench.emit(Figure(bench.name, f"diary_page_{key}", f"A day's diary page, 144 segments, "
                          f"{label}", "ms", page, loads, stat="p95", budget=BUDGET_MS,
                          baseline_label="GET /healthz, same app", baseline=floor))
    return bench.exit_code()


if __name__ == "__main__":
    raise SystemExit(main())
