"""extract_events on real-style news sentences, with a pinned publication date.

Each row is a sentence or two as wire services, Gaza and Israeli outlets and OCHA write them,
and the events a careful analyst codes from it: (event_type, actor1, location, event_date).
The expectations were written from the sentences, not from the extractor's output. Rows the
extractor gets wrong today are strict xfails whose reason names the rule at fault.
"""
from __future__ import annotations

from datetime import date

import pytest

from data_prep.extract import extract_events
from data_prep.formats.common import article_id_of
from data_prep.models import Article, Event

PUBLISHED = date(2024, 3, 15)  # a Friday: Thursday is 14 March, Monday 11 March, Saturday 9 March
SAT, SUN, MON, TUE, WED, THU, FRI = (date(2024, 3, d) for d in (9, 10, 11, 12, 13, 14, 15))

REMOTE = "Explosions/Remote violence"
VAC = "Violence against civilians"
DISRUPTED = "Strategic developments"
STATEMENT = "Statement"
UNIDENTIFIED = "Unidentified Palestinian armed group"
ISRAELI_MILITARY = "Israeli military"

Row = tuple[str, str | None, str | None, date | None]


def article(text: str, published: date | None = PUBLISHED) -> Article:
    return Article(article_id=article_id_of(text), file="wire.txt", text=text, published=published)


def coded(events: list[Event]) -> list[Row]:
    return [(e.event_type, e.actor1, e.place.name if e.place else None, e.event_date) for e in events]


def violent(events: list[Event]) -> list[Row]:
    return [row for row in coded(events) if row[0] != STATEMENT]


def xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


