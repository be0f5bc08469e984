"""The Streamlit page itself, driven by AppTest: loads, filters, empty state, URL round trip, safe text, uploads."""
from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import state
from dashboard.evidence import escape_markdown
from data_prep import build_event_table, io, schema as S, settings
from data_prep.reviews import ReviewStore
from data_prep.settings import SEEDS_DIR
from tests.dashboard_sample import EVENTS, build_seeds, write_sample

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
TIMEOUT = 60


@pytest.fixture(scope="session")
def seeds_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_seeds(tmp_path_factory.mktemp("seeds_table"))


@pytest.fixture(scope="session")
def sample_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample(tmp_path_factory.mktemp("sample_table"))


def run_app(folder: Path, monkeypatch: pytest.MonkeyPatch, params: dict[str, str | list[str]] | None = None) -> AppTest:
    monkeypatch.setenv("EVENTS_DATA", str(folder))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(params or {})
    return at.run()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def events_shown(at: AppTest) -> int:
    return int(metric(at, "Events").replace(",", ""))


def timeline_ids(at: AppTest) -> set[str]:
    """Event ids drawn on the timeline (customdata of its event markers)."""
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    ids: set[str] = set()
    for trace in spec["data"]:
        if (trace.get("meta") or {}).get("kind") in ("events", "ranges"):
            ids.update(c for c in trace.get("customdata", []) if isinstance(c, str))
    return ids


def multiselect(at: AppTest, label: str):  # noqa: ANN201 - AppTest widget
    return next(w for w in at.sidebar.multiselect if w.label == label)


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


# --- on the seeds ----------------------------------------------------------------------------

