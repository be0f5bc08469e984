"""The review store: decisions recorded, applied on top of the machine table, merged, split, orphaned, dated."""
from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from data_prep import io
from data_prep import reviews as r
from data_prep import schema as s
from data_prep.models import Article
from tests import review_fixtures as fx


@pytest.fixture
def store(tmp_path: Path) -> r.ReviewStore:
    return r.ReviewStore.in_folder(tmp_path)


def tables(store: r.ReviewStore, events: pd.DataFrame | None = None,
           mentions: pd.DataFrame | None = None) -> r.ReviewedTables:
    return r.review_tables(fx.events() if events is None else events,
                           fx.mentions() if mentions is None else mentions, store)


def row(frame: pd.DataFrame, event_id: str) -> pd.Series:
    found = frame[frame[s.EVENT_ID] == event_id]
    assert len(found) == 1, f"{event_id}: {len(found)} rows"
    return found.iloc[0]


# --- applying ---------------------------------------------------------------------------------


def test_no_decisions_adds_review_columns_and_keeps_machine_values(store: r.ReviewStore) -> None:
    events, mentions = fx.events(), fx.mentions()
    events_before, mentions_before = events.copy(), mentions.copy()
    out = r.apply_reviews(events, mentions, store)
    assert list(out.columns) == list(r.REVIEWED_COLUMNS)
    pd.testing.assert_frame_equal(out[list(s.EVENT_COLUMNS)], events)
    assert out[s.REVIEW_STATUS].tolist() == ["unreviewed"] * 3
    assert out[s.REVIEWER].isna().all() and out[s.REVIEWED_AT].isna().all()
    assert str(out[s.REVIEWED_AT].dtype) == "datetime64[ns, UTC]"
    pd.testing.assert_frame_equal(events, events_before)
    pd.testing.assert_frame_equal(mentions, mentions_before)


def test_save_applies_status_edits_and_note_without_touching_the_input(store: r.ReviewStore) -> None:
    events = fx.events()
    before = events.copy()
    ref = tables(store, events).ref("E1")
    assert ref.mention_ids == ("m1", "m2")
    written = store.save(ref, "  Ana  Lopez ", status=s.STATUS_VERIFIED,
                         edits={s.FATALITIES: 4, s.ACTOR2: "Civilians (Palestine)"}, note="Toll from the hospital.")
    assert [(a.action, a.field, a.old_value, a.new_value) for a in written] == [
        ("edit", s.FATALITIES, 3, 4),
        ("edit", s.ACTOR2, None, "Civilians (Palestine)"),
        ("status", s.REVIEW_STATUS, "unreviewed", "verified"),
        ("note", s.REVIEW_NOTE, None, "Toll from the hospital."),
    ]
    assert {a.reviewer for a in written} == {"Ana Lopez"}
    assert len({a.at for a in written}) == 1  # one save, one moment
    out = r.apply_reviews(events, fx.mentions(), store)
    e1 = row(out, "E1")
    assert (e1[s.FATALITIES], e1[s.ACTOR2], e1[s.REVIEW_STATUS]) == (4, "Civilians (Palestine)", "verified")
    assert (e1[s.REVIEWER], e1[s.REVIEW_NOTE], e1[s.EDITED_FIELDS]) == (
        "Ana Lopez", "Toll from the hospital.", "actor2;fatalities")
    assert e1[s.REVIEWED_AT] == pd.Timestamp(written[0].at)
    assert row(out, "E2")[s.REVIEW_STATUS] == "unreviewed"
    pd.testing.assert_frame_equal(events, before)


def test_rejected_events_stay_in_the_frame(store: r.ReviewStore) -> None:
    store.save(tables(store).ref("E2"), "Ana", status=s.STATUS_REJECTED_EVENT, note="Interception only.")
    out = r.apply_reviews(fx.events(), fx.mentions(), store)
    assert out[s.EVENT_ID].tolist() == ["E1", "E2", "E3"]
    assert out[s.REVIEW_STATUS].tolist() == ["unreviewed", "rejected", "unreviewed"]


def test_unchanged_values_are_not_logged(store: r.ReviewStore) -> None:
    ref = tables(store).ref("E1")
    assert store.save(ref, "Ana", status=s.STATUS_UNREVIEWED, edits={s.FATALITIES: 3, s.LOCATION: "Rafah"}) == []
    assert store.log() == []


def test_two_edits_of_one_field_keep_both_and_the_later_wins(store: r.ReviewStore) -> None:
    first = store.save(tables(store).ref("E1"), "Ana", edits={s.FATALITIES: 4})[0]
    # Bo's screen still shows the machine value 3; the log records what was in force (Ana's 4).
    stale = r.EventRef("E1", ("m1", "m2"), {**fx.EVENTS[0]})
    second = store.save(stale, "Bo", edits={s.FATALITIES: 5})[0]
    assert (first.old_value, first.new_value, second.old_value, second.new_value) == (3, 4, 4, 5)
    assert [(a.reviewer, a.new_value) for a in store.history("E1")] == [("Ana", 4), ("Bo", 5)]
    e1 = row(r.apply_reviews(fx.events(), fx.mentions(), store), "E1")
    assert (e1[s.FATALITIES], e1[s.REVIEWER]) == (5, "Bo")


