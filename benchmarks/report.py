"""Generates docs/benchmarks.md (and the growth plots) from one run's JSON lines.

    .venv/bin/python benchmarks/report.py [benchmarks/results/RUN.jsonl] [--out FILE]

Without a file, the newest in benchmarks/results/. Every figure in the document comes from
that file; the only text not generated from it is benchmarks/fleet.md (bench_fleet is run by
hand and says so), memory.md and ingest.md (measured and profiled by hand).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from harness import RESULTS, SPEED_STEPS, Spread, fmt  # noqa: E402

ROOT = HERE.parent
DOC = ROOT / "docs" / "benchmarks.md"
FLEET = HERE / "fleet.md"
MEMORY = HERE / "memory.md"  # where the desktop's memory goes, measured by hand
INGEST = HERE / "ingest.md"  # where the server's ingest time goes, profiled by hand

METHOD = """\
## How the figures are measured

- Every figure is measured at least 5 times ("n"); the table gives the statistic its budget
  applies to (the median, or the p95 for capture), the min-max of the repetitions, and the
  one-minute load average at the start of each repetition. Absolute times on a shared machine
  wander; the **ratio ours / baseline** (both measured in the same run, alternating) is the
  figure that survives a noisy machine.
- `bench_capture`: a fresh process per repetition, the product's `MssScreenGrabber` +
  `encode_screenshot`, the image freed after each encode: the process's first grab, and a
  later one after a 1 s pause (the tracker grabs minutes apart; the budget is on this one),
  with glibc tuned as the desktop runtime tunes it (`malloc_tuning`: freed buffers go back to
  the system, so each grab faults its memory in afresh); baseline: mss + Pillow JPEG q70 by
  hand, the same way, glibc's defaults. Private Xvfb painted with a busy desktop.
- `bench_tracker`: `workdiary track` as its own process under a private Xvfb, default policy;
  RSS (psutil) and CPU (/proc schedstat, nanoseconds) read from outside over `--window`
  seconds (600 by default, as the budget says; 60 with `--quick`) in 5 slices; baseline in the
  same window: a bare Python process with mss, Pillow and pynput's mouse and keyboard
  listeners, sleeping.
- `bench_app`: `workdiary app --clock-in` under Xvfb with a tray host (trayer), logged in by
  `workdiary login` to a `workdiary server run` subprocess, token and device key in a real
  Secret Service (gnome-keyring under dbus-run-session), tracking and syncing on a 1-minute-segment
  contract (a screenshot a minute); RSS from outside in 5 slices once the first screenshot is
  taken; baseline in the same window: a bare PySide6 QSystemTrayIcon app.
- `bench_input`: CPU of a listener process divided by the measured wall time; baseline: a bare
  pynput listener, alternating.
- `bench_server`: its own PostgreSQL with durable settings (fsync on, synchronous_commit on),
  one uvicorn worker in a subprocess, several desktops (device chains, each its own freelancer,
  contract and keep-alive connection) sending at once, one thread each, so the worker always has
  a request waiting: "per worker" is a capacity, not one desktop's round trip. Request bodies are
  encoded inside the timed loop; the load generator is a bare `http.client` connection per
  desktop (requests cost the shared 2 cores 2-3 ms per upload). Baselines in the same run, with
  the same desktops and threads: the bare ingest (verify every signature with `cryptography`,
  insert the same rows with psycopg in the same batches of 50, one transaction per batch, one
  connection per desktop), an empty FastAPI route for HTTP overhead, a raw file put of the same
  JPEGs for uploads. The server's CPU per batch and per upload (from /proc, all its threads) is
  reported beside the bare ingest's and the raw put's: it moves less with the machine's load.
- `bench_sync`: a week recorded offline, one `Outbox.run_once()` to a server subprocess,
  repeated with a new store, device and contract; baseline: the same JPEGs and JSON batches
  sent to empty FastAPI routes over the same loopback.
- `bench_store`: bytes of a simulated 40-hour week in the local store; baseline: the same facts
  in a bare two-table SQLite file.
- `bench_diary_page`: a day of 144 segments, each page request alternating with the same app's
  `GET /healthz` (the floor of any request), in-process and over HTTP.
