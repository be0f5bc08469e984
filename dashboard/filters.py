"""The dashboard's filter as data: one frozen EventFilter, a pure function that applies it, one that describes it.

No streamlit here. The page builds an `EventFilter` from its widgets, applies it
(`select_with_counts` below; `apply_filters` gives the kept rows as a frame), shows `describe(f)`
as a caption (plain text: render it as text, never as Markdown or HTML, since values come from
the data) and keeps the filter in the URL with `to_query_params` / `from_query_params`.

Semantics worth knowing:
- Dates: an event is kept when its interval [date_start, date_end] overlaps [date_from, date_to]
  (a missing date_start falls back to event_date, a missing date_end to the start). Events with
  no date at all are dropped as soon as either bound is set: leave both None (see
  `FilterOptions.date_min/date_max` and `with_dates`) to keep them.
- Multi-valued widgets (types, actors, places, ...) are OR within a widget and AND across widgets.
  `actors` matches actor1 OR actor2; `outlets` matches any outlet of the `source` cell (outlets
  joined by schema.LIST_SEPARATOR).
- `precisions`: allowed date_precision values; a missing precision counts as "unknown".
- `include_statements=False` drops schema.STATEMENT events even when `event_types` names it.
- `min_fatalities`: a missing toll counts as 0 (dropped whenever min_fatalities > 0).
- `text`: literal, case-insensitive substring of evidence, notes or review_note.
- `review_statuses` / `reviewers` only act when the frame has the review columns; a missing
  status counts as schema.STATUS_UNREVIEWED.

The page calls `select_with_counts` rather than `apply_filters`: it returns a `Filtered`, the kept
rows as positions into the table, from which each chart takes only the columns it reads (a copy of
every column of 760k kept rows costs more than all the charts). `columns_read(f)` names the
columns a filter reads, so results can be cached by what they depend on.

Extra helpers for the page: `facet_counts` (per widget: how many events pass every OTHER filter),
`filter_with_counts` (apply_filters + facet_counts in one pass), `facet_value_counts` /
`all_facet_value_counts` (per option of a widget, under every other filter), `prepare_events`
(call once after loading: makes every filter change several times faster), `with_dates`
(drops bounds equal to the data's own bounds), `active_fields`, `clear_field`.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from data_prep import schema
from data_prep.actors import INTER_CODES

LOGGER = logging.getLogger(__name__)

# Fields holding several allowed values (tuples of str).
MULTI_FIELDS: tuple[str, ...] = (
    "event_types", "sub_event_types", "actors", "locations", "areas", "outlets", "precisions",
    "interactions", "review_statuses", "reviewers",
)
# The option that picks events where the field is empty (missing or blank): "(unknown)".
UNKNOWN = "(unknown)"
# Fields whose pick list offers UNKNOWN. For actors it means no actor at all (actor1 empty: a
# missing actor2 is normal for one-sided events); for outlets, an empty source.
UNKNOWN_FIELDS: frozenset[str] = frozenset(
    {"event_types", "sub_event_types", "actors", "locations", "areas", "outlets", "interactions"}
)
# URL keys, one per field; short and stable because people bookmark and share them.
QUERY_KEYS: dict[str, str] = {
    "date_from": "from", "date_to": "to", "event_types": "type", "sub_event_types": "subtype",
    "actors": "actor", "locations": "place", "areas": "area", "outlets": "outlet",
    "precisions": "precision", "include_statements": "statements", "min_fatalities": "min_killed",
    "text": "q", "review_statuses": "review", "reviewers": "reviewer", "interactions": "interaction",
    "civilian_targeting": "civilians", "include_undated": "undated",
}
MAX_VALUE_CHARS = 200  # a longer URL value is junk, not a name
MAX_VALUES = 200  # per multi-valued URL key
MAX_TEXT_CHARS = 500

_FALSE = {"0", "false", "no", "off"}
_AREAS_WITH_ARTICLE = {"Gaza Strip", "West Bank", "Golan Heights"}  # "in the West Bank"


def _as_tuple(values: Any) -> tuple[str, ...]:
    """A widget value as a tuple of distinct non-empty strings, order kept."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = (values,)
    out: list[str] = []
    for value in values:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        text = str(value).strip()
        if text and text not in out:
            out.append(text)
    return tuple(out)


def _as_date(value: Any) -> date | None:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


