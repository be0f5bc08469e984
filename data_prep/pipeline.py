"""Articles in, event table out: read, extract per article, merge across articles.

Articles stream through extraction one at a time. What a build keeps of each is its mentions
(the merge across articles needs them all) and a small record without the text; the texts go
into compact Arrow arrays (`build_event_table`, `build_from_articles`) or, when the build writes
its own output folder (`build_to_folder`), into a spool file that is copied into
articles.parquet part by part, so that memory does not grow with the corpus's text.
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

from . import io
from . import schema as S
from .actors import ActorDictionary
from .extract import extract_events
from .merge import merge_mentions
from .models import Article, Event, Reject
from .places import Gazetteer

LOGGER = logging.getLogger(__name__)

# Texts are packed into one Arrow array (or read back from the spool) this many at a time.
TEXT_BATCH = 512
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
        self._pending: list[str] = []

    def append(self, text: str) -> None:
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


class _Collector:
    """What a build keeps while articles stream through extraction."""

    def __init__(self, keep_text: Callable[[str], None]) -> None:
        self._actors, self._gazetteer = ActorDictionary.load(), Gazetteer.load()
        self._keep_text = keep_text
        self.kept: list[Article] = []  # without their text: it went to keep_text
        self.read_rejects: list[Reject] = []
        self.build_rejects: list[Reject] = []
        self.mentions: list[Event] = []
        self._seen: set[str] = set()

    def add(self, article: Article) -> None:
        if article.article_id in self._seen:
            self.build_rejects.append(
                Reject(article.file, f"same text as an article already read (id {article.article_id})"))
            return
        self._seen.add(article.article_id)
        try:
            found = extract_events(article, self._actors, self._gazetteer)
        except Exception as error:  # noqa: BLE001 - one bad article must not stop the run
            LOGGER.exception("extraction failed for %s", article.file)
            self.build_rejects.append(Reject(article.file, f"extraction failed: {type(error).__name__}: {error}"))
            return
        self._keep_text(article.text)
        self.kept.append(replace(article, text=""))
        self.mentions.extend(found)

    def add_item(self, item: Article | Reject) -> None:
        """An item of io.iter_articles: an article to extract, or an input that could not be read."""
        if isinstance(item, Article):
            self.add(item)
        else:
            LOGGER.warning("skipped %s: %s", item.file, item.reason)
            self.read_rejects.append(item)

    def result(self) -> BuildResult:
        """Merged events and mentions, and the articles table with an empty text column."""
        events, mention_table = merge_mentions(self.mentions)
        per_article: Counter[str] = Counter()
        for ids in events[S.ARTICLE_IDS].dropna():
            per_article.update(ids.split(S.LIST_SEPARATOR))
        refused = self.read_rejects + self.build_rejects
        articles = io.articles_frame(self.kept, refused, events_found=per_article)
        return BuildResult(events, mention_table, articles, tuple(refused))


def _with_arrow_texts(result: BuildResult, texts: _ArrowTexts) -> BuildResult:
    column = texts.column(missing=len(result.rejects))
    articles = result.articles.assign(**{S.TEXT: pd.Series(column, index=result.articles.index)})
    return replace(result, articles=articles)


def _listed(paths: Iterable[str | Path] | str | Path) -> list[str | Path]:
    """`paths` as a list, so that it can be walked twice (a progress total, then the build)."""
    return [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)


def _total(paths: list[str | Path]) -> int | None:
    """Input files, when each holds one article (a progress total); None when record files hold many."""
    files = list(io.iter_input_files(paths))
    return None if any(f.suffix.lower() in _RECORD_SUFFIXES for f in files) else len(files)


def build_from_articles(articles: Iterable[Article], rejects: Iterable[Reject] = (),
                        progress: bool = False) -> BuildResult:
    """Extract and merge the events of already-read articles.

    Args:
        articles: the articles (duplicates by article id are read once); any iterable, consumed once.
        rejects: inputs already refused, carried into the articles table.
        progress: show a progress bar on stderr.
    """
    texts = _ArrowTexts()
    collector = _Collector(texts.append)
    collector.read_rejects.extend(rejects)
    total = len(articles) if isinstance(articles, (list, tuple)) else None
    for article in _progress(articles, progress, total):
        collector.add(article)
    return _with_arrow_texts(collector.result(), texts)


def build_event_table(paths: Iterable[str | Path] | str | Path, progress: bool = False) -> BuildResult:
    """Read every input under `paths` (files or folders, recursively) and build the event table.

    Articles are extracted as they are read; only their mentions, a small record and their text
    (packed in Arrow) are kept. To build an output folder without keeping the texts, use
    `build_to_folder`.
    """
    paths = _listed(paths)
    texts = _ArrowTexts()
    collector = _Collector(texts.append)
    for item in _progress(io.iter_articles(paths), progress, _total(paths) if progress else None):
        collector.add_item(item)
    return _with_arrow_texts(collector.result(), texts)


def _article_parts(articles: pd.DataFrame, spool: io.TextSpool) -> Iterator[pd.DataFrame]:
    """The articles table with its texts, TEXT_BATCH rows at a time: kept articles first (in spool
    order), then the rejected inputs' rows, which have no text."""
    position = 0
    for texts in spool.batches(TEXT_BATCH):
        part = articles.iloc[position: position + len(texts)]
        yield part.assign(**{S.TEXT: pd.Series(texts, index=part.index, dtype="string")})
        position += len(texts)
    if position < len(articles):
        yield articles.iloc[position:].assign(**{S.TEXT: None})


def build_to_folder(paths: Iterable[str | Path] | str | Path, out_dir: str | Path,
                    progress: bool = False) -> BuildResult:
    """Build the event table from `paths` and write the output folder (what `python -m data_prep build` does).

    Unlike `build_event_table` + `io.write_outputs`, the texts are never all in memory: each is
    parked in a spool file beside `out_dir` as it is read, and copied into articles.parquet part
    by part once the merge has counted every article's events. The folder is written atomically
    (see `io.write_outputs`), and not at all when no article could be processed.

    Returns:
        The build result; its articles table has no text column (the written one has).
    """
    paths, out_dir = _listed(paths), Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with io.TextSpool(out_dir.parent) as spool:
        collector = _Collector(spool.append)
        for item in _progress(io.iter_articles(paths), progress, _total(paths) if progress else None):
            collector.add_item(item)
        result = collector.result()
        if result.processed:
            io.write_outputs(out_dir, result.events, result.mentions, _article_parts(result.articles, spool))
    articles = S.conform_articles(result.articles, with_text=False)
    return replace(result, articles=articles)
