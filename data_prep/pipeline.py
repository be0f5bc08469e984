"""Articles in, event table out: read, extract per article, merge across articles.

Articles stream through extraction one at a time. What a build keeps of each is a small record
without the text, its text and its mentions. The library calls (`build_event_table`,
`build_from_articles`) return the tables in memory: texts packed in Arrow arrays, mentions in a
list. The folder build (`build_to_folder`, the CLI) parks texts and mentions in spool files
instead, merges the mentions day by day and writes every table part by part, so that its memory
does not grow with the corpus (benchmarks/bench_prep.py).
"""
from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import pyarrow as pa

from . import io, table_folder
from . import schema as S
from .actors import ActorDictionary
from .extract import extract_events
from .merge import merge_in_parts, merge_mentions
from .models import Article, Event, Reject
from .normalise import SourceMap
from .places import Gazetteer

LOGGER = logging.getLogger(__name__)

# Texts are packed into one Arrow array (or read back from the spool) this many at a time.
TEXT_BATCH = 512
# Refusals written to the articles table this many rows at a time, and kept in memory for a summary.
REJECT_BATCH = 10_000
REJECTS_SHOWN = 1_000
# Formats that hold one article per file: only then does the file count give a progress total.
_RECORD_SUFFIXES = frozenset({".json", ".jsonl", ".csv"})


@dataclass(frozen=True)
class BuildResult:
    """What a build produced: the three tables and the inputs it had to skip."""

    events: pd.DataFrame
    mentions: pd.DataFrame
    articles: pd.DataFrame
    rejects: tuple[Reject, ...]

    @property
    def processed(self) -> int:
        """Articles read and extracted (dated or not)."""
        return int((self.articles[S.STATUS] != S.STATUS_REJECTED).sum())


def _progress(items: Iterable, enabled: bool, total: int | None = None) -> Iterable:
    if not enabled:
        return items
    from tqdm import tqdm  # only the CLI asks for a progress bar

    return tqdm(items, total=total, unit="article", leave=False)


class _ArrowTexts:
    """Texts packed into Arrow arrays TEXT_BATCH at a time: about one byte per character, not a
    Python string each (two or four bytes per character once a text has one curly quote)."""

    def __init__(self) -> None:
        self._chunks: list[pa.Array] = []
        self._pending: list[str | None] = []  # None: no text (a raw text equal to the text)

    def append(self, text: str | None) -> None:
        self._pending.append(text)
        if len(self._pending) >= TEXT_BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._chunks.append(pa.array(self._pending, type=pa.large_string()))
            self._pending = []

    def column(self, missing: int) -> pd.arrays.ArrowStringArray:
        """The texts in order, then `missing` empty cells (the rejected inputs' rows)."""
        self._flush()
        chunks = [*self._chunks, pa.nulls(missing, type=pa.large_string())]
        return pd.arrays.ArrowStringArray(pa.chunked_array(chunks, type=pa.large_string()))


class _MemoryStore:
    """Where the library builds keep each article: records and mentions in lists, texts in Arrow."""

    def __init__(self) -> None:
        self.texts = _ArrowTexts()
        self.raw_texts = _ArrowTexts()
        self.kept: list[Article] = []  # without their text
        self.mentions: list[Event] = []
        self._seen: set[str] = set()
        self._refused: tuple[list[Reject], list[Reject]] = ([], [])

    def first_sight(self, article_id: str) -> bool:
        """True the first time an article id is offered, False for a later copy of the same text."""
        if article_id in self._seen:
            return False
        self._seen.add(article_id)
        return True

    def keep(self, article: Article, mentions: list[Event]) -> None:
        self.texts.append(article.text)
        self.raw_texts.append(article.raw_text)
        self.kept.append(replace(article, text="", raw_text=None))
        self.mentions.extend(mentions)

    def refuse(self, reject: Reject, at_build: bool) -> None:
        self._refused[at_build].append(reject)

    @property
    def refused(self) -> list[Reject]:
        """Inputs refused: those that could not be read, then those refused at extraction."""
        return self._refused[0] + self._refused[1]


class _SpoolStore:
    """Where the folder build keeps each article: texts in a TextSpool, records, mentions and
    refusals in a BuildSpool, so that nothing kept grows in memory with the corpus (a CSV of a
    million short records is a million refusals: only the first REJECTS_SHOWN stay in memory)."""

    def __init__(self, texts: io.TextSpool, spool: io.BuildSpool) -> None:
        self.texts, self.spool = texts, spool
        self._first: tuple[list[Reject], list[Reject]] = ([], [])

    def first_sight(self, article_id: str) -> bool:
        return self.spool.first_sight(article_id)

    def keep(self, article: Article, mentions: list[Event]) -> None:
        self.texts.append(article.text)
        self.spool.add_article(replace(article, text=""))
        self.spool.add_mentions(mentions)

    def refuse(self, reject: Reject, at_build: bool) -> None:
        self.spool.add_reject(reject, at_build)
        if len(self._first[at_build]) < REJECTS_SHOWN:
            self._first[at_build].append(reject)

    @property
    def refused(self) -> list[Reject]:
        """The first REJECTS_SHOWN inputs refused (the spool has them all, in the same order)."""
        return (self._first[0] + self._first[1])[:REJECTS_SHOWN]


