"""Throughput of data_prep.dates on 3 KB articles (target: the whole pipeline >= 200 articles/s).

    .venv/bin/python benchmarks/bench_dates.py [--articles 500]

Each article is a seed cut to 3,000 characters with a unique suffix, and the result caches are
cleared per article, so nothing is served from cache.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from data_prep import dates  # noqa: E402

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    args = parser.parse_args(argv)
    seeds = [p.read_text(encoding="utf-8")[:3000] for p in sorted((REPO / "seeds").glob("*.txt"))]
    articles = [f"{seeds[i % len(seeds)]}\nref {i}" for i in range(args.articles)]

    started = time.perf_counter()
    published = [dates.parse_publication_date(text) for text in articles]
    pub_seconds = time.perf_counter() - started

    started = time.perf_counter()
    found = 0
    for text, day in zip(articles, published):
        dates._find.cache_clear()
        found += len(dates.find_temporal_expressions(text, day))
    whole_seconds = time.perf_counter() - started

    started = time.perf_counter()
    for text, day in zip(articles, published):
        dates._find.cache_clear()
        for sentence in _SENTENCE_END.split(text):
            dates.find_temporal_expressions(sentence, day)
    sentence_seconds = time.perf_counter() - started

    n = len(articles)
    print(f"{n} articles of ~3 KB, {found / n:.1f} expressions each")
    print(f"parse_publication_date:               {n / pub_seconds:8.0f} articles/s")
    print(f"find_temporal_expressions, whole text: {n / whole_seconds:8.0f} articles/s")
    print(f"find_temporal_expressions, per sentence: {n / sentence_seconds:6.0f} articles/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
