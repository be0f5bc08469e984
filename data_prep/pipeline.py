"""Articles in, event table out: read, extract per article, merge across articles."""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import io
from . import schema as S
from .actors import ActorDictionary
from .extract import extract_events
from .merge import merge_mentions
from .models import Article, Event, Reject
from .places import Gazetteer

LOGGER = logging.getLogger(__name__)


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


def build_from_articles(articles: Iterable[Article], rejects: Iterable[Reject] = (),
                        progress: bool = False) -> BuildResult:
    """Extract and merge the events of already-read articles.

    Args:
        articles: the articles (duplicates by article id are read once).
        rejects: inputs already refused, carried into the articles table.
        progress: show a progress bar on stderr.
    """
    actors, gazetteer = ActorDictionary.load(), Gazetteer.load()
    kept: list[Article] = []
    refused = list(rejects)
    mentions: list[Event] = []
    seen: set[str] = set()
    for article in _progress(articles, progress):
        if article.article_id in seen:
            refused.append(Reject(article.file, f"same text as an article already read (id {article.article_id})"))
            continue
        seen.add(article.article_id)
        try:
            found = extract_events(article, actors, gazetteer)
        except Exception as error:  # noqa: BLE001 - one bad article must not stop the run
            LOGGER.exception("extraction failed for %s", article.file)
            refused.append(Reject(article.file, f"extraction failed: {type(error).__name__}: {error}"))
            continue
        kept.append(article)
        mentions.extend(found)
    events, mention_table = merge_mentions(mentions)
    per_article: Counter[str] = Counter()
    for ids in events[S.ARTICLE_IDS].dropna():
        per_article.update(ids.split(S.LIST_SEPARATOR))
    articles_table = io.articles_frame(kept, refused, events_found=per_article)
    return BuildResult(events, mention_table, articles_table, tuple(refused))


def build_event_table(paths: Iterable[str | Path] | str | Path, progress: bool = False) -> BuildResult:
    """Read every input under `paths` (files or folders, recursively) and build the event table."""
    articles: list[Article] = []
    rejects: list[Reject] = []
    for item in io.iter_articles(paths):
        if isinstance(item, Article):
            articles.append(item)
        else:
            LOGGER.warning("skipped %s: %s", item.file, item.reason)
            rejects.append(item)
    return build_from_articles(articles, rejects, progress=progress)
