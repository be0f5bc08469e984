"""Headline figures and breakdowns of an events frame (plain functions; no streamlit).

Tolls are given as a low-high span: `fatalities_low` sums `fatalities` (the most conservative
figure reported), `fatalities_high` sums `fatalities_max` (the highest figure any source gave,
falling back to the low figure). Multi-day tolls (date_precision "range") are included in every
sum, because they are events of the table, but counted apart (`range_events`,
`range_fatalities_low`) so the page can warn that they may overlap the day events.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data_prep import schema

LOGGER = logging.getLogger(__name__)

# The columns headline reads when it is given the article and outlet counts (otherwise also
# schema.ARTICLE_IDS and schema.SOURCE): the page hands it only these (filters.Filtered.frame).
HEADLINE_COLUMNS: tuple[str, ...] = (
    schema.FATALITIES, schema.FATALITIES_MAX, schema.INJURIES, schema.INJURIES_MAX, schema.DATE_PRECISION,
    schema.EVENT_TYPE, schema.DATE_START, schema.EVENT_DATE, schema.DATE_END, schema.CONTESTED, schema.LATITUDE,
    schema.LONGITUDE,
)


@dataclass(frozen=True)
class Headline:
    """The figures above the charts, for the events currently shown."""

    events: int
    fatalities_low: int
    fatalities_high: int
    injuries_low: int
    injuries_high: int
    articles: int  # distinct article ids across `article_ids`
    outlets: int  # distinct outlets across `source`
    contested: int  # events whose figures sources dispute
    range_events: int  # multi-day tolls (precision "range"): counted above, may overlap day events
    range_fatalities_low: int  # the part of fatalities_low that comes from multi-day tolls
    statements: int
    no_toll: int  # events (statements aside) with no fatality figure at all
    undated: int  # events with no date at all
    unlocated: int  # events without coordinates
    first_day: date | None
    last_day: date | None


def _int_sum(values: pd.Series | np.ndarray) -> int:
    total = pd.Series(values).sum(skipna=True)
    return 0 if pd.isna(total) else int(total)


def _low_high(df: pd.DataFrame, low_col: str, high_col: str) -> tuple[pd.Series, pd.Series]:
    low = df[low_col]
    # The high figure is never below the low one, and falls back to it when missing.
    high = df[high_col].fillna(low)
    high = high.where(high.isna() | low.isna() | (high >= low), low)
    return low, high


def _distinct_parts(series: pd.Series, few_cells: bool = False) -> int:
    """Distinct non-empty items across cells holding several values joined by LIST_SEPARATOR.

    `few_cells`: the column has few distinct cells (outlet lists), so dedupe cells before splitting.
    """
    if not len(series):
        return 0
    # pyarrow split + flatten + unique: ~0.25 s for 1M cells, where Python splitting takes seconds.
    cells = pc.drop_null(_arrow_strings(series))
    if few_cells:
        cells = pc.unique(cells)
    parts = pc.utf8_trim_whitespace(pc.list_flatten(pc.split_pattern(cells, schema.LIST_SEPARATOR)))
    distinct = pc.unique(parts)
    return int(len(distinct) - pc.sum(pc.equal(distinct, "")).as_py()) if len(distinct) else 0


@dataclass(frozen=True)
class ItemIndex:
    """A column of joined lists (article ids, outlets) as integer codes, built once per table, so
    that the distinct items of any set of rows are counted in milliseconds instead of re-splitting
    and hashing every kept cell (~0.15 s for 760k article id cells).

    `cell_of_row` gives each row's distinct cell (-1 when missing), or is None when every row is
    its own cell (article ids: nearly every cell differs). `cell_of_part` and `item_of_part` list
    the items of each cell; empty items are left out.
    """

    cell_of_row: np.ndarray | None
    cell_of_part: np.ndarray
    item_of_part: np.ndarray
    cells: int
    items: int


def _arrow_strings(series: pd.Series) -> pa.Array:
    cells = pa.array(series.array) if hasattr(series.array, "__arrow_array__") \
        else pa.array(series.to_numpy(dtype=object), type=pa.string())
    return cells.combine_chunks() if isinstance(cells, pa.ChunkedArray) else cells


def item_index(series: pd.Series, few_cells: bool = False) -> ItemIndex:
    """The ItemIndex of a column whose cells join items with LIST_SEPARATOR.

    `few_cells`: the column repeats a few distinct cells (outlet lists): they are split once each.
    Otherwise every cell is split (~0.4 s for a million article id cells, once per table).
    """
    cells = _arrow_strings(series)
    cell_of_row = None
    if few_cells:
        encoded = pc.dictionary_encode(cells)
        cell_of_row = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.intp)
        cells = encoded.dictionary
    split = pc.split_pattern(cells, schema.LIST_SEPARATOR)
    lengths = pc.list_value_length(split).fill_null(0).to_numpy(zero_copy_only=False).astype(np.intp)
    parts = pc.dictionary_encode(pc.utf8_trim_whitespace(pc.list_flatten(split)))
    item_of_part = parts.indices.to_numpy(zero_copy_only=False).astype(np.intp)
    filled = pc.not_equal(parts.dictionary, "").to_numpy(zero_copy_only=False).astype(bool)
    keep = filled[item_of_part]
    remap = np.cumsum(filled) - 1  # item codes without the empty item
    return ItemIndex(
        cell_of_row=cell_of_row, cell_of_part=np.repeat(np.arange(len(cells)), lengths)[keep],
        item_of_part=remap[item_of_part[keep]], cells=len(cells), items=int(filled.sum()),
    )


def count_items(index: ItemIndex, positions: np.ndarray | None = None) -> int:
    """Distinct items in the rows at `positions` (every row when None)."""
    if positions is None and index.cell_of_row is None:
        parts = index.item_of_part
    else:
        if index.cell_of_row is None:
            cells = positions
        else:
            cells = index.cell_of_row if positions is None else index.cell_of_row[positions]
        present = np.zeros(index.cells + 1, dtype=bool)
        present[cells] = True  # a missing cell (-1) marks the spare last slot
        parts = index.item_of_part[present[index.cell_of_part]]
    seen = np.zeros(index.items, dtype=bool)
    seen[parts] = True
    return int(seen.sum())


def _day(value: object) -> date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


def article_count(df: pd.DataFrame) -> int:
    """Distinct article ids across the events' `article_ids` cells."""
    return _distinct_parts(df[schema.ARTICLE_IDS])


