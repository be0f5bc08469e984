"""Merging across articles: the same incident told twice is one row; distinct incidents stay apart."""
from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from data_prep import schema as S
from data_prep.formats.common import article_id_of
from data_prep.merge import group_mentions, merge_mentions
from data_prep.models import Article, Claim, Event, Place
from data_prep.pipeline import build_from_articles

JENIN = Place("Jenin", "West Bank", "Palestine", 32.45943, 35.30086, 1, "city")
JENIN_CAMP = Place("Jenin camp", "West Bank", "Palestine", 32.4602, 35.28817, 1, "camp")
NABLUS = Place("Nablus", "West Bank", "Palestine", 32.22111, 35.25444, 1, "city")
GAZA_STRIP = Place("Gaza Strip", "Gaza Strip", "Palestine", 31.4167, 34.3333, 3, "region")
DAY = date(2023, 1, 26)
GROUND = "Battles"


def mention(article: str, *, place: Place | None = JENIN, day: date | None = DAY, event_type: str = GROUND,
            actor1: str | None = "Israeli military", precision: str = S.PRECISION_DAY, killed: int | None = None,
            claimant: str | None = None, start: int = 0, published: date | None = date(2023, 1, 27)) -> Event:
    claims = (Claim("killed", killed, claimant, f"{killed} killed"),) if killed is not None else ()
    return Event(
        mention_id=f"{article}-{start}", article_id=article, source_file=f"{article}.txt", event_type=event_type,
        sub_event_type="Armed clash" if event_type == GROUND else None, actor1=actor1,
        evidence=f"sentence of {article}", evidence_start=start, evidence_end=start + 20,
        event_date=day, date_start=day, date_end=day, date_precision=precision, place=place,
        fatalities=killed if killed is not None else 0, claims=claims, outlet=article.upper(), published=published,
    )


def rows(mentions: list[Event]) -> pd.DataFrame:
    return merge_mentions(mentions)[0]


def test_same_raid_in_two_articles_is_one_row() -> None:
    events, table = merge_mentions([
        mention("a", killed=10, claimant="Palestinian Ministry of Health"),
        mention("b", place=JENIN_CAMP, killed=9, claimant="Israeli army", start=40, published=date(2023, 1, 28)),
    ])
    assert len(events) == 1
    row = events.iloc[0]
    assert row[S.SOURCE_FILES] == "a.txt;b.txt"
    assert row[S.MENTION_COUNT] == 2
    assert row[S.FATALITIES] == 9 and row[S.FATALITIES_MAX] == 10  # lowest figure, all figures kept
    assert bool(row[S.CONTESTED]) is True
    assert {(c["count"], c["claimant"]) for c in json.loads(row[S.CLAIMS])} == {
        (10, "Palestinian Ministry of Health"), (9, "Israeli army")}
    assert set(table[S.EVENT_ID]) == {row[S.EVENT_ID]}


def test_raid_told_as_clash_and_as_attack_on_civilians_merges() -> None:
    events = rows([mention("a"), mention("b", event_type="Violence against civilians")])
    assert len(events) == 1


@pytest.mark.parametrize(
    ("second", "why"),
    [
        (dict(place=NABLUS), "another town"),
        (dict(day=date(2023, 1, 25)), "the day before, both dated to the day"),
        (dict(event_type="Explosions/Remote violence"), "another kind of action"),
        (dict(actor1="Israeli settlers"), "another actor"),
        (dict(place=None), "no place: nothing says it is the same incident"),
    ],
)
def test_distinct_incidents_stay_apart(second: dict, why: str) -> None:
    assert len(rows([mention("a"), mention("b", **second)])) == 2, why


def test_approximate_days_one_apart_merge() -> None:
    events = rows([mention("a", precision=S.PRECISION_APPROX),
                   mention("b", day=date(2023, 1, 27), precision=S.PRECISION_APPROX)])
    assert len(events) == 1
    assert events.iloc[0][S.SOURCE_FILES] == "a.txt;b.txt"


def test_a_multi_day_toll_never_absorbs_a_day_event() -> None:
    events = rows([mention("a", place=GAZA_STRIP, event_type="Explosions/Remote violence"),
                   mention("b", place=GAZA_STRIP, event_type="Explosions/Remote violence", precision=S.PRECISION_RANGE)])
    assert len(events) == 2


def test_statements_are_never_merged() -> None:
    said = dict(event_type=S.STATEMENT, actor1="Hamas", place=None)
    assert len(rows([mention("a", **said), mention("b", **said)])) == 2


def test_undated_mentions_are_never_merged() -> None:
    assert len(rows([mention("a", day=None, precision=S.PRECISION_UNKNOWN),
                     mention("b", day=None, precision=S.PRECISION_UNKNOWN)])) == 2


def test_two_incidents_of_one_article_stay_two_rows() -> None:
    """One article telling two raids in one town on one day told them as distinct: merging is per article pair."""
    assert len(rows([mention("a", start=0), mention("a", start=100)])) == 2


def test_event_id_does_not_depend_on_input_order() -> None:
    ms = [mention("a"), mention("b", start=40), mention("c", place=NABLUS)]
    forward = rows(ms).set_index(S.LOCATION)[S.EVENT_ID]
    backward = rows(list(reversed(ms))).set_index(S.LOCATION)[S.EVENT_ID]
    assert forward.sort_index().equals(backward.sort_index())
    assert forward["Jenin"] == "EVa-0"  # the earliest-published telling names the event


def test_group_mentions_is_transitive() -> None:
    """a~b (town and camp) and b~c (camp and town) make one cluster even when a and c are told alone."""
    clusters = group_mentions([mention("a"), mention("b", place=JENIN_CAMP), mention("c")])
    assert [len(c) for c in clusters] == [3]