@dataclass(frozen=True)
class EventFilter:
    """Everything the analyst has chosen; the default filter keeps every event.

    Lists passed for the tuple fields are turned into tuples of distinct stripped strings, so the
    filter stays hashable (usable as a cache key) whatever the widgets hand over.
    """

    date_from: date | None = None
    date_to: date | None = None
    event_types: tuple[str, ...] = ()
    sub_event_types: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    precisions: tuple[str, ...] = ()
    include_statements: bool = True
    min_fatalities: int = 0
    text: str = ""
    review_statuses: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    interactions: tuple[str, ...] = ()  # ACLED interaction codes as text ("17": state forces vs civilians)
    civilian_targeting: bool = False  # only events whose primary target is civilians
    include_undated: bool = False  # with a date bound set, keep the events that have no date at all

    def __post_init__(self) -> None:
        for name in MULTI_FIELDS:
            object.__setattr__(self, name, _as_tuple(getattr(self, name)))
        object.__setattr__(self, "date_from", _as_date(self.date_from))
        object.__setattr__(self, "date_to", _as_date(self.date_to))
        object.__setattr__(self, "civilian_targeting", bool(self.civilian_targeting))
        # Without a date bound every undated event is kept anyway: the flag only means something with one.
        bounded = self.date_from is not None or self.date_to is not None
        object.__setattr__(self, "include_undated", bool(self.include_undated) and bounded)
        object.__setattr__(self, "include_statements", bool(self.include_statements))
        object.__setattr__(self, "min_fatalities", max(0, int(self.min_fatalities or 0)))
        object.__setattr__(self, "text", (self.text or "").strip())


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(EventFilter))
_DEFAULT = EventFilter()


def is_default(f: EventFilter) -> bool:
    """True when the filter keeps every event."""
    return f == _DEFAULT


def active_fields(f: EventFilter) -> tuple[str, ...]:
    """Names of the fields that differ from the default, in field order."""
    return tuple(name for name in FIELD_NAMES if getattr(f, name) != getattr(_DEFAULT, name))


def clear_field(f: EventFilter, name: str) -> EventFilter:
    """The same filter with one field back at its default (for "x" chips next to the caption)."""
    return replace(f, **{name: getattr(_DEFAULT, name)})


# --- applying ------------------------------------------------------------------------------

def prepare_events(df: pd.DataFrame) -> pd.DataFrame:
    """Call once after loading (inside the cached loader): the same frame, ready for fast filtering.

    A table read from Parquet keeps each text column as several Arrow chunks; selecting rows
    from a chunked column is ~25x slower than from one chunk (0.2 s vs 8 ms per column at 1M
    rows), so every filter change would pay it again. This joins the chunks once (~0.5 s at
    1M rows). Values, dtypes and index are unchanged; df itself is not modified.
    """
    columns: dict[str, Any] = {}
    changed = False
    for name in df.columns:
        values = df[name].array
        chunks = getattr(values, "_pa_array", None)  # pandas' Arrow-backed arrays
        if chunks is not None and getattr(chunks, "num_chunks", 1) > 1:
            columns[name] = type(values)(pa.chunked_array([chunks.combine_chunks()]))
            changed = True
        else:
            columns[name] = values
    if not changed:
        return df.copy(deep=False)
    return pd.DataFrame(columns, index=df.index, copy=False)


