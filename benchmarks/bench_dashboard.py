"""Scale benchmark of the dashboard: first load, filter changes, saving a decision, and what the browser receives.

    python benchmarks/generate_events.py --events 1000000          # once: benchmarks/out/events_1m
    python benchmarks/bench_dashboard.py [--data DIR] [--runs 5] [--save-runs 5]

Targets (from the issue): with 1,000,000 events the first load takes <= 5 s, every filter change
re-renders in <= 1 s on a 2-core machine, and the browser never receives more than a few MB.

- "First load" = what the page computes before it is first drawn: events.parquet read as the app
  reads it (io.load_table + prepare_events), the review columns laid on (an empty review store),
  per-option counts and filter options, the default view's kept rows and headline, and the default
  tab's figure (timeline) serialised to JSON (what st.plotly_chart sends). The counts and map
  figures are timed too (they are drawn when their tab is opened), and the article and outlet
  indexes the page builds in the background once the first page is drawn.
- "Filter change" = select_with_counts (the kept rows as positions + per-widget counts), the
  headline on the columns it reads, and each figure built on the columns it reads and serialised,
  on a fresh view each run (a column is taken once per view, as on the page). "1 tab" is filter +
  headline + one tab's figure (the page draws only the open tab), the slowest of the three tabs.
- "Save a decision" (--save-runs, 0 to skip): the real page in Streamlit's AppTest (the script,
  its caches and the element tree, no browser) on a copy of the folder with an empty review store:
  one event opened, then decisions saved through the review form. Each figure is the click and
  the rerun that shows the decision: a status and note, or a corrected fatality toll (a column
  the headline and the charts read). The first AppTest run is the server side of a first load.

Each figure is the median of the runs; CPU time and the load average are recorded beside wall
clock, since other work on the machine skews wall clock. Prints a table and writes
benchmarks/out/dashboard.json. Streamlit's websocket and the browser's drawing are in bench_app.py.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from dashboard import charts, maps, metrics  # noqa: E402
from dashboard.data import MAIN_VIEW_MAP_LIMIT  # noqa: E402
from dashboard.filters import (  # noqa: E402
    EventFilter, Filtered, all_facet_value_counts, filter_options, prepare_events, select_with_counts,
)
from data_prep import io, reviews, schema, settings  # noqa: E402

LOGGER = logging.getLogger("bench_dashboard")
OUT_DIR = REPO / "benchmarks" / "out"
DEFAULT_DATA = OUT_DIR / "events_1m"
FIRST_LOAD_TARGET = 5.0
FILTER_CHANGE_TARGET = 1.0
MB = 1024 * 1024

# Filter changes an analyst makes, one after another, from the default view.
FILTER_CHANGES: list[tuple[str, EventFilter]] = [
    ("a week of the war", EventFilter(date_from=date(2023, 10, 7), date_to=date(2023, 10, 14))),
    ("one type", EventFilter(event_types=("Battles",))),
    ("one area", EventFilter(areas=("Gaza Strip",))),
    ("one actor (actor1 or 2)", EventFilter(actors=("Israeli military",))),
    ("one outlet", EventFilter(outlets=("Ynet",))),
    ("text search", EventFilter(text="jenin")),
    ("at least 5 killed", EventFilter(min_fatalities=5)),
    ("day precision, no statements", EventFilter(precisions=(schema.PRECISION_DAY,), include_statements=False)),
    ("combined", EventFilter(date_from=date(2021, 1, 1), date_to=date(2022, 12, 31), areas=("West Bank",),
                             event_types=("Battles", "Riots"), min_fatalities=1)),
]


BACKGROUND = "list indexes (background, after)"  # dashboard.data.warm_up: not part of the first load
FIGURES: dict[str, Callable[[Filtered], Any]] = {
    "timeline": lambda kept: charts.timeline_figure(kept.frame(charts.TIMELINE_COLUMNS), lane_by="Type"),
    "counts": lambda kept: charts.counts_figure(kept.frame(charts.COUNTS_COLUMNS), freq="W"),
    "map": lambda kept: maps.map_figure(kept.frame(maps.MAP_COLUMNS)),
    "rankings": lambda kept: pd.concat([metrics.ranking(kept.frame(metrics.RANKING_COLUMNS), kind, "events", 8)
                                        for kind in ("Actor", "Place")], ignore_index=True),
}
# What each tab draws: the main view (tab "timeline", "Time and place") has the map and the rankings
# too, up to dashboard.data.MAIN_VIEW_MAP_LIMIT events in view (above it they are drawn on demand).
TAB_FIGURES: dict[str, tuple[str, ...]] = {"timeline": ("timeline", "map", "rankings"), "counts": ("counts",),
                                           "map": ("map",)}
TABS = tuple(TAB_FIGURES)
ON_DEMAND = ("map", "rankings")


def tab_figures(tab: str, events: int) -> tuple[str, ...]:
    """The figures a tab computes for a view of `events` events."""
    if tab == "timeline" and events > MAIN_VIEW_MAP_LIMIT:
        return tuple(f for f in TAB_FIGURES[tab] if f not in ON_DEMAND)
    return TAB_FIGURES[tab]


class Clock:
    """Wall and CPU seconds of named steps, one run at a time."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - wall
        self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - cpu


