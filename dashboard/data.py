"""Where the dashboard's tables come from, and the page's only caches.

The events are read first (what the page needs to open); mentions and article texts are read the
first time an event is opened (or in the background). The table shown is the events with the
review decisions applied (`dashboard.review_ui.reviewed_tables`); every derived cache is keyed by
`Tables.key`: the folder, each table file's (mtime, size) and the review store's version token, so
a rebuild, an upload or anyone's decision is picked up on the next rerun without a restart.
Derived results (the filtered view, figures, table rows) are cached per filter, so a rerun that
does not change the filter (a tab, a selection, a lane) costs next to nothing even on a million
events, and going back to an earlier filter is instant.

`st.cache_resource`, not `st.cache_data`: cache_data would unpickle a fresh copy of a
million-row frame on every rerun (seconds, against the 1 s budget). Everything cached here is
shared read-only between sessions: nothing may modify these frames or figures in place.
"""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, exports, filters, maps, metrics
from dashboard.filters import EventFilter
from data_prep import io, schema, settings
from data_prep.actors import ActorDictionary
from data_prep.places import Gazetteer

LOGGER = logging.getLogger(__name__)

ENV_VAR = "EVENTS_DATA"
TABLE_FILES: tuple[str, ...] = (settings.EVENTS_PARQUET, settings.MENTIONS_PARQUET, settings.ARTICLES_PARQUET)
VIEWS_KEPT = 8  # filtered views kept per process (each at most one events frame)

Stamp = tuple[tuple[str, int, int], ...]
TablesKey = tuple[str, Stamp, Hashable]


@dataclass(frozen=True)
class Built:
    """A data folder's events as the pipeline wrote them; mentions and articles are read on demand."""

    folder: Path
    events: pd.DataFrame
    stamp: Stamp


@dataclass(frozen=True)
class Tables:
    """The events the page shows (review decisions applied) and what the filter widgets can offer."""

    folder: Path
    events: pd.DataFrame
    options: filters.FilterOptions
    option_counts: dict[str, dict[str, int]]  # events per option in the whole table, per pick list
    stamp: Stamp  # the table files' version
    reviews: Hashable = None  # the review store's version token applied (None: the table as built)

    @property
    def key(self) -> TablesKey:
        """What every derived cache is keyed by: a rebuild or any decision changes it."""
        return (str(self.folder), self.stamp, self.reviews)


@dataclass(frozen=True)
class View:
    """The events one filter keeps, with what the page shows about them."""

    filtered: pd.DataFrame
    counts: dict[str, int]  # filters.facet_counts
    headline: metrics.Headline


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


@st.cache_resource(max_entries=2, show_spinner="Loading the event table…")
def _load(folder: str, key: Stamp) -> Built:
    events = filters.prepare_events(io.load_table(folder, "events"))
    LOGGER.info("loaded %d events from %s", len(events), folder)
    return Built(Path(folder), events, key)


def load(folder: Path) -> Built:
    """The folder's events, read once per change of its files.

    Raises:
        data_prep.io.MissingOutputError: no complete table has been built there yet.
        data_prep.io.OutputError: a table file cannot be read.
    """
    key = stamp(folder)
    missing = [name for name in TABLE_FILES if name not in {k[0] for k in key}]
    if missing:
        what = "event table" if len(missing) == len(TABLE_FILES) else ", ".join(missing)
        raise io.MissingOutputError(f"no {what} in {folder}: {io.RUN_BUILD}")
    return _load(str(folder), key)


@st.cache_resource(max_entries=3, show_spinner=False)
def _shown(folder: str, key: Stamp, reviews: Hashable, _events: pd.DataFrame) -> Tables:
    # A merge or a split concatenates slices: join the text chunks again, or every filter pays for them.
    events = filters.prepare_events(_events)
    totals = filters.all_facet_value_counts(events, EventFilter())
    return Tables(Path(folder), events, filters.filter_options(events), totals, key, reviews)


def shown(built: Built, events: pd.DataFrame | None = None, reviews: Hashable = None) -> Tables:
    """The table the page shows and its filter options: `events` (the reviewed events, whose
    decisions have the version token `reviews`) or, without them, the events as built.

    Options and counts are computed once per (files, decisions) version.
    """
    if events is None:
        return _shown(str(built.folder), built.stamp, None, built.events)
    return _shown(str(built.folder), built.stamp, reviews, events)


# Chunks joined once (as for the events): picking one event's mentions or articles out of a
# million-row table then takes milliseconds instead of a fifth of a second per click.
@st.cache_resource(max_entries=2, show_spinner="Reading the mentions…")
def _mentions(folder: str, key: Stamp) -> pd.DataFrame:
    return filters.prepare_events(io.load_table(folder, "mentions"))


@st.cache_resource(max_entries=2, show_spinner="Reading the articles…")
def _articles(folder: str, key: Stamp) -> pd.DataFrame:
    return filters.prepare_events(io.load_table(folder, "articles"))


def mentions(built: Built | Tables) -> pd.DataFrame:
    """The mentions table as built, read on first use."""
    return _mentions(str(built.folder), built.stamp)


def articles(built: Built | Tables) -> pd.DataFrame:
    """The articles table (with text) as built, read on first use."""
    return _articles(str(built.folder), built.stamp)


_WARMED: set[tuple[str, Stamp]] = set()
_WARM_LOCK = threading.Lock()


def warm_up(built: Built | Tables) -> None:
    """Read mentions, article texts and the name finders in the background, once per table version.

    The first opened event then shows at once instead of waiting for them (seconds on a million events).
    """
    key = (str(built.folder), built.stamp)
    with _WARM_LOCK:
        if key in _WARMED:
            return
        _WARMED.add(key)
    threading.Thread(target=_warm, args=key, name="dashboard-warm-up", daemon=True).start()


