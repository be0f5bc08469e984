"""The offline map: shipped outlines, located points with their ids, area-level events drawn apart."""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from dashboard.charts import ids_from_selection
from dashboard.maps import OUTLINES_FILE, REGION, load_outlines, map_figure, split_located
from data_prep import schema
from tests.dashboard_fixture import load_events


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return load_events()


def _kind(fig, kind: str) -> list:
    return [t for t in fig.data if (t.meta or {}).get("kind") == kind]


def test_shipped_outlines_hold_israel_gaza_and_the_west_bank() -> None:
    collection = json.loads(OUTLINES_FILE.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    names = {f["properties"]["name"] for f in collection["features"]}
    assert {"Israel", "Gaza Strip", "West Bank", "Egypt", "Jordan", "Lebanon", "Syria"} <= names
    gaza = next(f for f in collection["features"] if f["properties"]["name"] == "Gaza Strip")
    ring = gaza["geometry"]["coordinates"][0]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    # The Strip is about 40 km long on the coast between Rafah (31.25 N) and Beit Hanoun (31.6 N).
    assert 34.15 < min(lons) < max(lons) < 34.6 and 31.2 < min(lats) < max(lats) < 31.65
    assert ring[0] == ring[-1]
    assert OUTLINES_FILE.stat().st_size < 200_000
    assert (OUTLINES_FILE.parent / "README.md").read_text(encoding="utf-8").count("Natural Earth") >= 1


def test_map_draws_the_outlines_first(events: pd.DataFrame) -> None:
    fig = map_figure(events)
    outlines = _kind(fig, "outline")
    assert {t.name for t in outlines} >= {"Israel", "Gaza Strip", "West Bank"}
    assert fig.data[: len(outlines)] == tuple(outlines)  # beneath the events
    assert all(t.fill == "toself" and t.hoverinfo == "skip" for t in outlines)


def test_no_tile_server_or_geo_trace(events: pd.DataFrame) -> None:
    fig = map_figure(events)
    assert {t.type for t in fig.data} == {"scatter"}
    assert "mapbox" not in fig.to_plotly_json()["layout"] and "map" not in fig.to_plotly_json()["layout"]


def _points(fig) -> dict[str, tuple[float, float]]:
    """customdata (an event id, or the list of a grouped marker, as a tuple) -> (x, y) of the place markers."""
    where = {}
    for t in _kind(fig, "places"):
        for c, x, y in zip(t.customdata, t.x, t.y):
            where[c if isinstance(c, str) else tuple(c)] = (x, y)
    return where


def test_points_are_located_with_their_ids(events: pd.DataFrame) -> None:
    where = _points(map_figure(events))
    # E6 is area-level (Gaza Strip), E10 has no coordinates, E8 is located (Nablus) though undated;
    # E4 and E7 share Gaza City: one marker for both.
    assert set(where) == {"E1", "E2", "E3", "E5", "E8", "E9", ("place", 34.4668, 31.5017)}
    assert where["E1"] == pytest.approx((35.2956, 32.4607))  # lon on x, lat on y
    assert sorted(ids_from_selection(events, [{"customdata": ["place", 34.4668, 31.5017]}])) == ["E4", "E7"]


def test_a_place_marker_grows_with_its_events(events: pd.DataFrame) -> None:
    many = events.loc[[0] * 300 + [1]].reset_index(drop=True)  # 300 events in Jenin, one in Neve Yaakov
    many[schema.EVENT_ID] = [f"J{i}" for i in range(301)]
    fig = map_figure(many)
    sizes = {tuple(c) if not isinstance(c, str) else c: s
             for t in _kind(fig, "places") for c, s in zip(t.customdata, t.marker.size)}
    assert sizes[("place", 35.2956, 32.4607)] == 46 and sizes["J300"] == 8
    assert [t.hovertext[0] for t in _kind(fig, "places") if t.name == "Battles"] == [
        "Jenin · 300 events (Battles 300) · 3,000 killed"]
    two = map_figure(events.loc[[3, 6, 0]])  # Gaza City twice, Jenin once
    sizes = [s for t in _kind(two, "places") for s in t.marker.size]
    assert 8 == min(sizes) < max(sizes) < 46  # two events are not drawn as large as three hundred


def test_area_level_events_shade_their_area_and_count_on_it(events: pd.DataFrame) -> None:
    fig = map_figure(events)
    assert not _kind(fig, "areas")  # no circle on an area that has an outline
    (counts,) = _kind(fig, "area_counts")
    assert [list(c) for c in counts.customdata] == [["area", 34.38, 31.4, "Gaza Strip"]]
    assert list(counts.text) == ["1"] and (counts.x[0], counts.y[0]) == (34.352, 31.391)  # the outline's label point
    assert ids_from_selection(events, [{"customdata": list(counts.customdata[0])}]) == ["E6"]
    gaza = next(t for t in _kind(fig, "outline") if t.name == "Gaza Strip")
    israel = next(t for t in _kind(fig, "outline") if t.name == "Israel")
    assert gaza.fillcolor != israel.fillcolor  # the area with area-level events is tinted


def test_an_area_without_outline_is_a_circle(events: pd.DataFrame) -> None:
    east = events.iloc[[5]].copy()
    east[schema.LOCATION] = pd.array(["East Jerusalem"], dtype="string")
    east[schema.LATITUDE] = pd.array([31.78], dtype="Float64")
    east[schema.LONGITUDE] = pd.array([35.23], dtype="Float64")
    (circle,) = _kind(map_figure(east), "areas")
    assert [list(c) for c in circle.customdata] == [["area", 35.23, 31.78, "East Jerusalem"]]
    assert circle.marker.size[0] >= 40 and "0.14" in circle.marker.color  # large and translucent


def test_cities_and_busiest_places_are_labelled(events: pd.DataFrame) -> None:
    fig = map_figure(events)
    texts = [a.text for a in fig.layout.annotations]
    assert "Gaza City" in texts and "Jenin" in texts  # places with events, next to their marker
    assert "<i>Jerusalem</i>" in texts and "<i>Hebron</i>" in texts  # reference cities from the gazetteer
    assert "<i>Gaza City</i>" not in texts  # not twice


def test_split_located(events: pd.DataFrame) -> None:
    parts = split_located(events)
    ids = events[schema.EVENT_ID].to_numpy()
    assert list(ids[parts.area_level]) == ["E6"]
    assert parts.unlocated == 1
    assert "E10" not in ids[parts.precise]
    relabelled = events.copy()
    relabelled[schema.GEO_PRECISION] = pd.array([1] * len(events), dtype="Int64")
    # A location that is an admin area is area-level whatever its geo_precision says.
    assert list(ids[split_located(relabelled).area_level]) == ["E6"]


def test_unlocated_events_are_counted_in_a_note(events: pd.DataFrame) -> None:
    fig = map_figure(events)
    assert fig.layout.title.text == "9 of 10 events on the map"  # only what is drawn
    assert "1 without coordinates" in fig.layout.title.subtitle.text
    assert "1 event located only to an area, counted on it" in fig.layout.title.subtitle.text
    part = map_figure(events.iloc[:4], total=10, narrowed="brushed on the timeline: 2023-01-26 to 2023-01-27")
    assert part.layout.title.text == "4 of 10 events on the map"
    assert part.layout.title.subtitle.text == "brushed on the timeline: 2023-01-26 to 2023-01-27; 6 outside the brush"


def test_view_is_centred_on_the_events_and_keeps_distances(events: pd.DataFrame) -> None:
    fig = map_figure(events)
    x0, x1 = fig.layout.xaxis.range
    y0, y1 = fig.layout.yaxis.range
    assert REGION[0] <= x0 < 34.38 and 35.2956 < x1 <= REGION[2]
    assert REGION[1] <= y0 < 31.4 and 32.4607 < y1 <= REGION[3]
    assert fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.yaxis.scaleratio == pytest.approx(1 / math.cos(math.radians((y0 + y1) / 2)))
    only_jenin = events[events[schema.EVENT_ID] == "E1"]
    xr = map_figure(only_jenin).layout.xaxis.range
    assert xr[0] < 35.2956 < xr[1] and xr[1] - xr[0] < 1  # zoomed in on one town


def test_selected_points_are_ringed(events: pd.DataFrame) -> None:
    fig = map_figure(events, selected=["E2", "E7"])
    (ring,) = _kind(fig, "selected")
    assert sorted(map(str, ring.customdata)) == ["E2", str(["place", 34.4668, 31.5017])]


def test_too_many_places_are_gridded(events: pd.DataFrame) -> None:
    fig = map_figure(events, max_points=3)
    cells = [list(c) for t in _kind(fig, "places") for c in t.customdata]
    assert ["cell", 34.5, 31.5, 1] in cells  # Gaza City (34.4668, 31.5017) in its 0.1-degree cell
    assert all(c[0] == "cell" and round(c[1], 1) == c[1] and round(c[2], 1) == c[2] for c in cells)
    assert sorted(ids_from_selection(events, [{"customdata": ["cell", 34.5, 31.5, 1]}])) == ["E4", "E7"]
    hover = [h for t in _kind(fig, "places") for h in t.hovertext]
    assert any(h.startswith("around Gaza City · 2 events") for h in hover)


def test_map_payload_is_small_for_many_events(events: pd.DataFrame) -> None:
    n = 30_000
    frame = events.loc[np.arange(n) % len(events)].reset_index(drop=True)
    frame[schema.EVENT_ID] = [f"X{i}" for i in range(n)]
    assert len(map_figure(frame).to_json()) < 500_000


def test_outlines_load_once() -> None:
    assert load_outlines() is load_outlines()


def test_events_beyond_the_region_are_noted_not_followed(events: pd.DataFrame) -> None:
    far = events.iloc[[0, 1]].copy()
    far[schema.EVENT_ID] = ["Y1", "Y2"]
    far[schema.LOCATION] = ["Sanaa", "Jenin"]
    far[schema.LATITUDE] = pd.array([15.35, 32.4607], dtype="Float64")
    far[schema.LONGITUDE] = pd.array([44.2, 35.2956], dtype="Float64")
    fig = map_figure(far)
    assert "1 event beyond Israel and Palestine (zoom out)" in fig.layout.title.subtitle.text
    x0, x1 = fig.layout.xaxis.range
    assert x1 <= REGION[2]  # the view stays on the region
    assert "Y1" in _points(fig)  # drawn, off view


def test_build_outlines_decodes_topojson_and_clips() -> None:
    from dashboard.tools.build_outlines import build, clip_ring, decode_arcs, ring_from_arcs

    # Two squares sharing an edge, quantized with scale 1 and translate (30, 30), delta-encoded.
    topology = {
        "type": "Topology",
        "transform": {"scale": [1, 1], "translate": [30, 30]},
        "arcs": [
            [[4, 0], [0, 2]],  # shared edge (34,30) -> (34,32)
            [[4, 2], [-2, 0], [0, -2], [2, 0]],  # west square's other sides, back to (34,30)
            [[4, 0], [2, 0], [0, 2], [-2, 0]],  # east square's other sides, ending at (34,32)
        ],
        "objects": {"countries": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "id": "1", "properties": {"name": "West"}, "arcs": [[0, 1]]},
            {"type": "Polygon", "id": "2", "properties": {"name": "East"}, "arcs": [[2, -1]]},
        ]}},
    }
    arcs = decode_arcs(topology)
    assert arcs[0] == [(34, 30), (34, 32)]
    assert ring_from_arcs([2, -1], arcs) == [(34, 30), (36, 30), (36, 32), (34, 32), (34, 30)]
    clipped = build(topology, box=(33.0, 29.0, 35.0, 31.0))
    west = next(f for f in clipped["features"] if f["properties"]["name"] == "West")
    assert sorted(map(tuple, west["geometry"]["coordinates"][0][:-1])) == [(33, 30), (33, 31), (34, 30), (34, 31)]
    assert clip_ring([(40, 40), (41, 40), (41, 41), (40, 40)], (33.0, 29.0, 35.0, 31.0)) == []