VIOLENCE = [
    # --- who fired: nobody claims it, a group says it did, a wing's fighters did -----------------
    pytest.param(
        "Two rockets were fired from the Gaza Strip at Sderot on Thursday evening and sirens sounded across "
        "the city, but no Palestinian group has claimed responsibility so far.",
        [(REMOTE, UNIDENTIFIED, "Sderot", THU)], id="unclaimed rocket fire"),
    pytest.param(
        "Militants in Gaza fired three mortar shells at Israeli troops near the kibbutz of Nahal Oz on Saturday "
        "morning, causing no injuries, the Israeli military said.",
        [(REMOTE, UNIDENTIFIED, "Nahal Oz", SAT)], id="unnamed militants"),
    pytest.param(
        "The Al-Quds Brigades, the armed wing of Islamic Jihad, said it fired a barrage of rockets at Ashkelon on "
        "Wednesday in response to the killing of three of its commanders.",
        [(REMOTE, "Al-Quds Brigades", "Ashkelon", WED)], id="X said it fired"),
    pytest.param(
        "Hamas said it had fired a salvo of rockets at Ashdod on Wednesday evening in response to the "
        "assassination of one of its political leaders abroad.",
        [(REMOTE, "Hamas", "Ashdod", WED)], id="X said it had fired"),
    pytest.param(
        "Hamas's armed wing, the Qassam Brigades, said its fighters had fired mortar shells at Israeli troops near "
        "Kerem Shalom on Wednesday, without giving details of casualties.",
        [(REMOTE, "Al-Qassam Brigades", "Kerem Shalom", WED)], id="its fighters fired"),
    # --- passive voice: the agent comes after "by" ---------------------------------------------
    pytest.param(
        "A 19-year-old Palestinian was killed by Israeli forces in Qabatiya, south of Jenin, on Tuesday, according "
        "to the Palestinian Ministry of Health in Ramallah.",
        [(VAC, ISRAELI_MILITARY, "Qabatiya", TUE)], id="killed by Israeli forces"),
    pytest.param(
        "A Palestinian man was shot dead by Israeli police at a checkpoint near Qalandiya on Monday after he "
        "allegedly tried to stab an officer, a police spokesman said.",
        [(VAC, "Israeli police", "Qalandiya", MON)], id="shot dead by Israeli police"),
    pytest.param(
        "Three Palestinians were killed in an Israeli air strike on a house in the Nuseirat refugee camp on Sunday "
        "night, the civil defence agency in Gaza said.",
        [(REMOTE, ISRAELI_MILITARY, "Nuseirat camp", SUN)], id="killed in an Israeli air strike"),
    pytest.param(
        "At least five people were killed when an Israeli drone struck a car in Khan Younis on Saturday, medical "
        "sources at Nasser Hospital said.",
        [(REMOTE, ISRAELI_MILITARY, "Khan Yunis", SAT)], id="killed when an Israeli drone struck"),
    pytest.param(
        "RAMALLAH, West Bank (AP) - Israeli troops killed three Palestinians during a raid on the Nur Shams refugee "
        "camp near the northern West Bank city of Tulkarem early Tuesday, the Palestinian Health Ministry said.",
        [("Battles", ISRAELI_MILITARY, "Nur Shams camp", TUE)], id="wire dateline is not the place"),
    # --- interceptions belong to the rocket fire they stop -------------------------------------
    pytest.param(
        "Palestinian militants fired a rocket at Ashkelon on Thursday night, which was intercepted by the Iron Dome "
        "air defence system, the Israeli military said in a brief statement.",
        [(REMOTE, UNIDENTIFIED, "Ashkelon", THU)], id="interception after the fire"),
    pytest.param(
        "The Iron Dome system intercepted a rocket fired from the Gaza Strip at Ashkelon early on Friday, the Israeli "
        "military said, adding that no injuries had been reported.",
        [(REMOTE, UNIDENTIFIED, "Ashkelon", FRI)], id="interception told first"),
    pytest.param(
        "Two rockets were fired from the Gaza Strip towards Netivot on Wednesday afternoon, setting off air raid "
        "sirens in the town and in nearby communities near the border.\n"
        "Both were intercepted by air defences and no injuries were reported, the Israeli military said in a "
        "statement later in the day.",
        [(REMOTE, UNIDENTIFIED, "Netivot", WED)], id="interception in the next sentence"),
    pytest.param(
        "Israel's air defences intercepted a drone launched from the Gaza Strip over Sderot on Tuesday afternoon, "
        "the Israeli military said, without giving further details.",
        [(DISRUPTED, ISRAELI_MILITARY, "Sderot", TUE)], id="interception alone",
        marks=xfail("extract.py (_assign_actors): 'Israel's air defences' names no actor and no default applies "
                    "to an interception, so actor1 stays empty although the speaker, the Israeli military, is "
                    "the one that intercepts")),
    # --- references, quotations and causes are not new events ------------------------------------
    pytest.param(
        "\"We will strike Tel Aviv with rockets and missiles until the aggression on our people stops,\" Abu Obeida, "
        "the spokesman of the Qassam Brigades, said in a televised speech on Thursday.",
        [], id="a quotation is not an event"),
    pytest.param(
        "Israeli warplanes struck two houses in Rafah on Monday night, killing five people, according to the health "
        "ministry in Gaza, which said children were among the dead.\n"
        "The strikes, which flattened a three-storey building, were the deadliest in the city in weeks, residents "
        "told reporters at the hospital.",
        [(REMOTE, ISRAELI_MILITARY, "Rafah", MON)], id="the strikes refers back"),
    pytest.param(
        "Israeli aircraft bombed a house in Deir al-Balah on Tuesday, killing seven members of one family, medics "
        "said. The strikes also damaged a nearby school that was sheltering displaced families, witnesses said.",
        [(REMOTE, ISRAELI_MILITARY, "Deir al-Balah", TUE)], id="bombed then the strikes"),
    pytest.param(
        "Palestinian Islamic Jihad said it fired rockets at Sderot on Sunday in response to the Israeli bombardment "
        "of the Gaza Strip and the raids on the Jenin refugee camp.",
        [(REMOTE, "Palestinian Islamic Jihad", "Sderot", SUN)], id="background in response to"),
    pytest.param(
        "The Israeli army said it struck a Hamas rocket launcher in Beit Hanoun on Monday in response to the rocket "
        "fire, adding that the launcher had been used in recent attacks.",
        [(REMOTE, ISRAELI_MILITARY, "Beit Hanoun", MON)], id="it struck a launcher, cause in background"),
    # --- ground operations and shootings in the words of wires and OCHA ---------------------------
    pytest.param(
        "Israeli tanks advanced into the Shaboura neighbourhood of Rafah on Tuesday, residents said, as heavy "
        "gunfire and explosions were heard across the city.",
        [("Battles", ISRAELI_MILITARY, "Rafah", TUE)], id="tanks advanced into"),
    pytest.param(
        "Israeli forces raided Al Far'a refugee camp near Tubas on Wednesday, triggering exchanges of fire with "
        "Palestinian gunmen, residents and the Palestinian news agency WAFA said.",
        [("Battles", ISRAELI_MILITARY, "Al-Far'a camp", WED)], id="a camp the GeoNames extract lacks"),
    pytest.param(
        "A Palestinian gunman opened fire at Israeli vehicles near the settlement of Ariel on Monday, wounding two "
        "people before fleeing the scene, Israeli police said.",
        [(VAC, "Unidentified Palestinian individual", "Ariel", MON)], id="opened fire at"),
    # --- settlers ------------------------------------------------------------------------------
    pytest.param(
        "Israeli settlers set fire to homes and vehicles in the village of Turmus Ayya, north of Ramallah, on "
        "Saturday night, wounding 12 Palestinians, the Palestinian Red Crescent said.",
        [(VAC, "Israeli settlers", "Turmus Ayya", SAT)], id="settlers set fire"),
]


