"""The shared benchmark harness: repetitions, spread, load, same-run baselines, JSON lines.

Every benchmark measures its figure at least ``MIN_REPEAT`` times, records the machine's
one-minute load average at the start of each repetition, measures a baseline (the least the
same job can cost: a bare library call, an empty route) IN THE SAME RUN, and reports the
median, the spread (min-max and interquartile range) and the ratio ours / baseline. The ratio
is the headline: on a shared 2-core machine absolute times wander by 2x, ratios much less.

Each figure is printed beside its budget and appended as one JSON object per line to
``benchmarks/results/<run>.jsonl`` (gitignored); ``benchmarks/report.py`` turns a run's file
into ``docs/benchmarks.md``. ``scripts/bench.sh`` sets ``WORKDIARY_BENCH_RUN`` so all the
benchmarks of one ``make bench`` share a file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

MIN_REPEAT = 5
RESULTS = Path(__file__).resolve().parent / "results"
Better = Literal["lower", "higher"]


def load_average() -> float:
    """The one-minute load average (0.0 where the platform has none)."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return 0.0


SPEED_STEPS = 200_000


def speed_probe() -> float:
    """Milliseconds a fixed pure-Python loop takes right now (median of three).

    The machine's speed at this moment: a shared 2-core machine runs the same code 1.5-2x
    slower from one hour to the next, and every CPU-bound figure moves with it. Recorded
    before and after each figure, so a slow run shows as a slow machine, not as a slower
    product.
    """
    times = []
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for step in range(SPEED_STEPS):
            total += step * step % 7
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


def time_gets(http: Any, url: str, runs: int, headers: dict[str, str] | None = None,
              ) -> tuple[list[float], list[float], list[float]]:
    """Milliseconds per GET of ``url`` and of ``/healthz``, alternating, each checked for a
    200; and the load average every ``runs // 5`` requests."""
    timings: list[float] = []
    floor: list[float] = []
    loads: list[float] = []
    for index in range(runs):
        if index % max(1, runs // 5) == 0:
            loads.append(load_average())
        for path, into in ((url, timings), ("/healthz", floor)):
            started = time.perf_counter()
            response = http.get(path, headers=headers or {})
            into.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
    return timings, floor, loads


def process_cpu_seconds(pid: int) -> float:
    """CPU time of all a process's threads: nanoseconds from /proc schedstat on Linux.

    psutil's user+system times tick in 10 ms steps: an idle tracker spends less than that in
    many seconds, so they read 0. Elsewhere psutil is the fallback.
    """
    tasks = f"/proc/{pid}/task"
    if os.path.isdir(tasks):
        total_ns = 0
        for task in os.listdir(tasks):
            try:
                with open(f"{tasks}/{task}/schedstat") as stat:
                    total_ns += int(stat.read().split()[0])
            except (OSError, ValueError, IndexError):
                continue  # a thread that just ended
        return total_ns / 1e9
    import psutil

    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation: every figure is a value that was measured)."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


@dataclass(frozen=True)
class Spread:
    """Median and spread of a list of measurements."""

    n: int
    mean: float
    median: float
    low: float
    high: float
    q1: float
    q3: float
    p95: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        if not values:
            raise ValueError("no measurements")
        return cls(n=len(values), mean=statistics.fmean(values),
                   median=statistics.median(values), low=min(values), high=max(values),
                   q1=percentile(values, 0.25), q3=percentile(values, 0.75),
                   p95=percentile(values, 0.95))

    def stat(self, name: str) -> float:
        return float(getattr(self, name))