def test_app_loads_on_the_seeds(seeds_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events, _, articles = io.load_outputs(seeds_folder)
    at = run_app(seeds_folder, monkeypatch)
    no_exception(at)
    assert at.title[0].value == "Conflict event table"
    assert events_shown(at) == len(events) > 0
    assert metric(at, "Articles") == str(int((articles[S.STATUS] != S.STATUS_REJECTED).sum()))
    assert [t.label for t in at.tabs] == list(state.TABS.values())
    dated = events.loc[events[S.EVENT_DATE].notna() | events[S.DATE_START].notna(), S.EVENT_ID]
    assert timeline_ids(at) == set(dated)


@pytest.mark.parametrize("tab", list(state.TABS.values()))
def test_every_tab_renders_on_the_seeds(seeds_folder: Path, monkeypatch: pytest.MonkeyPatch, tab: str) -> None:
    at = run_app(seeds_folder, monkeypatch)
    at.session_state["w_tab"] = tab
    at.run()
    no_exception(at)
    assert at.session_state["v_tab"] == next(k for k, v in state.TABS.items() if v == tab)


def test_each_seed_filter_option_changes_what_is_shown(seeds_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events, _, _ = io.load_outputs(seeds_folder)
    at = run_app(seeds_folder, monkeypatch)
    first_type = events[S.EVENT_TYPE].value_counts().index[-1]
    multiselect(at, "Event type").set_value([first_type]).run()
    no_exception(at)
    assert events_shown(at) == int((events[S.EVENT_TYPE] == first_type).sum()) < len(events)


# --- exact behaviour on the hand-made table ---------------------------------------------------

def test_default_view_of_the_sample(sample_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_app(sample_folder, monkeypatch)
    no_exception(at)
    assert events_shown(at) == len(EVENTS) == 6
    assert metric(at, "Fatalities") == "59"  # Jenin 9 (lowest of 9 and 10) + Gaza 50
    assert next(m.delta for m in at.metric if m.label == "Fatalities") == "up to 60 claimed"
    assert metric(at, "Injuries") == "3"
    assert metric(at, "Contested") == "1"
    assert metric(at, "Outlets") == "5"
    assert at.query_params == {}
    assert timeline_ids(at) == {"EVjenin", "EVashkelon", "EVpledge", "EVgaza", "EVhuwara"}


@pytest.mark.parametrize(
    ("label", "values", "expected"),
    [
        ("Event type", ["Battles"], {"EVjenin"}),
        ("Sub-event type", ["Air/drone strike"], {"EVgaza"}),
        ("Actor (either side)", ["Unidentified Palestinian armed group"], {"EVjenin", "EVashkelon"}),
        ("Area", ["West Bank"], {"EVjenin", "EVhuwara"}),
        ("Place", ["Ashkelon"], {"EVashkelon"}),
        ("Source outlet", ["Times of Israel"], {"EVjenin", "EVashkelon"}),
        ("Date precision", ["day"], {"EVjenin", "EVashkelon", "EVhuwara"}),
    ],
)
def test_each_pick_list_filters(sample_folder: Path, monkeypatch: pytest.MonkeyPatch, label: str,
                                values: list[str], expected: set[str]) -> None:
    at = run_app(sample_folder, monkeypatch)
    multiselect(at, label).set_value(values).run()
    no_exception(at)
    assert events_shown(at) == len(expected)
    assert timeline_ids(at) == expected - {"EVundated"}
    assert any(c.value.startswith(f"leaves {len(expected)} of") for c in at.sidebar.caption)


def test_dates_statements_fatalities_and_text_filter(sample_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_app(sample_folder, monkeypatch)
    at.sidebar.date_input(key="f_dates").set_value((date(2023, 1, 27), date(2023, 2, 10))).run()
    no_exception(at)
    # Ashkelon (27 Jan), the pledge (25-27 Jan) and Huwara (10 Feb); the undated event drops out.
    assert timeline_ids(at) == {"EVashkelon", "EVpledge", "EVhuwara"}
    assert at.query_params["from"] == "2023-01-27" and at.query_params["to"] == "2023-02-10"

    at = run_app(sample_folder, monkeypatch)
    at.sidebar.toggle(key="f_include_statements").set_value(False).run()
    assert events_shown(at) == 5 and "EVpledge" not in timeline_ids(at)

    at = run_app(sample_folder, monkeypatch)
    at.sidebar.number_input(key="f_min_fatalities").set_value(10).run()
    assert timeline_ids(at) == {"EVgaza"}  # Jenin's lowest figure is 9

    at = run_app(sample_folder, monkeypatch)
    at.sidebar.text_input(key="f_text").set_value("refugee camp").run()
    assert timeline_ids(at) == {"EVjenin"}
    assert at.query_params["q"] == "refugee camp"


def test_empty_result_shows_the_empty_state_in_every_tab(sample_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_app(sample_folder, monkeypatch, {"q": "no such words anywhere"})
    no_exception(at)
    assert events_shown(at) == 0
    assert any("No events match" in i.value for i in at.info)
    for tab in state.TABS.values():
        at.session_state["w_tab"] = tab
        at.run()
        no_exception(at)
        if tab not in ("Articles",):
            assert any("No events match" in i.value for i in at.info), tab


def test_reset_clears_every_filter(sample_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_app(sample_folder, monkeypatch, {"type": "Battles", "statements": "0", "min_killed": "5", "q": "camp"})
    assert events_shown(at) == 1
    reset = next(b for b in at.sidebar.button if b.label == "Reset")
    reset.click().run()
    no_exception(at)
    assert events_shown(at) == 6
    assert at.query_params == {}
    assert multiselect(at, "Event type").value == []


def test_filter_and_view_go_into_the_url(sample_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_app(sample_folder, monkeypatch)
    multiselect(at, "Area").set_value(["West Bank", "Israel"]).run()
    assert at.query_params == {"area": ["West Bank", "Israel"]}
    at.segmented_control[0].set_value("Actor").run()
    assert at.query_params["lane"] == "Actor"


def test_a_link_reopens_the_same_view(sample_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    params = {"type": ["Battles", "Violence against civilians"], "lane": "Place", "tab": "table", "sel": "EVjenin"}
    at = run_app(sample_folder, monkeypatch, params)
    no_exception(at)
    assert multiselect(at, "Event type").value == ["Battles", "Violence against civilians"]
    assert events_shown(at) == 2
    assert at.session_state["v_tab"] == "table"
    assert at.session_state["v_lane"] == "Place"
    assert at.session_state["v_selected"] == ("EVjenin",)
    assert at.query_params == params  # nothing lost or added on the way
    # The detail of the selected event: evidence with highlights, both sources, the claims side by side.
    assert at.subheader[0].value == "2023\\-01\\-26 · Battles · Jenin"
    evidence_md = at.get("markdown")
    body = next(m.value for m in evidence_md if "blue-background" in m.value and "Jenin" in m.value)
    assert ":blue-background[Israeli troops]" in body
    assert ":green-background[Jenin refugee camp]" in body  # the gazetteer knows the camp
    assert ":orange-background[10]" in body
    claims = next(d.value for d in at.dataframe if "claimant" in d.value.columns)
    assert sorted(claims["claimant"]) == ["The Cradle", "the army", "the ministry"]
    assert sorted(claims["says"]) == ["10 killed", "10 killed", "9 killed"]
    mentions = next(d.value for d in at.dataframe if S.OUTLET in d.value.columns and S.SOURCE_FILE in d.value.columns)
    assert list(mentions[S.OUTLET]) == ["The Cradle", "Times of Israel"]


def test_link_with_values_the_table_lacks_warns_and_keeps_the_rest(sample_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_app(sample_folder, monkeypatch, {"area": ["Mars", "Israel"], "sel": "gone", "tab": "nowhere"})
    no_exception(at)
    assert any("Mars" in w.value for w in at.warning)
    assert multiselect(at, "Area").value == ["Israel"]
    assert events_shown(at) == 2
    assert any("not in this table" in w.value for w in at.warning)


def test_hostile_article_text_is_shown_as_text(sample_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_app(sample_folder, monkeypatch, {"sel": "EVhuwara"})
    no_exception(at)
    markdown = [m.value for m in at.get("markdown")] + [c.value for c in at.caption] + [s.value for s in at.subheader]
    for body in markdown:
        # Every <, [, ], ( and : that came from the article is backslash-escaped.
        assert not re.search(r"(?<!\\)<", body), body
        assert "\\](javascript" not in body.replace("\\]\\(javascript", ""), body
    evidence_md = next(m for m in markdown if "Settlers" in m)
    assert r"\<script\>window\.\_\_pwned\=:orange-background[1]\<\/script\>\<img src\=x" in evidence_md
    article = next(c.value for c in at.code if "Settlers" in c.value)
    assert article == (
        "\u27e6Settlers attacked Huwara <script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=1\"> "
        "**bold** [link](javascript:alert(1)) on Friday.\u27e7"
    )
    assert any(c.language in ("", "plaintext", None) for c in at.code)


def test_missing_table_says_how_to_build_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_app(tmp_path / "nothing here", monkeypatch)
    no_exception(at)
    assert any("no event table" in w.value for w in at.warning)
    assert at.sidebar.file_uploader  # and articles can be added to start one


def test_upload_adds_articles_and_lists_rejects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seeds = sorted(SEEDS_DIR.glob("*.txt"))
    folder = tmp_path / "table"
    result = build_event_table(seeds[:-1])  # the table without the last seed
    io.write_outputs(folder, result.events, result.mentions, result.articles)
    before = result.events
    at = run_app(folder, monkeypatch)
    assert events_shown(at) == len(before)
    uploads = [(seeds[-1].name, seeds[-1].read_bytes(), "text/plain"), ("empty.txt", b"", "text/plain")]
    at.sidebar.file_uploader[0].set_value(uploads)
    next(b for b in at.sidebar.button if b.label == "Add to the table").click().run()
    no_exception(at)
    after, _, articles = io.load_outputs(folder)
    assert len(after) > len(before)
    assert events_shown(at) == len(after)
    assert set(before[S.EVENT_ID]) <= set(after[S.EVENT_ID])  # nothing that was there is lost
    assert set(articles[S.FILE]) == {p.name for p in seeds} | {"empty.txt"}
    messages = [m.value for m in at.info] + [w.value for w in at.warning]
    assert any("Added 1 file" in m for m in messages), messages
    assert any("empty\\.txt" in m and "empty file" in m for m in messages), messages

    # The same file again changes nothing and says so.
    at.sidebar.file_uploader[0].set_value([uploads[0]])
    next(b for b in at.sidebar.button if b.label == "Add to the table").click().run()
    messages = [m.value for m in at.info] + [w.value for w in at.warning]
    assert any("Already in the table" in m for m in messages), messages
    assert len(io.load_outputs(folder)[0]) == len(after)


@pytest.mark.parametrize(("limit", "expected"), [(2, ["c", "d"]), (3, ["c", "d", "a"]), (10, ["c", "d", "a", "e", "b"])])
def test_latest_rows_picks_the_latest_without_a_full_sort(limit: int, expected: list[str]) -> None:
    import pandas as pd

    from dashboard.data import latest_rows

    frame = S.conform_events(pd.DataFrame({
        S.EVENT_ID: ["a", "b", "c", "d", "e"],
        S.EVENT_DATE: ["2023-01-02", None, "2023-01-05", "2023-01-03", "2023-01-02"],
    }))
    assert list(latest_rows(frame, limit)[S.EVENT_ID]) == expected  # ties keep table order; undated last


# --- reviewing, on a copy of the seeds' table (decisions must not leak into the other tests) -------

@pytest.fixture
def seeds_copy(seeds_folder: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(seeds_folder, folder, ignore=shutil.ignore_patterns(f"{settings.REVIEWS_DB}*"))
    return folder


def panel_widget(elements, event_id: str, name: str):  # noqa: ANN001, ANN201 - AppTest widgets
    """A review panel widget (keys are rv-<event id>-<version>-<name>)."""
    return next(e for e in elements if e.key and e.key.startswith(f"rv-{event_id}-") and e.key.endswith(f"-{name}"))


def button(at: AppTest, label: str):  # noqa: ANN201 - AppTest widget
    return next(b for b in at.button if b.label == label)


def start_reviewing(at: AppTest, name: str) -> None:
    at.sidebar.text_input(key="rv_name").input(name)
    next(b for b in at.sidebar.button if b.label == "Start reviewing").click().run()
    no_exception(at)


def status_line(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("Status: "))


def first_day_event(folder: Path) -> pd.Series:
    events = io.load_outputs(folder)[0]
    return events.loc[(events[S.DATE_PRECISION] == S.PRECISION_DAY) & (events[S.EVENT_TYPE] == "Battles")].iloc[0]


def events_table(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if S.EVIDENCE in d.value.columns and S.EVENT_ID in d.value.columns)


def test_verify_an_event_and_find_it_by_status_and_reviewer(seeds_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = first_day_event(seeds_copy)
    event_id = target[S.EVENT_ID]
    at = run_app(seeds_copy, monkeypatch, {"sel": event_id})
    assert multiselect(at, "Review status").options == [f"{S.STATUS_UNREVIEWED} (33)"]
    assert any(c.value == "Enter your name in the sidebar to record decisions on this event." for c in at.caption)
    start_reviewing(at, "  Ana   Lopez ")
    assert "Reviewing as **Ana Lopez**" in [c.value for c in at.sidebar.caption]
    assert at.session_state["rv_reviewer"] == "Ana Lopez"

    panel_widget(at.radio, event_id, "status").set_value(S.STATUS_VERIFIED)
    panel_widget(at.text_area, event_id, "note").input("Checked against the army's statement.")
    button(at, "Save decision").click().run()
    no_exception(at)
    assert any(s.value == "Saved 2 change\\(s\\) to " + event_id + "\\." for s in at.success), [s.value for s in at.success]
    assert status_line(at).startswith("Status: **verified** · last decision by Ana Lopez\\, ")
    assert at.session_state["rv_reviewer"] == "Ana Lopez"  # asked once: still known on later runs

    multiselect(at, "Review status").set_value([S.STATUS_VERIFIED]).run()
    no_exception(at)
    assert events_shown(at) == 1
    assert timeline_ids(at) == {event_id}
    assert at.query_params["review"] == S.STATUS_VERIFIED  # the link keeps it
    multiselect(at, "Review status").set_value([]).run()
    multiselect(at, "Reviewer").set_value(["Ana Lopez"]).run()
    assert timeline_ids(at) == {event_id}
    history = next(d.value for d in at.dataframe if "reviewer" in d.value.columns and "change" in d.value.columns)
    assert list(history["change"]) == ["review_status: unreviewed → verified", "review_note: (empty) → "
                                       "Checked against the army's statement."]
    assert set(history["reviewer"]) == {"Ana Lopez"}


def test_edit_an_events_day_and_the_table_shows_it(seeds_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = first_day_event(seeds_copy)
    event_id, day = target[S.EVENT_ID], target[S.EVENT_DATE].date()
    new_day = day + timedelta(days=2)
    at = run_app(seeds_copy, monkeypatch, {"sel": event_id, "tab": "table"})
    start_reviewing(at, "Bo")
    assert events_table(at).set_index(S.EVENT_ID).loc[event_id, S.EVENT_DATE].date() == day
    panel_widget(at.date_input, event_id, "day").set_value(new_day)
    button(at, "Save decision").click().run()
    no_exception(at)

    row = events_table(at).set_index(S.EVENT_ID).loc[event_id]
    assert row[S.EVENT_DATE].date() == new_day
    assert row[S.REVIEW_STATUS] == S.STATUS_UNREVIEWED  # a correction is not a verification
    assert row[S.EDITED_FIELDS] == S.LIST_SEPARATOR.join([S.EVENT_DATE, S.DATE_START, S.DATE_END])
    assert at.subheader[0].value.startswith(escape_markdown(new_day.isoformat()))
    assert panel_widget(at.date_input, event_id, "day").value == new_day  # the form reloads with what is in force
    log = ReviewStore.in_folder(seeds_copy).log()
    assert [(a.reviewer, a.field, a.old_value, a.new_value) for a in log] == [
        ("Bo", S.EVENT_DATE, day.isoformat(), new_day.isoformat()),
        ("Bo", S.DATE_START, day.isoformat(), new_day.isoformat()),
        ("Bo", S.DATE_END, day.isoformat(), new_day.isoformat()),
    ]
    # A new session (another analyst) sees it in the table without any cache being cleared.
    other = run_app(seeds_copy, monkeypatch, {"tab": "table"})
    assert events_table(other).set_index(S.EVENT_ID).loc[event_id, S.EVENT_DATE].date() == new_day


def test_merge_split_and_history_from_the_panel(seeds_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events, mentions, _ = io.load_outputs(seeds_copy)
    jenin = first_day_event(seeds_copy)[S.EVENT_ID]  # told by two articles
    other = events.loc[(events[S.EVENT_DATE] == pd.Timestamp("2023-01-27")) & (events[S.LOCATION] == "Ashkelon"),
                       S.EVENT_ID].iloc[0]
    at = run_app(seeds_copy, monkeypatch, {"sel": other})
    start_reviewing(at, "Ana")
    # Merge Jenin into the Ashkelon event (absurd, but it shows the sources joining); then undo it.
    panel_widget(at.text_input, other, "merge-id").input(jenin).run()
    button(at, "Merge it into this event").click().run()
    no_exception(at)
    assert events_shown(at) == len(events) - 1
    row = events_table_row(at, other)
    assert row[S.MENTION_COUNT] == 3
    button(at, f"Undo the merge of {jenin}").click().run()
    no_exception(at)
    assert events_shown(at) == len(events)
    assert events_table_row(at, other)[S.MENTION_COUNT] == 1

    # Split Jenin's second report off into an event of its own.
    at = run_app(seeds_copy, monkeypatch, {"sel": jenin})
    start_reviewing(at, "Bo")
    second = mentions.loc[mentions[S.EVENT_ID] == jenin, S.MENTION_ID].iloc[1]
    panel_widget(at.multiselect, jenin, "split-pick").set_value([second]).run()
    button(at, "Split them off").click().run()
    no_exception(at)
    assert events_shown(at) == len(events) + 1
    assert events_table_row(at, jenin)[S.MENTION_COUNT] == 1
    assert events_table_row(at, f"split:{second}")[S.MENTION_COUNT] == 1
    history = next(d.value for d in at.dataframe if "reviewer" in d.value.columns and "change" in d.value.columns)
    assert list(history["reviewer"]) == ["Ana", "Ana", "Bo"]
    assert list(history["change"]) == [f"merged {jenin} into {other}", "reverted merged_into to the machine value "
                                       f"(was {other})", f"split mentions {second} out of {jenin}"]


def events_table_at(at: AppTest) -> AppTest:
    at.session_state["w_tab"] = state.TABS["table"]
    return at.run()


def events_table_row(at: AppTest, event_id: str) -> pd.Series:
    return events_table(events_table_at(at)).set_index(S.EVENT_ID).loc[event_id]


def test_a_corrected_publication_date_moves_the_relative_day(seeds_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, mentions, articles = io.load_outputs(seeds_copy)
    jenin = first_day_event(seeds_copy)[S.EVENT_ID]
    # The article dated Friday 27 January says "on Thursday": the 26th. Dated Friday 3 February, the 2nd.
    article = articles.loc[articles[S.PUBLISHED] == pd.Timestamp("2023-01-27"), S.ARTICLE_ID].iloc[0]
    at = run_app(seeds_copy, monkeypatch, {"sel": jenin})
    start_reviewing(at, "Ana")
    panel_widget(at.date_input, jenin, f"pub-{article}").set_value(date(2023, 2, 3)).run()
    next(b for b in at.button if b.key and b.key.endswith(f"-pub-set-{article}")).click().run()
    no_exception(at)
    assert any("its events were re\\-extracted" in s.value for s in at.success), [s.value for s in at.success]
    moved = ReviewStore.in_folder(seeds_copy)
    assert [(a.action, a.old_value, a.new_value) for a in moved.log()] == [("set_published", "2023-01-27", "2023-02-03")]
    # The event keeps the re-dated article's report, now on 2 February; the other article's ("on January 26")
    # makes an event of its own on the 26th.
    assert at.session_state["v_selected"] == (jenin,)
    assert at.subheader[0].value.startswith("2023\\-02\\-02")
    reports = next(d.value for d in at.dataframe if S.OUTLET in d.value.columns and S.SOURCE_FILE in d.value.columns)
    assert list(reports[S.PUBLISHED]) == [pd.Timestamp("2023-02-03")]
    table = events_table(events_table_at(at)).set_index(S.EVENT_ID)
    other = mentions.loc[(mentions[S.EVENT_ID] == jenin) & (mentions[S.ARTICLE_ID] != article)].iloc[0]
    assert table.loc[jenin, S.EVENT_DATE] == pd.Timestamp("2023-02-02")
    alone = table.loc[(table[S.EVENT_TYPE] == "Battles") & (table[S.LOCATION] == other[S.LOCATION])]
    assert alone[S.EVENT_DATE].tolist() == [pd.Timestamp("2023-01-26")] and alone.index[0] != jenin


def test_changed_since_lists_decisions_and_selects_their_events(seeds_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events = io.load_outputs(seeds_copy)[0]
    ReviewStore.in_folder(seeds_copy).record_snapshot(events, at=datetime.now(UTC) - timedelta(days=3))
    target = first_day_event(seeds_copy)[S.EVENT_ID]
    at = run_app(seeds_copy, monkeypatch, {"sel": target})
    start_reviewing(at, "Ana")
    panel_widget(at.radio, target, "status").set_value(S.STATUS_NEEDS_WORK)
    button(at, "Save decision").click().run()
    at.session_state["w_tab"] = state.TABS["table"]
    at.sidebar.radio(key="rv_since_mode").set_value("Since a date and time").run()
    no_exception(at)
    changes = next(d.value for d in at.dataframe if S.CHANGE_KIND in d.value.columns)
    assert changes[[S.CHANGE_KIND, S.EVENT_ID, S.CHANGE_DETAIL]].values.tolist() == [
        [S.CHANGE_REVIEWED, target, "Ana: review_status: unreviewed → needs work"]]
    assert any(c.value == "1 reviewed" for c in at.caption)
    at.session_state["v_selected"] = ()
    at.run()
    button(at, "Select this event").click().run()
    no_exception(at)
    assert at.session_state["v_selected"] == (target,)


def test_correct_type_actors_place_and_tolls_in_one_decision(seeds_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = first_day_event(seeds_copy)
    event_id = target[S.EVENT_ID]
    at = run_app(seeds_copy, monkeypatch, {"sel": event_id, "tab": "table"})
    start_reviewing(at, "Ana")
    panel_widget(at.selectbox, event_id, "type").set_value("Violence against civilians")
    panel_widget(at.selectbox, event_id, "sub").set_value("Attack")
    panel_widget(at.selectbox, event_id, "a2").set_value("New actor…")
    panel_widget(at.text_input, event_id, "a2-new").input("Civilians (Palestine)")
    panel_widget(at.selectbox, event_id, "place").set_value("Nablus")
    panel_widget(at.number_input, event_id, "killed").set_value(12)
    panel_widget(at.number_input, event_id, "injured").set_value(20)
    panel_widget(at.text_area, event_id, "note").input("Second report gives 12 killed, 20 wounded.")
    button(at, "Save decision").click().run()
    no_exception(at)

    row = events_table(at).set_index(S.EVENT_ID).loc[event_id]
    assert (row[S.EVENT_TYPE], row[S.SUB_EVENT_TYPE], row[S.ACTOR2], row[S.LOCATION], row[S.FATALITIES],
            row[S.INJURIES]) == ("Violence against civilians", "Attack", "Civilians (Palestine)", "Nablus", 12, 20)
    assert row[S.ADMIN1] == "West Bank"  # the gazetteer's area came with the place
    edited = set(row[S.EDITED_FIELDS].split(S.LIST_SEPARATOR))
    assert {S.EVENT_TYPE, S.SUB_EVENT_TYPE, S.ACTOR2, S.LOCATION, S.FATALITIES, S.INJURIES} <= edited
    log = {a.field: (a.old_value, a.new_value) for a in ReviewStore.in_folder(seeds_copy).log()}
    assert log[S.FATALITIES] == (int(target[S.FATALITIES]), 12)
    assert log[S.LOCATION] == (target[S.LOCATION], "Nablus")
    assert log[S.REVIEW_NOTE] == (None, "Second report gives 12 killed, 20 wounded.")
    # Filters use the corrected values.
    multiselect(at, "Event type").set_value(["Violence against civilians"]).run()
    assert event_id in set(events_table(at)[S.EVENT_ID])


def timeline_label(at: AppTest, event_id: str) -> str:
    """The hover line of an event's marker on the timeline."""
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    for trace in spec["data"]:
        if (trace.get("meta") or {}).get("kind") in ("events", "ranges"):
            for i, cell in enumerate(trace.get("customdata", [])):
                if cell == event_id:
                    return trace["hovertext"][i]
    raise AssertionError(f"{event_id} is not on the timeline")


def test_a_saved_toll_reaches_the_headline_the_timeline_and_the_pick_lists(
        seeds_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Caches are keyed by the columns they read: a decision must still reach every one that reads it."""
    target = first_day_event(seeds_copy)
    event_id, killed = target[S.EVENT_ID], int(target[S.FATALITIES])
    at = run_app(seeds_copy, monkeypatch, {"sel": event_id})
    total = int(metric(at, "Fatalities").replace(",", ""))
    types = dict(o.rsplit(" (", 1) for o in multiselect(at, "Event type").options)
    start_reviewing(at, "Ana")
    panel_widget(at.radio, event_id, "status").set_value(S.STATUS_VERIFIED)
    button(at, "Save decision").click().run()  # a status alone: the charts' columns are unchanged
    no_exception(at)
    assert int(metric(at, "Fatalities").replace(",", "")) == total
    assert f"{killed} killed" in timeline_label(at, event_id)

    panel_widget(at.number_input, event_id, "killed").set_value(killed + 100)
    panel_widget(at.selectbox, event_id, "type").set_value("Violence against civilians")
    panel_widget(at.selectbox, event_id, "sub").set_value("Attack")
    button(at, "Save decision").click().run()
    no_exception(at)
    assert int(metric(at, "Fatalities").replace(",", "")) == total + 100
    assert f"{killed + 100} killed" in timeline_label(at, event_id)
    assert "Violence against civilians" in timeline_label(at, event_id)
    now = dict(o.rsplit(" (", 1) for o in multiselect(at, "Event type").options)
    assert int(now["Battles"].rstrip(")")) == int(types["Battles"].rstrip(")")) - 1
    assert int(now["Violence against civilians"].rstrip(")")) == int(types.get("Violence against civilians", "0)").rstrip(")")) + 1


def test_background_work_waits_for_a_quiet_page(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading
    import time

    from dashboard import data

    monkeypatch.setattr(data, "QUIET_S", 0.3)
    data.note_run()  # a page run just ended
    done: list[float] = []
    start = time.monotonic()
    data.in_background("test-background", lambda: done.append(time.monotonic() - start))
    time.sleep(0.15)
    data.note_run()  # another run: the quiet period starts again
    for thread in [t for t in threading.enumerate() if t.name == "test-background"]:
        thread.join(5)
    assert done and done[0] >= 0.45
    data.note_run()
    start = time.monotonic()
    data.wait_for_quiet(limit=0.05)  # never longer than the limit
    assert 0.05 <= time.monotonic() - start < 0.25


def test_the_server_prepares_the_default_view_before_a_browser_comes(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import charts, serve

    folder = write_sample(tmp_path / "table")
    drawn: list[int] = []
    original = charts.timeline_figure
    monkeypatch.setattr(charts, "timeline_figure", lambda *a, **k: drawn.append(1) or original(*a, **k))
    serve.prepare_default_view(folder)
    assert drawn == [1]
    at = run_app(folder, monkeypatch)  # the first page: everything it shows was prepared
    no_exception(at)
    assert drawn == [1]
    assert events_shown(at) == len(EVENTS)
    serve.prepare_default_view(tmp_path / "nothing here")  # no table: the page will say so, the server does not fail