def outlet_count(df: pd.DataFrame) -> int:
    """Distinct outlets across the events' `source` cells."""
    return _distinct_parts(df[schema.SOURCE], few_cells=True)


def headline(df: pd.DataFrame, articles: int | None = None, outlets: int | None = None) -> Headline:
    """Counts and toll spans for the events in `df` (already filtered).

    `articles` and `outlets` (`article_count`, `outlet_count`, or `count_items` on an ItemIndex built
    once per table), when the caller has them, are not counted again: splitting and hashing the
    lists of every kept event is most of the headline's cost at a million events.
    """
    fat_low, fat_high = _low_high(df, schema.FATALITIES, schema.FATALITIES_MAX)
    inj_low, inj_high = _low_high(df, schema.INJURIES, schema.INJURIES_MAX)
    is_range = (df[schema.DATE_PRECISION] == schema.PRECISION_RANGE).fillna(False).to_numpy(dtype=bool)
    is_statement = (df[schema.EVENT_TYPE] == schema.STATEMENT).fillna(False).to_numpy(dtype=bool)
    start = df[schema.DATE_START].fillna(df[schema.EVENT_DATE])
    end = df[schema.DATE_END].fillna(start)
    return Headline(
        events=len(df),
        fatalities_low=_int_sum(fat_low),
        fatalities_high=_int_sum(fat_high),
        injuries_low=_int_sum(inj_low),
        injuries_high=_int_sum(inj_high),
        articles=article_count(df) if articles is None else articles,
        outlets=outlet_count(df) if outlets is None else outlets,
        contested=int(df[schema.CONTESTED].fillna(False).to_numpy(dtype=bool).sum()),
        range_events=int(is_range.sum()),
        range_fatalities_low=_int_sum(fat_low[is_range]),
        statements=int(is_statement.sum()),
        no_toll=int((df[schema.FATALITIES].isna().to_numpy() & ~is_statement).sum()),
        undated=int(start.isna().sum()),
        unlocated=int((df[schema.LATITUDE].isna() | df[schema.LONGITUDE].isna()).sum()),
        first_day=_day(start.min()),
        last_day=_day(end.max()),
    )


def headline_notes(h: Headline) -> list[str]:
    """What to keep in mind under the figures: the span, multi-day tolls, undated and unlocated events."""
    notes = []
    if h.first_day and h.last_day:
        notes.append(f"{h.first_day.isoformat()} to {h.last_day.isoformat()}")
    if h.range_events:
        tolls = "1 multi-day toll is" if h.range_events == 1 else f"{h.range_events:,} multi-day tolls are"
        notes.append(f"{tolls} included ({h.range_fatalities_low:,} killed) and may overlap day events")
    if h.undated:
        notes.append(f"{h.undated:,} undated")
    if h.unlocated:
        notes.append(f"{h.unlocated:,} without coordinates")
    return notes


