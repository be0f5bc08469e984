"""The five seed articles, built once through the CLI, against what a reader finds in their text.

Every expectation here was written from the articles themselves (seeds/000_... to 004_...):
the day, the actor, the place and the toll each text gives. None was copied from the tool's
output. Publication dates: 000 "January 27 2023" (a Friday), 001 the AFP dateline 02/02/2023
(a Thursday), 002 none, 003 "date 2025-04-07", 004 "date 2025-01-23" (a Thursday).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from data_prep import cli, io, settings
from data_prep import schema as S
from tests.conftest import SEEDS

A000 = "000_89c3fab89abc628c.txt"
A001 = "001_b511db045e9deac5.txt"
A002 = "002_20681084389971d5.txt"
A003 = "003_6f29b5e68450a037.txt"
A004 = "004_377b85008e71e7bb.txt"

REMOTE = "Explosions/Remote violence"
GROUND = {"Battles", "Violence against civilians"}
SHELLING = "Shelling/artillery/missile attack"
AIR = "Air/drone strike"
UNIDENTIFIED = "Unidentified Palestinian armed group"
HAMAS_FAMILY = {"Hamas", "Al-Qassam Brigades"}
JENIN = {"Jenin", "Jenin camp"}
# Words a partisan source uses that must never reach the table's own columns.
LOADED = re.compile(r"\b(?:IOF|martyr\w*|settlements?|occupation|occupied|Zionist|regime|massacre|terrorist\w*|enemy)\b",
                    re.IGNORECASE)
NEUTRAL_COLUMNS = (S.ACTOR1, S.ACTOR2, S.ASSOC_ACTOR_1, S.ASSOC_ACTOR_2, S.LOCATION, S.ADMIN1, S.NOTES)


def day(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def _build(out: Path, inputs: list[str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    assert cli.main(["build", *inputs, "--out", str(out), "--quiet"]) == 0
    return io.load_outputs(out)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, Path]:
    out = tmp_path_factory.mktemp("seeds_out")
    events, mentions, articles = _build(out, [str(SEEDS)])
    return events, mentions, articles, out


@pytest.fixture(scope="module")
def events(built) -> pd.DataFrame:
    return built[0]


def in_article(events: pd.DataFrame, name: str) -> pd.DataFrame:
    files = events[S.SOURCE_FILES].fillna("").str.split(S.LIST_SEPARATOR)
    return events[files.map(lambda fs: name in fs)]


def violent(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame[S.EVENT_TYPE].isin([REMOTE, *GROUND, "Riots"])]


def one(frame: pd.DataFrame, what: str) -> pd.Series:
    assert len(frame) == 1, f"expected exactly one event for {what}, found {len(frame)}:\n" + frame[
        [S.EVENT_DATE, S.EVENT_TYPE, S.ACTOR1, S.LOCATION, S.EVIDENCE]].to_string()
    return frame.iloc[0]


def claims_of(row: pd.Series) -> list[dict]:
    return json.loads(row[S.CLAIMS])


# --- 000: two rockets at Ashkelon in the early hours of 27 January, the Jenin raid the day before ---
def test_000_rockets_at_ashkelon(events: pd.DataFrame) -> None:
    rows = in_article(events, A000)
    row = one(rows[(rows[S.EVENT_TYPE] == REMOTE) & (rows[S.LOCATION] == "Ashkelon")], "the rockets at Ashkelon")
    assert row[S.EVENT_DATE] == day("2023-01-27")  # "in the early hours of 27 January"
    assert row[S.DATE_PRECISION] == S.PRECISION_DAY
    assert row[S.SUB_EVENT_TYPE] == SHELLING
    assert row[S.ACTOR1] == UNIDENTIFIED  # "no party has claimed responsibility for firing the rockets"
    assert row[S.ADMIN1] == "Israel"
    assert row[S.FATALITIES] == 0 and row[S.INJURIES] == 0  # "No injuries or damages were reported."
    # The interception is part of the rocket fire, not a second event.
    assert not (rows[S.SUB_EVENT_TYPE] == "Disrupted weapons use").any()


def test_000_jenin_raid_merged_with_001(events: pd.DataFrame) -> None:
    rows = events[events[S.LOCATION].isin(JENIN) & (events[S.EVENT_DATE] == day("2023-01-26"))]
    row = one(rows[rows[S.EVENT_TYPE].isin(GROUND)], "the Jenin raid of 26 January")
    # 000: "on Thursday ... a massacre that left 10 Palestinians dead"; 001: "left ten dead on January 26".
    assert set(row[S.SOURCE_FILES].split(S.LIST_SEPARATOR)) == {A000, A001}
    assert row[S.ACTOR1] == "Israeli military"
    assert row[S.ADMIN1] == "West Bank"
    assert row[S.FATALITIES] == 10
    assert row[S.MENTION_COUNT] >= 2


def test_000_only_two_violent_events(events: pd.DataFrame) -> None:
    """The pledges to respond and "in retaliation to the ... invasion" add no further violence."""
    rows = violent(in_article(events, A000))
    assert len(rows) == 2
    assert (rows[S.LOCATION] == "Ashkelon").sum() == 1 and rows[S.LOCATION].isin(JENIN).sum() == 1


def test_000_hamas_pledge_is_a_statement_of_thursday(events: pd.DataFrame) -> None:
    rows = in_article(events, A000)
    pledges = rows[(rows[S.EVENT_TYPE] == S.STATEMENT) & (rows[S.ACTOR1] == "Hamas")]
    # "Hamas and the Palestinian Islamic Jihad (PIJ) pledged on Thursday to respond"
    assert day("2023-01-26") in set(pledges[S.EVENT_DATE])
    assert pledges[S.LOCATION].isna().all()


def test_000_pa_ends_security_coordination(events: pd.DataFrame) -> None:
    rows = in_article(events, A000)
    row = one(rows[rows[S.ACTOR1] == "Palestinian Authority"], "the PA decision")
    assert row[S.EVENT_TYPE] == "Strategic developments"
    assert day("2023-01-26") <= row[S.EVENT_DATE] <= day("2023-01-27")  # "Following the massacre"


def test_000_pa_decision_is_not_located_in_israel(events: pd.DataFrame) -> None:
    rows = in_article(events, A000)
    row = one(rows[rows[S.ACTOR1] == "Palestinian Authority"], "the PA decision")
    assert pd.isna(row[S.LOCATION]) or row[S.ADMIN1] == "West Bank"


# --- 001: AFP, Thursday 2 February 2023 -------------------------------------------------------
def test_001_thursday_strikes_hit_maghazi(events: pd.DataFrame) -> None:
    rows = in_article(events, A001)
    strikes = rows[(rows[S.SUB_EVENT_TYPE] == AIR) & (rows[S.EVENT_DATE] == day("2023-02-02"))]
    assert (strikes[S.ACTOR1] == "Israeli military").all() and len(strikes) >= 1
    # "the Israeli strikes hit a training center ... in the al-Maghazi refugee camp"
    assert "Al-Maghazi camp" in set(strikes[S.LOCATION])
    assert set(strikes[S.ADMIN1]) == {"Gaza Strip"}
    assert (strikes[S.FATALITIES] == 0).all()  # "Emergency services reported no casualties on either side."


@pytest.mark.xfail(strict=True, reason=(
    "extract.py: the sentence that names al-Maghazi has no time words of its own, so the strikes "
    "take the lead's day as an inference (precision 'approx'), although the lead dates the same "
    "strikes 'before dawn on Thursday' (precision 'day')"))
def test_001_thursday_strikes_are_dated_to_the_day(events: pd.DataFrame) -> None:
    rows = in_article(events, A001)
    row = one(rows[(rows[S.SUB_EVENT_TYPE] == AIR) & (rows[S.LOCATION] == "Al-Maghazi camp")], "the Maghazi strike")
    assert row[S.DATE_PRECISION] == S.PRECISION_DAY


def test_001_wednesday_rocket(events: pd.DataFrame) -> None:
    rows = in_article(events, A001)
    # "the firing of a Palestinian rocket at dusk on Wednesday, which was intercepted"
    row = one(rows[(rows[S.EVENT_TYPE] == REMOTE) & (rows[S.EVENT_DATE] == day("2023-02-01"))], "Wednesday's rocket")
    assert row[S.SUB_EVENT_TYPE] == SHELLING
    assert row[S.ACTOR1] == UNIDENTIFIED
    assert row[S.ADMIN1] == "Israel"


def test_001_dflp_barrage_at_sderot(events: pd.DataFrame) -> None:
    rows = in_article(events, A001)
    row = one(rows[(rows[S.EVENT_TYPE] == REMOTE) & (rows[S.ACTOR1] == "DFLP")], "the DFLP barrage")
    assert row[S.LOCATION] == "Sderot"
    assert row[S.EVENT_DATE] == day("2023-02-02")  # "between these two series of strikes", before dawn Thursday


def test_001_qassam_missiles(events: pd.DataFrame) -> None:
    rows = in_article(events, A001)
    row = one(rows[(rows[S.EVENT_TYPE] == REMOTE) & (rows[S.ACTOR1] == "Al-Qassam Brigades")], "the Qassam fire")
    assert row[S.EVENT_DATE] == day("2023-02-02")
    assert row[S.SUB_EVENT_TYPE] == SHELLING


def test_001_night_of_26_to_27_january(events: pd.DataFrame) -> None:
    rows = in_article(events, A001)
    # "On the night of January 26 to 27, the Israeli army had already carried out strikes ... in Gaza"
    row = one(rows[(rows[S.SUB_EVENT_TYPE] == AIR) & (rows[S.EVENT_DATE] == day("2023-01-27"))], "the strikes of 26-27 Jan")
    assert row[S.ACTOR1] == "Israeli military"
    assert row[S.ADMIN1] == "Gaza Strip"
    assert row[S.DATE_START] == day("2023-01-26") and row[S.DATE_END] == day("2023-01-27")
    assert row[S.FATALITIES] == 0  # "There had been no casualties."


def test_001_east_jerusalem_attack(events: pd.DataFrame) -> None:
    rows = in_article(events, A001)
    # "On the evening of January 27, a Palestinian assailant killed six Israelis and a Ukrainian woman"
    row = one(rows[rows[S.ADMIN1] == "East Jerusalem"], "the synagogue attack")
    assert row[S.EVENT_TYPE] == "Violence against civilians"
    assert row[S.EVENT_DATE] == day("2023-01-27")
    assert row[S.ACTOR1] == "Unidentified Palestinian individual"
    assert row[S.FATALITIES] == 7


def test_001_blinken_statement_on_tuesday(events: pd.DataFrame) -> None:
    rows = in_article(events, A001)
    statements = rows[(rows[S.EVENT_TYPE] == S.STATEMENT) & (rows[S.ACTOR1] == "United States government")]
    assert day("2023-01-31") in set(statements[S.EVENT_DATE])  # "Antony Blinken said Tuesday"


def test_001_no_battle_for_the_exchange_of_missiles_and_no_event_for_2022(events: pd.DataFrame) -> None:
    rows = in_article(events, A001)
    # "clashed with missiles" is the strikes and rockets, not a ground battle; the only battle is Jenin.
    assert set(rows[rows[S.EVENT_TYPE] == "Battles"][S.LOCATION]) <= JENIN
    # "a particularly bloody year 2022, during which the ... conflict killed 235 people" is a summary.
    assert not (rows[S.FATALITIES] == 235).any()


@pytest.mark.xfail(strict=True, reason=(
    "merge.py: 001's 'after firing rockets into Israeli territory' (before the 26-27 January "
    "strikes) is located at the region 'Israel' and so never meets 000's Ashkelon rockets of the "
    "same day: a region-level mention is not merged with a town-level one in that region"))
def test_001_rockets_before_the_january_strikes_are_000s_ashkelon_rockets(events: pd.DataFrame) -> None:
    rows = events[(events[S.SUB_EVENT_TYPE] == SHELLING) & (events[S.EVENT_DATE] == day("2023-01-27"))]
    row = one(rows[rows[S.ACTOR1] == UNIDENTIFIED], "the rockets of 27 January")
    assert set(row[S.SOURCE_FILES].split(S.LIST_SEPARATOR)) == {A000, A001}


# --- 002: no publication date -----------------------------------------------------------------
def test_002_undated_except_7_october(events: pd.DataFrame) -> None:
    rows = in_article(events, A002)
    assert len(rows) >= 5
    dated = rows[rows[S.EVENT_DATE].notna()]
    assert list(dated[S.EVENT_DATE]) == [day("2023-10-07")]
    assert set(rows[rows[S.EVENT_DATE].isna()][S.DATE_PRECISION]) == {S.PRECISION_UNKNOWN}


def test_002_7_october_attack(events: pd.DataFrame) -> None:
    rows = in_article(events, A002)
    row = one(rows[rows[S.EVENT_DATE] == day("2023-10-07")], "the 7 October attack")
    assert row[S.ACTOR1] in HAMAS_FAMILY  # "an unprecedented military operation by Hamas"
    assert row[S.ADMIN1] == "Israel"
    assert row[S.FATALITIES] == 1400 and row[S.INJURIES] == 5000  # "left 1,400 ... dead and some 5,000 injured"


def test_002_claimed_attacks(events: pd.DataFrame) -> None:
    rows = in_article(events, A002)
    drones = one(rows[(rows[S.ACTOR1] == "Al-Qassam Brigades") & (rows[S.EVENT_TYPE] == REMOTE)], "the drone attack")
    assert drones[S.LOCATION] in {"Hatzerim", "Tze'elim"}
    assert drones[S.SUB_EVENT_TYPE] == AIR
    artillery = one(rows[rows[S.ACTOR1] == "Al-Quds Brigades"], "the artillery fire")
    assert artillery[S.LOCATION] in {"Sufa", "Holit"} and artillery[S.SUB_EVENT_TYPE] == SHELLING
    sderot = one(rows[rows[S.LOCATION] == "Sderot"], "the rockets at Sderot")
    assert sderot[S.ACTOR1] in HAMAS_FAMILY and sderot[S.SUB_EVENT_TYPE] == SHELLING  # "Hamas said it had also fired rockets"
    downed = one(rows[rows[S.SUB_EVENT_TYPE] == "Disrupted weapons use"], "the drones shot down")
    assert downed[S.ACTOR1] == "Israeli military"  # "the Israeli military claimed it had shot down two drones"


def test_002_summaries_are_not_day_events(events: pd.DataFrame) -> None:
    rows = in_article(events, A002)
    # "fired thousands of rockets ... since earlier this month" is a campaign in summary, no event.
    assert not rows[S.EVIDENCE].str.startswith("The military wings of Hamas and Islamic Jihad have fired").any()
    # "more than two weeks of ... bombardment ... more than 5,000 people dead" stays apart from the 7 October toll.
    toll = one(rows[rows[S.FATALITIES] == 5000], "the two weeks' toll")
    assert toll[S.ACTOR1] == "Israeli military" and toll[S.ADMIN1] == "Gaza Strip"


# --- 003: missiles at Ashdod and Ashkelon, contested injuries -------------------------------------
def test_003_one_missile_event_with_contested_injuries(events: pd.DataFrame) -> None:
    rows = in_article(events, A003)
    row = one(violent(rows), "the missile fire")
    assert row[S.SUB_EVENT_TYPE] == SHELLING
    assert row[S.LOCATION] in {"Ashdod", "Ashkelon"} and row[S.ADMIN1] == "Israel"
    assert row[S.ACTOR1] in HAMAS_FAMILY
    # No time words: the publication day or the day before, marked approximate.
    assert day("2025-04-06") <= row[S.EVENT_DATE] <= day("2025-04-07")
    assert row[S.DATE_PRECISION] == S.PRECISION_APPROX
    injured = {c["count"]: c["claimant"] for c in claims_of(row) if c["kind"] == "injured"}
    # "According to an Israeli news website ... one person was injured in Ashkelon";
    # "Israel's Channel 12 ... Citing hospital sources, it said 27 people were treated for injuries".
    assert set(injured) == {1, 27}
    assert "Israeli news website" in injured[1]
    assert re.search(r"Channel 12|hospital sources", injured[27])
    assert row[S.INJURIES] == 1 and row[S.INJURIES_MAX] == 27
    assert bool(row[S.CONTESTED]) is True
    assert row[S.FATALITIES] == 0


@pytest.mark.xfail(strict=True, reason=(
    "extract.py: the lead 'The Palestinian resistance movement of Hamas has carried out missile "
    "strikes' names Hamas first, and the next sentence's 'Hamas' military wing, the Ezzoddin "
    "al-Qassam Brigades, ... said that resistance fighters targeted the city of Ashdod' is merged "
    "into it without taking the more specific actor, so actor1 is Hamas, not Al-Qassam Brigades"))
def test_003_actor_is_the_armed_wing(events: pd.DataFrame) -> None:
    row = one(violent(in_article(events, A003)), "the missile fire")
    assert row[S.ACTOR1] == "Al-Qassam Brigades"


def test_003_background_and_comments_are_not_events(events: pd.DataFrame) -> None:
    rows = in_article(events, A003)
    # "in response to the killing of civilians by the regime's forces in the Gaza Strip": a cause.
    assert not (rows[S.ADMIN1] == "Gaza Strip").any()
    statements = rows[rows[S.EVENT_TYPE] == S.STATEMENT]
    assert "Hamas" in set(statements[S.ACTOR1])  # "Hamas spokesperson Jihad Taha also said"


# --- 004: the Jenin raid of Tuesday 21 January 2025 -----------------------------------------------
def test_004_jenin_raid(events: pd.DataFrame) -> None:
    rows = in_article(events, A004)
    # "The Israeli army launched on Tuesday a large-scale attack on Jenin ... At least eight people were martyred"
    row = one(rows[rows[S.LOCATION].isin(JENIN) & (rows[S.ACTOR1] == "Israeli military")], "the Jenin raid")
    assert row[S.EVENT_TYPE] in GROUND
    assert row[S.EVENT_DATE] == day("2025-01-21")
    assert row[S.DATE_PRECISION] == S.PRECISION_DAY
    assert row[S.FATALITIES] == 8
    killed = [c for c in claims_of(row) if c["kind"] == "killed"]
    assert [(c["count"], c["minimum"]) for c in killed] == [(8, True)]  # "At least eight"


def test_004_settlers_at_al_funduq(events: pd.DataFrame) -> None:
    rows = in_article(events, A004)
    # "masked Israeli settlers arriving at al-Funduq village ... began to torch vehicles and homes".
    # The same article also tells settlers torching villages "throughout the West Bank over multiple
    # straight days": a multi-day event at area level, kept apart from this incident.
    incidents = rows[(rows[S.ACTOR1] == "Israeli settlers") & (rows[S.DATE_PRECISION] != S.PRECISION_RANGE)]
    row = one(incidents, "the settler attack")
    assert row[S.LOCATION] == "Al-Funduq" and row[S.ADMIN1] == "West Bank"
    assert row[S.EVENT_TYPE] in {"Violence against civilians", "Riots"}
    assert day("2025-01-19") <= row[S.EVENT_DATE] <= day("2025-01-23")
    assert row[S.DATE_PRECISION] != S.PRECISION_DAY  # the text gives no day for it


def test_004_pa_withdrawal_from_jenin(events: pd.DataFrame) -> None:
    rows = in_article(events, A004)
    withdrawals = rows[(rows[S.ACTOR1] == "Palestinian Authority") & (rows[S.SUB_EVENT_TYPE] == "Non-violent transfer of territory")]
    assert len(withdrawals) >= 1
    assert set(withdrawals[S.LOCATION]) <= JENIN


# --- whole table --------------------------------------------------------------------------------
def test_labels_are_neutral_and_evidence_keeps_the_sources_words(events: pd.DataFrame) -> None:
    for column in NEUTRAL_COLUMNS:
        loaded = events[column].dropna()
        loaded = loaded[loaded.str.contains(LOADED)]
        assert loaded.empty, f"{column}: {loaded.tolist()}"
    ashkelon = one(in_article(events, A000)[in_article(events, A000)[S.LOCATION] == "Ashkelon"], "Ashkelon")
    assert "the adjacent Israeli settlement of Ashkelon" in ashkelon[S.EVIDENCE]


def test_evidence_is_the_article_text_at_its_span(built) -> None:
    """The evidence is the source's own words: the text as read (raw_text, else text) at its span."""
    events, mentions, articles, _ = built
    text_of = dict(zip(articles[S.ARTICLE_ID], articles[S.RAW_TEXT].fillna(articles[S.TEXT])))
    for row in mentions.itertuples():
        text = text_of[getattr(row, S.ARTICLE_ID)]
        assert text[getattr(row, S.EVIDENCE_START): getattr(row, S.EVIDENCE_END)] == getattr(row, S.EVIDENCE)
    for row in events.itertuples():
        spans = {text_of[a][getattr(row, S.EVIDENCE_START): getattr(row, S.EVIDENCE_END)]
                 for a in getattr(row, S.ARTICLE_IDS).split(S.LIST_SEPARATOR)}
        assert getattr(row, S.EVIDENCE) in spans