def _medians(clocks: Sequence[Clock]) -> tuple[dict[str, float], dict[str, float]]:
    names = clocks[0].wall
    return ({n: statistics.median(c.wall[n] for c in clocks) for n in names},
            {n: statistics.median(c.cpu[n] for c in clocks) for n in names})


def _total(clocks: Sequence[Clock]) -> tuple[float, float]:
    """Median over runs of each run's total (wall, CPU)."""
    return (statistics.median(sum(c.wall.values()) for c in clocks),
            statistics.median(sum(c.cpu.values()) for c in clocks))


def _events(data_dir: Path) -> int:
    """Rows of the folder's events table (from the Parquet footer)."""
    import pyarrow.parquet as pq

    return pq.ParquetFile(Path(data_dir) / settings.EVENTS_PARQUET).metadata.num_rows


def _load(data_dir: Path) -> pd.DataFrame:
    """What the app's cached loader does (dashboard.data._load)."""
    return prepare_events(io.load_table(data_dir, "events"))


def _first_load(data_dir: Path) -> tuple[Clock, dict[str, float]]:
    clock = Clock()
    with clock.step("read + conform + prepare"):
        machine = _load(data_dir)
    with clock.step("review columns"):
        empty = schema.conform_mentions(pd.DataFrame(columns=list(schema.MENTION_COLUMNS)))
        events = prepare_events(reviews.apply_state(machine, empty, reviews.ReviewState()).events)
    with clock.step("option counts + options"):
        filter_options(events, all_facet_value_counts(events, EventFilter()))
    with clock.step("view + headline"):
        kept, _ = select_with_counts(events, EventFilter())  # every event: articles and outlets counted directly
        metrics.headline(kept.frame((*metrics.HEADLINE_COLUMNS, schema.ARTICLE_IDS, schema.SOURCE)))
    mb: dict[str, float] = {}
    for name in FIGURES:
        with clock.step(f"figure {name}"):
            mb[name] = len(FIGURES[name](kept).to_json()) / MB
    with clock.step(BACKGROUND):
        _indexes(events)
    return clock, mb


def _indexes(df: pd.DataFrame) -> tuple[metrics.ItemIndex, metrics.ItemIndex]:
    """Article ids and outlets as codes: built once per table version by the page (dashboard.data._items)."""
    return metrics.item_index(df[schema.ARTICLE_IDS]), metrics.item_index(df[schema.SOURCE], few_cells=True)


