"""When decisions can be applied to the events alone (the page then opens without reading the mentions)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from data_prep import reviews as r
from data_prep import schema as s
from tests import review_fixtures as fx

NO_MENTIONS = s.conform_mentions(pd.DataFrame(columns=list(s.MENTION_COLUMNS)))


@pytest.fixture
def store(tmp_path: Path) -> r.ReviewStore:
    return r.ReviewStore.in_folder(tmp_path)


def ref(store: r.ReviewStore, event_id: str) -> r.EventRef:
    return r.review_tables(fx.events(), fx.mentions(), store).ref(event_id)


def test_no_decisions_need_no_mentions(store: r.ReviewStore) -> None:
    assert r.needs_mentions(store.state(), fx.events()) is False


def test_status_edits_and_notes_on_present_events_apply_without_mentions(store: r.ReviewStore) -> None:
    store.save(ref(store, "E1"), "Ana", status=s.STATUS_VERIFIED, edits=r.date_fields(date(2023, 1, 25), s.PRECISION_DAY),
               note="Hospital list checked.")
    store.save(ref(store, "E3"), "Bo", status=s.STATUS_REJECTED_EVENT)
    store.revert(r.EventRef("E3"), s.REVIEW_STATUS, "Bo")  # a withdrawn decision still names E3
    state = store.state()
    assert r.needs_mentions(state, fx.events()) is False
    alone = r.apply_state(fx.events(), NO_MENTIONS, state)
    full = r.apply_state(fx.events(), fx.mentions(), state)
    pd.testing.assert_frame_equal(alone.events, full.events)
    assert alone.orphans.empty and full.orphans.empty
    assert alone.events[s.EVENT_DATE].dt.strftime("%Y-%m-%d").tolist() == ["2023-01-25", "2023-01-27", "2023-01-28"]
    assert alone.events[s.REVIEW_STATUS].tolist() == [s.STATUS_VERIFIED, s.STATUS_UNREVIEWED, s.STATUS_UNREVIEWED]


@pytest.mark.parametrize(
    ("why", "decide"),
    [
        ("merge", lambda st: st.merge(ref(st, "E1"), ref(st, "E2"), "Ana")),
        ("split", lambda st: st.split(ref(st, "E1"), "Ana", ["m2"])),
        ("publication date", lambda st: st.set_published("a3", date(2023, 1, 29), "Ana")),
    ],
)
def test_structural_decisions_need_the_mentions(store: r.ReviewStore, why: str,
                                                decide: Callable[[r.ReviewStore], object]) -> None:
    decide(store)
    assert r.needs_mentions(store.state(), fx.events()) is True, why


def test_a_withdrawn_merge_needs_no_mentions(store: r.ReviewStore) -> None:
    store.merge(ref(store, "E1"), ref(store, "E2"), "Ana")
    store.revert(r.EventRef("E2"), r.MERGED_INTO, "Ana")
    assert r.needs_mentions(store.state(), fx.events()) is False


def test_a_decision_on_an_id_the_build_lost_needs_the_mentions_to_re_attach(store: r.ReviewStore) -> None:
    store.save(ref(store, "E1"), "Ana", status=s.STATUS_VERIFIED)
    rebuilt = fx.events(fx.renamed(fx.EVENTS, "E1", "E1-new"))
    assert r.needs_mentions(store.state(), rebuilt) is True
    # Without them the decision would be an orphan; with them it follows its mentions.
    assert r.apply_state(rebuilt, NO_MENTIONS, store.state()).orphans[s.EVENT_ID].tolist() == ["E1"]
    moved = r.apply_state(rebuilt, fx.mentions(fx.renamed(fx.MENTIONS, "E1", "E1-new")), store.state())
    assert moved.orphans.empty
