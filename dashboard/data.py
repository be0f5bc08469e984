"""Where the dashboard's tables come from: the data folder, and the one cached load of it.

The only module of the page that caches. The cache key is the folder plus each table file's
(mtime, size), so a rebuild or an upload is picked up on the next rerun without a restart.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import filters
from data_prep import io, schema, settings
from data_prep.actors import ActorDictionary
from data_prep.places import Gazetteer

LOGGER = logging.getLogger(__name__)

ENV_VAR = "EVENTS_DATA"
TABLE_FILES: tuple[str, ...] = (settings.EVENTS_PARQUET, settings.MENTIONS_PARQUET, settings.ARTICLES_PARQUET)

Stamp = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class Tables:
    """The three tables of a data folder and what the filter widgets can offer.

    Shared read-only between sessions (see `load`): nothing may modify these frames in place.
    """

    folder: Path
    events: pd.DataFrame
    mentions: pd.DataFrame
    articles: pd.DataFrame
    options: filters.FilterOptions
    stamp: Stamp


def data_dir() -> Path:
    """The data folder: $EVENTS_DATA when set, else the table built from the bundled seeds."""
    value = os.environ.get(ENV_VAR, "").strip()
    return Path(value).expanduser().resolve() if value else settings.DEFAULT_OUT_DIR


def stamp(folder: Path) -> Stamp:
    """(file, mtime_ns, size) of each table file present: changes whenever the folder is rewritten."""
    out = []
    for name in TABLE_FILES:
        try:
            info = (folder / name).stat()
        except OSError:
            continue
        out.append((name, info.st_mtime_ns, info.st_size))
    return tuple(out)


# cache_resource, not cache_data: cache_data would unpickle a fresh copy of a million-row frame on
# every rerun (seconds), against the 1 s budget per filter change. The frames are never modified.
@st.cache_resource(max_entries=2, show_spinner="Loading the event table…")
def _load(folder: str, key: Stamp) -> Tables:
    events, mentions, articles = io.load_outputs(folder)
    events = filters.prepare_events(events)  # one-time rechunking that makes every filter change fast
    LOGGER.info("loaded %d events, %d mentions, %d articles from %s", len(events), len(mentions), len(articles), folder)
    return Tables(Path(folder), events, mentions, articles, filters.filter_options(events), key)


def load(folder: Path) -> Tables:
    """The folder's tables, read once per change of its files.

    Raises:
        data_prep.io.MissingOutputError: no table has been built there yet.
        data_prep.io.OutputError: a table file cannot be read.
    """
    return _load(str(folder), stamp(folder))


def forget() -> None:
    """Drop cached tables (after this process rewrote the folder)."""
    _load.clear()


@st.cache_resource(show_spinner=False)
def matchers() -> tuple[ActorDictionary, Gazetteer]:
    """The pipeline's own actor and place finders, to highlight the names an evidence sentence uses."""
    return ActorDictionary.load(), Gazetteer.load()


def mentions_of(tables: Tables, event_id: str) -> pd.DataFrame:
    """The mentions (one per article telling it) of one event, oldest publication first."""
    mentions = tables.mentions
    rows = mentions.loc[(mentions[schema.EVENT_ID] == event_id).fillna(False).to_numpy(dtype=bool)]
    return rows.sort_values(schema.PUBLISHED, kind="stable", na_position="last")


def articles_by_id(tables: Tables, article_ids: list[str]) -> pd.DataFrame:
    """Rows of the articles table for these ids (with text)."""
    articles = tables.articles
    return articles.loc[articles[schema.ARTICLE_ID].isin(article_ids).fillna(False).to_numpy(dtype=bool)]
