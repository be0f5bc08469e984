"""Write a synthetic corpus of ~3 KB news articles made from the seeds' sentences, for benchmarks.

    .venv/bin/python benchmarks/make_corpus.py --articles 2000 --out /tmp/corpus [--seed 7]

Each article is a run of the seeds' sentences (quotations kept whole) with the places swapped
for others from data_prep/data/gazetteer.csv, the figures and days varied, and a publication
date between 2021 and mid-2025 given in one of the forms the seeds use: a `published:` header,
the inline ` date YYYY-MM-DD ` prefix, or a `By News Desk - January 27 2023` byline; a few
articles carry no date at all. Seeded: the same arguments write the same files, and no two
articles share a text (the reader would reject the second as a duplicate).
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import random
import re
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS_DIR = REPO / "seeds"
GAZETTEER = REPO / "data_prep" / "data" / "gazetteer.csv"

TARGET_CHARS = 3000
FIRST_DAY, LAST_DAY = date(2021, 1, 1), date(2025, 6, 30)
UNDATED_SHARE = 0.03
# Share of each date form among dated articles: header, inline prefix, byline.
DATE_FORMS = (("header", 0.4), ("inline", 0.3), ("byline", 0.3))
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
OUTLETS = ("Bench Wire", "News Desk", "Regional Monitor", "Morning Herald", "Field Reports")

_INLINE_DATE = re.compile(r"^\s*date \d{4}-\d{2}-\d{2}\s+")
_BOILERPLATE = re.compile(r"^(?:By .+ - |File photo|.*Photo credit|\d{2}/\d{2}/\d{4} |Most Popular$|Press TV)")
_SENTENCE_END = re.compile(r"(?<![ap]\.m\.)(?<=[.!?])\s+(?=[A-Z])")
_QUOTES = re.compile(r"[\"“”‘’]")
_MONTH = "(?:" + "|".join(MONTHS) + ")"
# "the night of January 26 to 27": two days in a row.
_DAY_PAIR = re.compile(rf"\b(?P<month>{_MONTH}) \d{{1,2}} to \d{{1,2}}\b")
_DAY_NUMBER = re.compile(rf"\b\d{{1,2}}(?P<after> {_MONTH}\b)|\b(?P<before>{_MONTH} )\d{{1,2}}\b")
# Figures: not years, not clock times, not parts of dates handled above.
_FIGURE = re.compile(r"(?<![\d:/.,])\b\d{1,3}(?:,\d{3})+\b(?![:/])|(?<![\d:/.,])\b\d{1,4}\b(?![:/,.]\d)")
_CAPITALISED = re.compile(r"[A-Z][a-z]")
_SENTENCE_WORDS = frozenset({"The", "In", "On", "At", "From", "To", "Near", "And"})


@dataclass(frozen=True)
class Material:
    """What articles are made of: sentence runs (one list per seed), titles, and place names."""

    runs: tuple[tuple[str, ...], ...]
    titles: tuple[str, ...]
    seed_places: re.Pattern[str]
    places: tuple[str, ...]


def _units(paragraph: str) -> list[str]:
    """The sentences of a paragraph; a paragraph with quotation marks stays whole so quotes stay paired."""
    if _QUOTES.search(paragraph):
        return [paragraph]
    return [s for s in _SENTENCE_END.split(paragraph) if s]


def load_material(seeds_dir: Path = SEEDS_DIR, gazetteer: Path = GAZETTEER) -> Material:
    """Sentences and titles of the seeds, and the gazetteer's towns and cities to swap places with."""
    runs: list[tuple[str, ...]] = []
    titles: list[str] = []
    for path in sorted(seeds_dir.glob("*.txt")):
        text = _INLINE_DATE.sub("", path.read_text(encoding="utf-8"))
        units: list[str] = []
        for line in (line.strip() for line in text.split("\n")):
            if not line or _BOILERPLATE.match(line):
                continue
            if line[-1] not in ".!?”\"’'":  # a title, subtitle or section heading
                if len(line.split()) >= 5:
                    titles.append(line)
                continue
            units.extend(_units(line))
        runs.append(tuple(units))
    with gazetteer.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["kind"] in ("city", "town")]
    places = sorted({r["name"] for r in rows if re.fullmatch(r"[A-Z][A-Za-z' -]+", r["name"])})
    seed_text = "\n".join("\n".join(run) for run in runs + [tuple(titles)])
    # Longest first, so "Gaza City" is swapped whole rather than as "Gaza".
    in_seeds = sorted((p for p in places if re.search(rf"\b{re.escape(p)}\b", seed_text)), key=len, reverse=True)
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, in_seeds)) + r")\b")
    return Material(tuple(runs), tuple(dict.fromkeys(titles)), pattern, tuple(places))


