"""Timeline and count figures: asserted on fig.data (traces, lanes, intervals, ids), not on pictures."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard import style
from dashboard.charts import (
    LANE_DIMENSIONS, OTHER_LANE, RANGE_LANE, aggregate_counts, counts_figure, ids_from_selection,
    lanes_for, timeline_figure,
)
from data_prep import schema
from tests.dashboard_fixture import load_events


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return load_events()


def _kind(fig, kind: str) -> list:
    return [t for t in fig.data if (t.meta or {}).get("kind") == kind]


def _ids(traces) -> set[str]:
    return {i for t in traces for i in t.customdata if i is not None}


def test_lane_dimensions_are_the_contract() -> None:
    assert LANE_DIMENSIONS == {
        "Actor": schema.ACTOR1, "Type": schema.EVENT_TYPE, "Place": schema.LOCATION,
        "Area": schema.ADMIN1, "Outlet": schema.SOURCE,
    }


def test_timeline_lanes_by_area(events: pd.DataFrame) -> None:
    fig = timeline_figure(events, lane_by="Area")
    # Ranges first, then areas by number of day events, ties by name (E6 is a range, E8 undated).
    assert fig.layout.yaxis.ticktext == (RANGE_LANE, "West Bank", "Gaza Strip", "Israel", "East Jerusalem")
    assert "1 multi-day toll in their own lane" in fig.layout.title.subtitle.text
    assert "1 undated not shown" in fig.layout.title.subtitle.text


def test_every_dated_event_is_one_marker_with_its_id(events: pd.DataFrame) -> None:
    fig = timeline_figure(events, lane_by="Type")
    markers = _kind(fig, "events") + _kind(fig, "ranges")
    ids = [i for t in markers for i in t.customdata]
    assert sorted(ids) == sorted(["E1", "E2", "E3", "E4", "E5", "E6", "E7", "E9", "E10"])  # E8 has no date


def test_uncertain_days_are_intervals(events: pd.DataFrame) -> None:
    fig = timeline_figure(events)
    intervals = {t.meta["event_type"]: t for t in _kind(fig, "interval")}
    protest = intervals["Protests"]  # E5, approx 28-30 January
    assert list(protest.x) == ["2023-01-28", "2023-01-30", None]
    assert list(protest.customdata) == ["E5", "E5", None]
    assert protest.y[0] == protest.y[1]
    riot = intervals["Riots"]  # E9, month precision: the whole of February
    assert list(riot.x) == ["2023-02-01", "2023-02-28", None]
    # Their markers are open; a day-precise event's marker is filled.
    symbols = {i: t.marker.symbol for t in _kind(fig, "events") for i in t.customdata}
    assert symbols["E5"] == "circle-open" and symbols["E9"] == "circle-open"
    assert symbols["E1"] == "circle"
    assert "E1" not in _ids(_kind(fig, "interval"))


def test_multi_day_tolls_have_their_own_lane(events: pd.DataFrame) -> None:
    fig = timeline_figure(events, lane_by="Type")
    (ranges,) = _kind(fig, "ranges")
    (span,) = _kind(fig, "range_intervals")
    assert list(ranges.customdata) == ["E6"]
    assert list(span.x) == ["2023-01-01", "2023-01-25", None]
    assert abs(ranges.y[0] - 0) < 0.5  # lane 0 is "Multi-day tolls"
    day_lanes = [t for t in _kind(fig, "events")]
    assert "E6" not in _ids(day_lanes)
    assert all(y > 0.5 for t in day_lanes for y in t.y)


def test_colours_are_fixed_per_type(events: pd.DataFrame) -> None:
    full = {t.meta["event_type"]: t.marker.color for t in _kind(timeline_figure(events), "events")}
    only_battles = events[events[schema.EVENT_TYPE] == "Battles"]
    part = {t.meta["event_type"]: t.marker.color for t in _kind(timeline_figure(only_battles), "events")}
    assert full["Battles"] == part["Battles"] == style.TYPE_COLOURS["Battles"]
    assert full["Statement"] == style.TYPE_COLOURS[schema.STATEMENT]


def test_hover_is_one_escaped_line(events: pd.DataFrame) -> None:
    fig = timeline_figure(events, lane_by="Place")
    hover = {i: h for t in _kind(fig, "events") for i, h in zip(t.customdata, t.hovertext)}
    assert hover["E1"] == (
        "2023-01-26 · Battles · Israeli military → Unidentified Palestinian armed group · Jenin · 10 killed"
    )
    assert hover["E3"] == (
        "2023-01-27 · Explosions/Remote violence · Al-Qassam Brigades → Civilians (Israel) · Ashkelon · 0 killed"
        " · figures contested"
    )
    assert hover["E5"].startswith("about 2023-01-29 (2023-01-28 to 2023-01-30) · Protests")
    assert hover["E7"] == "2023-02-01 · Statement · Hamas · Gaza City"
    tricky = events.iloc[[0]].copy()
    tricky[schema.LOCATION] = "<b>Jenin</b>"
    (trace,) = _kind(timeline_figure(tricky), "events")
    assert "&lt;b&gt;Jenin&lt;/b&gt;" in trace.hovertext[0]


def test_marker_size_grows_with_fatalities(events: pd.DataFrame) -> None:
    sizes = {i: s for t in _kind(timeline_figure(events), "events") for i, s in zip(t.customdata, t.marker.size)}
    assert sizes["E1"] > sizes["E10"] > sizes["E3"] == sizes["E4"]  # 10 > 2 > 0 == unknown


def test_selected_ids_are_ringed_and_others_dimmed(events: pd.DataFrame) -> None:
    fig = timeline_figure(events, selected=["E1", "E6", "nope"])
    (ring,) = _kind(fig, "selected")
    assert sorted(ring.customdata) == ["E1", "E6"]
    assert all(t.marker.opacity < 0.5 for t in _kind(fig, "events"))
    assert not _kind(timeline_figure(events), "selected")


def test_outlet_lanes_put_an_event_under_each_outlet(events: pd.DataFrame) -> None:
    fig = timeline_figure(events, lane_by="Outlet")
    labels = fig.layout.yaxis.ticktext
    lane_of = {}
    for t in _kind(fig, "events"):
        for i, y in zip(t.customdata, t.y):
            lane_of.setdefault(i, set()).add(labels[int(round(y))])
    assert lane_of["E1"] == {"Al Jazeera", "Times of Israel"}
    assert lane_of["E2"] == {"Times of Israel"}


def test_top_lanes_then_other() -> None:
    frame = load_events().iloc[[0]].copy()
    frame = pd.concat([frame] * 16, ignore_index=True)
    frame[schema.EVENT_ID] = [f"X{i}" for i in range(16)]
    frame[schema.LOCATION] = [f"Place {i:02d}" for i in range(14)] + ["Place 00", "Place 01"]
    lanes = lanes_for(frame, "Place", max_lanes=12)
    assert lanes.labels[:2] == ["Place 00", "Place 01"]
    assert lanes.labels[-1] == OTHER_LANE and len(lanes.labels) == 13
    assert int((lanes.codes == 12).sum()) == 2  # Place 12 and Place 13


def test_too_many_events_are_binned(events: pd.DataFrame) -> None:
    fig = timeline_figure(events, lane_by="Area", max_points=4)
    bins = _kind(fig, "bins")
    assert bins and not _kind(fig, "events")
    assert sum(len(t.x) for t in bins) <= 4 * len(fig.layout.yaxis.ticktext)
    cells = [tuple(c) for t in bins for c in t.customdata]
    assert ("West Bank", "2023-01-01", "2023-01-31") in cells
    # Multi-day tolls stay single intervals, and the selection maps back to events.
    assert list(_kind(fig, "ranges")[0].customdata) == ["E6"]
    picked = ids_from_selection(events, [{"customdata": ["West Bank", "2023-01-01", "2023-01-31"]}], "Area")
    assert picked == ["E1"]  # E9 is dated 1 February; E8 undated; E10 2 February


def test_binned_payload_stays_small() -> None:
    frame = load_events().iloc[[0]].copy()
    n = 20_000
    frame = frame.loc[np.zeros(n, dtype=int)].reset_index(drop=True)
    frame[schema.EVENT_ID] = [f"X{i}" for i in range(n)]
    days = pd.Timestamp("2020-01-01") + pd.to_timedelta(np.arange(n) % 1500, unit="D")
    frame[schema.EVENT_DATE] = frame[schema.DATE_START] = frame[schema.DATE_END] = days
    fig = timeline_figure(frame, max_points=5000)
    assert _kind(fig, "bins") and len(fig.to_json()) < 200_000


def test_ids_from_selection_ignores_junk(events: pd.DataFrame) -> None:
    points = [{"customdata": "E3"}, {"customdata": None}, {"x": 1}, "junk", {"customdata": ["Lane", "not a date", "x"]}]
    assert ids_from_selection(events, points) == ["E3"]


def test_aggregate_counts_weekly(events: pd.DataFrame) -> None:
    table = aggregate_counts(events, "W", "events")
    assert list(table.columns) == ["period", schema.EVENT_TYPE, "events"]
    rows = [(p.date().isoformat(), t, n) for p, t, n in table.itertuples(index=False)]
    # Week of Monday 23 January: E1, E2, E3, E4, E5 (approx, best day the 29th). E6 (range), E8 (undated)
    # and E9 (month precision) are left out of weekly counts.
    assert rows == [
        ("2023-01-23", "Battles", 1), ("2023-01-23", "Explosions/Remote violence", 2),
        ("2023-01-23", "Violence against civilians", 1), ("2023-01-23", "Protests", 1),
        ("2023-01-30", "Battles", 1), ("2023-01-30", "Statement", 1),
    ]


def test_aggregate_counts_monthly_fatalities(events: pd.DataFrame) -> None:
    table = aggregate_counts(events, "M", "fatalities")
    totals = table.groupby("period")["fatalities"].sum()
    assert totals[pd.Timestamp("2023-01-01")] == 10 + 7 + 0 + 0 + 0  # the 120 of the range are not a day's toll
    assert totals[pd.Timestamp("2023-02-01")] == 0 + 1 + 2  # E9 counted per month


def test_counts_figure_stacks_types_and_says_what_is_left_out(events: pd.DataFrame) -> None:
    fig = counts_figure(events, "D")
    assert fig.layout.barmode == "stack"
    names = [t.name for t in fig.data]
    assert names == ["Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Statement"]
    assert all(t.marker.color == style.TYPE_COLOURS[t.name] for t in fig.data)
    battles = fig.data[0]
    assert list(battles.x) == ["2023-01-26", "2023-02-02"] and list(battles.y) == [1, 1]
    subtitle = fig.layout.title.subtitle.text
    assert "excluding 1 multi-day toll (120 killed)" in subtitle
    assert "1 event dated only to the month counted per month only" in subtitle
    assert "1 undated event not counted" in subtitle


@pytest.mark.parametrize("bad", [{"freq": "Y"}, {"measure": "injuries"}])
def test_counts_reject_unknown_options(events: pd.DataFrame, bad: dict) -> None:
    with pytest.raises(ValueError):
        aggregate_counts(events, **{"freq": "W", "measure": "events", **bad})


def test_empty_frame_gives_empty_figures(events: pd.DataFrame) -> None:
    empty = events.iloc[:0]
    assert not _kind(timeline_figure(empty), "events")
    assert len(counts_figure(empty).data) == 0
    assert aggregate_counts(empty).empty