def test_every_mention_belongs_to_an_event(built) -> None:
    events, mentions, _, _ = built
    assert set(mentions[S.EVENT_ID]) == set(events[S.EVENT_ID])
    counts = mentions.groupby(S.EVENT_ID).size()
    assert (events.set_index(S.EVENT_ID)[S.MENTION_COUNT] == counts.reindex(events[S.EVENT_ID]).values).all()


def test_csv_and_parquet_agree(built) -> None:
    events, _, _, out = built
    csv = pd.read_csv(out / settings.EVENTS_CSV, dtype=str, keep_default_na=False)
    assert list(csv.columns) == list(S.EVENT_COLUMNS)
    assert csv[S.EVENT_ID].tolist() == events[S.EVENT_ID].tolist()
    assert csv[S.EVENT_DATE].tolist() == [d.strftime("%Y-%m-%d") if pd.notna(d) else "" for d in events[S.EVENT_DATE]]


def test_event_ids_are_stable_across_builds_and_input_order(built, tmp_path: Path) -> None:
    events = built[0]
    files = sorted(str(p) for p in SEEDS.iterdir())
    again, _, _ = _build(tmp_path / "again", list(reversed(files)))
    key = [S.EVENT_ID, S.EVENT_DATE, S.EVENT_TYPE, S.LOCATION, S.SOURCE_FILES]
    assert again[key].sort_values(S.EVENT_ID).reset_index(drop=True).equals(
        events[key].sort_values(S.EVENT_ID).reset_index(drop=True))