class _Collector:
    """Extracts the articles of a build one by one, keeps them in a store, and hands it refusals."""

    def __init__(self, store: _MemoryStore | _SpoolStore) -> None:
        self._actors, self._gazetteer = ActorDictionary.load(), Gazetteer.load()
        self.store = store

    def add(self, article: Article) -> None:
        if not self.store.first_sight(article.article_id):
            self.store.refuse(
                Reject(article.file, f"same text as an article already read (id {article.article_id})"), True)
            return
        try:
            found = in_source(article, extract_events(article, self._actors, self._gazetteer))
        except Exception as error:  # noqa: BLE001 - one bad article must not stop the run
            LOGGER.error("extraction failed for %s: %s: %s", article.file, type(error).__name__, error)
            LOGGER.debug("extraction failed for %s", article.file, exc_info=True)
            self.store.refuse(Reject(article.file, f"extraction failed: {type(error).__name__}: {error}"), True)
            return
        self.store.keep(article, found)

    def add_item(self, item: Article | Reject) -> None:
        """An item of io.iter_articles: an article to extract, or an input that could not be read."""
        if isinstance(item, Article):
            self.add(item)
        else:
            LOGGER.info("skipped %s: %s", item.file, item.reason)
            self.store.refuse(item, False)


def in_source(article: Article, mentions: list[Event]) -> list[Event]:
    """The mentions with their evidence in the source's own words: the span of the text as read
    (Article.raw_text) that the cleaned sentence comes from, and its offsets there.

    Extraction reads the cleaned text; the record is the text as read. When the source words
    cannot be found (not seen on the test corpora), the mention is left as extracted (the cleaned
    sentence, offsets into the cleaned text) and a note is logged.
    """
    if article.raw_text is None or not mentions:
        return mentions
    source = SourceMap(article.raw_text, article.text)
    out = []
    for mention in mentions:
        span = source.span(mention.evidence_start, mention.evidence_end)
        if span is None:
            LOGGER.info("%s: the evidence %r is not in the text as read", article.file, mention.evidence[:60])
            out.append(mention)
        else:
            out.append(replace(mention, evidence=article.raw_text[span[0]:span[1]],
                               evidence_start=span[0], evidence_end=span[1]))
    return out


def _in_memory_result(collector: _Collector, store: _MemoryStore) -> BuildResult:
    """Merged events and mentions, and the articles table with its texts."""
    events, mention_table = merge_mentions(store.mentions)
    articles = io.articles_frame(store.kept, store.refused, events_found=_events_per_article(events))
    texts = store.texts.column(missing=len(store.refused))
    raw_texts = store.raw_texts.column(missing=len(store.refused))
    articles = articles.assign(**{S.TEXT: pd.Series(texts, index=articles.index),
                                  S.RAW_TEXT: pd.Series(raw_texts, index=articles.index)})
    return BuildResult(events, mention_table, articles, tuple(store.refused))


def _events_per_article(events: pd.DataFrame) -> Counter[str]:
    """How many events each article tells."""
    counts: Counter[str] = Counter()
    for ids in events[S.ARTICLE_IDS].dropna():
        counts.update(ids.split(S.LIST_SEPARATOR))
    return counts


@dataclass(frozen=True)
class BuildSummary:
    """What a folder build did, in counts: it keeps no table in memory."""

    inputs: int  # articles read plus inputs refused
    processed: int
    undated: int
    rejects: tuple[Reject, ...]  # the first REJECTS_SHOWN inputs refused (all are in articles.parquet/csv)
    events: int
    mentions: int
    event_types: dict[str, int]  # most frequent first
    date_precisions: dict[str, int]
    rejected: int = 0  # every input refused

    def __post_init__(self) -> None:
        if self.rejected < len(self.rejects):
            object.__setattr__(self, "rejected", len(self.rejects))


class _Tally:
    """Counts of the tables written part by part, for the summary."""

    def __init__(self) -> None:
        self.events = self.mentions = 0
        self.types: Counter[str] = Counter()
        self.precisions: Counter[str] = Counter()

    def parts(self, parts: Iterable[tuple[pd.DataFrame, pd.DataFrame]],
              count_events: Callable[[Counter[str]], None]) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
        """The parts, counted as they pass; `count_events` gets each part's events per article."""
        for events, mentions in parts:
            self.events += len(events)
            self.mentions += len(mentions)
            self.types.update(events[S.EVENT_TYPE].dropna())
            self.precisions.update(events[S.DATE_PRECISION].dropna())
            count_events(_events_per_article(events))
            yield events, mentions