def _bounds(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each event's [start, end] as datetime64[ns] arrays (NaT when undated)."""
    start = df[schema.DATE_START].fillna(df[schema.EVENT_DATE]) if schema.DATE_START in df else df[schema.EVENT_DATE]
    end = df[schema.DATE_END].fillna(start) if schema.DATE_END in df else start
    return (np.asarray(start, dtype="datetime64[ns]"), np.asarray(end, dtype="datetime64[ns]"))


def _isin(series: pd.Series, values: tuple[str, ...]) -> np.ndarray:
    return series.isin(values).fillna(False).to_numpy(dtype=bool)


def _blank(series: pd.Series) -> np.ndarray:
    """Missing or blank cells (a source written as "" is as unknown as a missing one)."""
    missing = series.isna().to_numpy(dtype=bool, copy=True)
    if pd.api.types.is_string_dtype(series.dtype):
        missing |= (series == "").fillna(False).to_numpy(dtype=bool)
    return missing


def _known(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v for v in values if v != UNKNOWN)


def _isin_or_unknown(series: pd.Series, values: tuple[str, ...]) -> np.ndarray:
    """`_isin` over the named values, plus the empty cells when the values include UNKNOWN."""
    mask = _isin(series, _known(values))
    return mask | _blank(series) if UNKNOWN in values else mask


def _outlet_mask(source: pd.Series, outlets: tuple[str, ...]) -> np.ndarray:
    """Cells of `source` that list any of `outlets`; split only the distinct cells (few) not every row."""
    wanted = set(_known(outlets))
    cells = source.dropna().unique()
    hits = [c for c in cells if wanted.intersection(p.strip() for p in str(c).split(schema.LIST_SEPARATOR))]
    mask = _isin(source, tuple(hits))
    return mask | _blank(source) if UNKNOWN in outlets else mask


def _interaction_mask(column: pd.Series, codes: tuple[str, ...]) -> np.ndarray:
    wanted = [int(c) for c in codes if c.isdigit()]
    mask = column.isin(wanted).fillna(False).to_numpy(dtype=bool)
    return mask | column.isna().to_numpy(dtype=bool) if UNKNOWN in codes else mask


def _text_mask(df: pd.DataFrame, text: str) -> np.ndarray:
    mask = np.zeros(len(df), dtype=bool)
    for column in (schema.EVIDENCE, schema.NOTES, schema.REVIEW_NOTE):
        if column in df:
            hit = df[column].str.contains(text, case=False, regex=False, na=False)
            mask |= hit.to_numpy(dtype=bool, na_value=False)
    return mask


def overlapping(df: pd.DataFrame, first: date, last: date) -> np.ndarray:
    """Events whose day or date range overlaps the days [first, last] (undated ones never do)."""
    start, end = _bounds(df)
    return (end >= np.datetime64(first, "ns")) & (start < np.datetime64(last, "ns") + np.timedelta64(1, "D"))


def _field_masks(df: pd.DataFrame, f: EventFilter) -> dict[str, np.ndarray]:
    """One boolean array per active field; an event passes when all of them are True."""
    masks: dict[str, np.ndarray] = {}
    if f.date_from is not None or f.date_to is not None:
        start, end = _bounds(df)
        undated = np.isnat(start) if f.include_undated else None
        if f.date_from is not None:
            masks["date_from"] = end >= np.datetime64(f.date_from, "ns")  # NaT compares False
        if f.date_to is not None:
            # date_to is a whole day: anything starting before the next midnight overlaps it.
            masks["date_to"] = start < np.datetime64(f.date_to, "ns") + np.timedelta64(1, "D")
        if undated is not None:
            for name in ("date_from", "date_to"):
                if name in masks:
                    masks[name] |= undated
    if f.event_types:
        masks["event_types"] = _isin_or_unknown(df[schema.EVENT_TYPE], f.event_types)
    if f.sub_event_types:
        masks["sub_event_types"] = _isin_or_unknown(df[schema.SUB_EVENT_TYPE], f.sub_event_types)
    if f.actors:
        actors = _known(f.actors)
        mask = _isin(df[schema.ACTOR1], actors) | _isin(df[schema.ACTOR2], actors)
        if UNKNOWN in f.actors:
            mask |= _blank(df[schema.ACTOR1]) & _blank(df[schema.ACTOR2])
        masks["actors"] = mask
    if f.locations:
        masks["locations"] = _isin_or_unknown(df[schema.LOCATION], f.locations)
    if f.areas:
        masks["areas"] = _isin_or_unknown(df[schema.ADMIN1], f.areas)
    if f.interactions and schema.INTERACTION in df:
        masks["interactions"] = _interaction_mask(df[schema.INTERACTION], f.interactions)
    if f.civilian_targeting and schema.CIVILIAN_TARGETING in df:
        masks["civilian_targeting"] = ~_blank(df[schema.CIVILIAN_TARGETING])
    if f.outlets:
        masks["outlets"] = _outlet_mask(df[schema.SOURCE], f.outlets)
    if f.precisions:
        precision = df[schema.DATE_PRECISION].fillna(schema.PRECISION_UNKNOWN)
        masks["precisions"] = _isin(precision, f.precisions)
    if not f.include_statements:
        masks["include_statements"] = ~_isin(df[schema.EVENT_TYPE], (schema.STATEMENT,))
    if f.min_fatalities > 0:
        killed = df[schema.FATALITIES].fillna(0).to_numpy(dtype="int64")
        masks["min_fatalities"] = killed >= f.min_fatalities
    if f.text:
        masks["text"] = _text_mask(df, f.text)
    if f.review_statuses and schema.REVIEW_STATUS in df:
        status = df[schema.REVIEW_STATUS].fillna(schema.STATUS_UNREVIEWED)
        masks["review_statuses"] = _isin(status, f.review_statuses)
    if f.reviewers and schema.REVIEWER in df:
        masks["reviewers"] = _isin(df[schema.REVIEWER], f.reviewers)
    return masks


def _combine(masks: Iterable[np.ndarray], n: int) -> np.ndarray:
    out = np.ones(n, dtype=bool)
    for mask in masks:
        out &= mask
    return out


def filter_mask(df: pd.DataFrame, f: EventFilter) -> np.ndarray:
    """Boolean array, True for the events the filter keeps (same order as df)."""
    return _combine(_field_masks(df, f).values(), len(df))


# Columns each field reads, to filter and (multi-valued fields) to count its options; the page keys
# cached results by what they read.
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "date_from": (schema.DATE_START, schema.EVENT_DATE, schema.DATE_END),
    "date_to": (schema.DATE_START, schema.EVENT_DATE, schema.DATE_END),
    "event_types": (schema.EVENT_TYPE,), "sub_event_types": (schema.SUB_EVENT_TYPE,),
    "actors": (schema.ACTOR1, schema.ACTOR2), "locations": (schema.LOCATION,), "areas": (schema.ADMIN1,),
    "outlets": (schema.SOURCE,), "precisions": (schema.DATE_PRECISION,), "include_statements": (schema.EVENT_TYPE,),
    "min_fatalities": (schema.FATALITIES,), "text": (schema.EVIDENCE, schema.NOTES, schema.REVIEW_NOTE),
    "review_statuses": (schema.REVIEW_STATUS,), "reviewers": (schema.REVIEWER,),
    "interactions": (schema.INTERACTION,), "civilian_targeting": (schema.CIVILIAN_TARGETING,),
    "include_undated": (schema.DATE_START, schema.EVENT_DATE, schema.DATE_END),
}


