"""Benchmark of the review store: the cost of applying decisions on every page run, of saving one, of
several analysts saving at once, and of recording a build for "changed since".

    python benchmarks/bench_reviews.py [--events 1000000] [--decisions 500] [--runs 3]

Synthetic machine tables (ids, dates, places, 1-3 mentions per event) are made in memory; the store
lives in a temporary folder. Every timing is the median of --runs runs (saves: median and 95th
percentile over all saves). Prints a table and writes benchmarks/out/reviews.json.

What the page pays on each interaction is `store.state()` + `apply_state(...)`: the dashboard's
budget is 1 s per filter change with a million events.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from data_prep import reviews as r  # noqa: E402
from data_prep import schema as s  # noqa: E402

OUT = REPO / "benchmarks" / "out" / "reviews.json"


def synthetic(n: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """n events with 1-3 mentions each, shaped like a build's output (only the columns that matter here)."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"ev-{i:09d}" for i in range(n)], dtype=object)
    days = pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 6 * 365, n), unit="D")
    places = np.array(["Rafah", "Khan Younis", "Gaza City", "Jenin", "Nablus", "Hebron", "Sderot"], dtype=object)
    events = pd.DataFrame({
        s.EVENT_ID: ids, s.EVENT_DATE: days, s.DATE_START: days, s.DATE_END: days, s.DATE_PRECISION: "day",
        s.YEAR: days.year, s.TIME_PRECISION: 1, s.EVENT_TYPE: "Explosions/Remote violence",
        s.SUB_EVENT_TYPE: "Air/drone strike", s.ACTOR1: "Israeli military", s.LOCATION: rng.choice(places, n),
        s.ADMIN1: "Gaza Strip", s.LATITUDE: 31.3, s.LONGITUDE: 34.3, s.FATALITIES: rng.integers(0, 5, n),
        s.SOURCE_FILES: "a.txt", s.ARTICLE_IDS: "a", s.MENTION_COUNT: 1,
    })
    per_event = rng.choice([1, 1, 1, 2, 3], n)
    owner = np.repeat(np.arange(n), per_event)
    mentions = pd.DataFrame({
        s.MENTION_ID: [f"m-{i:09d}" for i in range(len(owner))], s.EVENT_ID: ids[owner],
        s.ARTICLE_ID: [f"a-{i % 50000}" for i in range(len(owner))], s.SOURCE_FILE: "a.txt", s.OUTLET: "Outlet",
        s.EVENT_DATE: days[owner], s.LOCATION: events[s.LOCATION].to_numpy()[owner],
    })
    return s.conform_events(events), s.conform_mentions(mentions)


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _writer(path: str, worker: int, writes: int, barrier) -> None:
    store = r.ReviewStore(path)
    barrier.wait()
    for i in range(writes):
        store.save(r.EventRef(f"ev-{i:09d}", (), {s.FATALITIES: 0}), f"w{worker}",
                   edits={s.FATALITIES: worker * 1000 + i + 1})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--decisions", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    results: dict[str, float] = {}
    start = time.perf_counter()
    events, mentions = synthetic(args.events)
    print(f"synthetic tables: {len(events):,} events, {len(mentions):,} mentions "
          f"({time.perf_counter() - start:.1f} s)")
    rng = np.random.default_rng(11)
    with tempfile.TemporaryDirectory() as folder:
        store = r.ReviewStore.in_folder(folder)
        results["apply, no decisions (s)"], _ = timed(lambda: r.apply_state(events, mentions, store.state()), args.runs)

        picks = rng.choice(len(events), args.decisions, replace=False)
        mention_of = mentions.groupby(s.EVENT_ID, sort=False)[s.MENTION_ID].agg(tuple)
        saves = []
        for k, position in enumerate(picks):
            row = events.iloc[int(position)].to_dict()
            ref = r.EventRef(row[s.EVENT_ID], mention_of[row[s.EVENT_ID]], row)
            t0 = time.perf_counter()
            store.save(ref, f"analyst {k % 4}", status=s.STATUS_VERIFIED if k % 3 else s.STATUS_REJECTED_EVENT,
                       edits={s.FATALITIES: int(k % 7)}, note=f"checked {k}")
            saves.append(time.perf_counter() - t0)
        results["save one decision, median (ms)"] = statistics.median(saves) * 1000
        results["save one decision, p95 (ms)"] = float(np.percentile(saves, 95)) * 1000
        multi = mention_of[mention_of.map(len) >= 2].index[:40]
        for a, b in zip(multi[:20], multi[20:40]):
            store.merge(r.EventRef(a, mention_of[a]), r.EventRef(b, mention_of[b]), "analyst 0")
        singles = mention_of[mention_of.map(len) >= 2].index[40:60]
        for e in singles:
            store.split(r.EventRef(e, mention_of[e]), "analyst 1")
        results["read state (s)"], state = timed(store.state, args.runs)
        results[f"apply {args.decisions} decisions + 20 merges + 20 splits (s)"], out = timed(
            lambda: r.apply_state(events, mentions, store.state()), args.runs)
        assert len(out.events) == len(events) - 20 + sum(len(mention_of[e]) - 1 for e in singles)

        results["record a build, first time (s)"], _ = timed(lambda: store.record_snapshot(events), 1)
        results["record the same build again (s)"], _ = timed(lambda: store.record_snapshot(events), args.runs)
        rebuilt = events.assign(**{s.FATALITIES: events[s.FATALITIES].where(events.index % 100 != 0, 9)})
        results["record a build with 1% changed (s)"], _ = timed(lambda: store.record_snapshot(rebuilt), 1)
        results["changes since before that build (s)"], changes = timed(
            lambda: r.changes_since(store, rebuilt, pd.Timestamp.now(tz="UTC") - pd.Timedelta(seconds=2)), 1)
        results["store file size (MB)"] = sum(p.stat().st_size for p in Path(folder).iterdir()) / 1e6

        ctx = multiprocessing.get_context("spawn")
        barrier = ctx.Barrier(4)
        procs = [ctx.Process(target=_writer, args=(str(store.path), k, 50, barrier)) for k in range(4)]
        t0 = time.perf_counter()
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        wall = time.perf_counter() - t0
        results["4 processes x 50 saves, wall incl. start-up (s)"] = wall
        assert all(p.exitcode == 0 for p in procs)
        assert len(store.log(since=pd.Timestamp(t0 - 5, unit="s", tz="UTC"))) >= 200

    width = max(map(len, results))
    for name, value in results.items():
        print(f"{name:<{width}}  {value:10.3f}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"events": args.events, "decisions": args.decisions, "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
