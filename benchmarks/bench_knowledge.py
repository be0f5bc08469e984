"""Speed of the gazetteer and actor scanners on real sentences, and their load time.

    python benchmarks/bench_knowledge.py [--runs 5]

Target (from the issue): well under 1 ms per sentence for `Gazetteer.find_places` with ~3,000
names, and fast for `ActorDictionary.find_actors`. Sentences are the seed articles split on
sentence ends, repeated; each figure is the median of --runs runs. Load time is a cold parse of
the files (caches cleared). Prints a table and writes benchmarks/out/knowledge.json.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from data_prep import actors, places, settings  # noqa: E402

OUT_DIR = REPO / "benchmarks" / "out"


def _sentences() -> list[str]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(settings.SEEDS_DIR.glob("*.txt")))
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if len(s.strip()) > 20]


def _median_seconds(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20, help="times the seed sentences are scanned per run")
    args = parser.parse_args(argv)

    def cold_places() -> None:
        places._load_cached.cache_clear()
        places.fold_word.cache_clear()
        places.Gazetteer.load()

    def cold_actors() -> None:
        actors._load_cached.cache_clear()
        actors.ActorDictionary.load()

    results = {
        "gazetteer_load_s": _median_seconds(cold_places, args.runs),
        "actors_load_s": _median_seconds(cold_actors, args.runs),
    }
    gazetteer, dictionary = places.Gazetteer.load(), actors.ActorDictionary.load()
    sentences = _sentences() * args.repeat
    results["sentences"] = len(sentences)
    results["find_places_ms_per_sentence"] = 1000 * _median_seconds(
        lambda: [gazetteer.find_places(s) for s in sentences], args.runs) / len(sentences)
    results["find_actors_ms_per_sentence"] = 1000 * _median_seconds(
        lambda: [dictionary.find_actors(s) for s in sentences], args.runs) / len(sentences)
    results["places"] = len(gazetteer)
    results["actors"] = len(dictionary)
    width = max(map(len, results))
    for key, value in results.items():
        print(f"{key:<{width}}  {value:.4f}" if isinstance(value, float) else f"{key:<{width}}  {value}")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUT_DIR / "knowledge.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