@pytest.mark.parametrize(("text", "expected"), VIOLENCE)
def test_violent_events(text: str, expected: list[Row]) -> None:
    assert violent(extract_events(article(text))) == expected


STATEMENTS = [
    pytest.param(
        "UN Secretary-General Antonio Guterres called on Tuesday for an immediate humanitarian ceasefire in Gaza and "
        "the unconditional release of all hostages held by Hamas.",
        [(STATEMENT, "United Nations", None, TUE)], id="named speaker calls"),
    pytest.param(
        "\"We will strike Tel Aviv with rockets and missiles until the aggression on our people stops,\" Abu Obeida, "
        "the spokesman of the Qassam Brigades, said in a televised speech on Thursday.",
        [(STATEMENT, "Al-Qassam Brigades", None, THU)], id="quoted threat by a named spokesman"),
    pytest.param(
        "The Palestinian Foreign Ministry condemned the killing on Wednesday and called on the international "
        "community to hold Israel accountable for what it described as daily crimes.",
        [(STATEMENT, "Palestinian Authority", None, WED)], id="ministry condemns"),
    pytest.param(
        "He said the attacks would continue until the occupation ends and that the movement had many more fighters "
        "ready to join the battle against Israel.",
        [], id="a pronoun is no speaker"),
    pytest.param(
        "The spokesman added that the group would respond to any new aggression on the Gaza Strip and that its "
        "fighters were on high alert across all fronts.",
        [], id="an unnamed spokesman is no speaker"),
    pytest.param(
        "Israel's Channel 12 reported on Tuesday that the security cabinet had discussed a plan to expand the "
        "operation, without giving further details about the timing.",
        [], id="a news outlet reporting is no statement"),
    pytest.param(
        "Israeli Prime Minister Benjamin Netanyahu vowed on Sunday to press ahead with a military offensive in Rafah, "
        "saying that Israel would not bow to international pressure.",
        [(STATEMENT, "Israeli government", None, SUN)], id="vow of an offensive",
        marks=xfail("extract.py (_keep/_IRREALIS_BEFORE): the pattern wants 'vowed to' and at most three words "
                    "before the trigger; 'vowed on Sunday to press ahead with a military offensive in Rafah' "
                    "has a day between 'vowed' and 'to' and four words after it, so the pledged offensive is "
                    "kept as a Battles event in Rafah on Sunday (no actor) and the vow's statement is dropped")),
    pytest.param(
        "Israeli Defence Minister Yoav Gallant warned on Tuesday that the army would expand its ground operation into "
        "Rafah if the hostages are not released.",
        [(STATEMENT, "Israeli government", None, TUE)], id="warning of an operation"),
]


@pytest.mark.parametrize(("text", "expected"), STATEMENTS)
def test_statements(text: str, expected: list[Row]) -> None:
    assert coded(extract_events(article(text))) == expected


UNDATED = (
    "Israeli forces raided the Balata refugee camp near Nablus on Wednesday and arrested 15 Palestinians, the "
    "Palestinian Prisoners' Society said in a statement.\n"
    "Two rockets were fired from the Gaza Strip at Sderot on Thursday evening, and both were intercepted, the "
    "Israeli military said."
)


def test_undated_article_leaves_every_day_empty() -> None:
    events = extract_events(article(UNDATED, published=None))
    places = {e.place.name for e in events if e.place}
    assert {"Balata camp", "Sderot"} <= places
    assert [(e.event_date, e.date_start, e.date_end, e.date_precision) for e in events] == [
        (None, None, None, "unknown")] * len(events)


