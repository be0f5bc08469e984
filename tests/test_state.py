"""View state <-> URL query string: round trips, clean default URLs, junk tolerated."""
from __future__ import annotations

from datetime import date

import pytest

from dashboard import filters
from dashboard.filters import EventFilter
from dashboard.state import (
    MAX_URL_SELECTION,
    VIEW_KEYS,
    ViewState,
    from_query_params,
    same_params,
    select,
    to_query_params,
)

FULL = ViewState(
    filter=EventFilter(
        date_from=date(2023, 1, 26), date_to=date(2023, 2, 2), event_types=("Battles", "Protests"),
        actors=("Israeli military",), areas=("West Bank",), precisions=("day",), include_statements=False,
        min_fatalities=2, text="refugee camp",
    ),
    lane="Actor",
    freq="D",
    measure="fatalities",
    selected=("ev-1", "ev-2"),
    focus="ev-2",
    tab="map",
)


def test_default_view_has_an_empty_url() -> None:
    assert to_query_params(ViewState()) == {}
    assert from_query_params({}) == ViewState()


def test_full_view_round_trips() -> None:
    params = to_query_params(FULL)
    assert params["lane"] == "Actor"
    assert params["freq"] == "D"
    assert params["measure"] == "fatalities"
    assert params["sel"] == "ev-1,ev-2"
    assert params["event"] == "ev-2"
    assert params["tab"] == "map"
    assert params["type"] == ["Battles", "Protests"]
    assert from_query_params(params) == FULL


def test_round_trip_through_single_values_as_a_browser_sends_them() -> None:
    # st.query_params hands back a plain string for a key given once.
    params = {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in to_query_params(FULL).items()}
    assert from_query_params(params) == FULL


def test_view_keys_never_clash_with_filter_keys() -> None:
    assert not set(VIEW_KEYS.values()) & set(filters.QUERY_KEYS.values())


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"lane": "Colour"}, ViewState()),
        ({"freq": "Y", "measure": "injuries", "tab": "admin"}, ViewState()),
        ({"sel": "<script>,ok-1,,ok-1"}, ViewState(selected=("ok-1",))),
        ({"sel": ["a", "b"], "event": "b"}, ViewState(selected=("a", "b"), focus="b")),
        ({"event": "c"}, ViewState(selected=("c",), focus="c")),
        ({"sel": "a,b", "event": "zzz"}, ViewState(selected=("zzz", "a", "b"), focus="zzz")),
        ({"tab": ["map", "counts"]}, ViewState(tab="counts")),
        ({"from": "not-a-date", "min_killed": "-3"}, ViewState()),
    ],
)
def test_junk_and_edge_cases(params: dict[str, str | list[str]], expected: ViewState) -> None:
    assert from_query_params(params) == expected


def test_focus_defaults_to_first_selected_and_is_not_repeated_in_url() -> None:
    view = ViewState(selected=("a", "b"))
    assert view.focus == "a"
    assert to_query_params(view) == {"sel": "a,b"}


def test_huge_selection_is_capped_in_the_url() -> None:
    view = ViewState(selected=tuple(f"id{i}" for i in range(MAX_URL_SELECTION + 50)))
    back = from_query_params(to_query_params(view))
    assert len(back.selected) == MAX_URL_SELECTION
    assert back.selected == view.selected[:MAX_URL_SELECTION]


def test_select_keeps_focus_only_when_still_selected() -> None:
    view = ViewState(selected=("a", "b"), focus="b")
    assert select(view, ["b", "c"]).focus == "b"
    assert select(view, ["c", "d"]).focus == "c"
    assert select(view, []) == ViewState()


def test_same_params_treats_single_value_and_one_item_list_alike() -> None:
    assert same_params({"type": ["Battles"], "tab": "map"}, {"type": "Battles", "tab": ["map"]})
    assert not same_params({"type": ["Battles"]}, {"type": ["Battles", "Riots"]})
    assert not same_params({"tab": "map"}, {})


def test_view_url_is_the_whole_link() -> None:
    from dashboard.state import view_url

    view = ViewState(filter=EventFilter(event_types=("Battles",), areas=("West Bank",)), tab="map")
    assert view_url("http://127.0.0.1:8501/", view) == "http://127.0.0.1:8501/?type=Battles&area=West+Bank&tab=map"
    assert view_url("https://host.example/dash?old=1#x", view) == (
        "https://host.example/dash?type=Battles&area=West+Bank&tab=map")
    assert view_url(None, view) == "?type=Battles&area=West+Bank&tab=map"
    assert view_url("http://127.0.0.1:8501", ViewState()) == "http://127.0.0.1:8501/"