- `bench_dashboard`: the team dashboard of a client with 200 contracts, each a full working week
  (48,000 segments in the week, bulk-inserted), the page and `GET /api/v1/dashboard` in-process,
  each request alternating with the same app's `GET /healthz`.
- Growth (`bench_growth`): the hot path timed at each size; the plots show whether it grows
  flat, linearly or worse.

"""


def read(path: Path) -> list[dict[str, Any]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append(json.loads(line))
    return rows


def newest() -> Path:
    files = sorted(RESULTS.glob("*.jsonl"), key=lambda p: p.stat().st_mtime)
    if not files:
        raise SystemExit("no results in benchmarks/results/: run `make bench` first")
    return files[-1]


def figure_row(f: dict[str, Any]) -> str:
    s = f["spread"]
    stat = f["stat"]
    ours = f"{fmt(f['value'])} {f['unit']}" + (" (p95)" if stat == "p95" else "")
    spread = f"{fmt(s['low'])}-{fmt(s['high'])}, n={s['n']}"
    base = ""
    if f.get("baseline_spread"):
        b = f["baseline_spread"]
        base = f"{fmt(b[stat])} {f['unit']} ({f['baseline_label']})"
    ratio = f"**{f['ratio']:.2f}**" if f.get("ratio") is not None else ""
    sign = "<=" if f["better"] == "lower" else ">="
    parts = [f"{sign} {fmt(f['budget'])}"] if f.get("budget") is not None else []
    if f.get("ratio_budget") is not None:
        parts.append(f"ratio {sign} {f['ratio_budget']}")
    budget = "; ".join(parts)
    verdict = {True: "ok", False: "**over**", None: ""}[f.get("ok")]
    loads = f["loads"]
    load = f"{fmt(min(loads))}-{fmt(max(loads))}" if loads else ""
    what = f"{f['label']} (`{f['bench']}`)"
    if f.get("note"):
        what += f"; {f['note']}"
    return f"| {what} | {ours} | {spread} | {base} | {ratio} | {budget} | {verdict} | {load} |"


def plot(series: dict[str, Any], out: Path) -> None:
    """A small PNG: one line per hot-path operation, cost against size (log x)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter

    fig, ax = plt.subplots(figsize=(5, 3.2), dpi=100)
    for name, values in series["costs"].items():
        ax.plot(series["sizes"], values, marker="o", label=name)
    # Log-log: flat stays flat, linear growth is a slope of 1 (the dotted guide), worse is steeper.
    ax.set_xscale("log")
    ax.set_yscale("log")
    sizes = series["sizes"]
    first = min(v[0] for v in series["costs"].values())
    ax.plot(sizes, [first * s / sizes[0] for s in sizes], ":", color="grey", label="linear")
    ax.set_xticks(sizes, [f"{s:,}" for s in sizes])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(series["x_label"])
    ax.set_ylabel(series["unit"])
    ax.set_title(series["title"], fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)


def growth_section(rows: Iterable[dict[str, Any]], doc: Path) -> list[str]:
    lines: list[str] = []
    for series in rows:
        name = series["series"]
        png = doc.parent / "benchmarks" / f"growth-{name}.png"
        plot(series, png)
        rel = png.relative_to(doc.parent).as_posix()
        lines += [f"### {series['title']}", "", f"![{series['title']}]({rel})", ""]
        head = f"| {series['x_label']} | " + " | ".join(
            f"{k}, {series['unit']}" for k in series["costs"]) + " |"
        lines += [head, "|" + "---|" * (len(series["costs"]) + 1)]
        for index, size in enumerate(series["sizes"]):
            lines.append(f"| {size:,} | " + " | ".join(
                fmt(v[index]) for v in series["costs"].values()) + " |")
        slope = series.get("verdict")
        lines += ["", slope or "", ""] if slope else [""]
    return lines