def test_the_same_sentence_dated_resolves_weekdays_against_publication() -> None:
    events = extract_events(article(UNDATED))
    by_place = {e.place.name: e.event_date for e in events if e.place}
    assert by_place["Balata camp"] == WED
    assert by_place["Sderot"] == THU


def test_evidence_is_the_sentence_at_its_span_and_ids_are_stable() -> None:
    text = "\n".join(p.values[0] for p in VIOLENCE)
    first = extract_events(article(text))
    assert first, "the joined sentences report events"
    for event in first:
        assert text[event.evidence_start: event.evidence_end] == event.evidence
    assert [e.mention_id for e in extract_events(article(text))] == [e.mention_id for e in first]


def test_source_words_stay_in_evidence_not_in_labels() -> None:
    text = ("The Israeli occupation forces (IOF) stormed the town of Qabatiya on Tuesday, where two young men were "
            "martyred, and the occupation army arrested five others, local sources said.")
    events = extract_events(article(text))
    raid = next(e for e in events if e.place and e.place.name == "Qabatiya" and e.event_type != "Strategic developments")
    assert raid.actor1 == ISRAELI_MILITARY
    assert raid.fatalities == 2
    assert "martyred" in raid.evidence and "IOF" in raid.evidence


# --- wording of situation reports and wire round-ups (see tests/fixtures/extract/sitreps/) -------------
def test_a_period_summary_does_not_swallow_the_days_after_it() -> None:
    text = ("Between 20 February and 4 March, Israeli forces killed 11 Palestinians, including three children, "
            "across the West Bank. Most of the fatalities occurred during search-and-arrest operations.\n"
            "On 22 February, at about 05:00, Israeli forces raided Nur Shams refugee camp (Tulkarm), triggering "
            "exchanges of fire with Palestinian armed men.\n")
    events = extract_events(article(text, published=date(2024, 3, 6)))
    assert ("Battles", ISRAELI_MILITARY, "Nur Shams camp", date(2024, 2, 22)) in coded(events)


def test_a_toll_since_7_october_is_not_a_7_october_event() -> None:
    text = ("Israel's war on Gaza has killed at least 31,300 Palestinians since October 7, according to the health "
            "ministry in Gaza, which does not distinguish between civilians and fighters.")
    assert date(2023, 10, 7) not in [e.event_date for e in extract_events(article(text))]


def test_a_cumulative_toll_is_not_added_to_the_event_before_it() -> None:
    text = ("Separately, a Palestinian assailant stabbed and wounded an Israeli man at a bus stop near Ariel on Monday "
            "evening before being shot by an armed civilian, Israeli police said.\n"
            "Violence in the West Bank has surged since the start of the war in Gaza. At least 550 Palestinians have "
            "been killed by Israeli fire in the territory since Oct. 7, according to the Palestinian Health Ministry.\n")
    stabbing = next(e for e in extract_events(article(text)) if e.place and e.place.name == "Ariel")
    assert stabbing.fatalities == 0


def test_a_cumulative_toll_is_not_a_day_event() -> None:
    text = ("At least 550 Palestinians have been killed by Israeli fire in the West Bank since Oct. 7, according to "
            "the Palestinian Health Ministry, which counts both fighters and civilians.")
    tolls = [e for e in extract_events(article(text)) if e.fatalities == 550]
    assert all(e.date_precision == "range" for e in tolls)


def test_who_reports_a_toll_is_not_who_killed() -> None:
    text = ("According to the Israeli authorities, about 1,200 Israelis and foreign nationals have been killed in "
            "Israel, the vast majority on 7 October.")
    assert "Israeli government" not in [e.actor1 for e in extract_events(article(text))]


def test_short_opening_bullets_of_a_report_are_read() -> None:
    text = ("Humanitarian Situation Update #162 | West Bank\n\n"
            "Latest developments\n\n"
            "On 19 March, Israeli settlers set fire to a house and two cars in Sinjil (Ramallah).\n"
            "On 18 March, Israeli forces demolished four homes in Masafer Yatta (Hebron).\n\n"
            "Key figures\n\n"
            "On 16 March, at about 23:00, an Israeli drone struck a group of Palestinians in Nur Shams refugee camp "
            "(Tulkarm), killing two men, whom the Israeli military said were members of an armed group.\n")
    places = {e.place.name for e in extract_events(article(text, published=date(2024, 3, 20))) if e.place}
    assert {"Sinjil", "Nur Shams camp"} <= places
