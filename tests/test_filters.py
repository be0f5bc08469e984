"""EventFilter on a hand-made frame: which events each filter keeps, the caption, the URL round trip."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.filters import (
    EventFilter, all_facet_value_counts, apply_filters, clear_field, describe, facet_counts, facet_value_counts,
    filter_options, filter_with_counts, from_query_params, is_default, prepare_events, to_query_params, with_dates,
)
from data_prep import schema
from tests.dashboard_fixture import load_events, with_reviews

ALL = ["E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8", "E9", "E10"]


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return load_events()


CASES = [
    ("default keeps everything, undated too", EventFilter(), ALL),
    # Overlap: E6 (range 1-25 Jan) ends before the 26th; E5 (28-30) starts after the 27th.
    ("two days", EventFilter(date_from=date(2023, 1, 26), date_to=date(2023, 1, 27)), ["E1", "E2", "E3", "E4"]),
    ("range toll overlapping its last day", EventFilter(date_from=date(2023, 1, 25), date_to=date(2023, 1, 25)), ["E6"]),
    ("approx interval overlapping", EventFilter(date_from=date(2023, 1, 30), date_to=date(2023, 1, 31)), ["E5"]),
    ("month-precision event kept through the month", EventFilter(date_from=date(2023, 2, 20)), ["E9"]),
    ("only an upper bound drops the undated", EventFilter(date_to=date(2023, 1, 26)), ["E1", "E6"]),
    ("type", EventFilter(event_types=("Battles",)), ["E1", "E10"]),
    ("two types", EventFilter(event_types=("Riots", "Protests")), ["E5", "E9"]),
    ("sub-type", EventFilter(sub_event_types=("Air/drone strike",)), ["E4", "E6"]),
    ("actor as actor1 or actor2", EventFilter(actors=("Israeli military",)), ["E1", "E4", "E6", "E8", "E10"]),
    ("actor only as actor2", EventFilter(actors=("Civilians (Israel)",)), ["E2", "E3"]),
    ("location", EventFilter(locations=("Gaza City",)), ["E4", "E7"]),
    ("area", EventFilter(areas=("West Bank",)), ["E1", "E8", "E9", "E10"]),
    ("outlet inside a joined source cell", EventFilter(outlets=("Ynet",)), ["E3"]),
    ("outlet alone and joined", EventFilter(outlets=("WAFA",)), ["E8", "E9"]),
    ("outlet is not a substring match", EventFilter(outlets=("Al",)), []),
    ("precision day", EventFilter(precisions=(schema.PRECISION_DAY,)), ["E1", "E2", "E3", "E4", "E7", "E10"]),
    ("precision range and unknown", EventFilter(precisions=(schema.PRECISION_RANGE, schema.PRECISION_UNKNOWN)), ["E6", "E8"]),
    ("no statements", EventFilter(include_statements=False), [i for i in ALL if i != "E7"]),
    ("statements dropped even when named", EventFilter(event_types=("Statement",), include_statements=False), []),
    ("at least one killed (missing toll is not 1)", EventFilter(min_fatalities=1), ["E1", "E2", "E6", "E9", "E10"]),
    ("at least ten killed", EventFilter(min_fatalities=10), ["E1", "E6"]),
    ("text is case-insensitive", EventFilter(text="airstrike"), ["E4"]),
    ("text searches notes too", EventFilter(text="multi-day"), ["E6"]),
    ("text is literal, not a regex", EventFilter(text="<b>"), ["E8"]),
    ("regex characters match nothing special", EventFilter(text="J.nin"), []),
    ("combined: AND across widgets", EventFilter(areas=("West Bank",), min_fatalities=1, event_types=("Battles",)), ["E1", "E10"]),
    ("review filters ignored without review columns", EventFilter(review_statuses=(schema.STATUS_VERIFIED,)), ALL),
]


@pytest.mark.parametrize("label, f, expected", CASES, ids=[c[0] for c in CASES])
def test_apply_filters(events: pd.DataFrame, label: str, f: EventFilter, expected: list[str]) -> None:
    assert list(apply_filters(events, f)[schema.EVENT_ID]) == expected


REVIEW_CASES = [
    ("verified", EventFilter(review_statuses=(schema.STATUS_VERIFIED,)), ["E1"]),
    ("missing status counts as unreviewed", EventFilter(review_statuses=(schema.STATUS_UNREVIEWED,)),
     ["E2", "E4", "E5", "E7", "E8", "E9", "E10"]),
    ("reviewer", EventFilter(reviewers=("ana",)), ["E1", "E6"]),
    ("text searches review notes", EventFilter(text="OVERLAPS"), ["E6"]),
]


@pytest.mark.parametrize("label, f, expected", REVIEW_CASES, ids=[c[0] for c in REVIEW_CASES])
def test_apply_filters_with_reviews(events: pd.DataFrame, label: str, f: EventFilter, expected: list[str]) -> None:
    assert list(apply_filters(with_reviews(events), f)[schema.EVENT_ID]) == expected


def test_apply_filters_never_mutates(events: pd.DataFrame) -> None:
    before = events.copy()
    out = apply_filters(events, EventFilter())
    out[schema.NOTES] = "changed"
    filtered = apply_filters(events, EventFilter(areas=("West Bank",)))
    filtered[schema.NOTES] = "changed"
    pd.testing.assert_frame_equal(events, before)


def test_widget_lists_become_tuples() -> None:
    f = EventFilter(event_types=["Battles", " Battles ", ""], text="  jenin ", min_fatalities=-3)
    assert f.event_types == ("Battles",)
    assert f.text == "jenin"
    assert f.min_fatalities == 0
    assert hash(f) == hash(EventFilter(event_types=("Battles",), text="jenin"))


DESCRIBE = [
    (EventFilter(), "all events"),
    (EventFilter(date_from=date(2023, 1, 26), date_to=date(2023, 2, 2), event_types=("Battles",),
                 areas=("West Bank",), min_fatalities=1),
     "events from 2023-01-26 to 2023-02-02 of type Battles, in the West Bank, with at least 1 fatality"),
    (EventFilter(date_from=date(2023, 1, 26), date_to=date(2023, 1, 26)), "events on 2023-01-26"),
    (EventFilter(date_from=date(2023, 1, 26)), "events from 2023-01-26 on"),
    (EventFilter(date_to=date(2023, 1, 26)), "events up to 2023-01-26"),
    (EventFilter(areas=("Israel", "Gaza Strip")), "events in Israel or the Gaza Strip"),
    (EventFilter(actors=("A", "B", "C", "D", "E")), "events involving A, B, C or 2 others"),
    (EventFilter(event_types=("Riots", "Protests", "Battles")), "events of type Riots, Protests or Battles"),
    (EventFilter(include_statements=False, min_fatalities=5), "events excluding statements, with at least 5 fatalities"),
    (EventFilter(outlets=("WAFA",), locations=("Jenin",), text="raid"), 'events at Jenin, reported by WAFA, mentioning "raid"'),
    (EventFilter(precisions=("day",)), "events dated to the day"),
    (EventFilter(precisions=("day", "approx")), "events with date precision day or approx"),
    (EventFilter(sub_event_types=("Armed clash",), review_statuses=("verified",), reviewers=("ana",)),
     "events of sub-type Armed clash, with review status verified, reviewed by ana"),
]


@pytest.mark.parametrize("f, expected", DESCRIBE)
def test_describe(f: EventFilter, expected: str) -> None:
    assert describe(f) == expected


ROUND_TRIP = [
    EventFilter(),
    EventFilter(date_from=date(2023, 1, 26), date_to=date(2023, 2, 2), event_types=("Battles", "Riots"),
                areas=("West Bank",), min_fatalities=1),
    EventFilter(actors=("Israeli military",), outlets=("Al Jazeera",), locations=("Jenin",),
                sub_event_types=("Armed clash",), precisions=("day", "range"), include_statements=False,
                text="raid & \"camp\"", review_statuses=("needs work",), reviewers=("ana",)),
]


@pytest.mark.parametrize("f", ROUND_TRIP)
def test_query_params_round_trip(f: EventFilter) -> None:
    assert from_query_params(to_query_params(f)) == f


def test_query_params_only_for_non_defaults() -> None:
    f = EventFilter(areas=("West Bank",), min_fatalities=2, include_statements=False)
    assert to_query_params(f) == {"area": ["West Bank"], "min_killed": "2", "statements": "0"}
    assert to_query_params(EventFilter()) == {}


JUNK = [
    ({"from": "2023-13-45", "to": "yesterday"}, EventFilter()),
    ({"from": "2023-02-02", "to": "2023-01-26"}, EventFilter(date_from=date(2023, 1, 26), date_to=date(2023, 2, 2))),
    ({"min_killed": "-4"}, EventFilter()),
    ({"min_killed": "lots"}, EventFilter()),
    ({"min_killed": ["3", "x"]}, EventFilter()),
    ({"min_killed": ["x", "3"]}, EventFilter(min_fatalities=3)),
    ({"precision": ["day", "sometime"]}, EventFilter(precisions=("day",))),
    ({"review": "approved"}, EventFilter()),
    ({"statements": "maybe"}, EventFilter()),
    ({"statements": "false"}, EventFilter(include_statements=False)),
    ({"type": ["", "  ", "Battles", "Battles"]}, EventFilter(event_types=("Battles",))),
    ({"actor": "x" * 300}, EventFilter()),
    ({"q": "y" * 600}, EventFilter()),
    ({"nonsense": "1", "area": "Gaza Strip"}, EventFilter(areas=("Gaza Strip",))),
    ({"type": 5, "area": [None, 3, "Israel"]}, EventFilter(areas=("Israel",))),  # type: ignore[dict-item]
]


@pytest.mark.parametrize("params, expected", JUNK)
def test_from_query_params_drops_junk(params: dict, expected: EventFilter) -> None:
    assert from_query_params(params) == expected


def test_is_default_and_clear_field() -> None:
    f = EventFilter(areas=("Israel",))
    assert not is_default(f)
    assert is_default(clear_field(f, "areas"))
    assert is_default(EventFilter(include_statements=True, event_types=[]))


def test_facet_counts_are_counts_without_that_widget(events: pd.DataFrame) -> None:
    f = EventFilter(areas=("West Bank",), min_fatalities=1)
    counts = facet_counts(events, f)
    assert counts["all"] == 10
    assert counts["matched"] == 3  # E1, E9, E10
    assert counts["areas"] == 5  # any area, at least 1 killed: E1, E2, E6, E9, E10
    assert counts["min_fatalities"] == 4  # West Bank, any toll: E1, E8, E9, E10
    assert counts["event_types"] == 3  # inactive widget: the matched count


def test_facet_value_counts_ignore_their_own_widget(events: pd.DataFrame) -> None:
    f = EventFilter(areas=("Gaza Strip",), outlets=("Ynet",))
    assert facet_value_counts(events, f, "outlets") == {"Al Jazeera": 2, "Al Mayadeen": 1}
    assert facet_value_counts(events, EventFilter(min_fatalities=5), "actors") == {
        "Israeli military": 2, "Civilians (Israel)": 1, "Unidentified Palestinian armed group": 1,
        "Unidentified Palestinian individual": 1,
    }
    with pytest.raises(ValueError, match="not a multi-valued filter field: text"):
        facet_value_counts(events, f, "text")


def test_filter_options(events: pd.DataFrame) -> None:
    options = filter_options(events)
    assert options.event_types == (
        "Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
        "Strategic developments", "Statement",
    )
    assert options.outlets == ("Al Jazeera", "Al Mayadeen", "Haaretz", "Times of Israel", "WAFA", "Ynet")
    assert options.areas == ("East Jerusalem", "Gaza Strip", "Israel", "West Bank")
    assert "Civilians (Israel)" in options.actors and "Hamas" in options.actors
    assert (options.date_min, options.date_max) == (date(2023, 1, 1), date(2023, 2, 28))
    assert options.max_fatalities == 120
    assert options.undated == 1
    assert not options.has_review and options.review_statuses == ()
    reviewed = filter_options(with_reviews(events))
    assert reviewed.review_statuses == ("unreviewed", "verified", "rejected", "needs work")
    assert reviewed.reviewers == ("ana", "ben")


def test_with_dates_keeps_full_range_as_default(events: pd.DataFrame) -> None:
    options = filter_options(events)
    assert is_default(with_dates(EventFilter(), date(2023, 1, 1), date(2023, 2, 28), options))
    narrowed = with_dates(EventFilter(), date(2023, 1, 1), date(2023, 1, 31), options)
    assert (narrowed.date_from, narrowed.date_to) == (None, date(2023, 1, 31))


@pytest.mark.parametrize("f", [EventFilter(), EventFilter(areas=("West Bank",), min_fatalities=1), EventFilter(text="zzz")])
def test_filter_with_counts_is_both_calls_in_one(events: pd.DataFrame, f: EventFilter) -> None:
    filtered, counts = filter_with_counts(events, f)
    pd.testing.assert_frame_equal(filtered, apply_filters(events, f))
    assert counts == facet_counts(events, f)


def test_all_facet_value_counts_match_one_by_one(events: pd.DataFrame) -> None:
    f = EventFilter(areas=("West Bank",), include_statements=False)
    together = all_facet_value_counts(events, f, ("areas", "event_types", "outlets"))
    assert together == {name: facet_value_counts(events, f, name) for name in ("areas", "event_types", "outlets")}
    assert together["areas"] == {"West Bank": 4, "Gaza Strip": 2, "Israel": 2, "East Jerusalem": 1}


def test_prepare_events_joins_arrow_chunks_and_changes_nothing(events: pd.DataFrame, tmp_path) -> None:
    path = tmp_path / "events.parquet"
    pd.concat([events] * 3, ignore_index=True).to_parquet(path, row_group_size=7)
    loaded = schema.conform_events(pd.read_parquet(path), strict=False)
    assert loaded[schema.EVIDENCE].array._pa_array.num_chunks > 1
    prepared = prepare_events(loaded)
    assert prepared[schema.EVIDENCE].array._pa_array.num_chunks == 1
    pd.testing.assert_frame_equal(prepared, loaded)
    assert loaded[schema.EVIDENCE].array._pa_array.num_chunks > 1  # the input is left as it was