def test_date_edit_keeps_year_and_time_precision_in_step(store: r.ReviewStore) -> None:
    edits = r.date_fields(date(2022, 12, 30), s.PRECISION_MONTH)
    store.save(tables(store).ref("E3"), "Ana", edits=edits)
    e3 = row(r.apply_reviews(fx.events(), fx.mentions(), store), "E3")
    assert (e3[s.EVENT_DATE], e3[s.DATE_START], e3[s.DATE_END]) == (
        pd.Timestamp("2022-12-30"), pd.Timestamp("2022-12-01"), pd.Timestamp("2022-12-31"))
    assert (e3[s.DATE_PRECISION], e3[s.YEAR], e3[s.TIME_PRECISION]) == ("month", 2022, 3)


def test_revert_shows_the_machine_value_again_and_keeps_history(store: r.ReviewStore) -> None:
    store.save(tables(store).ref("E1"), "Ana", edits={s.LOCATION: "Khan Younis"})
    reverted = store.revert(tables(store).ref("E1"), s.LOCATION, "Bo", note="Rafah is right.")
    assert (reverted.action, reverted.old_value, reverted.new_value) == ("revert", "Khan Younis", None)
    assert row(r.apply_reviews(fx.events(), fx.mentions(), store), "E1")[s.LOCATION] == "Rafah"
    assert [a.action for a in store.history("E1")] == ["edit", "revert"]
    assert store.revert(tables(store).ref("E1"), s.LOCATION, "Bo") is None


def test_clearing_a_field_is_an_edit_not_a_revert(store: r.ReviewStore) -> None:
    store.save(tables(store).ref("E1"), "Ana", edits={s.INJURIES: None})
    assert pd.isna(row(r.apply_reviews(fx.events(), fx.mentions(), store), "E1")[s.INJURIES])


@pytest.mark.parametrize(("edits", "status", "reviewer", "message"), [
    ({s.EVENT_TYPE: "Bombing"}, None, "Ana",
     "event_type: 'Bombing' is not one of Battles, Explosions/Remote violence, Violence against civilians, "
     "Protests, Riots, Strategic developments, Statement"),
    ({s.FATALITIES: -1}, None, "Ana", "fatalities: -1 is negative"),
    ({s.FATALITIES: 2.5}, None, "Ana", "fatalities: 2.5 is not a whole number"),
    ({s.INJURIES: "many"}, None, "Ana", "injuries: 'many' is not a whole number"),
    ({s.LATITUDE: 91.0}, None, "Ana", "latitude: 91.0 is outside -90..90"),
    ({s.LATITUDE: None}, None, "Ana", "latitude and longitude must be given together"),
    ({s.DATE_START: "2023-01-27"}, None, "Ana", "date_start 2023-01-27 is after date_end 2023-01-26"),
    ({s.EVENT_DATE: "2023-01-27"}, None, "Ana", "event_date 2023-01-27 is after date_end 2023-01-26"),
    ({s.EVENT_DATE: "2023-01-25"}, None, "Ana", "event_date 2023-01-25 is before date_start 2023-01-26"),
    ({s.EVENT_DATE: "1923-01-01"}, None, "Ana", "event_date: 1923-01-01 is before 1948"),
    ({s.EVENT_DATE: "yesterday-ish"}, None, "Ana", "event_date: 'yesterday-ish' is not a date"),
    ({s.DATE_PRECISION: "week"}, None, "Ana",
     "date_precision: 'week' is not one of day, approx, range, month, unknown"),
    ({s.EVIDENCE: "x"}, None, "Ana", "'evidence' cannot be edited; editable fields: " + ", ".join(r.EDITABLE_FIELDS)),
    ({}, "approved", "Ana", "review_status: 'approved' is not one of unreviewed, verified, rejected, needs work"),
    ({}, "verified", "   ", "a reviewer name is required"),
])
def test_invalid_decisions_are_refused_before_anything_is_written(
        store: r.ReviewStore, edits: dict, status: str | None, reviewer: str, message: str) -> None:
    with pytest.raises(r.ReviewError) as caught:
        store.save(tables(store).ref("E1"), reviewer, status=status, edits=edits)
    assert str(caught.value) == message
    assert store.log() == []


