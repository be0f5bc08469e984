"""Column tokens of the table the page shows: a decision changes the tokens of the columns it changed, and no others.

The page caches the filter options, the kept rows, the headline and the charts by these tokens, so
a token that stayed the same while its column changed would show stale figures: every test here
checks tokens against what the decisions really did to the table.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard.review_ui import decided_ids
from dashboard.versions import TableVersion, machine_version, reviewed_version
from data_prep import reviews as rv
from data_prep import schema as s
from tests import review_fixtures as fx

BASE = ("folder", "stamp-1")


@pytest.fixture()
def store(tmp_path: Path) -> rv.ReviewStore:
    return rv.ReviewStore.in_folder(tmp_path)


def _ref(events: pd.DataFrame, event_id: str) -> rv.EventRef:
    row = events.loc[events[s.EVENT_ID] == event_id].iloc[0].to_dict()
    return rv.EventRef(event_id, (), row)


def _version(store: rv.ReviewStore, events: pd.DataFrame, mentions: pd.DataFrame,
             token: str) -> tuple[TableVersion, pd.DataFrame]:
    state = store.state()
    shown = rv.apply_state(events, mentions, state).events
    decided = None if rv.needs_mentions(state, events) else decided_ids(state)
    return reviewed_version(events, machine_version(events, BASE), shown, decided, token), shown


def _changed_columns(a: TableVersion, b: TableVersion) -> set[str]:
    return {c for c in set(a.columns) | set(b.columns) if a.columns.get(c) != b.columns.get(c)}


def test_the_machine_table_has_one_token() -> None:
    events = fx.events()
    version = machine_version(events, BASE)
    assert set(version.columns) == set(events.columns)
    assert set(version.columns.values()) == {BASE}
    assert version.of([s.FATALITIES]) == (BASE, ((s.FATALITIES, BASE),))
    assert version.of([s.FATALITIES, s.REVIEW_STATUS]) != version.of([s.FATALITIES])  # a column it lacks counts


def test_a_status_changes_the_review_columns_only(store: rv.ReviewStore) -> None:
    events, mentions = fx.events(), fx.mentions()
    empty, _ = _version(store, events, mentions, "v0")
    store.save(_ref(events, "E1"), "ana", status=s.STATUS_VERIFIED, note="checked")
    verified, shown = _version(store, events, mentions, "v1")
    assert shown.loc[0, s.REVIEW_STATUS] == s.STATUS_VERIFIED  # the decision is in the table
    assert verified.rows == BASE  # no row moved
    assert all(verified.columns[c] == BASE for c in events.columns)  # every machine column as built
    changed = _changed_columns(empty, verified)
    assert {s.REVIEW_STATUS, s.REVIEWER, s.REVIEWED_AT, s.REVIEW_NOTE} <= changed
    assert changed <= set(rv.REVIEWED_COLUMNS) - set(s.EVENT_COLUMNS)  # the review columns alone


def test_an_edit_changes_its_column_and_a_withdrawal_restores_it(store: rv.ReviewStore) -> None:
    events, mentions = fx.events(), fx.mentions()
    store.save(_ref(events, "E1"), "ana", status=s.STATUS_VERIFIED)
    before, _ = _version(store, events, mentions, "v1")
    store.save(_ref(events, "E2"), "ben", edits={s.FATALITIES: 7})
    edited, shown = _version(store, events, mentions, "v2")
    assert shown.loc[1, s.FATALITIES] == 7
    machine_changed = {c for c in events.columns if edited.columns[c] != BASE}
    assert machine_changed == {s.FATALITIES}
    assert s.FATALITIES in _changed_columns(before, edited) and s.EVENT_DATE not in _changed_columns(before, edited)

    store.save(_ref(events, "E2"), "ben", edits={s.FATALITIES: 9})
    again, _ = _version(store, events, mentions, "v3")
    assert again.columns[s.FATALITIES] not in (BASE, edited.columns[s.FATALITIES])  # another value, another token

    store.revert(rv.EventRef("E2"), s.FATALITIES, "ben")
    withdrawn, shown = _version(store, events, mentions, "v4")
    assert shown.loc[1, s.FATALITIES] == 0
    assert withdrawn.columns[s.FATALITIES] == BASE  # the machine's content again: caches of it apply


def test_a_corrected_day_changes_the_date_columns_it_writes(store: rv.ReviewStore) -> None:
    events, mentions = fx.events(), fx.mentions()
    store.save(_ref(events, "E3"), "ana", edits=rv.date_fields(date(2023, 1, 20), s.PRECISION_DAY))
    version, shown = _version(store, events, mentions, "v1")
    assert shown.loc[2, s.EVENT_DATE] == pd.Timestamp("2023-01-20")
    changed = {c for c in events.columns if version.columns[c] != BASE}
    assert {s.EVENT_DATE, s.DATE_PRECISION, s.TIME_PRECISION} <= changed
    assert not changed & {s.FATALITIES, s.LOCATION, s.EVENT_TYPE, s.SOURCE, s.ARTICLE_IDS}


def test_the_same_decisions_give_the_same_tokens(store: rv.ReviewStore) -> None:
    events, mentions = fx.events(), fx.mentions()
    store.save(_ref(events, "E2"), "ben", status=s.STATUS_NEEDS_WORK, edits={s.LOCATION: "Sderot"})
    first, _ = _version(store, events, mentions, "v1")
    second, _ = _version(store, events.copy(deep=True), mentions, "another store token")
    assert first == second  # caches are shared across runs and sessions that see the same content


@pytest.mark.parametrize("action", ["merge", "split"])
def test_moved_rows_renew_every_token(store: rv.ReviewStore, action: str) -> None:
    events, mentions = fx.events(), fx.mentions()
    if action == "merge":
        store.merge(rv.EventRef("E1", ("m1", "m2")), rv.EventRef("E2", ("m3",)), "ana")
    else:
        store.split(rv.EventRef("E1", ("m1", "m2")), "ana", ["m2"])
    version, _ = _version(store, events, mentions, "v1")
    assert version.rows != BASE
    assert all(token != BASE for token in version.columns.values())


def test_an_id_the_table_lost_renews_every_token(store: rv.ReviewStore) -> None:
    events, mentions = fx.events(), fx.mentions()
    store.save(_ref(events, "E2"), "ben", edits={s.FATALITIES: 7})
    rebuilt = fx.events(fx.renamed(fx.EVENTS, "E2", "E2b"))  # the decision re-attaches through mentions
    state = store.state()
    shown = rv.apply_state(rebuilt, fx.mentions(fx.renamed(fx.MENTIONS, "E2", "E2b")), state).events
    assert rv.needs_mentions(state, rebuilt)
    version = reviewed_version(rebuilt, machine_version(rebuilt, BASE), shown, None, "v1")
    assert version.rows != BASE and version.columns[s.FATALITIES] != BASE


def test_decisions_change_only_the_rows_of_the_events_they_name(store: rv.ReviewStore) -> None:
    """The property the tokens rest on (data_prep.reviews.apply_state without merges or splits)."""
    events, mentions = fx.events(), fx.mentions()
    store.save(_ref(events, "E1"), "ana", status=s.STATUS_VERIFIED, edits={s.FATALITIES: 4, s.ACTOR2: "Hamas"})
    store.save(_ref(events, "E3"), "ben", note="approximate day", edits=rv.date_fields(date(2023, 1, 29), s.PRECISION_DAY))
    state = store.state()
    shown = rv.apply_state(events, mentions, state).events
    decided = set(decided_ids(state))
    assert decided == {"E1", "E3"}
    others = ~shown[s.EVENT_ID].isin(decided).to_numpy()
    pd.testing.assert_frame_equal(shown.loc[others, list(events.columns)], events.loc[others])
    assert (shown.loc[others, s.REVIEW_STATUS] == s.STATUS_UNREVIEWED).all()
    assert shown.loc[others, [s.REVIEWER, s.REVIEW_NOTE, s.REVIEWED_AT]].isna().all().all()


def test_a_table_with_other_rows_renews_every_token() -> None:
    events = fx.events()
    shorter = events.iloc[:2]
    version = reviewed_version(events, machine_version(events, BASE), shorter, ("E1",), "v1")
    assert version.rows != BASE
    reordered = events.iloc[[1, 0, 2]].reset_index(drop=True)
    assert reviewed_version(events, machine_version(events, BASE), reordered, ("E1",), "v1").rows != BASE


def test_tokens_see_missing_values_change() -> None:
    events = fx.events()
    shown = events.copy()
    shown[s.INJURIES] = shown[s.INJURIES].astype("Int64")
    shown.loc[2, s.INJURIES] = 4  # E3 had no figure
    version = reviewed_version(events, machine_version(events, BASE), shown, ("E3",), "v1")
    assert version.columns[s.INJURIES] != BASE
    cleared = events.copy()
    cleared.loc[0, s.FATALITIES] = pd.NA
    assert reviewed_version(events, machine_version(events, BASE), cleared, ("E1",), "v1").columns[s.FATALITIES] != BASE
    same = reviewed_version(events, machine_version(events, BASE), events.copy(), ("E3",), "v1")
    assert all(token == BASE for token in same.columns.values())
