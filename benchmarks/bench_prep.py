"""Prep benchmark: articles per second on one core and peak memory of `python -m data_prep build`.

    .venv/bin/python benchmarks/bench_prep.py [--sizes 2000 10000] [--runs 3]

Target (from the issue): >= 200 articles/s for ~3 KB articles on one core, memory flat in the
corpus size. Corpora are written by benchmarks/make_corpus.py into a temporary folder. Every
measurement runs in a fresh Python process pinned to one CPU (os.sched_setaffinity), so imports
and caches start cold; a build's peak RSS is read in the child (VmHWM) right after the build,
before it reads the tables back to count their rows.

Per corpus size:
  build      the CLI's build (`data_prep.cli.main(["build", corpus, "--out", dir, "--quiet"])`),
             --runs times: median wall seconds, articles/s by wall clock and by CPU time (user +
             system of the child: the figure that other load on the machine disturbs least),
             RSS after imports and peak RSS.
  traced     the same build once under tracemalloc: peak of Python allocations during the build.
  phases     once, with every article read into memory first: reading (io.read_articles),
             extraction alone (extract_events per article), merge + tables (build_from_articles
             minus its extraction) and write_outputs, each in CPU time.
Prints tables and writes benchmarks/out/prep.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
OUT_JSON = BENCH_DIR / "out" / "prep.json"
TARGET_ARTICLES_PER_S = 200.0
# "Flat" memory: the build's Python allocations grow by less than this per 1,000 more articles
# (at 10 MB per 1,000 a million articles would need 10 GB; at 1 MB, bounded caches and noise).
FLAT_TRACED_MB_PER_1000 = 1.0
MB = 1024 * 1024


# --- child side: one measurement in a fresh process -------------------------------------------
def _rss_mb() -> float:
    """Current resident set size of this process (Linux /proc)."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / MB