@pytest.mark.parametrize(("day", "precision", "start", "end", "expected"), [
    (date(2023, 1, 26), "day", None, None, ("2023-01-26", "2023-01-26", "2023-01-26")),
    (date(2023, 1, 26), "approx", None, None, ("2023-01-26", "2023-01-26", "2023-01-26")),
    (date(2024, 2, 10), "month", None, None, ("2024-02-10", "2024-02-01", "2024-02-29")),
    (None, "range", date(2023, 1, 26), date(2023, 1, 27), ("2023-01-27", "2023-01-26", "2023-01-27")),
    (date(2023, 1, 26), "range", date(2023, 1, 26), date(2023, 1, 27), ("2023-01-26", "2023-01-26", "2023-01-27")),
    (date(2023, 1, 26), "unknown", None, None, (None, None, None)),
])
def test_date_fields_are_consistent(day, precision, start, end, expected) -> None:
    out = r.date_fields(day, precision, start, end)
    shown = tuple(out[f].isoformat() if out[f] else None for f in (s.EVENT_DATE, s.DATE_START, s.DATE_END))
    assert (shown, out[s.DATE_PRECISION]) == (expected, precision)


@pytest.mark.parametrize(("day", "precision", "start", "end", "message"), [
    (None, "day", None, None, "a day date needs a day"),
    (None, "range", date(2023, 1, 26), None, "a date range needs both a first and a last day"),
    (None, "range", date(2023, 1, 27), date(2023, 1, 26), "date_start 2023-01-27 is after date_end 2023-01-26"),
    (date(2023, 1, 29), "range", date(2023, 1, 26), date(2023, 1, 27),
     "event_date 2023-01-29 is outside 2023-01-26..2023-01-27"),
    (date(2023, 1, 26), "week", None, None, "date_precision: 'week' is not one of day, approx, range, month, unknown"),
])
def test_date_fields_refuse_incomplete_choices(day, precision, start, end, message) -> None:
    with pytest.raises(r.ReviewError) as caught:
        r.date_fields(day, precision, start, end)
    assert str(caught.value) == message


# --- merge and split ---------------------------------------------------------------------------


def test_merge_folds_the_absorbed_event_into_the_target(store: r.ReviewStore) -> None:
    t = tables(store)
    action = store.merge(t.ref("E2"), t.ref("E3"), "Ana", note="Same incident.")
    assert (action.action, action.event_id, action.related_event_id) == ("merge", "E2", "E3")
    out = tables(store)
    assert out.events[s.EVENT_ID].tolist() == ["E1", "E2"]
    e2 = row(out.events, "E2")
    assert (e2[s.SOURCE_FILES], e2[s.ARTICLE_IDS], e2[s.SOURCE], e2[s.MENTION_COUNT]) == (
        "a2.txt;a3.txt", "a2;a3", "Outlet B;Outlet C", 2)
    assert e2[s.LOCATION] == "Ashkelon"  # the target's coding stands
    assert out.mentions_of("E2")[s.MENTION_ID].tolist() == ["m3", "m4"]
    assert out.resolution["E3"] == "E2"
    assert [a.action for a in store.history("E3")] == ["merge"]


def test_merge_refuses_loops_and_self(store: r.ReviewStore) -> None:
    t = tables(store)
    store.merge(t.ref("E2"), t.ref("E3"), "Ana")
    with pytest.raises(r.ReviewError) as caught:
        store.merge(t.ref("E3"), t.ref("E2"), "Bo")
    assert str(caught.value) == "cannot merge E2 into E3: E3 is already merged into E2"
    with pytest.raises(r.ReviewError) as caught:
        store.merge(t.ref("E1"), t.ref("E1"), "Bo")
    assert str(caught.value) == "cannot merge E1 into itself"


def test_chained_merges_end_in_one_row_and_revert_undoes_one(store: r.ReviewStore) -> None:
    t = tables(store)
    store.merge(t.ref("E2"), t.ref("E3"), "Ana")
    store.merge(t.ref("E1"), t.ref("E2"), "Ana")
    out = tables(store)
    assert out.events[s.EVENT_ID].tolist() == ["E1"]
    assert row(out.events, "E1")[s.MENTION_COUNT] == 4
    store.revert(r.EventRef("E2"), r.MERGED_INTO, "Bo")
    assert tables(store).events[s.EVENT_ID].tolist() == ["E1", "E2"]
    assert tables(store).mentions_of("E2")[s.MENTION_ID].tolist() == ["m3", "m4"]


def test_merged_away_event_gives_way_to_the_target(store: r.ReviewStore) -> None:
    t = tables(store)
    store.save(t.ref("E3"), "Ana", status=s.STATUS_REJECTED_EVENT)
    store.merge(t.ref("E2"), t.ref("E3"), "Ana")
    assert row(tables(store).events, "E2")[s.REVIEW_STATUS] == "unreviewed"


