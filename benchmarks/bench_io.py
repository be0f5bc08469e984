"""Reading speed and memory of data_prep.io on synthetic corpora made from the seeds.

    .venv/bin/python benchmarks/bench_io.py [--files 2000]

Prints files per second for text, HTML and JSONL inputs, and the peak traced memory of
`iter_articles` at two corpus sizes: streaming means the peak does not grow with the corpus.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data_prep import io, settings  # noqa: E402

SEEDS = sorted(settings.SEEDS_DIR.glob("*.txt"))
PAGE = """<html><head><title>Article {i}</title>
<meta property="article:published_time" content="2023-01-{day:02d}">
<meta property="og:site_name" content="Bench News"></head>
<body><nav>Home World</nav><article><h1>Article {i}</h1>{paragraphs}</article><footer>(c)</footer></body></html>"""


def _texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in SEEDS]


def make_text_corpus(folder: Path, count: int) -> None:
    texts = _texts()
    for i in range(count):
        sub = folder / f"batch{i // 500:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"article_{i:05d}.txt").write_text(f"{texts[i % len(texts)]}\n\nBench copy {i}.\n", encoding="utf-8")


def make_html_corpus(folder: Path, count: int) -> None:
    texts = _texts()
    for i in range(count):
        paragraphs = "".join(f"<p>{p}</p>" for p in texts[i % len(texts)].split("\n") if p.strip())
        page = PAGE.format(i=i, day=i % 28 + 1, paragraphs=paragraphs + f"<p>Bench copy {i}.</p>")
        (folder / f"page_{i:05d}.html").write_text(page, encoding="utf-8")


def make_jsonl(path: Path, count: int) -> None:
    texts = _texts()
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            record = {"title": f"Record {i}", "text": f"{texts[i % len(texts)]}\n\nBench copy {i}.",
                      "published": "2023-01-27", "source": "Bench Wire"}
            handle.write(json.dumps(record) + "\n")


def drain(path: Path) -> tuple[int, int]:
    """(articles, rejects) read by streaming, keeping nothing."""
    articles = rejects = 0
    for item in io.iter_articles(path):
        if isinstance(item, io.Article):
            articles += 1
        else:
            rejects += 1
    return articles, rejects


def timed(label: str, path: Path) -> None:
    start = time.perf_counter()
    articles, rejects = drain(path)
    seconds = time.perf_counter() - start
    print(f"{label:<28} {articles:>6} articles {rejects:>3} rejects  {seconds:6.2f} s  "
          f"{articles / seconds:8.0f} articles/s")


def peak_mib(work: Callable[[], object]) -> float:
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=2000, help="text files in the larger corpus")
    args = parser.parse_args(argv)
    small, large = max(args.files // 4, 1), args.files
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, count in (("small", small), ("large", large)):
            (root / name).mkdir()
            make_text_corpus(root / name, count)
            make_jsonl(root / f"{name}.jsonl", count * 5)
        (root / "html").mkdir()
        make_html_corpus(root / "html", max(large // 10, 1))

        timed(f"text, {large} files", root / "large")
        timed(f"jsonl, {large * 5} records", root / "large.jsonl")
        timed(f"html, {max(large // 10, 1)} pages", root / "html")
        for kind, small_path, large_path in (("text files", root / "small", root / "large"),
                                             ("jsonl records", root / "small.jsonl", root / "large.jsonl")):
            low = peak_mib(lambda p=small_path: drain(p))
            high = peak_mib(lambda p=large_path: drain(p))
            print(f"peak memory streaming {kind:<14} x1: {low:6.2f} MiB   x4: {high:6.2f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