def _warm(folder: str, key: Stamp) -> None:
    try:
        _mentions(folder, key)
        _articles(folder, key)
        matchers()
    except Exception:  # noqa: BLE001 - the page reads them again, and reports, when it needs them
        LOGGER.warning("background read of %s failed", folder, exc_info=True)


def forget() -> None:
    """Drop cached tables (after this process rewrote the folder)."""
    for fn in (_load, _shown, _mentions, _articles, _view, _timeline, _counts, _map, _table_rows, _export_name):
        fn.clear()


# --- derived, per filter ----------------------------------------------------------------------
# Keyed by Tables.key (files and decisions); the frames themselves go in unhashed (`_tables`).

@st.cache_resource(max_entries=VIEWS_KEPT, show_spinner=False)
def _view(key: TablesKey, f: EventFilter, _tables: Tables) -> View:
    filtered, counts = filters.filter_with_counts(_tables.events, f)
    return View(filtered, counts, metrics.headline(filtered))


def view(tables: Tables, f: EventFilter) -> View:
    """The filtered events, facet counts and headline figures for `f`."""
    return _view(tables.key, f, tables)


@st.cache_resource(max_entries=4, show_spinner=False)
def _timeline(key: TablesKey, f: EventFilter, lane: str, selected: tuple[str, ...], _tables: Tables) -> go.Figure:
    return charts.timeline_figure(_view(key, f, _tables).filtered, lane, selected)


def timeline(tables: Tables, f: EventFilter, lane: str, selected: Sequence[str]) -> go.Figure:
    return _timeline(tables.key, f, lane, tuple(selected), tables)


@st.cache_resource(max_entries=4, show_spinner=False)
def _counts(key: TablesKey, f: EventFilter, freq: str, measure: str, _tables: Tables) -> go.Figure:
    return charts.counts_figure(_view(key, f, _tables).filtered, freq, measure)


def counts(tables: Tables, f: EventFilter, freq: str, measure: str) -> go.Figure:
    return _counts(tables.key, f, freq, measure, tables)


@st.cache_resource(max_entries=4, show_spinner=False)
def _map(key: TablesKey, f: EventFilter, selected: tuple[str, ...], _tables: Tables) -> go.Figure:
    return maps.map_figure(_view(key, f, _tables).filtered, selected)


def map_chart(tables: Tables, f: EventFilter, selected: Sequence[str]) -> go.Figure:
    return _map(tables.key, f, tuple(selected), tables)


def latest_rows(df: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The `limit` latest events (by event_date, undated last), latest first, without sorting every row.

    argpartition picks the candidates in linear time: a million rows take ~30 ms instead of ~1 s.
    """
    days = df[schema.EVENT_DATE].to_numpy(dtype="datetime64[ns]").astype("int64")
    days = np.where(df[schema.EVENT_DATE].isna().to_numpy(), np.iinfo(np.int64).min, days)
    n = len(days)
    if n > limit:
        kth = np.partition(days, n - limit)[n - limit]  # the limit-th latest day
        above = np.flatnonzero(days > kth)
        top = np.concatenate([above, np.flatnonzero(days == kth)[: limit - len(above)]])  # ties: table order
    else:
        top = np.arange(n)
    order = top[np.lexsort((top, ~days[top]))]  # ~ reverses int64 order without overflow: latest first, ties in table order
    return df.iloc[order]


@st.cache_resource(max_entries=4, show_spinner=False)
def _table_rows(key: TablesKey, f: EventFilter, only: tuple[str, ...] | None, limit: int, _tables: Tables) -> pd.DataFrame:
    rows = _view(key, f, _tables).filtered
    if only is not None:
        rows = rows.loc[rows[schema.EVENT_ID].isin(list(only)).fillna(False).to_numpy(dtype=bool)]
    return latest_rows(rows, limit).reset_index(drop=True)


def table_rows(tables: Tables, f: EventFilter, only: Sequence[str] | None, limit: int) -> pd.DataFrame:
    """The rows the events table shows: latest first, at most `limit`, only the `only` ids when given."""
    return _table_rows(tables.key, f, tuple(only) if only is not None else None, limit, tables)


@st.cache_resource(max_entries=32, show_spinner=False)
def _export_name(key: TablesKey, f: EventFilter, kind: str, ext: str, _tables: Tables) -> str:
    return exports.export_filename(kind, _view(key, f, _tables).filtered, f, ext)


def export_name(tables: Tables, f: EventFilter, kind: str, ext: str) -> str:
    """exports.export_filename for the filtered view (its date span costs a pass over the rows: done once)."""
    return _export_name(tables.key, f, kind, ext, tables)


# --- one event ------------------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def matchers() -> tuple[ActorDictionary, Gazetteer]:
    """The pipeline's own actor and place finders, to highlight the names an evidence sentence uses."""
    return ActorDictionary.load(), Gazetteer.load()


def mentions_of(mentions: pd.DataFrame, event_id: str) -> pd.DataFrame:
    """The mentions (one per article telling it) of one event, oldest publication first."""
    rows = mentions.loc[(mentions[schema.EVENT_ID] == event_id).fillna(False).to_numpy(dtype=bool)]
    return rows.sort_values(schema.PUBLISHED, kind="stable", na_position="last")


def articles_by_id(articles: pd.DataFrame, article_ids: list[str]) -> pd.DataFrame:
    """Rows of an articles table for these ids (with text)."""
    return articles.loc[articles[schema.ARTICLE_ID].isin(article_ids).fillna(False).to_numpy(dtype=bool)]