def test_split_makes_one_event_per_detached_mention(store: r.ReviewStore) -> None:
    store.save(tables(store).ref("E1"), "Ana", status=s.STATUS_VERIFIED)
    action = store.split(tables(store).ref("E1"), "Ana", note="Two strikes, two towns.")
    assert (action.action, action.new_value) == ("split", ["m2"])
    out = tables(store)
    assert out.events[s.EVENT_ID].tolist() == ["E1", "E2", "E3", "split:m2"]
    parent, child = row(out.events, "E1"), row(out.events, "split:m2")
    assert (parent[s.SOURCE_FILES], parent[s.MENTION_COUNT], parent[s.REVIEW_STATUS]) == ("a1.txt", 1, "verified")
    assert (child[s.LOCATION], child[s.FATALITIES], child[s.INJURIES], child[s.SOURCE_FILES]) == (
        "Khan Younis", 4, 2, "a2.txt")
    assert (child[s.SOURCE], child[s.MENTION_COUNT], child[s.REVIEW_STATUS]) == ("Outlet B", 1, "unreviewed")
    # Rafah's coordinates do not belong to Khan Younis: the analyst places the new event.
    assert pd.isna(child[s.LATITUDE]) and pd.isna(child[s.ADMIN1])
    assert child[s.ACTOR1] == "Israeli military"
    assert out.mentions_of("split:m2")[s.MENTION_ID].tolist() == ["m2"]


def test_split_event_can_be_edited_and_the_split_reverted(store: r.ReviewStore) -> None:
    store.split(tables(store).ref("E1"), "Ana")
    store.save(tables(store).ref("split:m2"), "Ana", edits={s.LATITUDE: 31.34, s.LONGITUDE: 34.30})
    assert row(tables(store).events, "split:m2")[s.LATITUDE] == 31.34
    store.revert(tables(store).ref("E1"), r.SPLIT, "Bo")
    out = tables(store)
    assert out.events[s.EVENT_ID].tolist() == ["E1", "E2", "E3"]
    assert row(out.events, "E1")[s.MENTION_COUNT] == 2
    # The child's decisions follow its mention back to E1 rather than vanish.
    assert row(out.events, "E1")[s.REATTACHED_FROM] == "split:m2"
    assert row(out.events, "E1")[s.LATITUDE] == 31.34


@pytest.mark.parametrize(("event_id", "detach", "message"), [
    ("E2", None, "event E2 has 1 mention(s): nothing to split"),
    ("E1", ["m9"], "not mentions of E1: m9"),
    ("E1", ["m1", "m2"], "at least one mention must stay with E1"),
    ("E1", [], "choose at least one mention to split off"),
])
def test_split_refusals(store: r.ReviewStore, event_id: str, detach: list[str] | None, message: str) -> None:
    with pytest.raises(r.ReviewError) as caught:
        store.split(tables(store).ref(event_id), "Ana", detach)
    assert str(caught.value) == message


# --- rebuilds: re-attaching and orphans --------------------------------------------------------


def test_decision_on_a_vanished_event_is_an_orphan_with_what_was_seen(store: r.ReviewStore) -> None:
    store.save(tables(store).ref("E2"), "Ana", status=s.STATUS_VERIFIED, edits={s.INJURIES: 2}, note="Checked.")
    events = fx.events([e for e in fx.EVENTS if e[s.EVENT_ID] != "E2"])
    mentions = fx.mentions([m for m in fx.MENTIONS if m[s.EVENT_ID] != "E2"])
    lost = r.orphans(store, events, mentions)
    assert lost[s.EVENT_ID].tolist() == ["E2"]
    o = lost.iloc[0]
    assert (o[s.REVIEW_STATUS], o[s.REVIEWER], o[s.REVIEW_NOTE], o[s.EDITED_FIELDS]) == (
        "verified", "Ana", "Checked.", "injuries")
    assert (o[s.LOCATION], o[s.EVENT_DATE], o[s.MENTION_IDS], bool(o[s.ORPHANED])) == (
        "Ashkelon", pd.Timestamp("2023-01-27"), "m3", True)
    assert o[s.CHANGE_DETAIL] == (
        "no longer in the build, nor any of its mentions (m3); kept: edit of injuries, status verified, note")
    assert r.apply_reviews(events, mentions, store)[s.EVENT_ID].tolist() == ["E1", "E3"]
    # The decision is still there: when a later build brings the event back, it applies again.
    assert row(r.apply_reviews(fx.events(), fx.mentions(), store), "E2")[s.INJURIES] == 2


def test_decision_follows_a_surviving_mention_to_a_new_event_id(store: r.ReviewStore) -> None:
    store.save(tables(store).ref("E1"), "Ana", status=s.STATUS_NEEDS_WORK, edits={s.FATALITIES: 4})
    events = fx.events(fx.renamed(fx.EVENTS, "E1", "E1-new"))
    mentions = fx.mentions(fx.renamed(fx.MENTIONS, "E1", "E1-new"))
    out = r.review_tables(events, mentions, store)
    moved = row(out.events, "E1-new")
    assert (moved[s.REVIEW_STATUS], moved[s.FATALITIES], moved[s.REATTACHED_FROM]) == ("needs work", 4, "E1")
    assert out.resolution["E1"] == "E1-new"
    assert out.orphans.empty


