"""Where the dashboard's tables come from, and the page's only caches.

The events are read first (what the page needs to open); mentions and article texts are read the
first time an event is opened (or in the background). The table shown is the events with the
review decisions applied (`dashboard.review_ui.reviewed_tables`), cached by `Tables.key`: the
folder, each table file's (mtime, size) and the review store's version token, so a rebuild, an
upload or anyone's decision is picked up on the next rerun without a restart.
Derived results (the filtered view, figures, table rows) are cached per filter, so a rerun that
does not change the filter (a tab, a selection, a lane) costs next to nothing even on a million
events, and going back to an earlier filter is instant. The filter options, the kept rows, the
headline and the charts are keyed by the content of the columns they read (`Tables.version`,
dashboard/versions.py) rather than by the decisions' version: saving a decision recomputes only
what reads the cells it changed.

`st.cache_resource`, not `st.cache_data`: cache_data would unpickle a fresh copy of a
million-row frame on every rerun (seconds, against the 1 s budget). Everything cached here is
shared read-only between sessions: nothing may modify these frames or figures in place.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, exports, filters, maps, metrics, versions
from dashboard.filters import EventFilter
from data_prep import io, schema, settings
from data_prep.actors import ActorDictionary
from data_prep.places import Gazetteer

LOGGER = logging.getLogger(__name__)

ENV_VAR = "EVENTS_DATA"
TABLE_FILES: tuple[str, ...] = (settings.EVENTS_PARQUET, settings.MENTIONS_PARQUET, settings.ARTICLES_PARQUET)
VIEWS_KEPT = 8  # filtered views kept per process (each at most one events frame)
# Above this many events in view the main view draws the map and rankings only when asked: they cost
# ~1 s of CPU at a million events, and every filter change would pay it (benchmarks/README.md).
MAIN_VIEW_MAP_LIMIT = 150_000

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
    version: versions.TableVersion  # what each column holds: derived caches are keyed by what they read
    reviews: Hashable = None  # the review store's version token applied (None: the table as built)

    @property
    def key(self) -> TablesKey:
        """What every derived cache is keyed by: a rebuild or any decision changes it."""
        return (str(self.folder), self.stamp, self.reviews)


@dataclass(frozen=True)
class View:
    """The events one filter keeps, with what the page shows about them."""

    filtered: filters.Filtered  # positions into Tables.events: consumers take the columns they read
    counts: dict[str, int]  # filters.facet_counts
    headline: metrics.Headline
    key: Hashable  # the kept rows' identity: the filter, the row layout and the columns it reads


def data_dir() -> Path:
    """The data folder: $EVENTS_DATA when set, else the table built from the bundled seeds."""
    value = os.environ.get(ENV_VAR, "").strip()
    return Path(value).expanduser().resolve() if value else settings.DEFAULT_OUT_DIR


GENERATION = "@generation"  # the stamp's first entry names the build the page reads (see _generation)


def stamp(folder: Path) -> Stamp:
    """(file, mtime_ns, size) of each table file present: changes whenever the folder is rewritten.

    When the folder names its build (data_prep.table_folder), the first entry is (GENERATION + name,
    0, 0): every table read under this stamp is read from that one build, so events read now and
    mentions read on the first click never come from two builds, whatever is rebuilt meanwhile.
    """
    out = []
    try:
        generation = io.table_generation(folder)
    except io.OutputError:
        generation = None  # reading the table says what is wrong
    if generation is not None:
        out.append((GENERATION + generation, 0, 0))
    for name in TABLE_FILES:
        try:
            info = (folder / name).stat()
        except OSError:
            continue
        out.append((name, info.st_mtime_ns, info.st_size))
    return tuple(out)


def _generation(key: Stamp) -> str | None:
    """The build a stamp names (None: a folder of the older layout, read as it is)."""
    return key[0][0][len(GENERATION):] if key and key[0][0].startswith(GENERATION) else None


@st.cache_resource(max_entries=2, show_spinner="Loading the event table…")
def _load(folder: str, key: Stamp) -> Built:
    events = filters.prepare_events(io.load_table(folder, "events", _generation(key)))
    LOGGER.info("loaded %d events from %s", len(events), folder)
    return Built(Path(folder), events, key)


def load(folder: Path) -> Built:
    """The folder's events, read once per change of its files.

    Raises:
        data_prep.io.MissingOutputError: no complete table has been built there yet.
        data_prep.io.OutputError: a table file cannot be read.
    """
    note_run()
    key = stamp(folder)
    missing = [name for name in TABLE_FILES if name not in {k[0] for k in key}]
    if missing:
        what = "event table" if len(missing) == len(TABLE_FILES) else ", ".join(missing)
        raise io.MissingOutputError(f"no {what} in {folder}: {io.RUN_BUILD}")
    return _load(str(folder), key)


@st.cache_resource(max_entries=3, show_spinner=False)
def _shown(folder: str, key: Stamp, reviews: Hashable, _events: pd.DataFrame, _machine: pd.DataFrame,
           _decided: tuple[str, ...] | None) -> Tables:
    # A merge or a split concatenates slices: join the text chunks again, or every filter pays for them.
    events = filters.prepare_events(_events)
    version = versions.machine_version(_machine, (folder, key))
    if reviews is not None:
        version = versions.reviewed_version(_machine, version, events, _decided, reviews)
    totals = {name: _option_counts(version.of(filters.FIELD_COLUMNS[name]), name, events) for name in filters.MULTI_FIELDS}
    return Tables(Path(folder), events, filters.filter_options(events, totals), totals, key, version, reviews)


@st.cache_resource(max_entries=8 * len(filters.MULTI_FIELDS), show_spinner=False)
def _option_counts(token: Hashable, name: str, _events: pd.DataFrame) -> dict[str, int]:
    return filters.all_facet_value_counts(_events, EventFilter(), (name,))[name]


def shown(built: Built, events: pd.DataFrame | None = None, reviews: Hashable = None,
          decided: Sequence[str] | None = None) -> Tables:
    """The table the page shows and its filter options: `events` (the reviewed events, whose
    decisions have the version token `reviews`) or, without them, the events as built.

    `decided`: the ids of the events whose rows the decisions may have changed, or None when they
    may have moved rows (merges, splits, corrected dates): see versions.reviewed_version. Options
    and counts are computed once per (files, decisions) version, and only for the pick lists whose
    columns the decisions changed.
    """
    if events is None:
        return _shown(str(built.folder), built.stamp, None, built.events, built.events, None)
    return _shown(str(built.folder), built.stamp, reviews, events, built.events,
                  tuple(decided) if decided is not None else None)


# Chunks joined once (as for the events): picking one event's mentions or articles out of a
# million-row table then takes milliseconds instead of a fifth of a second per click.
@st.cache_resource(max_entries=2, show_spinner="Reading the mentions…")
def _mentions(folder: str, key: Stamp) -> pd.DataFrame:
    return filters.prepare_events(io.load_table(folder, "mentions", _generation(key)))


@st.cache_resource(max_entries=2, show_spinner="Reading the articles…")
def _articles(folder: str, key: Stamp) -> pd.DataFrame:
    return filters.prepare_events(io.load_table(folder, "articles", _generation(key)))


def mentions(built: Built | Tables) -> pd.DataFrame:
    """The mentions table as built, read on first use."""
    return _mentions(str(built.folder), built.stamp)


def articles(built: Built | Tables) -> pd.DataFrame:
    """The articles table (with text) as built, read on first use."""
    return _articles(str(built.folder), built.stamp)


QUIET_S = 3.0  # background work waits until no page run has started or ended for this long
QUIET_LIMIT_S = 30.0  # ...but no longer than this
_last_run = [time.monotonic()]


def note_run() -> None:
    """Called at the start and the end of every page run: background work waits for quiet."""
    _last_run[0] = time.monotonic()


def wait_for_quiet(limit: float = QUIET_LIMIT_S) -> None:
    """Sleep until no page run has started or ended for QUIET_S seconds (at most `limit` seconds).

    When a run ends the browser is still drawing what it sent, and an analyst's next click follows:
    on a 2-core machine, reading a million mentions at that moment delayed the first page by
    1-3 s (benchmarks/README.md, bench_app).
    """
    deadline = time.monotonic() + limit
    while (now := time.monotonic()) < deadline:
        quiet = now - _last_run[0]
        if quiet >= QUIET_S:
            return
        time.sleep(min(QUIET_S - quiet, deadline - now))


def in_background(name: str, fn: Callable[..., None], *args: Any) -> None:
    """Run `fn(*args)` in a daemon thread once the page is quiet (`wait_for_quiet`)."""
    def run() -> None:
        wait_for_quiet()
        fn(*args)

    threading.Thread(target=run, name=name, daemon=True).start()


_WARMED: set[Hashable] = set()
_WARM_LOCK = threading.Lock()
LIST_COLUMNS: tuple[str, ...] = (schema.ARTICLE_IDS, schema.SOURCE)  # counted in the headline via an ItemIndex


def warm_up(tables: Tables) -> None:
    """Once the page is drawn, in the background, once per table version: build the article and
    outlet indexes (the first filter change then counts them in milliseconds), then read the
    mentions, article texts and name finders (the first opened event shows at once instead of
    waiting for them: seconds on a million events).
    """
    note_run()
    key = (str(tables.folder), tables.stamp, tables.version.of(LIST_COLUMNS))
    with _WARM_LOCK:
        if key in _WARMED:
            return
        _WARMED.add(key)
    in_background("dashboard-warm-up", _warm, tables)


def list_indexes(tables: Tables) -> None:
    """Build (once per content) the article and outlet indexes filter changes count the headline with."""
    for column in LIST_COLUMNS:
        _items(tables.version.of([column]), column, tables.events)


def _warm(tables: Tables) -> None:
    folder = str(tables.folder)
    steps: list[Callable[[], Any]] = [
        partial(list_indexes, tables),
        partial(_mentions, folder, tables.stamp), partial(_articles, folder, tables.stamp), matchers,
    ]
    try:
        for step in steps:
            wait_for_quiet()  # each step again: an analyst may be clicking meanwhile
            step()
    except Exception:  # noqa: BLE001 - the page reads them again, and reports, when it needs them
        LOGGER.warning("background read of %s failed", folder, exc_info=True)


def forget() -> None:
    """Drop cached tables (after this process rewrote the folder)."""
    for fn in (_load, _shown, _option_counts, _mentions, _articles, _view, _kept, _count, _items, _headline, _timeline,
               _counts, _map, _ranking, _table_rows, _export_name):
        fn.clear()


# --- derived, per filter ----------------------------------------------------------------------
# The view is cached per Tables.key (files and decisions) and filter; what it is made of, and the
# charts, by the tokens of the columns they read (a decision on one event leaves most of them).
# The frames themselves go in unhashed (leading underscore).

@st.cache_resource(max_entries=VIEWS_KEPT, show_spinner=False)
def _view(key: TablesKey, f: EventFilter, _tables: Tables) -> View:
    version = _tables.version
    rows_key = (version.of(filters.columns_read(f)), f)
    positions, counts = _kept(rows_key, f, _tables.events)
    filtered = filters.Filtered(_tables.events, positions)
    articles, outlets = (_count(rows_key, version.of([column]), column, filtered) for column in LIST_COLUMNS)
    headline = _headline(rows_key, version.of(metrics.HEADLINE_COLUMNS), articles, outlets, filtered)
    return View(filtered, counts, headline, rows_key)


@st.cache_resource(max_entries=VIEWS_KEPT, show_spinner=False)
def _kept(rows_key: Hashable, f: EventFilter, _events: pd.DataFrame) -> tuple[np.ndarray | None, dict[str, int]]:
    kept, counts = filters.select_with_counts(_events, f)
    return kept.positions, counts


@st.cache_resource(max_entries=2 * VIEWS_KEPT, show_spinner=False)
def _count(rows_key: Hashable, token: Hashable, column: str, _filtered: filters.Filtered) -> int:
    """Distinct articles or outlets of a view (most of the headline's cost; decisions rarely change them)."""
    if _filtered.positions is None:
        # Every event (the first page): one pass over the column costs less than building the index,
        # which warm_up builds in the background for the filter changes to come.
        frame = _filtered.frame([column])
        return metrics.article_count(frame) if column == schema.ARTICLE_IDS else metrics.outlet_count(frame)
    return metrics.count_items(_items(token, column, _filtered.events), _filtered.positions)


@st.cache_resource(max_entries=4, show_spinner=False)
def _items(token: Hashable, column: str, _events: pd.DataFrame) -> metrics.ItemIndex:
    return metrics.item_index(_events[column], few_cells=column == schema.SOURCE)


@st.cache_resource(max_entries=VIEWS_KEPT, show_spinner=False)
def _headline(rows_key: Hashable, token: Hashable, articles: int, outlets: int,
              _filtered: filters.Filtered) -> metrics.Headline:
    return metrics.headline(_filtered.frame(metrics.HEADLINE_COLUMNS), articles=articles, outlets=outlets)


def view(tables: Tables, f: EventFilter) -> View:
    """The filtered events, facet counts and headline figures for `f`."""
    return _view(tables.key, f, tables)


Part = tuple[tuple[str, ...] | None, tuple[Any, Any] | None]  # (only these ids, only these days)


def _part(filtered: filters.Filtered, part: Part) -> filters.Filtered:
    """The part of a view a brush or a play step keeps: some event ids, some days, or both."""
    ids, window = part
    if ids is None and window is None:
        return filtered
    keep = np.ones(len(filtered), dtype=bool)
    if ids is not None:
        keep &= filtered.column(schema.EVENT_ID).isin(list(ids)).fillna(False).to_numpy(dtype=bool)
    if window is not None:
        keep &= filters.overlapping(filtered.frame(filters.FIELD_COLUMNS["date_from"]), window[0], window[1])
    return filtered.subset(keep)


@st.cache_resource(max_entries=4, show_spinner=False)
def _timeline(rows_key: Hashable, token: Hashable, lane: str, selected: tuple[str, ...], only: tuple[str, ...] | None,
              window: tuple[Any, Any] | None, note: str | None, _filtered: filters.Filtered) -> go.Figure:
    frame = _part(_filtered, (only, None)).frame(charts.TIMELINE_COLUMNS)
    return charts.timeline_figure(frame, lane, selected, window=window, note=note)


def timeline(tables: Tables, f: EventFilter, lane: str, selected: Sequence[str], only: Sequence[str] | None = None,
             window: tuple[Any, Any] | None = None, note: str | None = None) -> go.Figure:
    """The timeline of the view; `only`: draw just these events (brushed on the map); `window`: shade these days."""
    shown = view(tables, f)
    return _timeline(shown.key, tables.version.of(charts.TIMELINE_COLUMNS), lane, tuple(selected),
                     tuple(only) if only is not None else None, window, note, shown.filtered)


@st.cache_resource(max_entries=4, show_spinner=False)
def _counts(rows_key: Hashable, token: Hashable, freq: str, measure: str, _filtered: filters.Filtered) -> go.Figure:
    return charts.counts_figure(_filtered.frame(charts.COUNTS_COLUMNS), freq, measure)


def counts(tables: Tables, f: EventFilter, freq: str, measure: str) -> go.Figure:
    shown = view(tables, f)
    return _counts(shown.key, tables.version.of(charts.COUNTS_COLUMNS), freq, measure, shown.filtered)


@st.cache_resource(max_entries=4, show_spinner=False)
def _map(rows_key: Hashable, token: Hashable, selected: tuple[str, ...], part: Part, note: str | None,
         _filtered: filters.Filtered) -> go.Figure:
    drawn = _part(_filtered, part)
    total = len(_filtered) if drawn is not _filtered else None
    return maps.map_figure(drawn.frame(maps.MAP_COLUMNS), selected, total=total, narrowed=note)


def map_chart(tables: Tables, f: EventFilter, selected: Sequence[str], only: Sequence[str] | None = None,
              window: tuple[Any, Any] | None = None, note: str | None = None) -> go.Figure:
    """The map of the view; `only` (brushed on the timeline) and `window` (a play step) narrow what it draws."""
    shown = view(tables, f)
    part = (tuple(only) if only is not None else None, window)
    return _map(shown.key, tables.version.of(maps.MAP_COLUMNS), tuple(selected), part, note, shown.filtered)


@st.cache_resource(max_entries=8, show_spinner=False)
def _ranking(rows_key: Hashable, token: Hashable, kind: str, by: str, top: int, part: Part,
             _filtered: filters.Filtered) -> pd.DataFrame:
    return metrics.ranking(_part(_filtered, part).frame(metrics.RANKING_COLUMNS), kind, by, top)


def ranking(tables: Tables, f: EventFilter, kind: str, by: str, top: int = 10, only: Sequence[str] | None = None,
            window: tuple[Any, Any] | None = None) -> pd.DataFrame:
    """metrics.ranking of the view (or of the part a brush or a play step keeps)."""
    shown = view(tables, f)
    part = (tuple(only) if only is not None else None, window)
    return _ranking(shown.key, tables.version.of(metrics.RANKING_COLUMNS), kind, by, top, part, shown.filtered)


def latest_order(days: pd.Series, limit: int) -> np.ndarray:
    """Positions of the `limit` latest of `days` (undated last), latest first, ties in their order.

    argpartition picks the candidates in linear time: a million rows take ~30 ms instead of ~1 s
    for a full sort.
    """
    values = days.to_numpy(dtype="datetime64[ns]").astype("int64")
    values = np.where(days.isna().to_numpy(), np.iinfo(np.int64).min, values)
    n = len(values)
    if n > limit:
        kth = np.partition(values, n - limit)[n - limit]  # the limit-th latest day
        above = np.flatnonzero(values > kth)
        top = np.concatenate([above, np.flatnonzero(values == kth)[: limit - len(above)]])  # ties: table order
    else:
        top = np.arange(n)
    return top[np.lexsort((top, ~values[top]))]  # ~ reverses int64 order without overflow: latest first


def latest_rows(df: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The `limit` latest events (by event_date, undated last), latest first, without sorting every row."""
    return df.iloc[latest_order(df[schema.EVENT_DATE], limit)]


@st.cache_resource(max_entries=4, show_spinner=False)
def _table_rows(key: TablesKey, f: EventFilter, only: tuple[str, ...] | None, limit: int, _tables: Tables) -> pd.DataFrame:
    rows = _view(key, f, _tables).filtered
    if only is not None:
        rows = rows.subset(rows.column(schema.EVENT_ID).isin(list(only)).fillna(False).to_numpy(dtype=bool))
    return rows.rows(latest_order(rows.column(schema.EVENT_DATE), limit)).reset_index(drop=True)


def table_rows(tables: Tables, f: EventFilter, only: Sequence[str] | None, limit: int) -> pd.DataFrame:
    """The rows the events table shows: latest first, at most `limit`, only the `only` ids when given."""
    return _table_rows(tables.key, f, tuple(only) if only is not None else None, limit, tables)


def ids_in_view(view: View, ids: Sequence[str]) -> set[str]:
    """Which of these event ids the view keeps."""
    column = view.filtered.column(schema.EVENT_ID)
    return set(column[column.isin(list(ids)).fillna(False).to_numpy(dtype=bool)].astype(str))


@st.cache_resource(max_entries=32, show_spinner=False)
def _export_name(rows_key: Hashable, token: Hashable, f: EventFilter, kind: str, ext: str,
                 _filtered: filters.Filtered) -> str:
    return exports.export_filename(kind, _filtered.frame(exports.FILENAME_COLUMNS), f, ext)


def export_name(tables: Tables, f: EventFilter, kind: str, ext: str) -> str:
    """exports.export_filename for the filtered view (its date span costs a pass over the rows: done once)."""
    shown = view(tables, f)
    return _export_name(shown.key, tables.version.of(exports.FILENAME_COLUMNS), f, kind, ext, shown.filtered)


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