def columns_read(f: EventFilter) -> tuple[str, ...]:
    """The columns applying `f` reads (none for the default filter), each once, in field order."""
    return tuple(dict.fromkeys(c for name in active_fields(f) for c in FIELD_COLUMNS[name]))


_INDEX = ""  # the key of the taken index in Filtered._taken (no column is named "")


@dataclass(frozen=True, eq=False)
class Filtered:
    """The events a filter keeps, as row positions into a table that is neither copied nor modified.

    Copying every column of the kept rows costs 0.3-0.8 s when a filter keeps 760k of 1M events;
    the charts and figures each read a dozen columns. So a consumer asks for the columns it reads
    (`frame(charts.TIMELINE_COLUMNS)`), each column is taken once and kept for the next consumer
    (the object is shared read-only, e.g. cached by the page), and `frame()` with no columns gives
    the whole copy (exports). `positions` is None when every row is kept (nothing is taken then).
    """

    events: pd.DataFrame
    positions: np.ndarray | None = None
    _taken: dict[str, Any] = field(default_factory=dict, init=False, repr=False)  # column -> taken array

    def __post_init__(self) -> None:
        if self.positions is not None:
            positions = np.asarray(self.positions, dtype=np.intp)
            positions.flags.writeable = False
            object.__setattr__(self, "positions", positions)

    def __len__(self) -> int:
        return len(self.events) if self.positions is None else len(self.positions)

    @property
    def empty(self) -> bool:
        return len(self) == 0

    @property
    def index(self) -> pd.Index:
        """The kept rows' index labels (those of `events`)."""
        if self.positions is None:
            return self.events.index
        if _INDEX not in self._taken:
            self._taken[_INDEX] = self.events.index.take(self.positions)
        return self._taken[_INDEX]

    def _array(self, name: str) -> Any:
        if self.positions is None:
            return self.events[name].array
        if name not in self._taken:
            self._taken[name] = self.events[name].array.take(self.positions)
        return self._taken[name]

    def column(self, name: str) -> pd.Series:
        """One column of the kept rows (KeyError when the table lacks it)."""
        if self.positions is None:
            return self.events[name]
        return pd.Series(self._array(name), index=self.index, name=name, copy=False)

    def frame(self, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """The kept rows with these columns (those the table has, in the order given), or every column.

        Never a view of `events` that could write back into it: a new frame (copy-on-write).
        """
        if columns is None:
            if self.positions is None:
                return self.events.copy(deep=False)
            return self.events.take(self.positions)
        names = [c for c in dict.fromkeys(columns) if c in self.events.columns]
        if self.positions is None:
            return self.events[names]
        return pd.DataFrame({c: self._array(c) for c in names}, index=self.index, columns=names, copy=False)

    def rows(self, which: np.ndarray) -> pd.DataFrame:
        """Every column of some kept rows: `which` are positions among the kept rows (a few, e.g. a table page)."""
        which = np.asarray(which, dtype=np.intp)
        return self.events.take(which if self.positions is None else self.positions[which])

    def subset(self, keep: np.ndarray) -> Filtered:
        """The kept rows where the boolean array `keep` (one per kept row) is True."""
        which = np.flatnonzero(np.asarray(keep, dtype=bool))
        return Filtered(self.events, which if self.positions is None else self.positions[which])


def _kept(df: pd.DataFrame, masks: dict[str, np.ndarray]) -> Filtered:
    if not masks:
        return Filtered(df)
    mask = _combine(masks.values(), len(df))
    return Filtered(df) if mask.all() else Filtered(df, np.flatnonzero(mask))


def select(df: pd.DataFrame, f: EventFilter) -> Filtered:
    """The events of `df` that pass `f`, as positions into `df` (nothing copied; `df` is never modified)."""
    return _kept(df, _field_masks(df, f))


def apply_filters(df: pd.DataFrame, f: EventFilter) -> pd.DataFrame:
    """The events of `df` that pass `f`, index kept; `df` itself is never modified.

    Args:
        df: an events frame (schema.EVENT_COLUMNS, optionally the review columns).
        f: the filter.
    Returns:
        A new frame (a cheap copy-on-write view when nothing is filtered out). The page uses
        `select` instead, which copies only the columns each chart reads.
    """
    return select(df, f).frame()


def _counts_from_masks(masks: dict[str, np.ndarray], n: int) -> dict[str, int]:
    matched = int(_combine(masks.values(), n).sum())
    counts = {name: matched for name in FIELD_NAMES}
    for name in masks:
        counts[name] = int(_combine((m for k, m in masks.items() if k != name), n).sum())
    counts["all"] = n
    counts["matched"] = matched
    return counts


def facet_counts(df: pd.DataFrame, f: EventFilter) -> dict[str, int]:
    """How many events each widget would let through: per field, the count under every OTHER filter.

    `counts[name]` is the number of events that pass all active filters except `name`'s, i.e. what
    the analyst would see after clearing that widget (for an inactive widget it equals the
    matched count). `counts["matched"] - counts[name]` is how many events that widget removes.
    Two extra keys: "all" (rows in df) and "matched" (events passing the whole filter).
    """
    return _counts_from_masks(_field_masks(df, f), len(df))


def select_with_counts(df: pd.DataFrame, f: EventFilter) -> tuple[Filtered, dict[str, int]]:
    """`select(df, f)` and `facet_counts(df, f)` at once, evaluating each filter once.

    Use it on every rerun instead of calling both: a text search over 1M rows costs ~0.1 s a pass.
    """
    masks = _field_masks(df, f)
    counts = _counts_from_masks(masks, len(df))
    return _kept(df, masks), counts


def filter_with_counts(df: pd.DataFrame, f: EventFilter) -> tuple[pd.DataFrame, dict[str, int]]:
    """`apply_filters(df, f)` and `facet_counts(df, f)` at once (the kept rows copied: see `select_with_counts`)."""
    kept, counts = select_with_counts(df, f)
    return kept.frame(), counts


def _kept_counts(series: pd.Series, keep: np.ndarray, missing_as: str | None = None) -> dict[str, int]:
    """Value counts of the kept rows of one column (hash counting; no frame copy); empty cells
    (missing or blank) count under `missing_as` when given."""
    kept = series[keep]
    counts: dict[str, int] = {}
    blank = 0
    for k, v in kept.value_counts(dropna=True).items():
        if str(k).strip():
            counts[str(k)] = int(v)
        else:
            blank += int(v)
    if missing_as is not None:
        missing = int(kept.isna().sum()) + blank
        if missing:
            counts[missing_as] = counts.get(missing_as, 0) + missing
    return counts


def _option_counts(df: pd.DataFrame, name: str, keep: np.ndarray) -> dict[str, int]:
    """Per option of one multi-valued field, the number of kept events that have it (UNKNOWN: the
    kept events where it is empty)."""
    columns = FIELD_COLUMNS[name]
    if any(c not in df for c in columns):
        return {}
    if name == "actors":
        first, second = df[schema.ACTOR1], df[schema.ACTOR2]
        counts = _kept_counts(first, keep)
        # An event whose two actors are the same counts once for that actor.
        second_only = keep & ~(second == first).fillna(False).to_numpy(dtype=bool)
        for actor, n in _kept_counts(second, second_only).items():
            counts[actor] = counts.get(actor, 0) + n
        nobody = int((keep & _blank(first) & _blank(second)).sum())
        if nobody:
            counts[UNKNOWN] = nobody
        return counts
    if name == "outlets":
        counts = {}
        # Count the distinct source cells (few), then split each: an outlet counts once per event.
        for cell, n in _kept_counts(df[schema.SOURCE], keep, UNKNOWN).items():
            if cell == UNKNOWN:
                counts[UNKNOWN] = counts.get(UNKNOWN, 0) + n
                continue
            for outlet in dict.fromkeys(p.strip() for p in cell.split(schema.LIST_SEPARATOR) if p.strip()):
                counts[outlet] = counts.get(outlet, 0) + n
        return counts
    missing_as = {"precisions": schema.PRECISION_UNKNOWN, "review_statuses": schema.STATUS_UNREVIEWED}.get(name)
    if name in UNKNOWN_FIELDS:
        missing_as = UNKNOWN
    return _kept_counts(df[columns[0]], keep, missing_as)


def facet_value_counts(df: pd.DataFrame, f: EventFilter, name: str) -> dict[str, int]:
    """Per option of the multi-valued field `name`: events passing every OTHER filter that have it.

    For labels such as "Battles (1,204)". An event with actor1 == actor2 counts once for that actor;
    an event from two outlets counts once for each. Sorted by count, descending, then by name.
    """
    return all_facet_value_counts(df, f, (name,))[name]


def all_facet_value_counts(
    df: pd.DataFrame, f: EventFilter, names: Iterable[str] = MULTI_FIELDS,
) -> dict[str, dict[str, int]]:
    """`facet_value_counts` for several fields, evaluating each filter only once."""
    names = tuple(names)
    unknown = [n for n in names if n not in MULTI_FIELDS]
    if unknown:
        raise ValueError(f"not a multi-valued filter field: {unknown[0]}")
    masks = _field_masks(df, f)
    out: dict[str, dict[str, int]] = {}
    for name in names:
        keep = _combine((m for k, m in masks.items() if k != name), len(df))
        counts = _option_counts(df, name, keep)
        out[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return out


# --- options for the widgets -------------------------------------------------------------------

@dataclass(frozen=True)
class FilterOptions:
    """What each widget can offer: distinct values present in the data, and the date bounds.

    Enumerations (event types, precisions, review statuses) come in schema order, then any unknown
    value alphabetically; everything else is sorted alphabetically (case-insensitive).
    """

    event_types: tuple[str, ...]
    sub_event_types: tuple[str, ...]
    actors: tuple[str, ...]
    locations: tuple[str, ...]
    areas: tuple[str, ...]
    outlets: tuple[str, ...]
    precisions: tuple[str, ...]
    review_statuses: tuple[str, ...]
    reviewers: tuple[str, ...]
    interactions: tuple[str, ...]  # codes as text, in numeric order
    date_min: date | None
    date_max: date | None
    max_fatalities: int
    has_review: bool
    undated: int  # events with no date at all (hidden when a date bound is set, unless include_undated)
    civilian_targeting: int = 0  # events coded as civilian targeting


def _distinct(series: pd.Series) -> list[str]:
    values = series.dropna().unique()
    return [str(v) for v in values if str(v).strip()]


def _alpha(values: Iterable[str]) -> tuple[str, ...]:
    """Alphabetical (case-insensitive), UNKNOWN last."""
    return tuple(sorted(set(values), key=lambda v: (v == UNKNOWN, v.casefold(), v)))


def _numeric(values: Iterable[str]) -> tuple[str, ...]:
    """Codes in numeric order, anything else (UNKNOWN) last."""
    return tuple(sorted(set(values), key=lambda v: (not v.isdigit(), int(v) if v.isdigit() else 0, v)))


def _in_order(values: Iterable[str], order: tuple[str, ...]) -> tuple[str, ...]:
    present = set(values)
    return tuple(v for v in order if v in present) + _alpha(present - set(order))


def filter_options(df: pd.DataFrame, counts: Mapping[str, Mapping[str, int]] | None = None) -> FilterOptions:
    """Sorted distinct values for each widget and the data's date bounds (None when undated).

    `counts`: `all_facet_value_counts(df, EventFilter())` when the caller has it already; its keys
    are the distinct values, so the columns are not searched a second time.
    """
    start, end = _bounds(df)
    dated = ~np.isnat(start)
    date_min = pd.Timestamp(start[dated].min()).date() if dated.any() else None
    ends = end[~np.isnat(end)]
    date_max = pd.Timestamp(ends.max()).date() if len(ends) else None
    present = {name: list(counts.get(name, {})) for name in MULTI_FIELDS} if counts is not None else _present(df)
    has_review = schema.REVIEW_STATUS in df
    killed = df[schema.FATALITIES].max() if len(df) else 0
    return FilterOptions(
        event_types=_in_order(present["event_types"], schema.EVENT_TYPES),
        sub_event_types=_alpha(present["sub_event_types"]),
        actors=_alpha(present["actors"]),
        locations=_alpha(present["locations"]),
        areas=_alpha(present["areas"]),
        outlets=_alpha(present["outlets"]),
        precisions=_in_order(present["precisions"], schema.DATE_PRECISIONS),
        review_statuses=_in_order(present["review_statuses"], schema.REVIEW_STATUSES) if has_review else (),
        reviewers=_alpha(present["reviewers"]) if schema.REVIEWER in df else (),
        interactions=_numeric(present["interactions"]),
        date_min=date_min,
        date_max=date_max,
        max_fatalities=0 if pd.isna(killed) else int(killed),
        has_review=has_review,
        undated=int((~dated).sum()),
        civilian_targeting=int((~_blank(df[schema.CIVILIAN_TARGETING])).sum()) if schema.CIVILIAN_TARGETING in df else 0,
    )


def _present(df: pd.DataFrame) -> dict[str, list[str]]:
    """The distinct values of each multi-valued field (unordered), read from the columns."""
    outlets = {
        part.strip()
        for cell in _distinct(df[schema.SOURCE])
        for part in cell.split(schema.LIST_SEPARATOR)
        if part.strip()
    }
    has_review = schema.REVIEW_STATUS in df

    def unknown(*columns: str) -> list[str]:
        empty = _combine((_blank(df[c]) for c in columns), len(df))
        return [UNKNOWN] if len(df) and empty.any() else []

    return {
        "event_types": _distinct(df[schema.EVENT_TYPE]) + unknown(schema.EVENT_TYPE),
        "sub_event_types": _distinct(df[schema.SUB_EVENT_TYPE]) + unknown(schema.SUB_EVENT_TYPE),
        "actors": _distinct(df[schema.ACTOR1]) + _distinct(df[schema.ACTOR2]) + unknown(schema.ACTOR1, schema.ACTOR2),
        "locations": _distinct(df[schema.LOCATION]) + unknown(schema.LOCATION),
        "areas": _distinct(df[schema.ADMIN1]) + unknown(schema.ADMIN1),
        "outlets": list(outlets) + unknown(schema.SOURCE),
        "interactions": (_distinct(df[schema.INTERACTION]) + unknown(schema.INTERACTION)
                         if schema.INTERACTION in df else []),
        "precisions": _distinct(df[schema.DATE_PRECISION].fillna(schema.PRECISION_UNKNOWN)),
        "review_statuses": _distinct(df[schema.REVIEW_STATUS].fillna(schema.STATUS_UNREVIEWED)) if has_review else [],
        "reviewers": _distinct(df[schema.REVIEWER]) if schema.REVIEWER in df else [],
    }


def with_dates(f: EventFilter, start: date | None, end: date | None, options: FilterOptions,
               include_undated: bool = False) -> EventFilter:
    """Set the date bounds from a date widget; a bound equal to the data's own bound becomes None.

    So a slider left at its ends keeps undated events and leaves the filter (and URL) at default.
    `include_undated` keeps the undated events under narrower bounds too (it only holds with a bound:
    a filter without one drops the flag).
    """
    date_from = None if start is None or (options.date_min is not None and start <= options.date_min) else start
    date_to = None if end is None or (options.date_max is not None and end >= options.date_max) else end
    return replace(f, date_from=date_from, date_to=date_to, include_undated=include_undated)


# --- describing ------------------------------------------------------------------------------

def _either(values: tuple[str, ...], limit: int = 3) -> str:
    """'A', 'A or B', 'A, B or C', 'A, B, C or 2 others'."""
    if len(values) > limit:
        rest = len(values) - limit
        return f"{', '.join(values[:limit])} or {rest} other{'s' if rest > 1 else ''}"
    if len(values) == 1:
        return values[0]
    return f"{', '.join(values[:-1])} or {values[-1]}"


def _area(name: str) -> str:
    return f"the {name}" if name in _AREAS_WITH_ARTICLE else name


def interaction_label(code: str) -> str:
    """'State forces vs Civilians (17)', 'State forces only (10)'; ACLED's interaction code in words."""
    if not code.isdigit() or not 10 <= int(code) <= 99:
        return code
    first, second = INTER_CODES.get(int(code) // 10), INTER_CODES.get(int(code) % 10)
    if first is None or (second is None and int(code) % 10):
        return code
    return f"{first} only ({code})" if second is None else f"{first} vs {second} ({code})"


# How "(unknown)" reads in the description of each field.
_UNKNOWN_WORDS: dict[str, str] = {
    "event_types": "no type", "sub_event_types": "no sub-type", "actors": "no actor named",
    "locations": "no place", "areas": "no area", "outlets": "no outlet named", "interactions": "no interaction code",
}


def _words(name: str, values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"({_UNKNOWN_WORDS[name]})" if v == UNKNOWN else v for v in values)


def describe(f: EventFilter) -> str:
    """A plain-English summary: 'events from 2023-01-26 to 2023-02-02 of type Battles, in the West Bank, with at least 1 fatality'.

    'all events' for the default filter. Plain text: values come from the data, so the page must
    show it as text, not Markdown or HTML.
    """
    if is_default(f):
        return "all events"
    head = ""
    if f.date_from and f.date_to:
        head = f"on {f.date_from.isoformat()}" if f.date_from == f.date_to else (
            f"from {f.date_from.isoformat()} to {f.date_to.isoformat()}"
        )
    elif f.date_from:
        head = f"from {f.date_from.isoformat()} on"
    elif f.date_to:
        head = f"up to {f.date_to.isoformat()}"
    if head and f.include_undated:
        head += " (and undated events)"
    parts: list[str] = []
    if f.event_types:
        parts.append(f"of type {_either(_words('event_types', f.event_types))}")
    if f.sub_event_types:
        parts.append(f"of sub-type {_either(_words('sub_event_types', f.sub_event_types))}")
    if not f.include_statements:
        parts.append("excluding statements")
    if f.interactions:
        labels = tuple(interaction_label(c) if c != UNKNOWN else c for c in f.interactions)
        parts.append(f"with interaction {_either(_words('interactions', labels))}")
    if f.civilian_targeting:
        parts.append("targeting civilians")
    if f.actors:
        parts.append(f"involving {_either(_words('actors', f.actors))}")
    if f.locations:
        parts.append(f"at {_either(_words('locations', f.locations))}")
    if f.areas:
        parts.append(f"in {_either(_words('areas', tuple(_area(a) for a in f.areas)))}")
    if f.outlets:
        parts.append(f"reported by {_either(_words('outlets', f.outlets))}")
    if f.precisions:
        parts.append(
            "dated to the day" if f.precisions == (schema.PRECISION_DAY,)
            else f"with date precision {_either(f.precisions, limit=5)}"
        )
    if f.min_fatalities:
        parts.append(f"with at least {f.min_fatalities} {'fatality' if f.min_fatalities == 1 else 'fatalities'}")
    if f.text:
        parts.append(f'mentioning "{f.text}"')
    if f.review_statuses:
        parts.append(f"with review status {_either(f.review_statuses, limit=4)}")
    if f.reviewers:
        parts.append(f"reviewed by {_either(f.reviewers)}")
    body = ", ".join(parts)
    return "events " + " ".join(p for p in (head, body) if p)


def describe_count(n: int, f: EventFilter) -> str:
    """'1 event of type Battles', '12 events from ...', 'All 33 events' (plain text, as `describe`)."""
    if is_default(f):
        return f"All {n:,} events" if n != 1 else "The only event"
    text = describe(f)
    return f"{n:,} {'event' + text[len('events'):] if n == 1 else text}"


# --- URL round trip ------------------------------------------------------------------------

def to_query_params(f: EventFilter) -> dict[str, str | list[str]]:
    """URL parameters for the non-default fields only (lists for multi-valued fields)."""
    params: dict[str, str | list[str]] = {}
    for name in active_fields(f):
        value = getattr(f, name)
        key = QUERY_KEYS[name]
        if name in MULTI_FIELDS:
            params[key] = list(value)
        elif isinstance(value, date):
            params[key] = value.isoformat()
        elif isinstance(value, bool):
            params[key] = "1" if value else "0"
        else:
            params[key] = str(value)
    return params


def _values(raw: str | list[str] | tuple[str, ...] | None) -> list[str]:
    if isinstance(raw, str):
        items = [raw]
    elif isinstance(raw, (list, tuple)):
        items = list(raw)
    else:
        return []
    return [str(v) for v in items if isinstance(v, str)][:MAX_VALUES]


def _last(raw: str | list[str] | tuple[str, ...] | None) -> str | None:
    values = _values(raw)
    return values[-1].strip() if values else None


def _parse_date(text: str | None) -> date | None:
    if not text or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_day(text: str | None) -> date | None:
    """A YYYY-MM-DD day from a URL value, None for anything else."""
    return _parse_date(text.strip() if text else None)


def _parse_int(text: str | None) -> int | None:
    if text is None or not re.fullmatch(r"\d{1,9}", text):
        return None
    return int(text)


def from_query_params(params: Mapping[str, str | list[str]]) -> EventFilter:
    """The filter a URL describes; never raises: junk values are dropped (logged at debug level).

    Unknown keys are ignored; dates must be YYYY-MM-DD (swapped when from > to); precisions and
    review statuses must be known values; names longer than MAX_VALUE_CHARS are dropped.
    """
    values: dict[str, Any] = {}
    try:
        get = {key: params.get(key) for key in QUERY_KEYS.values()}
    except Exception:  # noqa: BLE001 - a broken mapping is junk like any other
        LOGGER.debug("unreadable query params: %r", params)
        return EventFilter()
    for name in MULTI_FIELDS:
        kept = [v.strip() for v in _values(get[QUERY_KEYS[name]]) if v.strip() and len(v) <= MAX_VALUE_CHARS]
        if name == "precisions":
            kept = [v for v in kept if v in schema.DATE_PRECISIONS]
        if name == "review_statuses":
            kept = [v for v in kept if v in schema.REVIEW_STATUSES]
        if name == "interactions":
            kept = [v for v in kept if v.isdigit() or v == UNKNOWN]
        if kept:
            values[name] = tuple(kept)
    date_from = _parse_date(_last(get[QUERY_KEYS["date_from"]]))
    date_to = _parse_date(_last(get[QUERY_KEYS["date_to"]]))
    if date_from and date_to and date_from > date_to:
        date_from, date_to = date_to, date_from
    values["date_from"], values["date_to"] = date_from, date_to
    statements = (_last(get[QUERY_KEYS["include_statements"]]) or "").lower()
    if statements in _FALSE:
        values["include_statements"] = False
    for name in ("civilian_targeting", "include_undated"):
        flag = (_last(get[QUERY_KEYS[name]]) or "").lower()
        if flag and flag not in _FALSE:
            values[name] = True
    killed = _parse_int(_last(get[QUERY_KEYS["min_fatalities"]]))
    if killed:
        values["min_fatalities"] = killed
    text = _last(get[QUERY_KEYS["text"]])
    if text and len(text) <= MAX_TEXT_CHARS:
        values["text"] = text
    return EventFilter(**values)