def test_approximate_days_one_apart_merge_in_either_input_order() -> None:
    """The later day listed first was once never compared with the earlier one (pairs ran forward only)."""
    later_first = [mention("b", day=date(2023, 1, 27), precision=S.PRECISION_APPROX),
                   mention("a", precision=S.PRECISION_APPROX)]
    assert [len(c) for c in group_mentions(later_first)] == [2]


def _closure_of_every_pair(ms: list[Event]) -> set[frozenset[str]]:
    """The reference: connected components of _same_event over all pairs (quadratic, fine for 60)."""
    from data_prep.merge import _same_event

    groups = [{m.mention_id} for m in ms]
    for a in ms:
        for b in ms:
            if a is not b and _same_event(a, b):
                ga = next(g for g in groups if a.mention_id in g)
                gb = next(g for g in groups if b.mention_id in g)
                if ga is not gb:
                    ga |= gb
                    groups.remove(gb)
    return {frozenset(g) for g in groups}


@pytest.mark.parametrize("seed", range(20))
def test_bucketed_pairs_find_every_merge_that_comparing_all_pairs_finds(seed: int) -> None:
    import random

    rng = random.Random(seed)
    # Places on both sides of a 0.05-degree cell edge, a coarse region and a nameless spot.
    edge = Place("Edge east", "West Bank", "Palestine", 32.2501, 35.2501, 1, "town")
    edge_west = Place("Edge west", "West Bank", "Palestine", 32.2499, 35.2499, 1, "village")
    places = [JENIN, JENIN_CAMP, NABLUS, GAZA_STRIP, edge, edge_west, None]
    types = [GROUND, "Violence against civilians", "Explosions/Remote violence", S.STATEMENT]
    ms = [mention(f"art{rng.randrange(8)}", start=i, place=rng.choice(places), event_type=rng.choice(types),
                  day=rng.choice([date(2023, 1, 25), DAY, date(2023, 1, 27), date(2023, 1, 29), None]),
                  precision=rng.choice([S.PRECISION_DAY, S.PRECISION_APPROX, S.PRECISION_RANGE]),
                  actor1=rng.choice(["Israeli military", "Hamas", None]))
          for i in range(60)]
    found = {frozenset(m.mention_id for m in cluster) for cluster in group_mentions(ms)}
    assert found == _closure_of_every_pair(ms)
    assert any(len(c) > 1 for c in found)  # the draw holds merges, so the comparison says something


@pytest.mark.parametrize("part_size", [1, 7, 10**9])
def test_merging_in_parts_gives_the_whole_tables(part_size: int) -> None:
    import random

    from data_prep.merge import merge_in_parts, merge_order

    rng = random.Random(part_size)
    days = [date(2023, 1, d) for d in (20, 21, 22, 24, 25)] + [None]
    ms = [mention(f"art{rng.randrange(10)}", start=i, place=rng.choice([JENIN, JENIN_CAMP, NABLUS]),
                  day=(day := rng.choice(days)), precision=S.PRECISION_APPROX if day else S.PRECISION_UNKNOWN)
          for i in range(80)]
    whole_events, whole_mentions = merge_mentions(ms)
    parts = list(merge_in_parts(sorted(ms, key=merge_order), part_size=part_size))
    events = pd.concat([e for e, _ in parts], ignore_index=True)
    mentions = pd.concat([m for _, m in parts], ignore_index=True)
    pd.testing.assert_frame_equal(events, whole_events)
    pd.testing.assert_frame_equal(mentions, whole_mentions)
    assert (events[S.MENTION_COUNT] > 1).any()  # chains of approximate days cross the cuts' candidates
    if part_size == 1:
        assert len(parts) > 3  # cut wherever no merge crosses, including between undated mentions


# --- end to end: two real-style wire stories about one raid, one about another town ---------------
REUTERS = (
    "JENIN, West Bank (Reuters) - Israeli forces killed nine Palestinians in a raid on the Jenin refugee camp on "
    "Thursday, the Palestinian health ministry said, in one of the deadliest days in the West Bank in years.\n"
    "The Israeli military said its troops had come under fire during an operation to arrest Islamic Jihad members.\n"
)
ALJAZEERA = (
    "Ten Palestinians were killed when Israeli troops stormed the Jenin refugee camp on Thursday morning, the "
    "Palestinian Ministry of Health said, raising the toll from an earlier figure of nine.\n"
    "Separately, Israeli forces shot dead a 22-year-old Palestinian man during a raid on the city of Nablus on "
    "Thursday afternoon, according to the ministry.\n"
)


def test_two_articles_about_one_raid_build_one_row() -> None:
    articles = [
        Article(article_id_of(REUTERS), "reuters.txt", REUTERS, published=date(2023, 1, 26), outlet="Reuters"),
        Article(article_id_of(ALJAZEERA), "aljazeera.txt", ALJAZEERA, published=date(2023, 1, 27), outlet="Al Jazeera"),
    ]
    events = build_from_articles(articles).events
    jenin = events[events[S.LOCATION].isin(["Jenin", "Jenin camp"])]
    assert len(jenin) == 1
    row = jenin.iloc[0]
    assert row[S.SOURCE_FILES] == "reuters.txt;aljazeera.txt"
    assert row[S.SOURCE] == "Reuters;Al Jazeera"
    assert row[S.EVENT_DATE] == pd.Timestamp("2023-01-26")
    assert row[S.FATALITIES] == 9 and row[S.FATALITIES_MAX] == 10
    nablus = events[events[S.LOCATION] == "Nablus"]
    assert len(nablus) == 1 and nablus.iloc[0][S.SOURCE_FILES] == "aljazeera.txt"