@dataclass
class Figure:
    """One reported figure: our samples, the baseline's, the budget and the load."""

    bench: str
    key: str
    label: str
    unit: str
    samples: list[float]
    loads: list[float]
    better: Better = "lower"
    stat: str = "median"  # which statistic the budget applies to: median, mean, p95 or high
    budget: float | None = None
    baseline_label: str = ""
    baseline: list[float] = field(default_factory=list)
    ratio_budget: float | None = None  # a bound on ours/baseline (for example >= 0.5)
    note: str = ""
    quick: bool = False
    speed_ms: list[float] = field(default_factory=list)  # speed_probe() before and after

    @property
    def spread(self) -> Spread:
        return Spread.of(self.samples)

    @property
    def value(self) -> float:
        return self.spread.stat(self.stat)

    @property
    def ratio(self) -> float | None:
        if not self.baseline:
            return None
        base = Spread.of(self.baseline).stat(self.stat)
        return self.value / base if base else None

    @property
    def ok(self) -> bool | None:
        """Whether the budget (and the ratio budget) hold; None when the figure has none."""
        checks: list[bool] = []
        if self.budget is not None:
            checks.append(self.value <= self.budget if self.better == "lower"
                          else self.value >= self.budget)
        ratio = self.ratio
        if self.ratio_budget is not None and ratio is not None:
            checks.append(ratio <= self.ratio_budget if self.better == "lower"
                          else ratio >= self.ratio_budget)
        return all(checks) if checks else None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(spread=asdict(self.spread), value=self.value, ratio=self.ratio, ok=self.ok,
                    baseline_spread=asdict(Spread.of(self.baseline)) if self.baseline else None)
        return data

    def human(self) -> str:
        s = self.spread
        text = (f"{self.label}: {self.stat} {fmt(self.value)} {self.unit} "
                f"(median {fmt(s.median)}, {fmt(s.low)}-{fmt(s.high)}, n={s.n})")
        if self.baseline:
            b = Spread.of(self.baseline)
            text += (f"; baseline [{self.baseline_label}] {fmt(b.stat(self.stat))} {self.unit}"
                     f" ({fmt(b.low)}-{fmt(b.high)}); ours/baseline {self.ratio:.2f}"
                     if self.ratio is not None else "")
        if self.budget is not None:
            sign = "<=" if self.better == "lower" else ">="
            text += f"; budget {sign} {fmt(self.budget)}"
        if self.ratio_budget is not None:
            sign = "<=" if self.better == "lower" else ">="
            text += f", ratio {sign} {self.ratio_budget}"
        if self.ok is not None:
            text += f": {'ok' if self.ok else 'OVER'}"
        text += f"  [load {fmt(min(self.loads))}-{fmt(max(self.loads))}]"
        return text


def fmt(value: float) -> str:
    """Three significant figures, thousands separated: 0.133, 17.5, 1,875."""
    if value == 0 or abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def repeat(measure: Callable[[], float], times: int, loads: list[float]) -> list[float]:
    """``measure()`` ``times`` times; appends the load average at each start to ``loads``."""
    values = []
    for _ in range(times):
        loads.append(load_average())
        values.append(float(measure()))
    return values


def interleave(ours: Callable[[], float], base: Callable[[], float], times: int,
               loads: list[float]) -> tuple[list[float], list[float]]:
    """Ours and the baseline in alternating order, so a drift in load favours neither."""
    a: list[float] = []
    b: list[float] = []
    for index in range(times):
        loads.append(load_average())
        pair = ((ours, a), (base, b)) if index % 2 == 0 else ((base, b), (ours, a))
        for fn, into in pair:
            into.append(float(fn()))
    return a, b


class Bench:
    """One benchmark script's session: its options, its figures, its results file."""

    def __init__(self, name: str, parser: argparse.ArgumentParser | None = None,
                 argv: Sequence[str] | None = None) -> None:
        parser = parser or argparse.ArgumentParser()
        parser.add_argument("--quick", action="store_true",
                            help="short settings: checks the benchmark works, not the budget")
        parser.add_argument("--repeat", type=int, default=None,
                            help=f"repetitions per figure (at least {MIN_REPEAT})")
        parser.add_argument("--results", type=Path, default=None,
                            help="JSON lines file (default benchmarks/results/<run>.jsonl)")
        self.args = parser.parse_args(argv)
        self.name = name
        self.quick: bool = self.args.quick
        self.repeat_count = max(MIN_REPEAT, self.args.repeat or MIN_REPEAT)
        run = os.environ.get("WORKDIARY_BENCH_RUN") or time.strftime("%Y%m%dT%H%M%S")
        self.path: Path = self.args.results or RESULTS / f"{run}.jsonl"
        self.figures: list[Figure] = []
        self.speed_ms = speed_probe()  # before the first figure

    def emit(self, figure: Figure) -> Figure:
        figure.bench, figure.quick = self.name, self.quick
        after = speed_probe()
        figure.speed_ms = [self.speed_ms, after]
        self.speed_ms = after  # the next figure's "before"
        self.figures.append(figure)
        print(figure.human(), flush=True)
        self._write({"type": "figure", **figure.to_json()})
        return figure

    def record(self, kind: str, **data: Any) -> None:
        """Any other machine-readable fact of the run (growth series, notes)."""
        self._write({"type": kind, "bench": self.name, "quick": self.quick, **data})

    def _write(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data.setdefault("machine", machine())
        data.setdefault("at", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(data) + "\n")

    def exit_code(self) -> int:
        """0 whether or not budgets hold: budgets are reported, the run is what must work."""
        over = [f.label for f in self.figures if f.ok is False]
        if over:
            print(f"{self.name}: {len(over)} figure(s) over budget: {', '.join(over)}")
        return 0


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "python": platform.python_version(),
            "machine": platform.machine(), "system": platform.system(),
            "executable": sys.executable}