def format_span(low: int, high: int) -> str:
    """'1,204' when the sources agree, '1,204–1,530' when they do not."""
    return f"{low:,}" if high <= low else f"{low:,}–{high:,}"


def breakdown(df: pd.DataFrame, column: str, top: int | None = None) -> pd.DataFrame:
    """Events and toll span per value of `column` (missing values as "(unknown)"), largest first.

    Columns: the grouping column, events, fatalities_low, fatalities_high, share (of events).
    With `top`, the values past the first `top` are summed into one "Other" row.
    """
    fat_low, fat_high = _low_high(df, schema.FATALITIES, schema.FATALITIES_MAX)
    frame = pd.DataFrame({
        column: df[column].fillna("(unknown)").to_numpy(dtype=object),
        "events": 1,
        "fatalities_low": fat_low.fillna(0).to_numpy(dtype="int64"),
        "fatalities_high": fat_high.fillna(0).to_numpy(dtype="int64"),
    })
    table = frame.groupby(column, sort=False).sum().reset_index()
    table = table.sort_values(["events", column], ascending=[False, True], kind="stable").reset_index(drop=True)
    if top is not None and len(table) > top:
        rest = table.iloc[top:][["events", "fatalities_low", "fatalities_high"]].sum()
        table = pd.concat([table.iloc[:top], pd.DataFrame([{column: "Other", **rest.to_dict()}])], ignore_index=True)
    total = max(len(df), 1)
    table["share"] = table["events"] / total
    return table


# --- rankings: who and where ---------------------------------------------------------------------

RANK_BY: tuple[str, ...] = ("events", "fatalities")
RANK_KINDS: dict[str, tuple[str, ...]] = {  # a ranking's columns: an actor is on either side of an event
    "Actor": (schema.ACTOR1, schema.ACTOR2),
    "Place": (schema.LOCATION,),
    "Area": (schema.ADMIN1,),
}
RANKING_COLUMNS: tuple[str, ...] = (
    schema.ACTOR1, schema.ACTOR2, schema.LOCATION, schema.ADMIN1, schema.FATALITIES, schema.FATALITIES_MAX,
)


def ranking(df: pd.DataFrame, kind: str = "Actor", by: str = "events", top: int = 10) -> pd.DataFrame:
    """The `top` actors, places or areas of the events by number of events or by fatalities.

    An actor counts once per event it takes part in (either side); empty values are left out (the
    pick lists' "(unknown)" counts them). Columns: name, events, fatalities (sum of the lowest
    figures), fatalities_high (sum of the highest claimed), share (of these events). Ties go by name.
    Factorize and bincount: no groupby, so a million events take tens of milliseconds.
    """
    if kind not in RANK_KINDS:
        raise ValueError(f"kind must be one of {', '.join(RANK_KINDS)}, not {kind!r}")
    if by not in RANK_BY:
        raise ValueError(f"by must be events or fatalities, not {by!r}")
    low, high = _low_high(df, schema.FATALITIES, schema.FATALITIES_MAX)
    low_v = low.fillna(0).to_numpy(dtype="int64")
    high_v = high.fillna(0).to_numpy(dtype="int64")
    columns = RANK_KINDS[kind]
    values = pd.concat([df[c] for c in columns], ignore_index=True) if len(columns) > 1 else df[columns[0]]
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    names = [str(u) for u in uniques]
    n = len(df)
    rows = np.tile(np.arange(n), len(columns))
    keep = codes >= 0
    if len(columns) > 1:  # the same actor on both sides counts once
        same = np.zeros(len(codes), dtype=bool)
        same[n:] = codes[n:] == codes[:n]
        keep &= ~same
    blank = np.array([not name.strip() for name in names], dtype=bool)
    if blank.any():
        keep &= ~blank[np.where(codes >= 0, codes, 0)]
    codes_list = codes[keep]
    rows = rows[keep]
    size = len(names)
    events = np.bincount(codes_list, minlength=size)
    killed = np.bincount(codes_list, weights=low_v[rows], minlength=size).astype("int64")
    killed_high = np.bincount(codes_list, weights=high_v[rows], minlength=size).astype("int64")
    table = pd.DataFrame({"name": names, "events": events, "fatalities": killed, "fatalities_high": killed_high})
    table = table[table["events"] > 0]
    other = "fatalities" if by == "events" else "events"
    table = table.sort_values([by, other, "name"], ascending=[False, False, True], kind="stable").head(top)
    table["share"] = table["events"] / max(n, 1)
    return table.reset_index(drop=True)