def _swap_places(text: str, material: Material, rng: random.Random) -> str:
    """Each seed place becomes another town or city, unless it is part of a name (Mohammed Salem)."""
    def swap(match: re.Match[str]) -> str:
        after = text[match.end():match.end() + 3]
        words = text[:match.start()].split()
        previous = words[-1] if words else ""
        if after[:1] == " " and _CAPITALISED.match(after[1:]):
            return match.group()  # "Avigdor Lieberman", "Ashkelon Municipality"
        if previous.isalpha() and previous[:1].isupper() and previous not in _SENTENCE_WORDS:
            return match.group()  # "Mohammed Salem"
        return rng.choice(material.places)
    return material.seed_places.sub(swap, text)


def _vary_numbers(text: str, rng: random.Random) -> str:
    """Figures replaced by others of the same size, then days of the month by valid days; years and times kept."""
    def figure(match: re.Match[str]) -> str:
        raw = match.group()
        value = int(raw.replace(",", ""))
        if 1900 <= value <= 2100 and "," not in raw:
            return raw  # a year
        new = rng.randint(max(1, value // 2), max(2, value * 2))
        return f"{new:,}" if "," in raw or new >= 10000 else str(new)

    def pair(match: re.Match[str]) -> str:
        first = rng.randint(1, 27)
        return f"{match['month']} {first} to {first + 1}"

    text = _FIGURE.sub(figure, text)
    text = _DAY_NUMBER.sub(lambda m: f"{m['before'] or ''}{rng.randint(1, 28)}{m['after'] or ''}", text)
    return _DAY_PAIR.sub(pair, text)


def _dateline(form: str, day: date | None, outlet: str) -> tuple[str, str]:
    """(header lines, text prefix) giving the publication date in the given form."""
    if day is None:
        return "", ""
    if form == "header":
        return f"published: {day.isoformat()}\nsource: {outlet}\n", ""
    if form == "inline":
        return "", f" date {day.isoformat()} "
    return f"By {outlet} - {MONTHS[day.month - 1]} {day.day} {day.year}\n\n", ""


def make_article(material: Material, rng: random.Random, target: int = TARGET_CHARS) -> str:
    """One article of about `target` characters: title, date in some form, paragraphs of seed sentences."""
    span = (LAST_DAY - FIRST_DAY).days
    day = None if rng.random() < UNDATED_SHARE else FIRST_DAY + timedelta(days=rng.randint(0, span))
    form = rng.choices([f for f, _ in DATE_FORMS], weights=[w for _, w in DATE_FORMS])[0]
    header, prefix = _dateline(form, day, rng.choice(OUTLETS))
    title = _swap_places(rng.choice(material.titles), material, rng)
    paragraphs: list[str] = []
    size = len(title) + len(header) + len(prefix)
    while size < target - 200:  # the last paragraph overshoots by half a paragraph on average
        run = rng.choice(material.runs)
        start = rng.randrange(len(run))
        units = run[start:start + rng.randint(1, 3)]
        paragraph = _vary_numbers(_swap_places(" ".join(units), material, rng), rng)
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    body = "\n\n".join(paragraphs)
    if form == "header" and day is not None:
        return f"title: {title}\n{header}\n{body}\n"
    if form == "inline":
        return f"{prefix}{title}.\n\n{body}\n"
    return f"{title}\n\n{header}{body}\n"


def write_corpus(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """Write `count` distinct articles as folder/article_NNNNN.txt; the same seed writes the same files."""
    material = load_material()
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    seen: set[bytes] = set()
    paths: list[Path] = []
    while len(paths) < count:
        text = make_article(material, rng)
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
        if digest in seen:
            continue
        seen.add(digest)
        path = folder / f"article_{len(paths):05d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--out", type=Path, required=True, help="folder to write into (created)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    paths = write_corpus(args.out, args.articles, args.seed)
    size = sum(p.stat().st_size for p in paths)
    sys.stdout.write(f"wrote {len(paths)} articles ({size / len(paths):,.0f} bytes each on average) to {args.out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
