"""Timeline and count charts as plain functions returning go.Figure (no streamlit).

Timeline: days on x, one lane per value of a dimension (top values + "Other"), colour by event
type (fixed colours, dashboard.style.TYPE_COLOURS), marker size by fatalities. Events whose day
is uncertain (approx / month / unknown precision with a date span) are open markers with a
horizontal line from date_start to date_end. Multi-day tolls (precision "range") get their own
lane, "Multi-day tolls", drawn as intervals and never counted as a day's events.

Selection: every event marker carries its event_id in `customdata` (a string). Above
`max_points` events the timeline draws binned markers instead (per day, week or month x lane);
their customdata is `[lane, first_day, last_day]` (ISO dates, inclusive). The app should pass
plotly selection points to `ids_from_selection(df, points, lane_by)`, which understands both.

Counts: `aggregate_counts` bins events per day/week/month by type with integer period codes and
a bincount (no pd.Grouper, no groupby: milliseconds on 1M rows); `counts_figure` stacks them.
"""
from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import style
from data_prep import schema

LOGGER = logging.getLogger(__name__)

LANE_DIMENSIONS: dict[str, str] = {
    "Actor": schema.ACTOR1,
    "Type": schema.EVENT_TYPE,
    "Place": schema.LOCATION,
    "Area": schema.ADMIN1,
    "Outlet": schema.SOURCE,
}
RANGE_LANE = "Multi-day tolls"
OTHER_LANE = "Other"
MAX_LANES = 12  # top values shown as their own lane; the rest share "Other"
MAX_RANGE_INTERVALS = 200  # multi-day tolls drawn when aggregating: the largest ones
MAX_BINS = 150  # periods on the x axis of a binned timeline
PLOT_WIDTH_PX = 1000  # a typical plot width, to keep binned markers from overlapping
JITTER = 0.32  # vertical spread of events within a lane, so same-day events do not hide each other
# Uncertain days: drawn as open markers with their [date_start, date_end] interval.
UNCERTAIN_PRECISIONS: frozenset[str] = frozenset(
    {schema.PRECISION_APPROX, schema.PRECISION_MONTH, schema.PRECISION_UNKNOWN}
)
FREQ_DAYS = {"D": 1, "W": 7}
FREQ_WORDS = {"D": "day", "W": "week", "M": "month"}
MEASURES = ("events", "fatalities")
PERIOD = "period"

_DAY_NS = np.timedelta64(1, "D")

# The columns each public function reads: the page hands them only these (filters.Filtered.frame),
# since copying every column of a big view costs more than the figure.
_DAY_COLUMNS = (schema.EVENT_DATE, schema.DATE_START, schema.DATE_END, schema.DATE_PRECISION)
TIMELINE_COLUMNS: tuple[str, ...] = tuple(dict.fromkeys((
    schema.EVENT_ID, *_DAY_COLUMNS, schema.EVENT_TYPE, schema.FATALITIES, *style.LABEL_COLUMNS,
    *LANE_DIMENSIONS.values(),
)))
COUNTS_COLUMNS: tuple[str, ...] = (*_DAY_COLUMNS, schema.EVENT_TYPE, schema.FATALITIES)
SELECTION_COLUMNS: tuple[str, ...] = tuple(dict.fromkeys((  # ids_from_selection
    schema.EVENT_ID, *_DAY_COLUMNS, *LANE_DIMENSIONS.values(), schema.LONGITUDE, schema.LATITUDE, schema.LOCATION,
)))


# --- shared pieces --------------------------------------------------------------------------