def test_orphans_without_mentions_lists_every_missing_decided_id(store: r.ReviewStore) -> None:
    store.save(tables(store).ref("E1"), "Ana", status=s.STATUS_VERIFIED)
    events = fx.events(fx.renamed(fx.EVENTS, "E1", "E1-new"))
    assert r.orphans(store, events)[s.EVENT_ID].tolist() == ["E1"]


# --- history, log, sessions -------------------------------------------------------------------


def test_history_includes_merges_and_article_dates(store: r.ReviewStore) -> None:
    t = tables(store)
    store.save(t.ref("E2"), "Ana", status=s.STATUS_VERIFIED)
    store.merge(t.ref("E2"), t.ref("E3"), "Bo")
    store.set_published("a2", date(2023, 1, 29), "Cy", machine_published=date(2023, 1, 28))
    store.save(t.ref("E1"), "Ana", status=s.STATUS_VERIFIED)
    assert [(a.reviewer, a.action) for a in store.history("E2", article_ids=["a2"])] == [
        ("Ana", "status"), ("Bo", "merge"), ("Cy", "set_published")]
    assert [a.describe() for a in store.history("E3")] == ["merged E3 into E2"]
    frame = r.history(store, "E2")
    assert list(frame.columns) == list(s.REVIEW_LOG_COLUMNS)
    assert frame[s.NEW_VALUE].tolist() == ["verified", "E2"]
    assert str(frame[s.LOG_AT].dtype) == "datetime64[ns, UTC]"


def test_log_is_append_only_at_the_database_level(store: r.ReviewStore) -> None:
    store.save(tables(store).ref("E1"), "Ana", status=s.STATUS_VERIFIED)
    conn = sqlite3.connect(store.path)
    try:
        for statement in ("UPDATE actions SET reviewer = 'Mallory'", "DELETE FROM actions"):
            with pytest.raises(sqlite3.DatabaseError, match="the review log is append-only"):
                conn.execute(statement)
    finally:
        conn.close()
    assert [a.reviewer for a in store.log()] == ["Ana"]


def test_maintained_overrides_equal_those_derived_from_the_log(store: r.ReviewStore) -> None:
    t = tables(store)
    store.save(t.ref("E1"), "Ana", status=s.STATUS_VERIFIED, edits={s.FATALITIES: 4}, note="n")
    store.save(t.ref("E1"), "Bo", edits={s.FATALITIES: 6})
    store.merge(t.ref("E2"), t.ref("E3"), "Ana")
    store.split(t.ref("E1"), "Bo")
    store.revert(t.ref("E3"), r.MERGED_INTO, "Cy")
    store.revert(t.ref("E1"), s.REVIEW_NOTE, "Cy")
    assert store.overrides_in_force() == store.rebuild_overrides()
    assert store.overrides_in_force() == {
        ("E1", s.REVIEW_STATUS): "verified", ("E1", s.FATALITIES): 6, ("E1", r.SPLIT): ["m2"]}


def test_sessions_remember_where_a_reviewer_left_off(store: r.ReviewStore) -> None:
    assert store.start_session("Ana") is None
    store.save(tables(store).ref("E1"), "Ana", status=s.STATUS_VERIFIED)
    last = store.log()[-1].at
    assert store.start_session("Ana") == last
    assert store.start_session("Bo") is None
    assert store.reviewers() == ["Ana"]


