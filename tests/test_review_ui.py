"""The review panel as a page: the name asked once, a decision saved through the form, a split, read-only without a name."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.evidence import escape_markdown
from data_prep import reviews as r
from data_prep import schema as s
from tests import review_fixtures as fx

TIMEOUT = 30


def page(folder: str) -> None:
    from pathlib import Path

    from dashboard import review_ui
    from data_prep import reviews as rv
    from tests import review_fixtures as fx

    store = review_ui.open_store(Path(folder))
    tables = rv.review_tables(fx.events(), fx.mentions(), store)
    reviewer = review_ui.reviewer_sidebar(store)
    review_ui.render_orphans(tables)
    review_ui.render_review_panel(store, tables, "E1", reviewer, fx.articles())


def start(tmp_path: Path) -> AppTest:
    at = AppTest.from_function(page, args=(str(tmp_path),), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def field(elements, name: str):
    """The panel's widget for `name` (keys carry the event id and a version: rv-E1-<version>-<name>)."""
    return next(e for e in elements if e.key and e.key.startswith("rv-E1-") and e.key.endswith(f"-{name}"))


def test_without_a_name_the_panel_is_read_only(tmp_path: Path) -> None:
    at = start(tmp_path)
    assert [c.value for c in at.caption][-2:] == [
        "Enter your name in the sidebar to record decisions on this event.",
        "No decision recorded yet: the event is as the machine coded it.",
    ]
    assert not [b for b in at.button if b.label == "Save decision"]


def test_name_once_then_a_decision_through_the_form(tmp_path: Path) -> None:
    at = start(tmp_path)
    at.sidebar.text_input(key="rv_name").input("  Ana   Lopez ")
    button(at, "Start reviewing").click().run()
    assert not at.exception
    assert at.session_state["rv_reviewer"] == "Ana Lopez"
    assert at.sidebar.caption[0].value == "Reviewing as **Ana Lopez**"

    field(at.radio, "status").set_value(s.STATUS_VERIFIED)
    field(at.number_input, "killed").set_value(4)
    field(at.text_area, "note").input("Hospital list checked.")
    button(at, "Save decision").click().run()
    assert not at.exception

    store = r.ReviewStore.in_folder(tmp_path)
    # Only what the analyst touched is recorded: untouched pickers change nothing.
    assert [(a.reviewer, a.field, a.old_value, a.new_value) for a in store.log()] == [
        ("Ana Lopez", s.FATALITIES, 3, 4),
        ("Ana Lopez", s.REVIEW_STATUS, "unreviewed", "verified"),
        ("Ana Lopez", s.REVIEW_NOTE, None, "Hospital list checked."),
    ]
    assert at.success[0].value == escape_markdown("Saved 3 change(s) to E1.")
    assert "Status: **verified**" in at.markdown[1].value
    # The form reloads with what is now in force (and an empty note for the next decision).
    assert (field(at.radio, "status").value, field(at.number_input, "killed").value) == ("verified", 4)
    assert field(at.text_area, "note").value == ""


def test_saving_an_untouched_form_records_nothing(tmp_path: Path) -> None:
    at = start(tmp_path)
    at.sidebar.text_input(key="rv_name").input("Bo")
    button(at, "Start reviewing").click().run()
    button(at, "Save decision").click().run()
    assert not at.exception
    assert r.ReviewStore.in_folder(tmp_path).log() == []
    assert at.success[0].value == escape_markdown("Nothing changed: no decision recorded.")


def test_split_from_the_panel(tmp_path: Path) -> None:
    at = start(tmp_path)
    at.sidebar.text_input(key="rv_name").input("Bo")
    button(at, "Start reviewing").click().run()
    field(at.multiselect, "split-pick").set_value(["m2"]).run()
    button(at, "Split them off").click().run()
    assert not at.exception
    action = r.ReviewStore.in_folder(tmp_path).log()[-1]
    assert (action.action, action.reviewer, action.new_value) == ("split", "Bo", ["m2"])


def test_a_refused_edit_is_shown_not_saved(tmp_path: Path) -> None:
    at = start(tmp_path)
    at.sidebar.text_input(key="rv_name").input("Bo")
    button(at, "Start reviewing").click().run()
    field(at.selectbox, "sub").set_value("Armed clash")
    button(at, "Save decision").click().run()
    assert not at.exception
    assert at.error[0].value == escape_markdown(
        "sub_event_type: 'Armed clash' is not a sub-type of Explosions/Remote violence (Air/drone strike, "
        "Shelling/artillery/missile attack, Remote explosive/landmine/IED, Grenade, Suicide bomb, Chemical weapon)")
    assert r.ReviewStore.in_folder(tmp_path).log() == []


def status_page(folder: str) -> None:
    from pathlib import Path

    import streamlit as st

    from dashboard import review_ui
    from tests import review_fixtures as fx

    store = review_ui.open_store(Path(folder))
    tables = review_ui.reviewed_tables(store, fx.events(), fx.mentions(), fx.articles(), data_key=("fixture", 1))
    st.text(" ".join(tables.events["review_status"]))


def test_a_colleagues_decision_shows_on_the_next_run(tmp_path: Path) -> None:
    at = AppTest.from_function(status_page, args=(str(tmp_path),), default_timeout=TIMEOUT)
    at.run()
    assert at.text[0].value == "unreviewed unreviewed unreviewed"
    at.run()
    assert at.text[0].value == "unreviewed unreviewed unreviewed"
    colleague = r.ReviewStore.in_folder(tmp_path)
    colleague.save(r.review_tables(fx.events(), fx.mentions(), colleague).ref("E2"), "Bo",
                   status=s.STATUS_REJECTED_EVENT)
    at.run()
    assert not at.exception
    assert at.text[0].value == "unreviewed rejected unreviewed"