def render(rows: list[dict[str, Any]], source: str, doc: Path = DOC, note: str = "") -> str:
    figures = [r for r in rows if r.get("type") == "figure"]
    growth = [r for r in rows if r.get("type") == "growth"]
    loads = [x for f in figures for x in f["loads"]] + [
        x for g in growth for x in g.get("loads", [])]
    quick = any(r.get("quick") for r in rows)
    when = sorted(r["at"] for r in rows if "at" in r)
    machine = rows[0].get("machine", {}) if rows else {}
    out = [
        "# Benchmarks",
        "",
        "<!-- GENERATED by benchmarks/report.py from a `make bench` run; do not edit by hand. -->",
        "",
        "Generated by `make bench` (= `bash scripts/bench.sh`) from the run's JSON lines; never "
        "written by hand. Reproduce with",
        "",
        "```sh",
        "make bench                        # every benchmark with full settings, then this file",
        "BENCH_ARGS=--quick make bench     # short settings: checks the harness, not the budgets",
        ".venv/bin/python benchmarks/bench_capture.py --quick   # one at a time (figures go to "
        "benchmarks/results/)",
        ".venv/bin/python benchmarks/report.py benchmarks/results/<run>.jsonl",
        "```",
        "",
        f"Run: `{source}`, {when[0] if when else '?'} to {when[-1] if when else '?'} (UTC); "
        f"{machine.get('cpus', '?')} CPUs ({machine.get('machine', '?')}), Python "
        f"{machine.get('python', '?')}. One-minute load average at the starts of the "
        f"repetitions: {fmt(min(loads)) if loads else '?'}-{fmt(max(loads)) if loads else '?'}"
        + (f" (median {fmt(Spread.of(loads).median)})." if loads else "."),
        "",
    ]
    speeds = [x for f in figures for x in f.get("speed_ms") or []]
    if speeds:
        out += [
            f"Machine speed: a fixed pure-Python loop of {SPEED_STEPS:,} steps "
            f"(`harness.speed_probe`, before and after each figure) took {fmt(min(speeds))}-"
            f"{fmt(max(speeds))} ms (median {fmt(Spread.of(speeds).median)}). Every CPU-bound "
            "figure moves with it: compare runs on their speed as well as on their load.",
            "",
        ]
    if quick or (loads and max(loads) >= 1.0):
        out += [
            "> **" + ("QUICK run (`--quick`: short windows, few repetitions)" if quick
                      else "Run") + (f" on a LOADED machine (load up to {fmt(max(loads))} on "
                                     f"{machine.get('cpus', '?')} cores)" if loads and max(loads)
                                     >= 1.0 else "")
            + ".** Absolute figures are not the machine's capacity; the ratios to the same-run "
            "baselines are the point. Budgets are judged on a full run at load below 1.0.",
            "",
        ]
    if note:
        out += [f"> {note}", ""]
    out += ["## Figures", "",
            "| What | Ours | Spread (min-max) | Baseline, same run | Ours / baseline | Budget | "
            "| Load |",
            "|---|---|---|---|---|---|---|---|"]
    out += [figure_row(f) for f in figures]
    out.append("")
    if growth:
        out += ["## Growth", "", "Cost of the hot path against the size of the data it works "
                "on (`benchmarks/bench_growth.py`; the medians of 5 repetitions at each size; "
                "log-log plots, where the dotted line is linear growth). Default sizes: "
                "10,000, 100,000 and 1,000,000 server rows (filled by COPY on PostgreSQL, "
                "untimed), 10/100/1,000 contracts, 1/10/30 local weeks; `--quick` uses "
                "smaller ones.", ""]
        out += growth_section(growth, doc)
    out.append(METHOD)
    for hand_written in (FLEET, MEMORY, INGEST):
        if hand_written.exists():
            out += ["", hand_written.read_text(encoding="utf-8").split("-->", 1)[-1].strip(), ""]
    return "\n".join(out).rstrip() + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="?", type=Path)
    parser.add_argument("--out", type=Path, default=DOC)
    parser.add_argument("--note", default="", help="a line on how this run was made")
    args = parser.parse_args()
    path = args.results or newest()
    rows = read(path)
    try:
        source = path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        source = path.name
    args.out.write_text(render(rows, source, args.out, args.note), encoding="utf-8")
    print(f"wrote {args.out} from {path} ({sum(r.get('type') == 'figure' for r in rows)} "
          f"figures)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