def test_store_refuses_a_newer_version_and_a_non_database(tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite"
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {r.STORE_VERSION + 1}")
    conn.close()
    with pytest.raises(r.ReviewStoreError) as caught:
        r.ReviewStore(newer)
    assert str(caught.value) == f"{newer} was written by a newer version of this tool (store version 2)"
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all, just some bytes" * 40)
    with pytest.raises(r.ReviewStoreError, match="is not a review store"):
        r.ReviewStore(junk)


def test_store_uses_wal(store: r.ReviewStore) -> None:
    conn = sqlite3.connect(store.path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


# --- changed since -----------------------------------------------------------------------------


def test_changes_since_lists_new_changed_removed_and_reviewed(store: r.ReviewStore) -> None:
    start = datetime.now(UTC) - timedelta(hours=2)
    store.record_snapshot(fx.events(), at=start)
    assert store.record_snapshot(fx.events(), at=start + timedelta(minutes=1)) == r.SnapshotSummary(0, 0, 0)
    when = start + timedelta(hours=1)
    rebuilt_rows = [
        {**fx.EVENTS[0], s.FATALITIES: 5},
        fx.EVENTS[2],
        {**fx.EVENTS[1], s.EVENT_ID: "E4", s.LOCATION: "Sderot"},
    ]
    rebuilt = fx.events(rebuilt_rows)
    assert store.record_snapshot(rebuilt) == r.SnapshotSummary(new=1, changed=1, removed=1)
    store.save(r.review_tables(rebuilt, fx.mentions(), store).ref("E3"), "Ana", status=s.STATUS_VERIFIED)
    changes = r.changes_since(store, rebuilt, when)
    assert list(changes.columns) == list(r.CHANGE_COLUMNS)
    assert list(zip(changes[s.CHANGE_KIND], changes[s.EVENT_ID])) == [
        ("new", "E4"), ("changed", "E1"), ("removed", "E2"), ("reviewed", "E3")]
    detail = dict(zip(changes[s.EVENT_ID], changes[s.CHANGE_DETAIL]))
    assert detail["E1"] == "rebuilt: fatalities 3 → 5"
    assert detail["E3"] == "Ana: review_status: unreviewed → verified"
    assert row(changes, "E2")[s.LOCATION] == "Ashkelon"  # the removed event as last seen
    assert r.changes_since(store, rebuilt, datetime.now(UTC)).empty


# --- article publication dates -----------------------------------------------------------------


def test_set_published_logs_and_withdraws(store: r.ReviewStore) -> None:
    first = store.set_published("a3", date(2023, 1, 29), "Ana", machine_published=None, note="Dated from the URL.")
    assert (first.article_id, first.old_value, first.new_value) == ("a3", None, "2023-01-29")
    assert store.set_published("a3", date(2023, 1, 29), "Bo") is None
    second = store.set_published("a3", date(2023, 1, 30), "Bo")
    assert (second.old_value, second.new_value) == ("2023-01-29", "2023-01-30")
    assert r.article_dates(store) == {"a3": date(2023, 1, 30)}
    store.set_published("a3", None, "Cy")
    assert r.article_dates(store) == {}
    assert [a.new_value for a in store.history("nothing", article_ids=["a3"])] == ["2023-01-29", "2023-01-30", None]


def _fake_pipeline(articles: list[Article]) -> SimpleNamespace:
    """Stands in for build_from_articles: each article reports one protest 'yesterday'.

    Event ids depend on the resolved day (as a date-bearing id rule would); mention ids do not.
    """
    events, mentions = [], []
    for article in articles:
        day = article.published - timedelta(days=1) if article.published else None
        event_id = f"{article.article_id}@{day}"
        events.append({s.EVENT_ID: event_id, s.EVENT_DATE: day, s.DATE_PRECISION: "day" if day else "unknown",
                       s.EVENT_TYPE: "Protests", s.LOCATION: "Nablus", s.SOURCE_FILES: article.file,
                       s.ARTICLE_IDS: article.article_id, s.MENTION_COUNT: 1})
        mentions.append({s.MENTION_ID: f"{article.article_id}#0", s.EVENT_ID: event_id,
                         s.ARTICLE_ID: article.article_id, s.PUBLISHED: article.published, s.EVENT_DATE: day})
    return SimpleNamespace(events=s.conform_events(pd.DataFrame(events)),
                           mentions=s.conform_mentions(pd.DataFrame(mentions)))


def test_corrected_publication_date_re_resolves_the_article_and_decisions_follow(store: r.ReviewStore) -> None:
    articles = fx.articles()
    seen: list[list[Article]] = []

    def build(given: list[Article]) -> SimpleNamespace:
        seen.append(given)
        return _fake_pipeline(given)

    assert r.rebuild_for_dates(articles, {}, build) is None
    assert r.rebuild_for_dates(articles, {"a1": date(2023, 1, 27)}, build) is None  # same as the machine's
    assert seen == []
    machine = _fake_pipeline(io.articles_from_frame(articles))
    events, mentions = machine.events, machine.mentions
    assert row(events, "a3@None")[s.DATE_PRECISION] == "unknown"  # undated article: no day
    store.save(r.review_tables(events, mentions, store).ref("a3@None"), "Ana", status=s.STATUS_VERIFIED)

    store.set_published("a3", date(2023, 1, 29), "Ana")
    rebuilt = r.rebuild_for_dates(articles, r.article_dates(store), build)
    corrected = {a.article_id: a for a in seen[0]}["a3"]
    assert (corrected.published, corrected.published_origin) == (date(2023, 1, 29), "override")
    assert {a.article_id: a.published for a in seen[0]}["a1"] == date(2023, 1, 27)
    out = r.apply_reviews(rebuilt.events, rebuilt.mentions, store)
    a3 = row(out, "a3@2023-01-28")
    assert (a3[s.EVENT_DATE], a3[s.REVIEW_STATUS], a3[s.REATTACHED_FROM]) == (
        pd.Timestamp("2023-01-28"), "verified", "a3@None")


def test_with_dates_marks_the_correction() -> None:
    article = Article(article_id="a3", file="a3.txt", text="Hundreds protested in Nablus yesterday.")
    same = Article(article_id="a1", file="a1.txt", text="x", published=date(2023, 1, 27))
    out = r.with_dates([article, same], {"a3": date(2023, 1, 29), "a1": date(2023, 1, 27)})
    assert out[0] == replace(article, published=date(2023, 1, 29), published_origin="override")
    assert out[1] is same


# --- helpers behind the review panel ----------------------------------------------------------


def test_sub_type_must_belong_to_the_type(store: r.ReviewStore) -> None:
    with pytest.raises(r.ReviewError) as caught:
        store.save(tables(store).ref("E3"), "Ana", edits={s.SUB_EVENT_TYPE: "Armed clash"})
    assert str(caught.value) == ("sub_event_type: 'Armed clash' is not a sub-type of Protests "
                                 "(Peaceful protest, Protest with intervention, Excessive force against protesters)")
    store.save(tables(store).ref("E3"), "Ana", edits={s.EVENT_TYPE: "Riots", s.SUB_EVENT_TYPE: "Mob violence"})
    # Statement has no sub-types to check; a status alone never trips over the machine's pair.
    store.save(tables(store).ref("E3"), "Ana", edits={s.EVENT_TYPE: s.STATEMENT, s.SUB_EVENT_TYPE: None})
    assert [a.field for a in store.log()] == [s.EVENT_TYPE, s.SUB_EVENT_TYPE, s.EVENT_TYPE, s.SUB_EVENT_TYPE]


def test_form_edits_keep_only_real_changes() -> None:
    current = tables(r.ReviewState()).ref("E1").values
    chosen = {s.FATALITIES: 3, s.INJURIES: 6, s.EVENT_DATE: date(2023, 1, 26), s.ACTOR2: None,
              s.LOCATION: " Rafah ", s.LATITUDE: 31.2969}
    assert r.form_edits(current, chosen) == {s.INJURIES: 6}


def test_place_and_actor_edits() -> None:
    from data_prep.models import Actor, Place
    gaza = Place("Jabalia", "Gaza Strip", "Palestine", 31.53, 34.48, geo_precision=1)
    assert r.place_edits("ignored", gaza) == {
        s.LOCATION: "Jabalia", s.ADMIN1: "Gaza Strip", s.COUNTRY: "Palestine", s.LATITUDE: 31.53,
        s.LONGITUDE: 34.48, s.GEO_PRECISION: 1}
    assert r.place_edits(" Wadi  Gaza ", None, "Gaza Strip", 31.45, 34.38) == {
        s.LOCATION: "Wadi Gaza", s.ADMIN1: "Gaza Strip", s.LATITUDE: 31.45, s.LONGITUDE: 34.38, s.GEO_PRECISION: 1}
    assert r.place_edits("Somewhere", None)[s.GEO_PRECISION] is None
    with pytest.raises(r.ReviewError, match="^a new place needs a name$"):
        r.place_edits("  ", None)
    assert r.actor_edits(2, "Hamas", Actor("Hamas", inter=2)) == {s.ACTOR2: "Hamas", s.INTER2: 2}
    assert r.actor_edits(1, "New militia", None) == {s.ACTOR1: "New militia", s.INTER1: None}


def test_choices_labels_and_candidates() -> None:
    assert r.choices("Israeli military", ["hamas", "Israeli military", "Al-Qassam Brigades"]) == [
        "Israeli military", "Al-Qassam Brigades", "hamas"]
    assert r.choices(pd.NA, ["B", "a"]) == ["a", "B"]
    rows = fx.events()
    assert r.event_label(rows.iloc[0].to_dict()) == "E1 · 2023-01-26 · Air/drone strike · Explosions/Remote violence · 3 killed"
    assert r.mention_label(fx.mentions().iloc[1].to_dict()) == "m2 · Outlet B · 2023-01-26 · Khan Younis · 4 killed"
    assert r.merge_candidates(rows, "E1", days=1)[s.EVENT_ID].tolist() == ["E2"]
    assert r.merge_candidates(rows, "E2", days=1)[s.EVENT_ID].tolist() == ["E1", "E3"]
    assert r.merge_candidates(rows, "E9").empty


def test_view_log_takes_aliases_and_articles(store: r.ReviewStore) -> None:
    store.save(tables(store).ref("E1"), "Ana", status=s.STATUS_VERIFIED)
    store.save(tables(store).ref("E3"), "Ana", status=s.STATUS_VERIFIED)
    store.set_published("a1", date(2023, 1, 27), "Bo", machine_published=None)
    events = fx.events(fx.renamed(fx.EVENTS, "E1", "E1-new"))
    mentions = fx.mentions(fx.renamed(fx.MENTIONS, "E1", "E1-new"))
    t = r.review_tables(events, mentions, store)
    log = r.view_log(store, t, t.events[t.events[s.EVENT_ID] == "E1-new"])
    assert list(zip(log[s.EVENT_ID].fillna(""), log[s.ARTICLE_ID].fillna(""))) == [("E1", ""), ("", "a1")]
    assert t.aliases("E1-new") == ["E1"]


def test_history_table_reads_as_sentences(store: r.ReviewStore) -> None:
    t = tables(store)
    store.save(t.ref("E1"), "Ana", edits={s.FATALITIES: 4}, note="Hospital list.")
    store.merge(t.ref("E1"), t.ref("E2"), "Bo")
    store.split(t.ref("E1"), "Bo")
    store.revert(t.ref("E1"), s.FATALITIES, "Cy")
    store.set_published("a1", date(2023, 1, 28), "Cy", machine_published=date(2023, 1, 27))
    table = r.history_table(store.history("E1", article_ids=["a1"]))
    assert table.drop(columns="when (UTC)").values.tolist() == [
        ["Ana", "E1", "fatalities: 3 → 4", "Hospital list."],
        ["Ana", "E1", "review_note: (empty) → Hospital list.", "Hospital list."],
        ["Bo", "E1", "merged E2 into E1", ""],
        ["Bo", "E1", "split mentions m2 out of E1", ""],
        ["Cy", "E1", "reverted fatalities to the machine value (was 4)", ""],
        ["Cy", "article a1", "publication date of a1: 2023-01-27 → 2023-01-28", ""],
    ]


def test_reviewed_with_dates_rebuilds_only_when_a_date_is_corrected(store: r.ReviewStore) -> None:
    articles = pd.concat([fx.articles(), s.conform_articles(pd.DataFrame([
        {s.FILE: "broken.pdf", s.STATUS: s.STATUS_REJECTED, s.REASON: "unsupported file type .pdf"}]))],
        ignore_index=True)
    calls: list[dict] = []

    def rebuild(machine_articles: pd.DataFrame, dates):
        calls.append(dict(dates))
        given = io.articles_from_frame(machine_articles)
        built = _fake_pipeline(r.with_dates(given, dates))
        return SimpleNamespace(events=built.events, mentions=built.mentions,
                               articles=io.articles_frame(r.with_dates(given, dates)))

    plain = r.reviewed_with_dates(fx.events(), fx.mentions(), articles, store, rebuild)
    assert calls == [] and plain.articles is articles
    assert plain.events[s.EVENT_ID].tolist() == ["E1", "E2", "E3"]

    store.set_published("a3", date(2023, 1, 29), "Ana")
    out = r.reviewed_with_dates(fx.events(), fx.mentions(), articles, store, rebuild)
    assert calls == [{"a3": date(2023, 1, 29)}]
    assert out.events[s.EVENT_ID].tolist() == ["a1@2023-01-26", "a2@2023-01-27", "a3@2023-01-28"]
    assert out.articles[s.FILE].tolist() == ["a1.txt", "a2.txt", "a3.txt", "broken.pdf"]
    assert out.articles[s.PUBLISHED_ORIGIN].tolist()[:3] == ["header", "header", "override"]


def test_version_changes_with_every_decision(store: r.ReviewStore) -> None:
    assert store.version() == (0, 0, "")
    store.save(tables(store).ref("E1"), "Ana", status=s.STATUS_VERIFIED)
    first = store.version()
    assert first[:2] == (1, 1)
    store.revert(tables(store).ref("E1"), s.REVIEW_STATUS, "Ana")
    assert store.version()[:2] == (2, 2) and store.version()[2] == first[2]


def test_corrected_date_through_the_real_pipeline(tmp_path: Path) -> None:
    """'on Thursday' in an article dated Friday 27 January is the 26th; re-dated Friday 3 February, the 2nd."""
    from data_prep import build_event_table

    built = build_event_table([Path(__file__).parent / "fixtures" / "reviews" / "jenin_raid.txt"])
    assert built.events[[s.EVENT_DATE, s.LOCATION, s.FATALITIES]].values.tolist() == [
        [pd.Timestamp("2023-01-26"), "Jenin camp", 10]]
    store = r.ReviewStore.in_folder(tmp_path)
    event_id = built.events[s.EVENT_ID].iloc[0]
    article_id = built.articles[s.ARTICLE_ID].iloc[0]
    ref = r.review_tables(built.events, built.mentions, store).ref(event_id)
    store.save(ref, "Ana", status=s.STATUS_NEEDS_WORK, edits={s.INJURIES: 3}, note="Date looks off.")
    store.set_published(article_id, date(2023, 2, 3), "Ana", machine_published=date(2023, 1, 27))

    out = r.reviewed_with_dates(built.events, built.mentions, built.articles, store)
    row_ = out.events.iloc[0]
    assert (row_[s.EVENT_DATE], row_[s.DATE_PRECISION], row_[s.REVIEW_STATUS], row_[s.INJURIES]) == (
        pd.Timestamp("2023-02-02"), "day", "needs work", 3)
    assert out.articles[[s.PUBLISHED, s.PUBLISHED_ORIGIN]].values.tolist() == [[pd.Timestamp("2023-02-03"), "override"]]
    assert out.orphans.empty
    assert built.events[s.EVENT_DATE].iloc[0] == pd.Timestamp("2023-01-26")  # the machine table is untouched