def _peak_rss_mb() -> float:
    """Peak resident set size of this process so far (Linux /proc: VmHWM)."""
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _child(mode: str, corpus: Path, out: Path) -> dict[str, Any]:
    """Run one measurement; the parent reads the returned dict as JSON from stdout."""
    started = time.perf_counter()
    sys.path.insert(0, str(REPO))
    import tracemalloc

    from data_prep import cli, io, pipeline  # noqa: F401 - imported here so import time is measured apart
    from data_prep.actors import ActorDictionary
    from data_prep.extract import extract_events
    from data_prep.places import Gazetteer

    result: dict[str, Any] = {"import_s": time.perf_counter() - started, "rss_after_imports_mb": _rss_mb()}
    if mode in ("build", "traced"):
        if mode == "traced":
            tracemalloc.start()
        cpu, wall = time.process_time(), time.perf_counter()
        code = cli.main(["build", str(corpus), "--out", str(out), "--quiet"])
        result["wall_s"] = time.perf_counter() - wall
        result["cpu_s"] = time.process_time() - cpu
        if mode == "traced":
            result["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / MB
            tracemalloc.stop()
        result["exit_code"] = code
        # Before the tables are read back below for their row counts: that is not the build's.
        result["build_peak_rss_mb"] = _peak_rss_mb()
    elif mode == "phases":
        def timed(key: str, work: Any) -> Any:
            cpu = time.process_time()
            value = work()
            result[key] = time.process_time() - cpu
            return value

        articles, rejects = timed("read_s", lambda: io.read_articles(corpus))
        actors, gazetteer = timed("load_knowledge_s", lambda: (ActorDictionary.load(), Gazetteer.load()))
        extract_events(articles[0], actors, gazetteer)  # first-call compilation outside the timing
        timed("extract_s", lambda: [extract_events(a, actors, gazetteer) for a in articles])
        built = timed("build_from_articles_s", lambda: pipeline.build_from_articles(articles, rejects))
        timed("write_s", lambda: io.write_outputs(out, built.events, built.mentions, built.articles))
        result["articles_in_memory"] = len(articles)
    else:
        raise ValueError(f"unknown mode {mode!r}")
    events, mentions, articles_table = io.load_outputs(out)
    result.update(articles=len(articles_table), events=len(events), mentions=len(mentions),
                  output_mb=sum(p.stat().st_size for p in out.iterdir()) / MB)
    return result


# --- parent side ---------------------------------------------------------------------------
def _run_child(mode: str, corpus: Path, out: Path, cpu: int) -> dict[str, Any]:
    """One fresh, pinned process; its JSON result plus its own rusage (peak RSS, CPU seconds)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--corpus", str(corpus),
               "--build-out", str(out)]
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors,
                                   preexec_fn=lambda: os.sched_setaffinity(0, {cpu}))
        assert process.stdout is not None
        stdout = process.stdout.read()
        process.stdout.close()
        # wait4 rather than Popen.wait: it also returns this child's own rusage.
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace")
            raise RuntimeError(f"{mode} on {corpus} failed (exit {process.returncode}):\n{message}")
    result = json.loads(stdout.decode().strip().splitlines()[-1])
    result["peak_rss_mb"] = usage.ru_maxrss / 1024  # Linux: kilobytes
    result["child_cpu_s"] = usage.ru_utime + usage.ru_stime
    return result


def measure(size: int, corpus: Path, work: Path, runs: int, cpu: int) -> dict[str, Any]:
    builds = [_run_child("build", corpus, work / f"out_{size}_{i}", cpu) for i in range(runs)]
    traced = _run_child("traced", corpus, work / f"out_{size}_traced", cpu)
    phases = _run_child("phases", corpus, work / f"out_{size}_phases", cpu)
    articles = builds[0]["articles"]
    wall = statistics.median(b["wall_s"] for b in builds)
    cpu_s = statistics.median(b["cpu_s"] for b in builds)
    phases["merge_and_tables_s"] = phases["build_from_articles_s"] - phases["extract_s"]
    per_article = {key: phases[key] / phases["articles_in_memory"]
                   for key in ("read_s", "extract_s", "merge_and_tables_s", "write_s")}
    return {
        "articles": articles,
        "corpus_mb": sum(p.stat().st_size for p in corpus.iterdir()) / MB,
        "events": builds[0]["events"], "mentions": builds[0]["mentions"], "output_mb": builds[0]["output_mb"],
        "runs": runs,
        "build_wall_s": [b["wall_s"] for b in builds],
        "build_cpu_s": [b["cpu_s"] for b in builds],
        "median_wall_s": wall,
        "articles_per_s_wall": articles / wall,
        "articles_per_s_cpu": articles / cpu_s,
        "import_s": statistics.median(b["import_s"] for b in builds),
        "rss_after_imports_mb": statistics.median(b["rss_after_imports_mb"] for b in builds),
        "peak_rss_mb": max(b["build_peak_rss_mb"] for b in builds),
        "traced_peak_mb": traced["traced_peak_mb"],
        "phases_ms_per_article": {k: v * 1000 for k, v in per_article.items()},
        "phases_peak_rss_mb": phases["peak_rss_mb"],
    }


def table(results: dict[str, Any]) -> str:
    sizes = results["sizes"]
    lines = [
        f"commit {results['machine']['commit']}, one core (CPU {results['machine']['pinned_cpu']}), "
        f"median of {results['runs']} runs, "
        f"load average before {results['machine']['loadavg_before'][0]:.1f}, after {results['machine']['loadavg_after'][0]:.1f}",
        "",
        f"{'articles':>8} {'events':>7} {'wall s':>7} {'art/s wall':>10} {'art/s CPU':>9} "
        f"{'RSS imports':>11} {'peak RSS':>8} {'growth':>7} {'traced peak':>11}  (MB)",
    ]
    for row in sizes.values():
        lines.append(
            f"{row['articles']:>8,} {row['events']:>7,} {row['median_wall_s']:7.1f} {row['articles_per_s_wall']:10.0f} "
            f"{row['articles_per_s_cpu']:9.0f} {row['rss_after_imports_mb']:11.0f} {row['peak_rss_mb']:8.0f} "
            f"{row['peak_rss_mb'] - row['rss_after_imports_mb']:7.0f} {row['traced_peak_mb']:11.1f}")
    lines += ["", "phases, all articles in memory first (CPU ms per article):",
              f"{'articles':>8} {'read':>6} {'extract':>8} {'merge+tables':>12} {'write':>6} {'peak RSS MB':>11}"]
    for row in sizes.values():
        p = row["phases_ms_per_article"]
        lines.append(f"{row['articles']:>8,} {p['read_s']:6.2f} {p['extract_s']:8.2f} "
                     f"{p['merge_and_tables_s']:12.2f} {p['write_s']:6.2f} {row['phases_peak_rss_mb']:11.0f}")
    rows = list(sizes.values())
    worst = min(r["articles_per_s_cpu"] for r in rows)
    verdict = "met" if worst >= TARGET_ARTICLES_PER_S else "NOT MET"
    lines += ["", f"throughput target {TARGET_ARTICLES_PER_S:.0f} articles/s (CPU time, one core): {verdict} "
              f"(slowest size {worst:.0f} articles/s)"]
    if len(rows) >= 2:
        low, high = rows[0], rows[-1]
        per_k = ((high["peak_rss_mb"] - low["peak_rss_mb"]) / (high["articles"] - low["articles"]) * 1000)
        traced_per_k = ((high["traced_peak_mb"] - low["traced_peak_mb"]) / (high["articles"] - low["articles"]) * 1000)
        flat = "met" if traced_per_k < FLAT_TRACED_MB_PER_1000 else "NOT MET"
        lines.append(f"memory growth from {low['articles']:,} to {high['articles']:,} articles: "
                     f"{per_k:.1f} MB peak RSS and {traced_per_k:.1f} MB traced per 1,000 articles "
                     f"(flat, under {FLAT_TRACED_MB_PER_1000:.0f} MB traced per 1,000: {flat})")
    return "\n".join(lines)


def _commit() -> str:
    """The commit measured (BENCH_COMMIT when run from an exported copy), '+' when the tree has changes."""
    if os.environ.get("BENCH_COMMIT"):
        return os.environ["BENCH_COMMIT"]
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "data_prep"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000], help="corpus sizes in articles")
    parser.add_argument("--runs", type=int, default=3, help="timed builds per size (median reported)")
    parser.add_argument("--seed", type=int, default=7, help="corpus generator seed")
    parser.add_argument("--json", type=Path, default=OUT_JSON, help="where to write the results")
    parser.add_argument("--child", choices=("build", "traced", "phases"), help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--build-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        sys.stdout.write(json.dumps(_child(args.child, args.corpus, args.build_out)) + "\n")
        return 0

    sys.path.insert(0, str(BENCH_DIR))
    from make_corpus import write_corpus

    cpu = max(os.sched_getaffinity(0))
    machine = {"commit": _commit(), "cpus": os.cpu_count(), "pinned_cpu": cpu, "python": platform.python_version(),
               "platform": platform.platform(), "loadavg_before": os.getloadavg()}
    results: dict[str, Any] = {"target_articles_per_s": TARGET_ARTICLES_PER_S, "runs": args.runs,
                               "seed": args.seed, "machine": machine, "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="bench_prep.") as tmp:
        work = Path(tmp)
        for size in args.sizes:
            corpus = work / f"corpus_{size}"
            write_corpus(corpus, size, seed=args.seed)
            sys.stderr.write(f"measuring {size:,} articles ...\n")
            results["sizes"][str(size)] = measure(size, corpus, work, args.runs, cpu)
    machine["loadavg_after"] = os.getloadavg()
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    sys.stdout.write(table(results) + f"\n\nwrote {args.json}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