def _listed(paths: Iterable[str | Path] | str | Path) -> list[str | Path]:
    """`paths` as a list, so that it can be walked twice (a progress total, then the build)."""
    return [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)


def _total(paths: list[str | Path], follow_symlinks: bool = False) -> int | None:
    """Input files, when each holds one article (a progress total); None when record files hold many."""
    files = list(io.iter_input_files(paths, follow_symlinks))
    return None if any(f.suffix.lower() in _RECORD_SUFFIXES for f in files) else len(files)


def build_from_articles(articles: Iterable[Article], rejects: Iterable[Reject] = (),
                        progress: bool = False) -> BuildResult:
    """Extract and merge the events of already-read articles.

    Args:
        articles: the articles (duplicates by article id are read once); any iterable, consumed once.
        rejects: inputs already refused, carried into the articles table.
        progress: show a progress bar on stderr.
    """
    store = _MemoryStore()
    collector = _Collector(store)
    for reject in rejects:
        store.refuse(reject, False)
    total = len(articles) if isinstance(articles, (list, tuple)) else None
    for article in _progress(articles, progress, total):
        collector.add(article)
    return _in_memory_result(collector, store)


def build_event_table(paths: Iterable[str | Path] | str | Path, progress: bool = False,
                      follow_symlinks: bool = False) -> BuildResult:
    """Read every input under `paths` (files or folders, recursively) and build the event table.

    Articles are extracted as they are read; only their mentions, a small record and their text
    (packed in Arrow) are kept. To build an output folder without keeping the texts, use
    `build_to_folder`. Symbolic links pointing outside the folders given are followed only with
    `follow_symlinks`.
    """
    paths = _listed(paths)
    store = _MemoryStore()
    collector = _Collector(store)
    articles = io.iter_articles(paths, follow_symlinks)
    for item in _progress(articles, progress, _total(paths, follow_symlinks) if progress else None):
        collector.add_item(item)
    return _in_memory_result(collector, store)


def _article_parts(spool: io.BuildSpool, texts: io.TextSpool) -> Iterator[pd.DataFrame]:
    """The articles table with its texts, TEXT_BATCH rows at a time: kept articles first (in the
    order read, with their events counted), then the rejected inputs' rows, which have no text."""
    for records, batch in zip(spool.articles(TEXT_BATCH), texts.batches(TEXT_BATCH)):
        articles = [replace(article, text=text) for (article, _), text in zip(records, batch)]
        yield io.articles_frame(articles, events_found={a.article_id: n for a, n in records})
    for rejects in spool.rejects(REJECT_BATCH):
        yield io.articles_frame([], rejects)


def build_to_folder(paths: Iterable[str | Path] | str | Path, out_dir: str | Path,
                    progress: bool = False, follow_symlinks: bool = False) -> BuildSummary:
    """Build the event table from `paths` and write the output folder (what `python -m data_prep build` does).

    Unlike `build_event_table` + `io.write_outputs`, neither the texts nor the mentions are ever
    all in memory: each article's text and mentions are parked in spool files beside `out_dir`
    as they are found; the mentions are then merged day by day and the tables written part by
    part (the articles table once every article's events are counted). The folder's table is
    replaced as one unit (see `table_folder`), and not at all when no article could be processed.
    """
    paths, out_dir = _listed(paths), Path(out_dir)
    tally = _Tally()
    # The folder's writer lock for the whole build: an upload or another build waits, and what a
    # killed build left in the folder is deleted first. The spools live in the folder.
    with table_folder.writer_lock(out_dir), io.TextSpool(out_dir) as texts, io.BuildSpool(out_dir) as spool:
        table_folder.checkpoint("spooled")
        store = _SpoolStore(texts, spool)
        collector = _Collector(store)
        # Copies of one text are found by the spool (on disk), not a dict of every article read.
        articles = io.iter_articles(paths, follow_symlinks, earlier_copy=spool.earlier_copy)
        for item in _progress(articles, progress, _total(paths, follow_symlinks) if progress else None):
            collector.add_item(item)
        if spool.articles_kept:
            # Article parts are started only once every table part is written: events are counted.
            tables = tally.parts(merge_in_parts(spool.mentions_in_merge_order()), spool.count_events)
            io.write_outputs_in_parts(out_dir, tables, _article_parts(spool, texts))
        return BuildSummary(
            inputs=spool.articles_kept + spool.rejects_count, processed=spool.articles_kept,
            undated=spool.articles_undated, rejects=tuple(store.refused), events=tally.events,
            mentions=tally.mentions, event_types=dict(tally.types.most_common()),
            date_precisions=dict(tally.precisions.most_common()), rejected=spool.rejects_count)
