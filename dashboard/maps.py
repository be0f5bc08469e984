"""The events map, drawn with no tile server and no network (no streamlit here).

Plotly's scatter_map/scatter_geo fetch their base map in the browser and show nothing offline, so
the map is a plain cartesian plot: longitude on x, latitude on y, the y axis scaled by
1/cos(latitude) (`scaleanchor`) so distances look right, and the country outlines shipped in
`dashboard/assets/outlines.geojson` (Natural Earth, see its README) drawn as filled line traces.

- Precisely located events: one marker each, colour by event type, size by fatalities,
  customdata = event_id (string). Above `max_points` events: one marker per place (colour of its
  most frequent type, size by count), customdata ["place", lon, lat]; when even the places are
  too many, one per grid cell, customdata ["cell", lon, lat, decimals] (coordinates rounded).
- Area-level events (geo_precision 3, or a location that is an admin area such as "Gaza Strip"):
  their position is only the area's centre, so they are drawn as large translucent circles, one
  per area, customdata ["area", lon, lat, name]; an area with an outline is also shaded.
- Events without coordinates are counted in a note under the map.
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
from data_prep import schema

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


def _event_marker_traces(df: pd.DataFrame, selected: set[str]) -> list[go.Scatter]:
    lon, lat = _lon_lat(df)
    ids = df[schema.EVENT_ID].astype(object).to_numpy()
    types = df[schema.EVENT_TYPE].fillna(style.OTHER_TYPE).to_numpy(dtype=object)
    labels = np.array(style.event_labels(df), dtype=object)
    sizes = style.size_by_fatalities(df[schema.FATALITIES])
    traces = []
    for event_type in style.type_order(list(set(types))):
        pick = types == event_type
        colour = style.type_colour(event_type)
        traces.append(go.Scatter(
            x=lon[pick], y=lat[pick], customdata=ids[pick], hovertext=labels[pick], hoverinfo="text",
            mode="markers", name=style.escape(event_type), legendgroup=event_type,
            marker={
                "color": colour, "size": sizes[pick], "opacity": 0.35 if selected else 0.75,
                "line": {"width": 0.8, "color": "white"},
            },
            meta={"kind": "events", "event_type": event_type},
        ))
    if selected:
        pick = np.isin(ids, list(selected))
        if pick.any():
            traces.append(go.Scatter(
                x=lon[pick], y=lat[pick], customdata=ids[pick], mode="markers", name="Selected",
                hoverinfo="skip",
                marker={"symbol": "circle-open", "size": sizes[pick] + 8, "color": style.SELECTED_COLOUR, "line": {"width": 2.5}},
                meta={"kind": "selected"},
            ))
    return traces


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
    )


def _customdata(kind: str, lon: np.ndarray, lat: np.ndarray, *more: np.ndarray) -> np.ndarray:
    """[[kind, lon, lat, ...], ...] as one object array (Plotly validates arrays far faster than lists)."""
    columns = [np.full(len(lon), kind, dtype=object), lon.astype(object), lat.astype(object), *more]
    return np.column_stack(columns) if len(lon) else np.empty((0, len(columns)), dtype=object)


def _place_traces(df: pd.DataFrame, mask: np.ndarray, max_points: int) -> list[go.Scatter]:
    groups = _group_by_place(df, mask)
    cell: int | None = None
    for decimals in (2, 1):  # ~1 km, then ~10 km cells when there are too many places
        if len(groups.events) <= max_points:
            break
        groups, cell = _group_by_place(df, mask, decimals), decimals
    sizes = style.size_by_count(groups.events)
    near = "" if cell is None else "around "
    hover = np.array([
        style.escape(f"{near}{name} · {style.plural(int(n), 'event')} ({detail}) · {k:,} killed")
        for name, n, detail, k in zip(groups.name, groups.events, groups.detail, groups.killed)
    ], dtype=object)
    top = np.array(groups.top_type, dtype=object)
    traces = []
    for event_type in style.type_order(list(set(groups.top_type))):
        pick = top == event_type
        traces.append(go.Scatter(
            x=groups.lon[pick], y=groups.lat[pick], hovertext=hover[pick], hoverinfo="text", mode="markers",
            customdata=(
                _customdata("place", groups.lon[pick], groups.lat[pick]) if cell is None
                else _customdata("cell", groups.lon[pick], groups.lat[pick], np.full(int(pick.sum()), cell, dtype=object))
            ),
            name=f"mostly {style.escape(event_type)}", legendgroup=event_type,
            marker={"color": style.type_colour(event_type), "size": sizes[pick], "opacity": 0.75,
                    "line": {"width": 0.8, "color": "white"}},
            meta={"kind": "places", "event_type": event_type},
        ))
    return traces


def _area_trace(df: pd.DataFrame, mask: np.ndarray) -> go.Scatter | None:
    if not mask.any():
        return None
    groups = _group_by_place(df, mask)
    hover = np.array([
        style.escape(f"{name} (whole area, no precise place) · {style.plural(int(n), 'event')} ({detail}) · {k:,} killed")
        for name, n, detail, k in zip(groups.name, groups.events, groups.detail, groups.killed)
    ], dtype=object)
    size = 46 + 40 * np.sqrt(groups.events / max(int(groups.events.max()), 1))
    return go.Scatter(
        x=groups.lon, y=groups.lat, hovertext=hover, hoverinfo="text", mode="markers+text",
        text=np.array([f"{n:,}" for n in groups.events], dtype=object), textfont={"color": AREA_COLOUR, "size": 11},
        customdata=_customdata("area", groups.lon, groups.lat, np.array(groups.name, dtype=object)),
        name="Area-level events (place not precise)",
        marker={
            "size": size, "color": "rgba(75, 91, 107, 0.14)",
            "line": {"color": "rgba(75, 91, 107, 0.7)", "width": 1.5},
        },
        meta={"kind": "areas"},
    )


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


def map_figure(df: pd.DataFrame, selected: Collection[str] = (), max_points: int = 5000) -> go.Figure:
    """Events on shipped country outlines; works offline.

    Args:
        df: filtered events.
        selected: event ids to ring (the others are dimmed).
        max_points: above this many precisely located events, one marker per place instead.
    Returns:
        A figure whose traces carry `meta={"kind": ...}`: "outline", "areas", "events", "places",
        "selected".
    """
    sel = set(selected)
    parts = split_located(df)
    n_precise, n_area = int(parts.precise.sum()), int(parts.area_level.sum())
    area_counts = df.loc[parts.area_level, schema.LOCATION].value_counts()
    largest = int(area_counts.max()) if len(area_counts) else 1
    shade = {str(name): int(n) / largest for name, n in area_counts.items()}
    fig = go.Figure(outline_traces(shade))
    for name, (x, y) in LABELS.items():
        fig.add_annotation(
            x=x, y=y, text=name, showarrow=False,
            font={"size": 12 if name in FOCUS else 11, "color": "#6A7F90" if "Sea" in name else "#7A7A7A"},
        )
    area = _area_trace(df, parts.area_level)
    if area is not None:
        fig.add_trace(area)
    if n_precise > max_points:
        for trace in _place_traces(df, parts.precise, max_points):
            fig.add_trace(trace)
        if sel:
            chosen = parts.precise & df[schema.EVENT_ID].isin(list(sel)).fillna(False).to_numpy(dtype=bool)
            if 0 < chosen.sum() <= max_points:
                fig.add_traces([t for t in _event_marker_traces(df.loc[chosen], sel) if t.meta["kind"] == "selected"])
    else:
        for trace in _event_marker_traces(df.loc[parts.precise], sel):
            fig.add_trace(trace)
    x_range, y_range = _view(df, parts)
    mid_lat = (y_range[0] + y_range[1]) / 2
    notes = []
    if n_precise > max_points:
        notes.append(f"{n_precise:,} events shown as one marker per place")
    if n_area:
        notes.append(f"{style.plural(n_area, 'area-level event')} drawn as circles on their area")
    if parts.unlocated:
        notes.append(f"{style.plural(parts.unlocated, 'event')} without coordinates not shown")
    outside = _outside_region(df, parts)
    if outside:
        notes.append(f"{style.plural(outside, 'event')} beyond Israel and Palestine (zoom out)")
    fig.update_layout(
        title=style.title(f"{style.plural(len(df), 'event')} on the map", notes),
        font={"family": style.FONT},
        height=680,
        margin={"l": 10, "r": 10, "t": 70, "b": 10},
        plot_bgcolor=SEA,
        showlegend=True,
        legend={"yanchor": "top", "y": 1, "x": 1.01, "xanchor": "left", "title": None, "itemsizing": "constant"},
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
