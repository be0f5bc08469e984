"""Headline figures and breakdowns, checked by hand against tests/fixtures/dashboard/events.csv."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboard.filters import EventFilter, apply_filters
from dashboard.metrics import Headline, article_count, breakdown, count_items, format_span, headline, item_index
from data_prep import schema
from tests.dashboard_fixture import load_events


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return load_events()


def test_headline_of_the_fixture(events: pd.DataFrame) -> None:
    assert headline(events) == Headline(
        events=10,
        fatalities_low=10 + 7 + 0 + 0 + 120 + 0 + 0 + 1 + 2,  # E4's missing toll adds nothing
        fatalities_high=10 + 7 + 0 + 0 + 150 + 0 + 0 + 1 + 3,
        injuries_low=20 + 3 + 1 + 0 + 300 + 0 + 0 + 5,
        injuries_high=20 + 3 + 27 + 0 + 300 + 0 + 0 + 5,  # E6 has no max: its low figure stands
        articles=11,  # a1..a11; a2 and a6 are shared
        outlets=6,  # Al Jazeera, Times of Israel, Al Mayadeen, Ynet, Haaretz, WAFA
        contested=2,  # E3, E6; E8's unknown is not contested
        range_events=1,
        range_fatalities_low=120,
        statements=1,
        no_toll=1,  # E4
        undated=1,  # E8
        unlocated=1,  # E10
        first_day=date(2023, 1, 1),
        last_day=date(2023, 2, 28),
    )


def test_headline_of_a_filtered_frame(events: pd.DataFrame) -> None:
    h = headline(apply_filters(events, EventFilter(areas=("West Bank",))))
    # E1 (a1;a2), E8 (a9), E9 (a10;a6), E10 (a11); Al Jazeera, Times of Israel, WAFA, Haaretz.
    assert (h.events, h.fatalities_low, h.fatalities_high, h.articles, h.outlets) == (4, 13, 14, 6, 4)
    assert h.range_events == 0


def test_headline_of_nothing(events: pd.DataFrame) -> None:
    h = headline(events.iloc[:0])
    assert (h.events, h.fatalities_low, h.articles, h.outlets, h.first_day) == (0, 0, 0, 0, None)


def test_high_figure_never_below_low() -> None:
    frame = load_events().iloc[:1].copy()
    frame[schema.FATALITIES_MAX] = pd.array([4], dtype="Int64")  # a bad max below the low figure
    assert headline(frame).fatalities_high == 10


@pytest.mark.parametrize("low, high, expected", [(1204, 1204, "1,204"), (1204, 1530, "1,204–1,530"), (0, 0, "0")])
def test_format_span(low: int, high: int, expected: str) -> None:
    assert format_span(low, high) == expected


def test_breakdown(events: pd.DataFrame) -> None:
    table = breakdown(events, schema.ADMIN1)
    assert table[schema.ADMIN1].tolist() == ["West Bank", "Gaza Strip", "Israel", "East Jerusalem"]
    assert table["events"].tolist() == [4, 3, 2, 1]
    assert table["fatalities_high"].tolist() == [14, 150, 0, 7]
    top = breakdown(events, schema.EVENT_TYPE, top=2)
    assert top[schema.EVENT_TYPE].tolist() == ["Explosions/Remote violence", "Battles", "Other"]
    assert top["events"].tolist() == [3, 2, 5]
    assert top["share"].sum() == pytest.approx(1.0)


# --- distinct articles and outlets of any rows, from an index built once -----------------------

LISTS = pd.Series(["a1;a2", None, " a1 ; a3", "", "a2", ";", "a4", "a1;a2", "a3 ;;a5"], dtype="string")


@pytest.mark.parametrize("few_cells", [False, True])
@pytest.mark.parametrize("positions, expected", [
    (None, 5),  # a1..a5: blanks, empty items and a missing cell add nothing
    ([0], 2),
    ([1, 3, 5], 0),
    ([2, 6], 3),  # " a1 " is a1
    ([0, 7], 2),  # the same cell twice
    ([8], 2),
    ([], 0),
])
def test_count_items_counts_what_splitting_the_rows_counts(few_cells: bool, positions: list[int] | None,
                                                           expected: int) -> None:
    index = item_index(LISTS, few_cells=few_cells)
    rows = LISTS if positions is None else LISTS.iloc[positions]
    at = None if positions is None else np.array(positions, dtype=np.intp)
    assert count_items(index, at) == expected
    assert article_count(pd.DataFrame({schema.ARTICLE_IDS: rows})) == expected


def test_headline_with_counts_from_indexes(events: pd.DataFrame) -> None:
    articles, outlets = item_index(events[schema.ARTICLE_IDS]), item_index(events[schema.SOURCE], few_cells=True)
    keep = np.flatnonzero((events[schema.ADMIN1] == "West Bank").to_numpy())
    kept = events.iloc[keep]
    assert (count_items(articles, keep), count_items(outlets, keep)) == (6, 4)
    assert headline(kept, articles=count_items(articles, keep), outlets=count_items(outlets, keep)) == headline(kept)
    assert (count_items(articles), count_items(outlets)) == (11, 6)


def _ranking_table() -> pd.DataFrame:
    rows = [  # actor1, actor2, location, admin1, fatalities low, high
        ("Israeli military", "Hamas", "Jenin", "West Bank", 3, 5),
        ("Israeli military", None, "Jenin", "West Bank", 1, None),
        ("Hamas", "Hamas", "Sderot", "Israel", 0, 0),  # the same actor on both sides counts once
        ("Israeli settlers", None, None, "West Bank", 10, 12),
        (None, "", "", None, None, None),  # nobody named: in no ranking
    ]
    columns = [schema.ACTOR1, schema.ACTOR2, schema.LOCATION, schema.ADMIN1, schema.FATALITIES, schema.FATALITIES_MAX]
    frame = pd.DataFrame(rows, columns=columns)
    for c in columns[:4]:
        frame[c] = frame[c].astype("string")
    for c in columns[4:]:
        frame[c] = frame[c].astype("Int64")
    return frame


def test_ranking_of_actors_and_places_by_events_and_fatalities() -> None:
    from dashboard.metrics import ranking

    df = _ranking_table()
    actors = ranking(df, "Actor", "events")
    assert actors[["name", "events", "fatalities", "fatalities_high"]].values.tolist() == [
        ["Israeli military", 2, 4, 6], ["Hamas", 2, 3, 5], ["Israeli settlers", 1, 10, 12]]
    assert actors["share"].tolist() == [0.4, 0.4, 0.2]
    assert ranking(df, "Actor", "fatalities")["name"].tolist() == ["Israeli settlers", "Israeli military", "Hamas"]
    assert ranking(df, "Place", "events")[["name", "events"]].values.tolist() == [["Jenin", 2], ["Sderot", 1]]
    assert ranking(df, "Area", "fatalities", top=1)[["name", "fatalities"]].values.tolist() == [["West Bank", 14]]
    with pytest.raises(ValueError, match="kind must be one of Actor, Place, Area, not 'Outlet'"):
        ranking(df, "Outlet")