def _dates(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(best day, start, end) as datetime64[D]; start/end fall back to the best day, NaT when undated."""
    best = df[schema.EVENT_DATE].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    start = df[schema.DATE_START].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    end = df[schema.DATE_END].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    start = np.where(np.isnat(start), best, start)
    best = np.where(np.isnat(best), start, best)
    end = np.where(np.isnat(end), start, end)
    return best, start, end


def _precision(df: pd.DataFrame) -> np.ndarray:
    return df[schema.DATE_PRECISION].fillna(schema.PRECISION_UNKNOWN).to_numpy(dtype=object)


def _is_range(df: pd.DataFrame) -> np.ndarray:
    return (df[schema.DATE_PRECISION] == schema.PRECISION_RANGE).fillna(False).to_numpy(dtype=bool)


def _iso(days: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(days.astype("datetime64[D]"), unit="D")


def _floor(days: np.ndarray, freq: str) -> np.ndarray:
    """First day of each day's period: D itself, W the Monday, M the 1st (datetime64[D])."""
    days = days.astype("datetime64[D]", copy=False)
    if freq == "D":
        return days
    if freq == "W":
        n = days.view("int64")
        weekday = (n + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
        return (n - weekday).view("datetime64[D]")
    if freq == "M":
        return days.astype("datetime64[M]").astype("datetime64[D]")
    raise ValueError(f"freq must be D, W or M, not {freq!r}")


def _periods(days: np.ndarray, freq: str) -> tuple[np.ndarray, np.ndarray]:
    """Each day's period as a code, and the first day of each coded period (datetime64[D], ascending).

    Only periods that hold a day get a code. Plain integer arithmetic and a bincount: a million
    days take milliseconds, where factorizing or grouping the floored days takes tens.
    """
    if not len(days):
        return np.empty(0, dtype=np.intp), np.empty(0, dtype="datetime64[D]")
    if freq == "M":
        units = days.astype("datetime64[M]").astype("int64")
        step = 1
    elif freq in FREQ_DAYS:
        units = _floor(days, freq).astype("int64")
        step = FREQ_DAYS[freq]
    else:
        raise ValueError(f"freq must be D, W or M, not {freq!r}")
    low = int(units.min())
    offsets = (units - low) // step
    present = np.bincount(offsets) > 0
    dense = np.cumsum(present) - 1
    starts = low + np.flatnonzero(present) * step
    firsts = (starts.astype("datetime64[M]").astype("datetime64[D]") if freq == "M"
              else starts.astype("datetime64[D]"))
    return dense[offsets].astype(np.intp), firsts


def _period_end(first: np.ndarray, freq: str) -> np.ndarray:
    """Last day (inclusive) of the periods starting on `first`."""
    if freq == "M":
        return ((first.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1)
    return first + np.timedelta64(FREQ_DAYS[freq] - 1, "D")


@dataclass(frozen=True)
class Lanes:
    """Lane assignment: row positions (an event may sit in several lanes, e.g. two outlets), lane codes, labels."""

    rows: np.ndarray
    codes: np.ndarray
    labels: list[str]


def _split_outlets(cell: str) -> list[str]:
    return [p.strip() for p in cell.split(schema.LIST_SEPARATOR) if p.strip()]


def lanes_for(df: pd.DataFrame, lane_by: str, max_lanes: int = MAX_LANES, keep: np.ndarray | None = None) -> Lanes:
    """Assign each event to a lane of `lane_by` (a LANE_DIMENSIONS label); top values, then Other.

    Lane labels are ordered by number of events, largest first; missing values form the lane
    "(unknown)"; "Outlet" puts an event in the lane of each outlet that reported it. `keep` (a
    boolean mask) limits the assignment to some rows without copying the frame; `rows` are
    positions in df.
    """
    column = LANE_DIMENSIONS[lane_by]
    all_codes, uniques = pd.factorize(df[column], use_na_sentinel=True)
    names = [str(u) for u in uniques]
    rows = np.arange(len(df)) if keep is None else np.flatnonzero(keep)
    codes = all_codes[rows]
    if column == schema.SOURCE:
        parts = [_split_outlets(c) or [style.UNKNOWN] for c in names]
        outlet_names = sorted({p for ps in parts for p in ps} | {style.UNKNOWN})
        outlet_index = {name: i for i, name in enumerate(outlet_names)}
        per_cell = [np.array([outlet_index[p] for p in ps]) for ps in parts]
        per_cell.append(np.array([outlet_index[style.UNKNOWN]]))  # code -1: missing source
        lengths = np.array([len(p) for p in per_cell])
        cell = np.where(codes < 0, len(per_cell) - 1, codes)
        repeat = lengths[cell]
        rows = np.repeat(rows, repeat)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        flat = np.concatenate(per_cell)
        # Position of each repeated row inside its cell's outlet list.
        within = np.arange(len(rows)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
        codes = flat[np.repeat(starts[cell], repeat) + within]
        names = outlet_names
    else:
        names = names + [style.UNKNOWN]
        codes = np.where(codes < 0, len(names) - 1, codes)
    counts = np.bincount(codes, minlength=len(names))
    order = sorted((i for i in range(len(names)) if counts[i] > 0), key=lambda i: (-counts[i], names[i]))
    kept = order[:max_lanes] if len(order) > max_lanes + 1 else order
    labels = [names[i] for i in kept]
    remap = np.full(len(names), len(labels), dtype=np.int64)
    remap[kept] = np.arange(len(kept))
    lane = remap[codes]
    if len(kept) < len(order):
        labels.append(OTHER_LANE)
    return Lanes(rows=rows, codes=lane, labels=labels)


def _jitter(ids: np.ndarray) -> np.ndarray:
    """A stable vertical offset per event id in [-JITTER, JITTER] (the same on every render)."""
    hashed = pd.util.hash_array(np.asarray(ids, dtype=object)).astype(np.float64)
    return (hashed / np.float64(2**64) - 0.5) * 2 * JITTER


def _lane_axis(labels: Sequence[str], has_ranges: bool) -> tuple[list[str], int]:
    """All lane labels top to bottom, and the y offset of the first dimension lane."""
    return ([RANGE_LANE] if has_ranges else []) + list(labels), 1 if has_ranges else 0


def _base_layout(fig: go.Figure, title: tuple[str, list[str]], lane_labels: list[str]) -> None:
    fig.update_layout(
        title=style.title(*title),
        font={"family": style.FONT},
        height=max(340, 34 * len(lane_labels) + style.TOP_MARGIN + 50),
        # The lane names drawn decide the left margin: an exported image never cuts them ("…te").
        margin={"l": style.label_margin(lane_labels), "r": 20, "t": style.TOP_MARGIN, "b": 40},
        plot_bgcolor="white",
        legend=style.LEGEND_ABOVE,
        hovermode="closest",
        uirevision="timeline",
        xaxis={"type": "date", "showgrid": True, "gridcolor": "#EEEEEE", "title": None},
        yaxis={
            "tickmode": "array",
            "tickvals": list(range(len(lane_labels))),
            "ticktext": [style.escape(label) for label in lane_labels],
            "range": [len(lane_labels) - 0.5, -0.5],  # first lane at the top
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
            "title": None,
            "automargin": True,
        },
    )
    # One layout update instead of add_hline per lane: add_hline costs ~10 ms each.
    fig.update_layout(shapes=[
        {"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": boundary - 0.5,
         "y1": boundary - 0.5, "line": {"color": "#E3E3E3", "width": 1}}
        for boundary in range(1, len(lane_labels))
    ])


# --- timeline: one marker per event ---------------------------------------------------------

def _event_traces(
    df: pd.DataFrame, x: np.ndarray, y: np.ndarray, start: np.ndarray, end: np.ndarray,
    uncertain: np.ndarray, selected: set[str], name_suffix: str = "", fixed_size: float | None = None,
) -> list[go.Scatter]:
    """Marker (+ interval) traces, one pair per event type; rows of df align with x/y/start/end."""
    traces: list[go.Scatter] = []
    if not len(df):
        return traces
    ids = df[schema.EVENT_ID].astype(object).to_numpy()
    types = df[schema.EVENT_TYPE].fillna(style.OTHER_TYPE).to_numpy(dtype=object)
    labels = np.array(style.event_labels(df), dtype=object)
    sizes = style.size_by_fatalities(df[schema.FATALITIES]) if fixed_size is None else np.full(len(df), fixed_size)
    dim = bool(selected)
    for event_type in style.type_order(list(set(types))):
        pick = types == event_type
        colour = style.type_colour(event_type)
        spans = pick & uncertain & (end > start)
        if spans.any():
            n = int(spans.sum())
            xs = np.empty(3 * n, dtype=object)
            xs[0::3], xs[1::3], xs[2::3] = _iso(start[spans]), _iso(end[spans]), None
            ys = np.empty(3 * n, dtype=object)
            ys[0::3] = ys[1::3] = y[spans]
            ys[2::3] = None
            cd = np.empty(3 * n, dtype=object)
            cd[0::3] = cd[1::3] = ids[spans]
            cd[2::3] = None
            hover = np.empty(3 * n, dtype=object)
            hover[0::3] = hover[1::3] = labels[spans]
            hover[2::3] = None
            traces.append(go.Scatter(
                x=xs, y=ys, customdata=cd, hovertext=hover, hoverinfo="text", mode="lines",
                line={"color": colour, "width": 3}, opacity=0.3 if dim else 0.7,
                name=f"{event_type}{name_suffix} (date span)", legendgroup=event_type, showlegend=False,
                meta={"kind": "interval", "event_type": event_type},
            ))
        # Exact days filled, uncertain ones open: two traces, because a per-point symbol array
        # is validated point by point (a third of the build time at 5,000 events).
        first = True
        for symbol, part in (("circle", pick & ~uncertain), ("circle-open", pick & uncertain)):
            if not part.any():
                continue
            traces.append(go.Scatter(
                x=_iso(x[part]), y=y[part], customdata=ids[part], hovertext=labels[part], hoverinfo="text",
                mode="markers", name=style.escape(event_type) + name_suffix, legendgroup=event_type,
                showlegend=first,
                marker={
                    "color": colour, "size": sizes[part], "symbol": symbol,
                    "opacity": 0.35 if dim else 0.8, "line": {"width": 1.5, "color": colour},
                },
                meta={"kind": "events", "event_type": event_type, "uncertain": symbol == "circle-open"},
            ))
            first = False
    return traces


def _selected_trace(ids: np.ndarray, x: np.ndarray, y: np.ndarray, sizes: np.ndarray, selected: set[str]) -> go.Scatter | None:
    pick = np.isin(ids, list(selected))
    if not pick.any():
        return None
    return go.Scatter(
        x=_iso(x[pick]), y=y[pick], customdata=ids[pick], mode="markers", name="Selected",
        hoverinfo="skip",
        marker={"symbol": "circle-open", "size": sizes[pick] + 8, "color": style.SELECTED_COLOUR, "line": {"width": 2.5}},
        meta={"kind": "selected"},
    )


def _range_midpoints(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    return start + (end - start) // 2


def timeline_figure(
    df: pd.DataFrame,
    lane_by: str = "Type",
    selected: Collection[str] = (),
    max_points: int = 5000,
    window: tuple[Any, Any] | None = None,
    note: str | None = None,
) -> go.Figure:
    """Events on a day axis, one lane per value of `lane_by` (a LANE_DIMENSIONS label).

    Args:
        df: filtered events.
        lane_by: "Actor", "Type", "Place", "Area" or "Outlet".
        selected: event ids to highlight (ringed; the others are dimmed).
        max_points: above this many events, draw binned counts instead of single events.
        window: (first day, last day) shaded (the step of "play" the map shows).
        note: put first in the subtitle (e.g. what narrowed the events drawn).
    Returns:
        A figure whose traces carry `meta={"kind": ...}`: "events", "interval", "ranges",
        "range_intervals", "bins", "selected".
    """
    fig = _timeline(df, lane_by, selected, max_points)
    if window is not None:
        first, last = (np.datetime64(pd.Timestamp(d).date(), "D") for d in window)
        fig.add_vrect(x0=str(first), x1=str(last + 1), fillcolor="#FFD54F", opacity=0.25, line_width=0, layer="below",
                      name="window")
    if note:
        subtitle = fig.layout.title.subtitle.text
        fig.layout.title.subtitle.text = style.escape(note) + (f"; {subtitle}" if subtitle else "")
    return fig


def _timeline(df: pd.DataFrame, lane_by: str, selected: Collection[str], max_points: int) -> go.Figure:
    if lane_by not in LANE_DIMENSIONS:
        raise ValueError(f"lane_by must be one of {', '.join(LANE_DIMENSIONS)}, not {lane_by!r}")
    best, start, end = _dates(df)
    dated = ~np.isnat(best)
    is_range = _is_range(df) & dated
    undated = int((~dated).sum())
    if int(dated.sum()) > max_points:
        return _binned_timeline(df, lane_by, set(selected), max_points, (best, start, end), is_range)
    days = df.loc[dated & ~is_range]
    ranges = df.loc[is_range]
    sel = set(selected)
    lanes = lanes_for(days, lane_by)
    lane_labels, offset = _lane_axis(lanes.labels, len(ranges) > 0)
    fig = go.Figure()
    # Day events (uncertain ones included, with their interval).
    d_best, d_start, d_end = best[dated & ~is_range], start[dated & ~is_range], end[dated & ~is_range]
    rows = lanes.rows
    lane_rows = days.iloc[rows]
    ids = lane_rows[schema.EVENT_ID].astype(object).to_numpy()
    y = offset + lanes.codes + _jitter(ids)
    uncertain = np.isin(_precision(lane_rows), list(UNCERTAIN_PRECISIONS))
    for trace in _event_traces(lane_rows, d_best[rows], y, d_start[rows], d_end[rows], uncertain, sel):
        fig.add_trace(trace)
    # Multi-day tolls, in their own lane at the top.
    r_start, r_end = start[is_range], end[is_range]
    if len(ranges):
        r_ids = ranges[schema.EVENT_ID].astype(object).to_numpy()
        r_y = _jitter(r_ids)
        for trace in _event_traces(
            ranges, _range_midpoints(r_start, r_end), r_y, r_start, r_end, np.ones(len(ranges), bool), sel,
            name_suffix=" (multi-day)",
        ):
            trace.meta = {**trace.meta, "kind": "range_intervals" if trace.mode == "lines" else "ranges"}
            trace.showlegend = False
            fig.add_trace(trace)
    if sel:
        all_ids = np.concatenate([ids, ranges[schema.EVENT_ID].astype(object).to_numpy()])
        all_x = np.concatenate([d_best[rows], _range_midpoints(r_start, r_end)])
        all_y = np.concatenate([y, _jitter(ranges[schema.EVENT_ID].astype(object).to_numpy())])
        sizes = np.concatenate([
            style.size_by_fatalities(lane_rows[schema.FATALITIES]), style.size_by_fatalities(ranges[schema.FATALITIES]),
        ])
        trace = _selected_trace(all_ids, all_x, all_y, sizes, sel)
        if trace is not None:
            fig.add_trace(trace)
    _base_layout(fig, _timeline_title(len(days), len(ranges), undated, lane_by, None), lane_labels)
    return fig


def _timeline_title(n_days: int, n_ranges: int, undated: int, lane_by: str, freq: str | None) -> tuple[str, list[str]]:
    """Title and subtitle notes: what is drawn, and what is drawn apart or left out."""
    title = f"{style.plural(n_days, 'event')} by {lane_by.lower()}"
    notes = []
    if freq:
        notes.append(f"counted per {FREQ_WORDS[freq]} (marker size = events; narrow the dates for detail)")
    else:
        notes.append("open markers and bars: approximate dates")
    if n_ranges:
        notes.append(f"{style.plural(n_ranges, 'multi-day toll')} in their own lane"
                     + (f" (the {MAX_RANGE_INTERVALS} largest drawn)" if freq and n_ranges > MAX_RANGE_INTERVALS else ""))
    if undated:
        notes.append(f"{undated:,} undated not shown")
    return title, notes


# --- timeline: binned when there are too many events -------------------------------------

def _bin_freq(first: np.datetime64, last: np.datetime64, lanes: int, max_points: int) -> str:
    """The finest of D/W/M with at most MAX_BINS periods (and bins x lanes within max_points).

    Beyond ~150 periods a marker per period is narrower than a few pixels and they pile up;
    narrowing the date filter brings back weeks, then days.
    """
    span = int((last - first) / _DAY_NS) + 1
    for freq, days in (("D", 1), ("W", 7)):
        bins = span / days
        if bins <= MAX_BINS and bins * max(lanes, 1) <= max_points:
            return freq
    return "M"


def _binned_timeline(
    df: pd.DataFrame, lane_by: str, selected: set[str], max_points: int,
    dates: tuple[np.ndarray, np.ndarray, np.ndarray], is_range: np.ndarray,
) -> go.Figure:
    """One marker per (period, lane), sized by events, coloured by the period's most frequent type.

    Works on column arrays and masks only: copying a frame of a million rows costs more than
    the whole figure.
    """
    best, _start, _end = dates
    dated = ~np.isnat(best)
    keep = dated & ~is_range
    lanes = lanes_for(df, lane_by, keep=keep)
    lane_labels, offset = _lane_axis(lanes.labels, bool(is_range.any()))
    d_best = best[lanes.rows]
    freq = _bin_freq(d_best.min(), d_best.max(), len(lanes.labels), max_points) if len(d_best) else "D"
    all_types, type_names = pd.factorize(df[schema.EVENT_TYPE].fillna(style.OTHER_TYPE))
    names = [str(t) for t in type_names]
    n_types, n_lanes = max(len(names), 1), max(len(lanes.labels), 1)
    type_codes = all_types[lanes.rows]
    killed_all = df[schema.FATALITIES].fillna(0).to_numpy(dtype="int64")
    # Dense (bin, lane, type) cells via bincount: bins x lanes x types is small (<= max_points x types).
    bin_codes, bin_values = _periods(d_best, freq)
    cell = (bin_codes * n_lanes + lanes.codes) * n_types + type_codes
    size = len(bin_values) * n_lanes * n_types
    per_type = np.bincount(cell, minlength=size).reshape(len(bin_values), n_lanes, n_types)
    killed = np.bincount(cell, weights=killed_all[lanes.rows], minlength=size).reshape(per_type.shape).sum(axis=2)
    totals = per_type.sum(axis=2)
    b_idx, l_idx = np.nonzero(totals)
    counts = totals[b_idx, l_idx]
    top_type = per_type[b_idx, l_idx].argmax(axis=1)
    bin_first = bin_values[b_idx]
    bin_last = _period_end(bin_first, freq)
    first_iso, last_iso = _iso(bin_first), _iso(bin_last)
    centre = bin_first + (bin_last - bin_first) // 2
    all_labels = lane_labels[offset:]
    word = FREQ_WORDS[freq]
    # Markers no wider than a period, so neighbouring periods stay apart.
    widest = float(np.clip(PLOT_WIDTH_PX / max(len(bin_values), 1), 8, style.MAX_MARKER))
    sizes = style.size_by_count(counts, largest=None, biggest=widest)
    fig = go.Figure()
    for t in style.type_order(names):
        pick = np.flatnonzero(top_type == names.index(t))
        if not len(pick):
            continue
        hover = []
        for i in pick:
            mix = per_type[b_idx[i], l_idx[i]]
            order = np.argsort(-mix, kind="stable")[:4]
            detail = ", ".join(f"{names[j]} {mix[j]:,}" for j in order if mix[j])
            period = f"{word.capitalize()} of {first_iso[i]}" + (f" to {last_iso[i]}" if freq != "D" else "")
            hover.append(style.escape(
                f"{period} · {all_labels[l_idx[i]]} · {style.plural(int(counts[i]), 'event')} ({detail})"
                f" · {int(killed[b_idx[i], l_idx[i]]):,} killed"
            ))
        fig.add_trace(go.Scatter(
            x=_iso(centre[pick]), y=offset + l_idx[pick],
            customdata=np.column_stack([np.array(all_labels, dtype=object)[l_idx[pick]], first_iso[pick].astype(object), last_iso[pick].astype(object)]),
            hovertext=np.array(hover, dtype=object), hoverinfo="text", mode="markers", name=style.escape(t), legendgroup=t,
            marker={"color": style.type_colour(t), "size": sizes[pick], "opacity": 0.75, "line": {"width": 0}},
            meta={"kind": "bins", "event_type": t, "freq": freq},
        ))
    range_rows = np.flatnonzero(is_range)
    n_ranges = len(range_rows)
    if n_ranges:
        if n_ranges > MAX_RANGE_INTERVALS:
            largest = np.argsort(-killed_all[range_rows], kind="stable")[:MAX_RANGE_INTERVALS]
            range_rows = np.sort(range_rows[largest])
        ranges = df.iloc[range_rows]
        _, r_start, r_end = _dates(ranges)
        r_ids = ranges[schema.EVENT_ID].astype(object).to_numpy()
        for trace in _event_traces(
            ranges, _range_midpoints(r_start, r_end), _jitter(r_ids), r_start, r_end,
            np.ones(len(ranges), bool), selected, name_suffix=" (multi-day)", fixed_size=7,
        ):
            trace.meta = {**trace.meta, "kind": "range_intervals" if trace.mode == "lines" else "ranges"}
            trace.showlegend = False
            fig.add_trace(trace)
    if selected:
        chosen = keep & df[schema.EVENT_ID].isin(list(selected)).fillna(False).to_numpy(dtype=bool)
        # Place selected events on the lanes of the full view (an event may sit in several lanes).
        on_lane = chosen[lanes.rows]  # a gather, not np.isin (which sorts a million positions)
        if on_lane.any():
            rows = lanes.rows[on_lane]
            ids = np.asarray(df[schema.EVENT_ID].array.take(rows), dtype=object)  # not a million Python strings
            trace = _selected_trace(
                ids, best[rows], offset + lanes.codes[on_lane] + 0.0,
                style.size_by_fatalities(killed_all[rows]), selected,
            )
            if trace is not None:
                fig.add_trace(trace)
    undated = int((~dated).sum())
    _base_layout(fig, _timeline_title(int(keep.sum()), n_ranges, undated, lane_by, freq), lane_labels)
    return fig


def ids_from_selection(df: pd.DataFrame, points: Iterable[Mapping[str, Any]], lane_by: str = "Type") -> list[str]:
    """Event ids behind plotly selection points (from timeline_figure or maps.map_figure).

    A point's customdata is an event id (single-event markers) or [lane, first_day, last_day] for a
    binned timeline marker (then the events of df in that lane and period), or
    ["area", lon, lat, name] (the events at those coordinates or located to that area) /
    ["place", lon, lat] for an aggregated map marker (the events at those coordinates) or ["cell", lon, lat, decimals] (the events whose coordinates round to
    them). Unknown shapes are ignored. Ids come back once each, in df order.
    """
    wanted: set[str] = set()
    bins: list[tuple[str, np.datetime64, np.datetime64]] = []
    places: list[tuple[float, float, int | None]] = []
    areas: list[str] = []
    for point in points:
        data = point.get("customdata") if isinstance(point, Mapping) else None
        if isinstance(data, str):
            wanted.add(data)
        elif isinstance(data, (list, tuple)) and len(data) >= 3:
            if data[0] in ("area", "place", "cell"):
                try:
                    decimals = int(data[3]) if data[0] == "cell" else None
                    places.append((float(data[1]), float(data[2]), decimals))
                except (TypeError, ValueError, IndexError):
                    continue
                if data[0] == "area" and len(data) >= 4 and isinstance(data[3], str):
                    areas.append(data[3])  # every event located only to that area, wherever its point
            else:
                try:
                    bins.append((str(data[0]), np.datetime64(str(data[1]), "D"), np.datetime64(str(data[2]), "D")))
                except ValueError:
                    continue
    mask = df[schema.EVENT_ID].isin(list(wanted)).fillna(False).to_numpy(dtype=bool).copy()
    if bins:
        best, _, _ = _dates(df)
        lanes = lanes_for(df, lane_by, keep=~np.isnat(best) & ~_is_range(df))
        positions = lanes.rows
        lane_of = np.array(lanes.labels, dtype=object)[lanes.codes]
        for lane, first, last in bins:
            hit = (lane_of == lane) & (best[positions] >= first) & (best[positions] <= last)
            mask[positions[hit]] = True
    if areas and schema.LOCATION in df:
        mask |= df[schema.LOCATION].isin(areas).fillna(False).to_numpy(dtype=bool)
    if places:
        lon = df[schema.LONGITUDE].to_numpy(dtype=float, na_value=np.nan)
        lat = df[schema.LATITUDE].to_numpy(dtype=float, na_value=np.nan)
        for x, y, decimals in places:
            if decimals is None:
                mask |= np.isclose(lon, x, atol=1e-6) & np.isclose(lat, y, atol=1e-6)
            else:  # a grid cell of the map: events whose rounded coordinates are the cell's
                mask |= np.isclose(np.round(lon, decimals), x, atol=1e-9) & np.isclose(np.round(lat, decimals), y, atol=1e-9)
    return df.loc[mask, schema.EVENT_ID].astype(str).tolist()


# --- counts per period -----------------------------------------------------------------------

@dataclass(frozen=True)
class CountsSplit:
    """Which events a per-period count takes (`mask`), which it leaves out, and why."""

    mask: np.ndarray
    ranges: int
    range_fatalities: int
    vague: int  # month/unknown-precision events left out of day and week counts
    undated: int


def split_for_counts(df: pd.DataFrame, freq: str) -> CountsSplit:
    """The events that belong in a per-`freq` count: dated, not multi-day tolls; for D/W also not month-vague."""
    if freq not in ("D", "W", "M"):
        raise ValueError(f"freq must be D, W or M, not {freq!r}")
    best, _, _ = _dates(df)
    dated = ~np.isnat(best)
    is_range = _is_range(df) & dated
    vague = np.zeros(len(df), dtype=bool)
    if freq != "M":
        # A month-dated event would pile up on the 1st; it is only counted per month.
        precision = df[schema.DATE_PRECISION]
        vague = dated & ~is_range & precision.isin([schema.PRECISION_MONTH, schema.PRECISION_UNKNOWN]).fillna(False).to_numpy(dtype=bool)
    killed = df[schema.FATALITIES].fillna(0).to_numpy(dtype="int64")[is_range].sum()
    return CountsSplit(
        mask=dated & ~is_range & ~vague,
        ranges=int(is_range.sum()),
        range_fatalities=int(killed),
        vague=int(vague.sum()),
        undated=int((~dated).sum()),
    )


def aggregate_counts(df: pd.DataFrame, freq: str = "W", measure: str = "events") -> pd.DataFrame:
    """Events (or fatalities, lowest figure) per period and event type, multi-day tolls left out.

    Returns a frame with columns `period` (first day of the period, datetime64), schema.EVENT_TYPE
    and `measure`, one row per non-empty (period, type), sorted by period then schema type order.
    """
    if measure not in MEASURES:
        raise ValueError(f"measure must be events or fatalities, not {measure!r}")
    return _aggregate(df, freq, measure, split_for_counts(df, freq).mask)


def _aggregate(df: pd.DataFrame, freq: str, measure: str, mask: np.ndarray) -> pd.DataFrame:
    best, _, _ = _dates(df)
    type_codes, type_names = pd.factorize(df[schema.EVENT_TYPE].fillna(style.OTHER_TYPE))
    values = (
        np.ones(int(mask.sum()), dtype="int64") if measure == "events"
        else df[schema.FATALITIES].fillna(0).to_numpy(dtype="int64")[mask]
    )
    # Dense (period, type) cells counted with bincount: no groupby at all (pd.Grouper is 10-20x
    # slower than a plain groupby, which is itself several times slower than this on 1M rows).
    codes, firsts = _periods(best[mask], freq)
    n_types = max(len(type_names), 1)
    cells = codes * n_types + type_codes[mask]
    size = len(firsts) * n_types
    present = np.flatnonzero(np.bincount(cells, minlength=size) > 0)
    sums = np.rint(np.bincount(cells, weights=values, minlength=size)[present]).astype("int64")
    period, kind = present // n_types, present % n_types
    names = np.array([str(t) for t in type_names], dtype=object)
    order = {t: i for i, t in enumerate(style.type_order(list(names)))}
    rank = np.array([order[t] for t in names], dtype=np.intp)[kind] if len(names) else kind
    sort = np.lexsort((rank, period))  # by period, then schema type order
    return pd.DataFrame({
        PERIOD: firsts[period[sort]].astype("datetime64[ns]"),
        schema.EVENT_TYPE: pd.array(names[kind[sort]] if len(names) else np.array([], dtype=object), dtype="string"),
        measure: sums[sort],
    })


def _counts_range(periods: pd.Series, freq: str) -> list[str] | None:
    """x range covering whole bars (autorange ignores the bars' offset and width)."""
    if periods.empty:
        return None
    first = periods.min().to_datetime64().astype("datetime64[D]")
    last = _period_end(np.array([periods.max().to_datetime64().astype("datetime64[D]")]), freq)[0] + 1
    return [str(first), str(last)]


def _counts_margin(table: pd.DataFrame, measure: str) -> int:
    """Left margin for the counts chart: its largest tick label (the stacked peak, rounded up) and the title."""
    peak = int(table.groupby(PERIOD)[measure].sum().max()) if len(table) else 0
    widest = style.text_width(f"{max(peak, 1) * 1.2:,.0f}")  # ticks go a little past the peak, with separators
    return int(widest + 8 + 14 + style.TICK_SIZE + 6)  # tick gap, standoff, title height, edge


def counts_figure(df: pd.DataFrame, freq: str = "W", measure: str = "events") -> go.Figure:
    """Stacked bars per day/week/month by event type; what is left out is said in the title."""
    if measure not in MEASURES:
        raise ValueError(f"measure must be events or fatalities, not {measure!r}")
    split = split_for_counts(df, freq)
    table = _aggregate(df, freq, measure, split.mask)
    table = table[table[measure] > 0]  # a type with no deaths in a period adds nothing to see
    word = FREQ_WORDS[freq]
    fig = go.Figure()
    for event_type in style.type_order(table[schema.EVENT_TYPE].unique().tolist()):
        sub = table[table[schema.EVENT_TYPE] == event_type]
        first = sub[PERIOD].to_numpy().astype("datetime64[D]")
        iso = _iso(first)
        # Each bar covers its own period (months differ in length): offset and width in ms.
        period_ms = (_period_end(first, freq) + 1 - first).astype("int64") * 86_400_000
        label = style.escape(event_type)
        fig.add_trace(go.Bar(
            x=iso, y=sub[measure].to_numpy(), name=label, marker={"color": style.type_colour(event_type), "line": {"width": 0}},
            offset=period_ms * 0.05, width=period_ms * 0.9,
            customdata=iso,
            hovertemplate=f"{word.capitalize()} of %{{customdata}} · {label} · %{{y:,}} {measure}<extra></extra>",
            meta={"kind": "counts", "event_type": event_type},
        ))
    what = "Events" if measure == "events" else "Fatalities (lowest reported figure)"
    notes = []
    if split.ranges:
        notes.append(
            f"excluding {style.plural(split.ranges, 'multi-day toll')}"
            + (f" ({split.range_fatalities:,} killed)" if split.range_fatalities else "")
        )
    if split.vague:
        notes.append(f"{style.plural(split.vague, 'event')} dated only to the month counted per month only")
    if split.undated:
        notes.append(f"{style.plural(split.undated, 'undated event')} not counted")
    fig.update_layout(
        title=style.title(f"{what} per {word} by type", notes),
        font={"family": style.FONT},
        barmode="stack",
        plot_bgcolor="white",
        height=420,
        # The widest count drawn and the axis title side by side, never over each other.
        margin={"l": _counts_margin(table, measure), "r": 20, "t": style.TOP_MARGIN, "b": 40},
        legend={**style.LEGEND_ABOVE, "traceorder": "normal"},
        xaxis={"type": "date", "title": None, "range": _counts_range(table[PERIOD], freq)},
        yaxis={"title": {"text": measure, "standoff": 8}, "gridcolor": "#EEEEEE", "rangemode": "tozero",
               "automargin": True},
        uirevision="counts",
    )
    return fig