def _headline(kept: Filtered, indexes: tuple[metrics.ItemIndex, metrics.ItemIndex]) -> metrics.Headline:
    """As dashboard.data._view computes it."""
    articles, outlets = (metrics.count_items(index, kept.positions) for index in indexes)
    return metrics.headline(kept.frame(metrics.HEADLINE_COLUMNS), articles=articles, outlets=outlets)


def _change(df: pd.DataFrame, f: EventFilter, tabs: Sequence[str],
            indexes: tuple[metrics.ItemIndex, metrics.ItemIndex]) -> tuple[Clock, int, float]:
    """One filter change on a fresh view: the clock, events kept, megabytes of figure JSON."""
    clock = Clock()
    with clock.step("filter"):
        kept, _ = select_with_counts(df, f)
    with clock.step("headline"):
        _headline(kept, indexes)
    mb = 0.0
    for tab in tabs:
        with clock.step(tab):
            mb += len(FIGURES[tab](kept).to_json()) / MB
    return clock, len(kept), mb


def run(data_dir: Path, runs: int) -> dict[str, Any]:
    """The first load and the filter changes as a dict (also what is written to dashboard.json)."""
    read_s = statistics.median(_timed(lambda: pd.read_parquet(data_dir / settings.EVENTS_PARQUET, engine="pyarrow"))
                               for _ in range(runs))
    loads = [_first_load(data_dir) for _ in range(runs)]
    clocks = [c for c, _ in loads]
    steps, steps_cpu = _medians(clocks)
    # The main view's figures: the map and rankings only up to MAIN_VIEW_MAP_LIMIT events.
    left_out = ("figure counts", BACKGROUND) + (
        tuple(f"figure {f}" for f in ON_DEMAND) if _events(data_dir) > MAIN_VIEW_MAP_LIMIT else ())
    first = _total([_without(c, left_out) for c in clocks])
    results: dict[str, Any] = {
        "events": None,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "pandas": pd.__version__,
                    "load_average_before": os.getloadavg()},
        "runs": runs,
        "read_parquet_s": read_s,
        "first_load_steps_s": steps,
        "first_load_steps_cpu_s": steps_cpu,
        "default_figures_mb": loads[-1][1],
        "first_load_s": first[0],
        "first_load_cpu_s": first[1],
        "first_load_all_figures_s": _total([_without(c, (BACKGROUND,)) for c in clocks])[0],
        "first_load_target_s": FIRST_LOAD_TARGET,
        "filter_changes": [],
        "filter_change_target_s": FILTER_CHANGE_TARGET,
    }
    df = _load(data_dir)
    indexes = _indexes(df)
    results["events"] = len(df)
    for label, f in FILTER_CHANGES:
        all_three = [_change(df, f, tuple(FIGURES), indexes) for _ in range(runs)]
        kept_n = len(select_with_counts(df, f)[0])
        one_tab = {tab: [_change(df, f, tab_figures(tab, kept_n), indexes)[0] for _ in range(runs)] for tab in TABS}
        clocks = [c for c, _, _ in all_three]
        steps, _ = _medians(clocks)
        total, total_cpu = _total(clocks)
        worst_tab = max(TABS, key=lambda t: _total(one_tab[t])[0])
        tab_s, tab_cpu = _total(one_tab[worst_tab])
        results["filter_changes"].append({
            "filter": label, "events": all_three[0][1], "steps_s": steps,
            "total_s": total, "total_cpu_s": total_cpu,
            "one_tab_s": tab_s, "one_tab_cpu_s": tab_cpu, "slowest_tab": worst_tab,
            "browser_mb": all_three[0][2],
        })
        LOGGER.info("%-30s %9d events  %.3f s all three, %.3f s one tab", label, all_three[0][1], total, tab_s)
    return results


def _timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _without(clock: Clock, names: Sequence[str]) -> Clock:
    out = Clock()
    out.wall = {k: v for k, v in clock.wall.items() if k not in names}
    out.cpu = {k: v for k, v in clock.cpu.items() if k not in names}
    return out


