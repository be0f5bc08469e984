"""The events map, drawn with no tile server and no network (no streamlit here).

Plotly's scatter_map/scatter_geo fetch their base map in the browser and show nothing offline, so
the map is a plain cartesian plot: longitude on x, latitude on y, the y axis scaled by
1/cos(latitude) (`scaleanchor`) so distances look right, and the country outlines shipped in
`dashboard/assets/outlines.geojson` (Natural Earth, see its README) drawn as filled line traces.

- Precisely located events are grouped by place: one marker per place, its area growing with the
  number of events there (a place with hundreds of events is one large marker, not a pile of dots),
  colour of its most frequent type. A place with one event carries that event's id as customdata
  (a click opens it); a place with several carries ["place", lon, lat]; when the places are too
  many (`max_points`), one marker per grid cell, customdata ["cell", lon, lat, decimals].
- Area-level events (geo_precision 3, or a location that is an admin area such as "Gaza Strip"):
  their position is only the area's centre, so an area with an outline (Gaza Strip, West Bank,
  Israel) is shaded by its number of events, with the count at its label point (customdata
  ["area", lon, lat, name]: every event of that area); an area without one (East Jerusalem) is a
  large translucent circle.
- Labels: the largest cities (from the gazetteer, spaced apart) for orientation, and the names of
  the places with the most events drawn.
- The title counts only what is drawn ("22 of 33 events on the map"); the subtitle says what is not.
`charts.ids_from_selection` turns any of these customdata shapes back into event ids.
"""
from __future__ import annotations

import functools
import json
import logging
import math
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import style
from data_prep import schema, settings

LOGGER = logging.getLogger(__name__)

OUTLINES_FILE = Path(__file__).resolve().parent / "assets" / "outlines.geojson"
REGION = (33.5, 29.0, 36.5, 34.0)  # west, south, east, north: the widest view
DEFAULT_VIEW = (34.0, 29.4, 35.95, 33.4)  # Israel, the West Bank and Gaza
MIN_SPAN = 0.35  # degrees: never zoom in further than this when fitting to the events
AREA_LEVEL_PRECISION = 3
SEA = "#DCEAF4"
LAND = "#F4F2EE"
FOCUS_LAND = "#FFFFFF"  # Israel, the West Bank and Gaza stand out from their neighbours
BORDER = "#8E8E8E"
AREA_COLOUR = "#4B5B6B"
FOCUS = {"Israel", "West Bank", "Gaza Strip"}
LABELS = {  # map labels: name -> (lon, lat); seas and countries at fixed, readable spots
    "Mediterranean Sea": (34.15, 32.55),
    "Egypt": (33.85, 30.2),
    "Jordan": (36.05, 31.0),
    "Lebanon": (35.65, 33.72),
    "Syria": (36.2, 33.3),
    "Israel": (34.83, 30.9),
    "West Bank": (35.32, 32.05),
    "Gaza Strip": (34.12, 31.38),
}


# The columns map_figure reads: the page hands it only these (filters.Filtered.frame).
MAP_COLUMNS: tuple[str, ...] = tuple(dict.fromkeys((
    schema.EVENT_ID, schema.LONGITUDE, schema.LATITUDE, schema.GEO_PRECISION, schema.LOCATION, schema.ADMIN1,
    schema.EVENT_TYPE, schema.FATALITIES, *style.LABEL_COLUMNS,
)))


@functools.lru_cache(maxsize=1)
def load_outlines(path: Path = OUTLINES_FILE) -> dict[str, Any]:
    """The shipped GeoJSON FeatureCollection (read once per process)."""
    return json.loads(path.read_text(encoding="utf-8"))


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


@functools.lru_cache(maxsize=1)
def _outline_xy() -> tuple[tuple[str, np.ndarray, np.ndarray], ...]:
    """(name, lon, lat) per feature, rings separated by NaN; numpy arrays keep Plotly's validation cheap."""
    out = []
    for feature in load_outlines()["features"]:
        xs: list[float] = []
        ys: list[float] = []
        for ring in _rings(feature["geometry"]):
            if xs:
                xs.append(np.nan)
                ys.append(np.nan)
            xs.extend(p[0] for p in ring)
            ys.extend(p[1] for p in ring)
        x, y = np.array(xs), np.array(ys)
        x.flags.writeable = y.flags.writeable = False  # shared by every figure of the process
        out.append((feature["properties"]["name"], x, y))
    return tuple(out)


