"""The benchmark harness's statistics and the report generator (fast; no timing is asserted)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import harness
import report


def test_spread_gives_median_extremes_quartiles_and_p95() -> None:
    spread = harness.Spread.of([5.0, 1.0, 4.0, 2.0, 3.0])
    assert (spread.n, spread.median, spread.low, spread.high) == (5, 3.0, 1.0, 5.0)
    assert (spread.q1, spread.q3, spread.p95, spread.mean) == (2.0, 4.0, 5.0, 3.0)
    with pytest.raises(ValueError):
        harness.Spread.of([])


def test_a_figure_judges_its_budget_on_its_statistic_and_its_ratio() -> None:
    fast = harness.Figure("b", "k", "Throughput", "1/s", [900.0, 1100.0, 1200.0, 1000.0, 1050.0],
                          [0.5] * 5, better="higher", budget=1000.0,
                          baseline=[2000.0] * 5, ratio_budget=0.5)
    assert fast.value == 1050.0 and fast.ratio == pytest.approx(0.525)
    assert fast.ok is True
    slow = harness.Figure("b", "k", "Throughput", "1/s", [900.0] * 5, [0.5] * 5,
                          better="higher", budget=1000.0)
    assert slow.ok is False and slow.ratio is None
    tail = harness.Figure("b", "k", "Latency", "ms", [10.0] * 18 + [99.0, 99.0], [0.1] * 20,
                          stat="p95", budget=50.0)
    assert tail.value == 99.0 and tail.ok is False  # the p95, not the median, meets the budget
    assert harness.Figure("b", "k", "x", "ms", [1.0] * 5, [0.1] * 5).ok is None


def test_interleave_alternates_the_order_and_records_the_load_at_each_start() -> None:
    calls: list[str] = []
    loads: list[float] = []
    ours, base = harness.interleave(lambda: calls.append("o") or 1.0,  # type: ignore[func-returns-value]
                                    lambda: calls.append("b") or 2.0,  # type: ignore[func-returns-value]
                                    4, loads)
    assert calls == ["o", "b", "b", "o", "o", "b", "b", "o"]
    assert ours == [1.0] * 4 and base == [2.0] * 4 and len(loads) == 4


def test_emit_writes_one_json_line_per_figure_and_the_report_renders_them(
        tmp_path: Path) -> None:
    results = tmp_path / "run.jsonl"
    bench = harness.Bench("bench_demo", argv=["--quick", "--results", str(results)])
    assert bench.quick and bench.repeat_count == harness.MIN_REPEAT
    bench.emit(harness.Figure("", "seg", "Segments per second", "segments/s",
                              [900.0, 950.0, 1000.0, 1010.0, 1200.0], [3.5, 4.0, 4.2, 4.0, 3.9],
                              better="higher", budget=1000.0, baseline_label="bare ingest",
                              baseline=[1900.0, 2000.0, 2100.0, 2000.0, 2050.0],
                              ratio_budget=0.5))
    bench.record("growth", series="demo", title="Demo growth", x_label="rows",
                 unit="ms", sizes=[10, 100], costs={"upload": [1.0, 1.5]},
                 loads=[3.0, 3.1])
    rows = [json.loads(line) for line in results.read_text().splitlines()]
    assert [r["type"] for r in rows] == ["figure", "growth"]
    assert rows[0]["bench"] == "bench_demo" and rows[0]["quick"] is True
    assert rows[0]["value"] == 1000.0 and rows[0]["ratio"] == pytest.approx(0.5)

    doc = tmp_path / "docs" / "benchmarks.md"
    doc.parent.mkdir()
    text = report.render(report.read(results), "run.jsonl", doc)
    assert "GENERATED" in text and "QUICK run" in text and "LOADED machine" in text
    assert "| Segments per second (`bench_demo`) | 1,000 segments/s |" in text
    assert "**0.50**" in text and "2,000 segments/s (bare ingest)" in text
    assert "3.50-4.20" in text  # the load range of the repetitions
    before, after = rows[0]["speed_ms"]  # the machine's speed around the figure
    assert before > 0 and after > 0
    assert "Machine speed: a fixed pure-Python loop of 200,000 steps" in text
    assert "![Demo growth](benchmarks/growth-demo.png)" in text
    assert (doc.parent / "benchmarks" / "growth-demo.png").read_bytes()[:4] == b"\x89PNG"


def test_a_quiet_full_run_is_not_marked_quick_or_loaded(tmp_path: Path) -> None:
    results = tmp_path / "run.jsonl"
    bench = harness.Bench("bench_demo", argv=["--results", str(results)])
    bench.emit(harness.Figure("", "k", "Latency", "ms", [1.0] * 5, [0.2] * 5, budget=2.0))
    text = report.render(report.read(results), "run.jsonl", tmp_path / "benchmarks.md")
    assert "QUICK" not in text and "LOADED" not in text and "| ok |" in text