# --- saving a decision, through the real page --------------------------------------------------

APP = REPO / "dashboard" / "app.py"


def save_decisions(data_dir: Path, runs: int) -> dict[str, Any]:
    """Open one event in the page (AppTest), then save decisions on it: seconds per save and rerun."""
    from streamlit.testing.v1 import AppTest

    events = pd.read_parquet(data_dir / settings.EVENTS_PARQUET, columns=[schema.EVENT_ID, schema.FATALITIES])
    row = events.iloc[len(events) // 2]
    event_id, killed = str(row[schema.EVENT_ID]), row[schema.FATALITIES]
    killed = 0 if pd.isna(killed) else int(killed)
    out: dict[str, Any] = {"event": event_id}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in (settings.EVENTS_PARQUET, settings.MENTIONS_PARQUET, settings.ARTICLES_PARQUET):
            (folder / name).symlink_to((data_dir / name).resolve())  # a fresh review store, the same table
        os.environ["EVENTS_DATA"] = str(folder)
        cold = AppTest.from_file(str(APP), default_timeout=600)
        out["first_run_s"] = _timed(cold.run)  # a fresh process: nothing cached
        _check(cold)
        _settle()
        at = AppTest.from_file(str(APP), default_timeout=600)
        at.query_params.update({"sel": event_id})
        out["open_event_s"] = _timed(at.run)  # a link to one event: its sources and review panel
        _check(at)
        at.sidebar.text_input(key="rv_name").input("Benchmark")
        next(b for b in at.sidebar.button if b.label == "Start reviewing").click().run()
        _check(at)

        def widget(elements: Any, name: str) -> Any:
            return next(e for e in elements if e.key and e.key.startswith(f"rv-{event_id}-") and e.key.endswith(f"-{name}"))

        def save(kind: str, k: int) -> float:
            if kind == "status and note":
                widget(at.radio, "status").set_value(schema.STATUS_VERIFIED if k % 2 else schema.STATUS_NEEDS_WORK)
                widget(at.text_area, "note").input(f"benchmark note {k}")
            else:
                widget(at.number_input, "killed").set_value(killed + 1 + k)  # a new value each time: nothing cached fits
            button = next(b for b in at.button if b.label == "Save decision")
            seconds = _timed(lambda: button.click().run())
            _check(at)
            if not any(m.value.startswith("Saved ") for m in at.success):
                raise RuntimeError(f"the save was not confirmed: {[m.value for m in at.success]}")
            return seconds

        for kind in ("status and note", "fatality toll"):
            cpu = time.process_time()
            times = [save(kind, k) for k in range(runs)]
            out[kind] = {"median_s": statistics.median(times), "max_s": max(times), "runs": times,
                         "cpu_per_save_s": (time.process_time() - cpu) / runs}
            LOGGER.info("save, %s: median %.3f s", kind, out[kind]["median_s"])
    return out


def _settle() -> None:
    """Wait for the page's background work (reading mentions and texts, recording the build) to end."""
    for thread in threading.enumerate():
        if thread.name in ("dashboard-warm-up", "review-record-build"):
            thread.join()


def _check(at: Any) -> None:
    if at.exception:
        raise RuntimeError(f"the page failed: {[e.value for e in at.exception]}")


def table(results: dict[str, Any]) -> str:
    """The results as a plain-text table."""
    load = results["machine"]["load_average_before"][0]
    lines = [
        f"{results['events']:,} events, median of {results['runs']} runs, {results['machine']['cpus']} CPUs, "
        f"load average before {load:.1f}, after {results['machine'].get('load_average_after', [float('nan')])[0]:.1f}",
        "",
        f"read events.parquet alone          {results['read_parquet_s']:7.3f} s",
    ]
    for name, seconds in results["first_load_steps_s"].items():
        mb = results["default_figures_mb"].get(name.removeprefix("figure "))
        lines.append(f"{name:<34} {seconds:7.3f} s" + (f"  {mb:5.2f} MB" if mb is not None else ""))
    verdict = "ok" if results["first_load_s"] <= FIRST_LOAD_TARGET else "OVER TARGET"
    lines += [f"FIRST LOAD (main view)             {results['first_load_s']:7.3f} s wall, {results['first_load_cpu_s']:.3f} s CPU"
              f"  (target {FIRST_LOAD_TARGET:.0f} s: {verdict}; with all three figures "
              f"{results['first_load_all_figures_s']:.3f} s)", ""]
    lines.append(f"{'filter change':<30} {'events':>9} {'filter':>7} {'head':>6} {'timeline':>8} {'counts':>7} {'map':>6}"
                 f" {'all 3':>7} {'1 tab':>7} {'MB':>6} {'CPU all 3':>9} {'CPU 1 tab':>9}")
    for row in results["filter_changes"]:
        steps = row["steps_s"]
        flag = "" if row["total_s"] <= FILTER_CHANGE_TARGET else "  over"
        lines.append(
            f"{row['filter']:<30} {row['events']:>9,} {steps['filter']:7.3f} {steps['headline']:6.3f} "
            f"{steps['timeline']:8.3f} {steps['counts']:7.3f} {steps['map']:6.3f} "
            f"{row['total_s']:7.3f} {row['one_tab_s']:7.3f} {row['browser_mb']:6.2f}"
            f" {row['total_cpu_s']:9.3f} {row['one_tab_cpu_s']:9.3f}{flag}"
        )
    worst = max(r["total_s"] for r in results["filter_changes"])
    worst_tab = max(r["one_tab_s"] for r in results["filter_changes"])
    worst_cpu = max(r["total_cpu_s"] for r in results["filter_changes"])
    worst_tab_cpu = max(r["one_tab_cpu_s"] for r in results["filter_changes"])
    lines.append(f"WORST FILTER CHANGE                {worst:7.3f} s all three figures, {worst_tab:.3f} s one tab (wall)"
                 f"  {worst_cpu:.3f} s / {worst_tab_cpu:.3f} s (CPU)  (target {FILTER_CHANGE_TARGET:.0f} s)")
    lines.append("seconds are wall-clock medians unless marked CPU; filter = select_with_counts; head = headline; "
                 "figures = build on their columns + to_json")
    saves = results.get("save_decision")
    if saves:
        lines += ["", f"page in AppTest: first run {saves['first_run_s']:.3f} s (server side of a first load), "
                      f"a link to one event {saves['open_event_s']:.3f} s"]
        for kind in ("status and note", "fatality toll"):
            row = saves[kind]
            flag = "ok" if row["median_s"] <= FILTER_CHANGE_TARGET else "OVER TARGET"
            lines.append(f"SAVE A DECISION ({kind:<15}) + rerun  {row['median_s']:6.3f} s median, {row['max_s']:.3f} s max,"
                         f" {row['cpu_per_save_s']:.3f} s CPU per save  (target {FILTER_CHANGE_TARGET:.0f} s: {flag})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="an output folder (events.parquet)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--save-runs", type=int, default=5, help="saves of each kind through the page (0: skip)")
    parser.add_argument("--out", type=Path, default=OUT_DIR / "dashboard.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not (args.data / settings.EVENTS_PARQUET).is_file():
        parser.error(f"no {settings.EVENTS_PARQUET} in {args.data}: run benchmarks/generate_events.py first")
    results = run(args.data, args.runs)
    if args.save_runs:
        results["save_decision"] = save_decisions(args.data, args.save_runs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    results["machine"]["load_average_after"] = os.getloadavg()
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    sys.stdout.write(table(results) + "\n")
    LOGGER.info("wrote %s", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