def outline_traces(shade: dict[str, float] | None = None) -> list[go.Scatter]:
    """One filled trace per outline feature; `shade` gives an area name an extra tint (0-1)."""
    traces = []
    for name, xs, ys in _outline_xy():
        fill = FOCUS_LAND if name in FOCUS else LAND
        if shade and name in shade:
            # An opaque blend of land and the area colour: the sea must not show through.
            alpha = 0.05 + 0.1 * shade[name]
            r, g, b = (round(255 * (1 - alpha) + c * alpha) for c in (75, 91, 107))
            fill = f"rgb({r}, {g}, {b})"
        traces.append(go.Scatter(
            x=xs, y=ys, mode="lines", fill="toself", fillcolor=fill,
            line={"color": BORDER, "width": 1.2 if name in FOCUS else 0.8},
            hoverinfo="skip", showlegend=False, name=name, meta={"kind": "outline", "name": name},
        ))
    return traces


@dataclass(frozen=True)
class MapParts:
    """Which events the map can place, and how (boolean masks over the frame's rows)."""

    precise: np.ndarray
    area_level: np.ndarray
    unlocated: int


def split_located(df: pd.DataFrame) -> MapParts:
    """Precisely located events, area-level ones (geo_precision 3 or an admin area as place), and the unlocated count."""
    lon, lat = _lon_lat(df)
    located = np.isfinite(lon) & np.isfinite(lat)
    coarse = (df[schema.GEO_PRECISION] >= AREA_LEVEL_PRECISION).fillna(False).to_numpy(dtype=bool)
    location = df[schema.LOCATION]
    is_area = (
        location.isin(schema.ADMIN_AREAS).fillna(False).to_numpy(dtype=bool)
        | (location == df[schema.ADMIN1]).fillna(False).to_numpy(dtype=bool)
    )
    area_level = located & (coarse | is_area)
    return MapParts(precise=located & ~area_level, area_level=area_level, unlocated=int((~located).sum()))


