"""Honest counts on the page (AppTest): undated events and the date filter, "(unknown)" options,
interaction and civilian-targeting filters, a refused negative minimum; each count checked against the table."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from data_prep import io, schema as S
from data_prep.reviews import ReviewStore

# The page fixtures and helpers of test_app (its session-wide tables are shared, not built twice).
from tests.test_app import (  # noqa: E402
    button, events_shown, events_table_row, first_day_event, multiselect, no_exception, panel_widget, run_app,
    start_reviewing,
)
from tests.test_app import sample_folder as sample, seeds_copy, seeds_folder, seeds_folder as seeds  # noqa: E402,F401


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.sidebar.caption]


def test_the_date_filter_says_what_it_does_with_undated_events_and_can_keep_them(
        sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_app(sample, monkeypatch)
    assert "Whole span: 1 undated event included." in captions(at)
    keep = at.sidebar.checkbox(key="f_include_undated")
    assert keep.label == "Keep the 1 undated event" and keep.disabled
    at.sidebar.date_input(key="f_dates").set_value((date(2023, 1, 26), date(2023, 1, 27))).run()
    no_exception(at)
    # Jenin (26th), Ashkelon (27th), the pledge (25th-26th); the undated protest is left out and said so.
    assert events_shown(at) == 3
    assert "1 undated event left out by these dates." in captions(at)
    at.sidebar.checkbox(key="f_include_undated").check().run()
    no_exception(at)
    assert events_shown(at) == 4
    assert "1 undated event kept with these dates." in captions(at)
    assert at.query_params["undated"] in ("1", ["1"])
    assert "\\(and undated events\\)" in at.caption[0].value


def test_a_link_with_undated_reopens_with_them(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_app(sample, monkeypatch, {"from": "2023-01-26", "to": "2023-01-27", "undated": "1"})
    no_exception(at)
    assert events_shown(at) == 4
    assert at.sidebar.checkbox(key="f_include_undated").value is True


def test_pick_lists_offer_unknown_where_a_field_is_empty(seeds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events = io.load_table(seeds, "events")
    no_outlet = int((events[S.SOURCE].isna() | (events[S.SOURCE] == "")).sum())
    no_place = int(events[S.LOCATION].isna().sum())
    assert no_outlet > 0 and no_place > 0
    at = run_app(seeds, monkeypatch)
    outlets = multiselect(at, "Source outlet")
    assert f"(unknown) ({no_outlet})" in outlets.options
    assert outlets.options[-1] == f"(unknown) ({no_outlet})"  # last, after the named outlets
    outlets.set_value(["(unknown)"]).run()
    no_exception(at)
    assert events_shown(at) == no_outlet
    assert at.query_params["outlet"] in ("(unknown)", ["(unknown)"])
    assert "reported by \\(no outlet named\\)" in at.caption[0].value

    at = run_app(seeds, monkeypatch)
    multiselect(at, "Place").set_value(["(unknown)"]).run()
    assert events_shown(at) == no_place


def test_interaction_and_civilian_targeting_filters(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_app(sample, monkeypatch)
    interaction = multiselect(at, "Interaction")
    assert interaction.options == ["State forces vs Political militias (13) (1)",
                                   "Identity militias vs Civilians (47) (1)", "(unknown) (4)"]
    interaction.set_value(["47"]).run()
    no_exception(at)
    assert events_shown(at) == 1
    assert at.query_params["interaction"] in ("47", ["47"])

    at = run_app(sample, monkeypatch)
    toggle = at.sidebar.toggle(key="f_civilian_targeting")
    assert toggle.label == "Only civilian targeting (1)"
    toggle.set_value(True).run()
    no_exception(at)
    assert events_shown(at) == 1
    assert at.query_params["civilians"] in ("1", ["1"])
    assert at.caption[0].value == "1 event targeting civilians"


def test_a_negative_minimum_of_fatalities_is_refused_and_said(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_app(sample, monkeypatch)
    at.sidebar.number_input(key="f_min_fatalities").set_value(-3).run()
    no_exception(at)
    assert at.sidebar.number_input(key="f_min_fatalities").value == 0
    assert events_shown(at) == 6
    assert any("cannot be \\-3" in w.value for w in at.warning), [w.value for w in at.warning]
    assert "min_killed" not in at.query_params


def test_the_review_form_asks_for_the_days_its_precision_needs(seeds_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = first_day_event(seeds_copy)
    event_id, day = target[S.EVENT_ID], target[S.EVENT_DATE].date()
    at = run_app(seeds_copy, monkeypatch, {"sel": event_id})
    start_reviewing(at, "Bo")

    def date_labels() -> list[str]:
        return [d.label for d in at.date_input if d.key and d.key.startswith(f"rv-{event_id}-")
                and not d.key.split("-")[-2:-1] == ["pub"] and "-pub-" not in d.key]

    assert date_labels() == ["Day"]
    panel_widget(at.selectbox, event_id, "precision").set_value(S.PRECISION_RANGE).run()
    assert date_labels() == ["First day", "Last day"]
    panel_widget(at.date_input, event_id, "first").set_value(day - timedelta(days=1))
    button(at, "Save decision").click().run()
    no_exception(at)
    row = events_table_row(at, event_id)
    assert row[S.DATE_PRECISION] == S.PRECISION_RANGE
    assert row[S.EVENT_DATE].date() == day  # the day of a range is its last day
    log = {a.field: a.new_value for a in ReviewStore.in_folder(seeds_copy).log()}
    assert (log[S.DATE_START], log[S.DATE_PRECISION]) == ((day - timedelta(days=1)).isoformat(), S.PRECISION_RANGE)
    assert S.DATE_END not in log  # unchanged
    panel_widget(at.selectbox, event_id, "precision").set_value(S.PRECISION_UNKNOWN).run()
    assert date_labels() == []
    panel_widget(at.selectbox, event_id, "precision").set_value(S.PRECISION_MONTH).run()
    assert date_labels() == ["Any day of the month"]


def test_changes_say_why_the_button_selects_fewer_events(seeds_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events = io.load_outputs(seeds_copy)[0]
    jenin = first_day_event(seeds_copy)[S.EVENT_ID]
    other = events.loc[events[S.EVENT_ID] != jenin].iloc[0][S.EVENT_ID]
    at = run_app(seeds_copy, monkeypatch, {"sel": other})
    start_reviewing(at, "Ana")
    panel_widget(at.text_input, other, "merge-id").input(jenin).run()
    button(at, "Merge it into this event").click().run()
    no_exception(at)
    at.sidebar.radio(key="rv_since_mode").set_value("Since a date and time").run()
    no_exception(at)
    changes = next(d.value for d in at.dataframe if S.CHANGE_KIND in d.value.columns)
    # No build recorded before: every machine event is listed as new; one of them is merged away.
    assert len(changes) == len(events)
    assert button(at, f"Select these {len(events) - 1} events")
    assert f"{len(events)} rows listed: 1 listed event now merged into another one." in [c.value for c in at.caption]
    button(at, f"Select these {len(events) - 1} events").click().run()
    assert len(at.session_state["v_selected"]) == len(events) - 1


# --- the main view: timeline and map linked ------------------------------------------------------

def chart_spec(at, key: str) -> dict:  # noqa: ANN001 - AppTest
    import json

    return json.loads(next(c for c in at.get("plotly_chart") if c.proto.id and key in c.proto.id).proto.spec)


def test_a_brush_on_the_timeline_narrows_the_map_and_the_link_keeps_it(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_app(sample, monkeypatch, {"sel": "EVjenin,EVashkelon", "brush": "timeline"})
    no_exception(at)
    title = chart_spec(at, "main_map_chart")["layout"]["title"]
    assert title["text"] == "2 of 6 events on the map"
    assert title["subtitle"]["text"].startswith("brushed on the timeline: 2 events, 2023-01-26 to 2023-01-27")
    ranked = next(d.value for d in at.dataframe if list(d.value.columns)[:2] == ["name", "events"])
    assert ranked["name"].tolist() == ["Unidentified Palestinian armed group", "Israeli military"]  # of the brush only
    assert at.query_params["brush"] in ("timeline", ["timeline"])

    at = run_app(sample, monkeypatch, {"sel": "EVjenin,EVgaza", "brush": "map"})
    spec = chart_spec(at, "timeline_chart")
    drawn = {c for t in spec["data"] if (t.get("meta") or {}).get("kind") in ("events", "ranges")
             for c in t.get("customdata", []) if isinstance(c, str)}
    assert drawn == {"EVjenin", "EVgaza"}
    assert spec["layout"]["title"]["subtitle"]["text"].startswith("brushed on the map: 2 events")
    assert chart_spec(at, "main_map_chart")["layout"]["title"]["text"] == "5 of 6 events on the map"


def test_a_plain_selection_narrows_nothing(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_app(sample, monkeypatch, {"sel": "EVjenin"})
    assert chart_spec(at, "main_map_chart")["layout"]["title"]["text"] == "5 of 6 events on the map"
    assert "brush" not in at.query_params


def test_stepping_through_the_period_by_week(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_app(sample, monkeypatch)
    at.segmented_control(key="w_step_mode").set_value("W").run()
    no_exception(at)
    # The first week of the period (Monday 2023-01-23 to Sunday 2023-01-29): Jenin, Ashkelon, the pledge.
    title = chart_spec(at, "main_map_chart")["layout"]["title"]
    assert title["text"] == "2 of 6 events on the map"  # the pledge has no place
    assert "step: 2023-01-23 to 2023-01-29" in title["subtitle"]["text"]
    assert at.query_params["step"] in ("W", ["W"])
    next(b for b in at.button if b.key == "step_next").click().run()
    title = chart_spec(at, "main_map_chart")["layout"]["title"]
    assert "step: 2023-01-30 to 2023-02-05" in title["subtitle"]["text"]
    assert title["text"] == "0 of 6 events on the map"
    shaded = [s for s in chart_spec(at, "timeline_chart")["layout"]["shapes"] if s.get("name") == "window"]
    assert [(s["x0"], s["x1"]) for s in shaded] == [("2023-01-30", "2023-02-06")]


def test_an_upload_says_how_many_events_the_page_shows_after_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from data_prep import build_event_table
    from data_prep.settings import SEEDS_DIR

    seeds = sorted(SEEDS_DIR.glob("*.txt"))
    folder = tmp_path / "table"
    result = build_event_table(seeds[:-1])
    io.write_outputs(folder, result.events, result.mentions, result.articles)
    # A decision merges two events: the page shows one event fewer than the build has.
    first, second = result.events[S.EVENT_ID].iloc[0], result.events[S.EVENT_ID].iloc[1]
    at = run_app(folder, monkeypatch, {"sel": first})
    start_reviewing(at, "Ana")
    panel_widget(at.text_input, first, "merge-id").input(second).run()
    button(at, "Merge it into this event").click().run()
    before = events_shown(at)
    assert before == len(result.events) - 1
    at.sidebar.file_uploader[0].set_value([(seeds[-1].name, seeds[-1].read_bytes(), "text/plain")])
    next(b for b in at.sidebar.button if b.label == "Add to the table").click().run()
    no_exception(at)
    built = len(io.load_table(folder, "events"))
    shown = events_shown(at)
    assert shown == built - 1
    messages = [m.value.replace("\\", "") for m in at.info]  # shown escaped (Markdown)
    assert f"Added 1 file(s) (5 articles in the table): the machine build went from {len(result.events)} to {built} events." in messages
    assert (f"The table now shows {shown} events (was {before}); the build has {built}, review decisions "
            "merge or split the difference.") in messages, messages


def test_play_walks_to_the_end_of_the_period_and_stops(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_app(sample, monkeypatch, {"from": "2023-01-26", "to": "2023-02-10", "step": "W", "at": "2023-02-06"})
    no_exception(at)
    assert at.session_state["v_at"] == date(2023, 2, 6)
    monkeypatch.setattr("time.sleep", lambda _s: None)
    at.toggle(key="v_play").set_value(True).run()  # steps a week, finds the end, stops and turns itself off
    no_exception(at)
    assert at.toggle(key="v_play").value is False
    assert at.session_state["v_at"] == date(2023, 2, 6)  # the last week that starts in the period
