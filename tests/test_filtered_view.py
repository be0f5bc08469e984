"""The page's filtered view: row positions instead of a copy, and each consumer handed only the columns it reads.

`select` must keep exactly the rows `apply_filters` copied; each column tuple (charts, maps, metrics,
exports, filters.columns_read) must hold every column its function reads, which is proven by
comparing the result on those columns alone with the result on every column.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard import charts, exports, maps, metrics
from dashboard.filters import EventFilter, Filtered, columns_read, filter_mask, select, select_with_counts
from data_prep import schema
from tests.dashboard_fixture import load_events, with_reviews
from tests.test_filters import CASES, REVIEW_CASES


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    """The fixture events with review columns, on an index that is not 0..n-1 (it must be kept)."""
    frame = with_reviews(load_events())
    frame.index = pd.RangeIndex(100, 100 + 2 * len(frame), 2)
    return frame


ALL_CASES = [(label, f) for label, f, _ in CASES + REVIEW_CASES]


@pytest.mark.parametrize("label, f", ALL_CASES, ids=[c[0] for c in ALL_CASES])
def test_select_keeps_the_rows_a_copy_kept(events: pd.DataFrame, label: str, f: EventFilter) -> None:
    expected = events.loc[filter_mask(events, f)]
    kept = select(events, f)
    assert len(kept) == len(expected)
    assert kept.empty == expected.empty
    pd.testing.assert_frame_equal(kept.frame(), expected)
    pd.testing.assert_series_equal(kept.column(schema.EVENT_ID), expected[schema.EVENT_ID])
    some = [schema.FATALITIES, schema.EVENT_ID, schema.REVIEW_STATUS]
    pd.testing.assert_frame_equal(kept.frame(some), expected[some])


def test_select_with_counts_keeps_the_same_rows(events: pd.DataFrame) -> None:
    f = EventFilter(areas=("West Bank",), min_fatalities=1)
    kept, counts = select_with_counts(events, f)
    assert list(kept.column(schema.EVENT_ID)) == ["E1", "E9", "E10"]
    assert (counts["matched"], counts["areas"], counts["min_fatalities"]) == (3, 5, 4)


def test_nothing_filtered_out_takes_nothing(events: pd.DataFrame) -> None:
    every_area = EventFilter(areas=("West Bank", "Gaza Strip", "Israel", "East Jerusalem"))
    for f in (EventFilter(), every_area):
        assert select(events, f).positions is None
        assert len(select(events, f)) == len(events)
    assert list(select(events, EventFilter(date_from=date(2022, 1, 1))).positions) == [0, 1, 2, 3, 4, 5, 6, 8, 9]


def test_frame_keeps_the_order_given_and_skips_columns_the_table_lacks(events: pd.DataFrame) -> None:
    kept = select(events, EventFilter(event_types=("Battles",)))
    frame = kept.frame([schema.LOCATION, "no such column", schema.EVENT_ID, schema.LOCATION])
    assert list(frame.columns) == [schema.LOCATION, schema.EVENT_ID]
    assert frame.to_dict("list") == {schema.LOCATION: ["Jenin", "Wadi al-Sharq"], schema.EVENT_ID: ["E1", "E10"]}
    assert list(frame.index) == [100, 118]


def test_rows_and_subset_count_among_the_kept_rows(events: pd.DataFrame) -> None:
    kept = select(events, EventFilter(areas=("West Bank",)))  # E1, E8, E9, E10
    assert list(kept.rows(np.array([3, 0]))[schema.EVENT_ID]) == ["E10", "E1"]
    assert list(select(events, EventFilter()).rows(np.array([1]))[schema.EVENT_ID]) == ["E2"]
    smaller = kept.subset(np.array([False, True, True, False]))
    assert list(smaller.column(schema.EVENT_ID)) == ["E8", "E9"]
    assert list(smaller.frame([schema.EVENT_ID]).index) == [114, 116]


def test_the_table_is_never_written_through_a_view(events: pd.DataFrame) -> None:
    before = events.copy()
    for kept in (select(events, EventFilter()), select(events, EventFilter(areas=("West Bank",)))):
        for frame in (kept.frame(), kept.frame([schema.NOTES, schema.FATALITIES]), kept.rows(np.array([0]))):
            frame[schema.NOTES] = "changed"
            frame.loc[frame.index[0], schema.FATALITIES] = 999
        column = kept.column(schema.NOTES)
        column.iloc[0] = "changed"
    pd.testing.assert_frame_equal(events, before)
    with pytest.raises(ValueError):
        select(events, EventFilter(areas=("West Bank",))).positions[0] = 0  # positions are read-only


def test_a_filtered_view_is_its_own_object_whatever_the_positions(events: pd.DataFrame) -> None:
    a, b = Filtered(events, np.array([0, 1])), Filtered(events, np.array([0, 1]))
    assert a is not b and a != b  # compared by identity: two views are never the same cache entry


@pytest.mark.parametrize("label, f", ALL_CASES, ids=[c[0] for c in ALL_CASES])
def test_columns_read_are_all_a_filter_reads(events: pd.DataFrame, label: str, f: EventFilter) -> None:
    assert np.array_equal(filter_mask(events[list(columns_read(f))], f), filter_mask(events, f))


def test_the_default_filter_reads_nothing() -> None:
    assert columns_read(EventFilter()) == ()
    assert columns_read(EventFilter(event_types=("Battles",), include_statements=False)) == (schema.EVENT_TYPE,)


# --- each consumer's columns -------------------------------------------------------------------

VIEWS = [EventFilter(), EventFilter(include_statements=False), EventFilter(areas=("West Bank", "Gaza Strip"))]


def _both(events: pd.DataFrame, f: EventFilter, columns: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    kept = select(events, f)
    return kept.frame(), kept.frame(columns)


@pytest.mark.parametrize("f", VIEWS)
def test_headline_columns(events: pd.DataFrame, f: EventFilter) -> None:
    full, part = _both(events, f, metrics.HEADLINE_COLUMNS)
    counts = {"articles": metrics.article_count(full), "outlets": metrics.outlet_count(full)}
    assert metrics.headline(part, **counts) == metrics.headline(full)


@pytest.mark.parametrize("f", VIEWS)
@pytest.mark.parametrize("lane_by", list(charts.LANE_DIMENSIONS))
@pytest.mark.parametrize("max_points", [5000, 3])  # single events, then bins
def test_timeline_columns(events: pd.DataFrame, f: EventFilter, lane_by: str, max_points: int) -> None:
    full, part = _both(events, f, charts.TIMELINE_COLUMNS)
    selected = ("E1", "E6", "E9")
    assert (charts.timeline_figure(part, lane_by, selected, max_points).to_json()
            == charts.timeline_figure(full, lane_by, selected, max_points).to_json())


@pytest.mark.parametrize("f", VIEWS)
@pytest.mark.parametrize("freq", ["D", "W", "M"])
@pytest.mark.parametrize("measure", charts.MEASURES)
def test_counts_columns(events: pd.DataFrame, f: EventFilter, freq: str, measure: str) -> None:
    full, part = _both(events, f, charts.COUNTS_COLUMNS)
    assert charts.counts_figure(part, freq, measure).to_json() == charts.counts_figure(full, freq, measure).to_json()


@pytest.mark.parametrize("f", VIEWS)
@pytest.mark.parametrize("max_points", [5000, 1])  # single events, then one marker per place
def test_map_columns(events: pd.DataFrame, f: EventFilter, max_points: int) -> None:
    full, part = _both(events, f, maps.MAP_COLUMNS)
    assert (maps.map_figure(part, ("E1", "E4"), max_points).to_json()
            == maps.map_figure(full, ("E1", "E4"), max_points).to_json())


def test_selection_columns(events: pd.DataFrame) -> None:
    full, part = _both(events, EventFilter(), charts.SELECTION_COLUMNS)
    points = [{"customdata": "E2"}, {"customdata": ["West Bank", "2023-01-01", "2023-01-31"]},
              {"customdata": ["place", 34.4667, 31.5]}, {"customdata": ["cell", 35.3, 32.46, 1]}]
    picked = charts.ids_from_selection(part, points, "Area")
    assert picked == charts.ids_from_selection(full, points, "Area")
    assert {"E2", "E1"} <= set(picked)


@pytest.mark.parametrize("f", VIEWS)
def test_export_filename_columns(events: pd.DataFrame, f: EventFilter) -> None:
    full, part = _both(events, f, exports.FILENAME_COLUMNS)
    assert exports.export_filename("events", part, f, "csv") == exports.export_filename("events", full, f, "csv")