def _lon_lat(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    return (
        df[schema.LONGITUDE].to_numpy(dtype=float, na_value=np.nan),
        df[schema.LATITUDE].to_numpy(dtype=float, na_value=np.nan),
    )


@dataclass(frozen=True)
class _Groups:
    """Events grouped by coordinates: per group its position, name, counts and toll."""

    lon: np.ndarray
    lat: np.ndarray
    name: list[str]
    events: np.ndarray
    killed: np.ndarray
    top_type: list[str]
    detail: list[str]  # "Battles 12, Protests 3"
    codes: np.ndarray  # the group of each event under the mask, in row order
    rows: np.ndarray  # the first row (position in the frame) of each group


def _group_by_place(df: pd.DataFrame, mask: np.ndarray, decimals: int | None = None) -> _Groups:
    """Group the events under `mask` by exact coordinates (or rounded to `decimals`), without copying df."""
    lon, lat = _lon_lat(df)
    lon, lat = lon[mask], lat[mask]
    if decimals is not None:
        lon, lat = np.round(lon, decimals), np.round(lat, decimals)
    key = np.round(lon * 1e5).astype(np.int64) * 10**8 + np.round(lat * 1e5).astype(np.int64)
    codes, uniques = pd.factorize(key)
    n = len(uniques)
    all_types, type_names = pd.factorize(df[schema.EVENT_TYPE].fillna(style.OTHER_TYPE))
    type_codes = all_types[mask]
    t = max(len(type_names), 1)
    per_type = np.bincount(codes * t + type_codes, minlength=n * t).reshape(n, t)
    events = per_type.sum(axis=1)
    killed_all = df[schema.FATALITIES].fillna(0).to_numpy(dtype="int64")
    killed = np.bincount(codes, weights=killed_all[mask], minlength=n)
    first_row = np.full(n, -1)
    first_row[codes[::-1]] = np.arange(len(codes))[::-1]  # the first event of each group names it
    rows = np.flatnonzero(mask)[first_row]
    names = df[schema.LOCATION].iloc[rows].fillna(style.UNKNOWN).to_numpy(dtype=object)
    type_list = [str(x) for x in type_names]
    detail = []
    for row in per_type:
        order = np.argsort(-row, kind="stable")
        detail.append(", ".join(f"{type_list[i]} {row[i]:,}" for i in order[:4] if row[i] > 0))
    return _Groups(
        lon=lon[first_row], lat=lat[first_row], name=[str(x) for x in names], events=events,
        killed=killed.astype(np.int64), top_type=[type_list[i] for i in per_type.argmax(axis=1)], detail=detail,
        codes=codes, rows=rows,
    )


def _customdata(kind: str, lon: np.ndarray, lat: np.ndarray, *more: np.ndarray) -> np.ndarray:
    """[[kind, lon, lat, ...], ...] as one object array (Plotly validates arrays far faster than lists)."""
    columns = [np.full(len(lon), kind, dtype=object), lon.astype(object), lat.astype(object), *more]
    return np.column_stack(columns) if len(lon) else np.empty((0, len(columns)), dtype=object)


MIN_PLACE_MARKER = 8.0
MAX_PLACE_MARKER = 46.0
MAX_PLACE_LABELS = 12  # names written next to the places with the most events


def _grouped(df: pd.DataFrame, mask: np.ndarray, max_points: int) -> tuple[_Groups, int | None]:
    """The events under `mask` by place, or by grid cell (decimals returned) when the places are too many."""
    groups = _group_by_place(df, mask)
    cell: int | None = None
    for decimals in (2, 1):  # ~1 km, then ~10 km cells when there are too many places
        if len(groups.events) <= max_points:
            break
        groups, cell = _group_by_place(df, mask, decimals), decimals
    return groups, cell


PLACE_SCALE_FLOOR = 25  # a place with this many events is the largest marker when no place has more


def _place_sizes(events: np.ndarray) -> np.ndarray:
    """Marker diameters: a lone event is small, the busiest place the largest; the area grows with the count.

    Relative to the busiest place (at least PLACE_SCALE_FLOOR events), so three events are not drawn
    as large as three hundred elsewhere on another view.
    """
    events = np.asarray(events, dtype=float)
    top = max(float(events.max()) if len(events) else 1.0, PLACE_SCALE_FLOOR)
    share = np.sqrt(np.maximum(events - 1, 0) / (top - 1))
    return np.clip(MIN_PLACE_MARKER + (MAX_PLACE_MARKER - MIN_PLACE_MARKER) * share, MIN_PLACE_MARKER, MAX_PLACE_MARKER)


def _place_customdata(df: pd.DataFrame, groups: _Groups, cell: int | None) -> np.ndarray:
    """Per place: the event id of a lone event, else ["place", lon, lat] (or ["cell", lon, lat, decimals])."""
    n = len(groups.events)
    if cell is None:
        where = _customdata("place", groups.lon, groups.lat)
    else:
        where = _customdata("cell", groups.lon, groups.lat, np.full(n, cell, dtype=object))
    customdata = np.empty(n, dtype=object)
    for i in range(n):  # a list per point (places are at most max_points)
        customdata[i] = list(where[i])
    single = (groups.events == 1) if cell is None else np.zeros(n, dtype=bool)
    if single.any():
        customdata[single] = df[schema.EVENT_ID].iloc[groups.rows[single]].astype(object).to_numpy()
    return customdata


def _place_traces(df: pd.DataFrame, groups: _Groups, cell: int | None, sizes: np.ndarray) -> list[go.Scatter]:
    """One marker per place (or cell), one trace per most frequent type; a lone event keeps its id."""
    n = len(groups.events)
    single = (groups.events == 1) if cell is None else np.zeros(n, dtype=bool)
    near = "" if cell is None else "around "
    hover = np.array([
        style.escape(f"{near}{name} · {style.plural(int(k), 'event')} ({detail}) · {int(dead):,} killed")
        for name, k, detail, dead in zip(groups.name, groups.events, groups.detail, groups.killed)
    ], dtype=object)
    customdata = _place_customdata(df, groups, cell)
    if single.any():
        hover[single] = style.event_labels(df.iloc[groups.rows[single]])
    top = np.array(groups.top_type, dtype=object)
    traces = []
    for event_type in style.type_order(list(set(groups.top_type))):
        pick = top == event_type
        traces.append(go.Scatter(
            x=groups.lon[pick], y=groups.lat[pick], hovertext=hover[pick], hoverinfo="text", mode="markers",
            customdata=customdata[pick], name=style.escape(event_type), legendgroup=event_type,
            marker={"color": style.type_colour(event_type), "size": sizes[pick], "opacity": 0.78,
                    "line": {"width": 0.8, "color": "white"}, "sizemode": "diameter"},
            meta={"kind": "places", "event_type": event_type},
        ))
    return traces


def _selected_ring(df: pd.DataFrame, mask: np.ndarray, groups: _Groups, sizes: np.ndarray, customdata: np.ndarray,
                   selected: set[str]) -> go.Scatter | None:
    """A ring around the markers of the selected events, as large as their place's marker."""
    ids = df[schema.EVENT_ID].array.take(np.flatnonzero(mask))
    chosen = pd.Series(ids).isin(list(selected)).fillna(False).to_numpy(dtype=bool)
    if not chosen.any():
        return None
    codes = np.unique(groups.codes[chosen])
    return go.Scatter(
        x=groups.lon[codes], y=groups.lat[codes], mode="markers", name="Selected", hoverinfo="skip",
        customdata=customdata[codes],
        marker={"symbol": "circle-open", "size": sizes[codes] + 8, "color": style.SELECTED_COLOUR, "line": {"width": 2.5}},
        meta={"kind": "selected"},
    )


def _area_label_points() -> dict[str, tuple[float, float]]:
    """The label point of each outline (where an area's count is written)."""
    return {f["properties"]["name"]: (float(f["properties"]["label_lon"]), float(f["properties"]["label_lat"]))
            for f in load_outlines()["features"] if "label_lon" in f["properties"]}


def _area_traces(df: pd.DataFrame, mask: np.ndarray) -> tuple[list[go.Scatter], dict[str, float]]:
    """Area-level events by area: the count on the shaded outline, or a circle where there is no outline.

    Returns the traces and the shade (0-1, by events) of each outlined area.
    """
    if not mask.any():
        return [], {}
    rows = np.flatnonzero(mask)
    part = df.iloc[rows]  # only the area-level events: a tenth of the rows or fewer
    names = part[schema.LOCATION].fillna(part[schema.ADMIN1]).fillna(style.UNKNOWN).to_numpy(dtype=object)
    by_name = pd.Series(np.arange(len(rows))).groupby(names, sort=True)  # areas are few
    lon, lat = (values[rows] for values in _lon_lat(df))
    killed = part[schema.FATALITIES].fillna(0).to_numpy(dtype="int64")
    types = part[schema.EVENT_TYPE].fillna(style.OTHER_TYPE).to_numpy(dtype=object)
    label_at = _area_label_points()
    outlined = {name for name, _x, _y in _outline_xy()}
    largest = max(len(v) for v in by_name.groups.values())
    shade: dict[str, float] = {}
    shaded: list[tuple[float, float, str, int, str, list[Any]]] = []
    circles: list[tuple[float, float, str, int, str, list[Any]]] = []
    for name, group in by_name:
        positions = group.to_numpy()
        counts = pd.Series(types[positions]).value_counts()
        detail = ", ".join(f"{t} {int(k):,}" for t, k in counts.head(4).items())
        n = len(positions)
        hover = style.escape(f"{name} (whole area, no precise place) · {style.plural(n, 'event')} ({detail}) · "
                             f"{int(killed[positions].sum()):,} killed")
        data = ["area", float(lon[positions[0]]), float(lat[positions[0]]), str(name)]
        if name in outlined and name in label_at:
            shade[str(name)] = n / largest
            x, y = label_at[str(name)]
            shaded.append((x, y, hover, n, str(name), data))
        else:
            circles.append((float(lon[positions[0]]), float(lat[positions[0]]), hover, n, str(name), data))
    traces = []
    for kind, items in (("area_counts", shaded), ("areas", circles)):
        if not items:
            continue
        counts = np.array([i[3] for i in items])
        circle = kind == "areas"
        traces.append(go.Scatter(
            x=[i[0] for i in items], y=[i[1] for i in items], hovertext=[i[2] for i in items], hoverinfo="text",
            mode="markers+text", text=[f"{i[3]:,}" for i in items],
            textfont={"color": AREA_COLOUR, "size": 12 if not circle else 11},
            customdata=[i[5] for i in items],
            name="Events located only to an area" if not circle else "Area-level events (place not precise)",
            legendgroup="areas", showlegend=True,
            marker=({"size": 46 + 40 * np.sqrt(counts / largest), "color": "rgba(75, 91, 107, 0.14)",
                     "line": {"color": "rgba(75, 91, 107, 0.7)", "width": 1.5}} if circle else
                    {"size": 30, "symbol": "square", "color": "rgba(255, 255, 255, 0.85)",
                     "line": {"color": "rgba(75, 91, 107, 0.8)", "width": 1.2}}),
            meta={"kind": kind},
        ))
    return traces, shade


@functools.lru_cache(maxsize=1)
def reference_places(limit: int = 14, spacing: float = 0.16) -> tuple[tuple[str, float, float], ...]:
    """The largest cities of Israel and Palestine, spaced at least `spacing` degrees apart (for orientation).

    Read from the pipeline's gazetteer (knowledge is data): the same names the table uses.
    """
    rows = []
    for path in (settings.GAZETTEER_FILE, settings.GAZETTEER_SUPPLEMENT_FILE):
        if path.exists():
            rows.append(pd.read_csv(path, usecols=["name", "latitude", "longitude", "kind", "population", "country"]))
    if not rows:
        return ()
    table = pd.concat(rows, ignore_index=True)
    cities = table.loc[(table["kind"] == "city") & table["country"].isin(["Israel", "Palestine"])]
    cities = cities.sort_values("population", ascending=False, kind="stable")
    chosen: list[tuple[str, float, float]] = []
    for name, lat, lon in zip(cities["name"], cities["latitude"], cities["longitude"]):
        if all(math.hypot(lon - x, lat - y) >= spacing for _n, x, y in chosen):
            chosen.append((str(name), float(lon), float(lat)))
        if len(chosen) >= limit:
            break
    return tuple(chosen)


def _label_annotations(groups: _Groups | None, cell: int | None, x_range: list[float],
                       y_range: list[float]) -> list[dict[str, Any]]:
    """Names of the busiest places drawn (next to their marker) and of reference cities (grey, italic)."""
    out: list[dict[str, Any]] = []
    named: list[tuple[float, float]] = []
    if groups is not None and cell is None and len(groups.events):
        order = np.argsort(-groups.events, kind="stable")[:MAX_PLACE_LABELS]
        for i in order:
            out.append({"x": float(groups.lon[i]), "y": float(groups.lat[i]), "text": style.escape(groups.name[i]),
                        "showarrow": False, "xanchor": "left", "xshift": 8, "yshift": 8,
                        "font": {"size": 11, "color": "#303030"}, "name": "place_label"})
            named.append((float(groups.lon[i]), float(groups.lat[i])))
    for name, x, y in reference_places():
        inside = x_range[0] <= x <= x_range[1] and y_range[0] <= y <= y_range[1]
        if inside and all(math.hypot(x - a, y - b) > 0.06 for a, b in named):
            out.append({"x": x, "y": y, "text": f"<i>{style.escape(name)}</i>", "showarrow": False,
                        "font": {"size": 10, "color": "#8A8A8A"}, "name": "city_label"})
    return out


def _view(df: pd.DataFrame, parts: MapParts) -> tuple[list[float], list[float]]:
    """x and y ranges: the events' extent with a margin, at least MIN_SPAN wide, inside REGION."""
    lon, lat = _lon_lat(df)
    shown = parts.precise | parts.area_level
    lon, lat = lon[shown], lat[shown]
    inside = (lon >= REGION[0]) & (lon <= REGION[2]) & (lat >= REGION[1]) & (lat <= REGION[3])
    if not inside.any():
        west, south, east, north = DEFAULT_VIEW
    else:
        west, east = float(lon[inside].min()), float(lon[inside].max())
        south, north = float(lat[inside].min()), float(lat[inside].max())
        # Generous margins: area circles and large markers are tens of pixels wide.
        pad_x = max((east - west) * 0.15, (MIN_SPAN - (east - west)) / 2, 0.1)
        pad_y = max((north - south) * 0.15, (MIN_SPAN - (north - south)) / 2, 0.1)
        west, east = max(west - pad_x, REGION[0]), min(east + pad_x, REGION[2])
        south, north = max(south - pad_y, REGION[1]), min(north + pad_y, REGION[3])
    return [west, east], [south, north]


def _outside_region(df: pd.DataFrame, parts: MapParts) -> int:
    """Located events outside REGION (Lebanon's south is inside; Beirut's suburbs, Yemen or Iran are not)."""
    lon, lat = _lon_lat(df)
    shown = parts.precise | parts.area_level
    inside = (lon >= REGION[0]) & (lon <= REGION[2]) & (lat >= REGION[1]) & (lat <= REGION[3])
    return int((shown & ~inside).sum())


def map_figure(df: pd.DataFrame, selected: Collection[str] = (), max_points: int = 5000,
               total: int | None = None, narrowed: str | None = None) -> go.Figure:
    """Events on shipped country outlines; works offline.

    Args:
        df: the events to draw (the filtered view, or the part of it brushed on the timeline).
        selected: event ids to ring.
        max_points: above this many places, one marker per grid cell.
        total: the events of the view when `df` is only part of them (the title says "5 of 33").
        narrowed: what narrowed `df` to a part of the view, in words (a subtitle note).
    Returns:
        A figure whose traces carry `meta={"kind": ...}`: "outline", "area_counts", "areas",
        "places", "selected".
    """
    sel = set(selected)
    parts = split_located(df)
    n_precise, n_area = int(parts.precise.sum()), int(parts.area_level.sum())
    areas, shade = _area_traces(df, parts.area_level)
    fig = go.Figure(outline_traces(shade))
    annotations: list[dict[str, Any]] = [
        {"x": x, "y": y, "text": name, "showarrow": False,
         "font": {"size": 12 if name in FOCUS else 11, "color": "#6A7F90" if "Sea" in name else "#7A7A7A"}}
        for name, (x, y) in LABELS.items()
    ]
    fig.add_traces(areas)
    groups: _Groups | None = None
    cell: int | None = None
    if n_precise:
        groups, cell = _grouped(df, parts.precise, max_points)
        sizes = _place_sizes(groups.events)
        fig.add_traces(_place_traces(df, groups, cell, sizes))
        if sel:
            ring = _selected_ring(df, parts.precise, groups, sizes, _place_customdata(df, groups, cell), sel)
            if ring is not None:
                fig.add_trace(ring)
    x_range, y_range = _view(df, parts)
    # One layout update: add_annotation validates the whole list again each time (quadratic).
    fig.update_layout(annotations=annotations + _label_annotations(groups, cell, x_range, y_range))
    mid_lat = (y_range[0] + y_range[1]) / 2
    drawn = n_precise + n_area
    whole = len(df) if total is None else total
    notes = []
    if narrowed:
        notes.append(narrowed)
    if groups is not None and cell is not None:
        notes.append(f"{n_precise:,} events shown as one marker per {'~1 km' if cell == 2 else '~10 km'} cell")
    if n_area:
        notes.append(f"{style.plural(n_area, 'event')} located only to an area, counted on it")
    if parts.unlocated:
        notes.append(f"{parts.unlocated:,} without coordinates")
    if total is not None and total > len(df):
        notes.append(f"{total - len(df):,} outside the {'brush' if narrowed else 'selection'}")
    outside = _outside_region(df, parts)
    if outside:
        notes.append(f"{style.plural(outside, 'event')} beyond Israel and Palestine (zoom out)")
    title = (f"{drawn:,} of {style.plural(whole, 'event')} on the map" if drawn != whole
             else f"{style.plural(drawn, 'event')} on the map")
    lines = style.wrap_notes(notes)
    fig.update_layout(
        title=style.title(title, ["<br>".join(lines)] if lines else None),
        font={"family": style.FONT},
        height=680,
        margin={"l": 10, "r": 10, "t": 60 + 16 * max(len(lines), 1), "b": 10},
        plot_bgcolor=SEA,
        showlegend=True,
        # Under the map, not beside it: beside a narrow map the legend would take half of it.
        legend={"orientation": "h", "yanchor": "top", "y": -0.01, "x": 0, "xanchor": "left", "title": None,
                "itemsizing": "constant"},
        hovermode="closest",
        uirevision="map",
        xaxis={"range": x_range, "showgrid": False, "zeroline": False, "showticklabels": False,
               "title": None},
        yaxis={"range": y_range, "showgrid": False, "zeroline": False, "showticklabels": False,
               # one degree of latitude is 1/cos(lat) times longer on screen than one of longitude
               "scaleanchor": "x", "scaleratio": 1 / math.cos(math.radians(mid_lat)),
               "title": None},
    )
    return fig
