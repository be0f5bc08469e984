"""The Streamlit page itself, driven by AppTest: loads, filters, empty state, URL round trip, safe text, uploads."""
from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import state
from data_prep import build_event_table, io, schema as S
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
    at.sidebar.date_input[0].set_value((date(2023, 1, 27), date(2023, 2, 10))).run()
    no_exception(at)
    # Ashkelon (27 Jan), the pledge (25-27 Jan) and Huwara (10 Feb); the undated event drops out.
    assert timeline_ids(at) == {"EVashkelon", "EVpledge", "EVhuwara"}
    assert at.query_params["from"] == "2023-01-27" and at.query_params["to"] == "2023-02-10"

    at = run_app(sample_folder, monkeypatch)
    at.sidebar.toggle[0].set_value(False).run()
    assert events_shown(at) == 5 and "EVpledge" not in timeline_ids(at)

    at = run_app(sample_folder, monkeypatch)
    at.sidebar.number_input[0].set_value(10).run()
    assert timeline_ids(at) == {"EVgaza"}  # Jenin's lowest figure is 9

    at = run_app(sample_folder, monkeypatch)
    at.sidebar.text_input[0].set_value("refugee camp").run()
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
