"""extract_events on the sentence shapes real situation reports and wires use most.

The shapes come from the failure classes measured on real UN flash updates and news (the
costliest first: passive strikes, counts with asides, hedges, distinct incidents, follow-ups,
summaries, victims taken as actors, bare nouns, missing trigger families, scrape glue, place
spellings, days in a reporting clause). Every sentence here is invented in those shapes; the
expected coding was written from the sentence, as an analyst would code it, before running the
extractor. Rows it still gets wrong are strict xfails that name the rule at fault.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from data_prep.extract import extract_events
from data_prep.formats.common import article_id_of
from data_prep.models import Article, Event

PUBLISHED = date(2024, 5, 10)  # a Friday
REMOTE = "Explosions/Remote violence"
VAC = "Violence against civilians"
BATTLES = "Battles"
ISRAELI_MILITARY = "Israeli military"
UNIDENTIFIED = "Unidentified Palestinian armed group"
# A report's opening: long enough to be body text, and it names whose bombardment it reports.
CONTEXT = ("Intense Israeli bombardment from air, land and sea continued across much of the Gaza Strip, "
           "resulting in further civilian casualties, displacement and destruction of houses.\n")

Row = tuple[str, str | None, str | None, date | None, int | None]


def article(text: str, published: date | None = PUBLISHED) -> Article:
    return Article(article_id=article_id_of(text), file="report.md", text=text, published=published, outlet="OCHA")


def coded(events: list[Event]) -> list[Row]:
    return [(e.event_type, e.actor1, e.place.name if e.place else None, e.event_date, e.fatalities)
            for e in events if e.event_type != "Statement"]


def incidents(text: str) -> list[Row]:
    """The events of a report body (after the context line), in text order."""
    events = [e for e in extract_events(article(CONTEXT + text)) if e.evidence_start >= len(CONTEXT)]
    return coded(events)


def xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


SHAPES = [
    # 1. a strike told in the passive, or as "hit" + what was hit
    pytest.param(
        "* On 3 May, at around 07:40, two men were reportedly killed when a shop in Tal as Sultan was struck.",
        [(REMOTE, ISRAELI_MILITARY, "Tal as-Sultan", date(2024, 5, 3), 2)], id="passive: shop was struck"),
    pytest.param(
        "* On 7 May, an apartment block in Beit Lahiya was hit in the evening; nine residents were killed.",
        [(REMOTE, ISRAELI_MILITARY, "Beit Lahia", date(2024, 5, 7), 9)], id="passive: block was hit; toll after"),
    pytest.param(
        "* On 8 May, Israeli forces reportedly hit a water tanker near Deir al Balah.",
        [(REMOTE, ISRAELI_MILITARY, "Deir al-Balah", date(2024, 5, 8), 0)], id="active hit + vehicle"),
    pytest.param(
        "* On 8 May, an undetermined number of casualties was reported when a market square in Al Bureij was hit.",
        [(REMOTE, ISRAELI_MILITARY, "Bureij", date(2024, 5, 8), 0)], id="passive: no known toll"),
    # 2. counts with an aside, a possessive, a definite noun
    pytest.param(
        "* On 6 May, nine people, among them four children and a nurse, were reportedly killed when a house in "
        "Khan Younis was struck.",
        [(REMOTE, ISRAELI_MILITARY, "Khan Yunis", date(2024, 5, 6), 9)], id="count: among them"),
    pytest.param(
        "* On 6 May, a woman and her two sons were killed when their tent in Rafah was hit.",
        [(REMOTE, ISRAELI_MILITARY, "Rafah", date(2024, 5, 6), 3)], id="count: a woman and her two sons"),
    # 3. a hedge is no statement
    pytest.param(
        "* On 5 May, at least 14 people were killed, many of them said to be displaced families, when a school in "
        "Jabalya was struck.",
        [(REMOTE, ISRAELI_MILITARY, "Jabalia", date(2024, 5, 5), 14)], id="hedge: said to be"),
    # 4. distinct incidents stay distinct
    pytest.param(
        "* On 6 May, at about 09:00, three people were killed when a house in Khan Younis was hit.\n"
        "* On 6 May, at about 18:30, five people were killed when a car in Khan Younis was hit.",
        [(REMOTE, ISRAELI_MILITARY, "Khan Yunis", date(2024, 5, 6), 3),
         (REMOTE, ISRAELI_MILITARY, "Khan Yunis", date(2024, 5, 6), 5)], id="distinct: own clock time"),
    pytest.param(
        "* In two separate strikes on 4 May, in Nuseirat and Rafah, houses were hit, reportedly killing 11 and "
        "6 people, respectively.",
        [(REMOTE, ISRAELI_MILITARY, "Nuseirat", date(2024, 5, 4), 11),
         (REMOTE, ISRAELI_MILITARY, "Rafah", date(2024, 5, 4), 6)], id="distinct: respectively"),
    # 5. a follow-up sentence belongs to its own bullet
    pytest.param(
        "* On 9 May, at about 13:00, two people were killed when a house in Beit Hanoun was hit. Shortly afterwards, "
        "a rescuer was killed in a second strike while retrieving the injured.\n"
        "* On 9 May, a tent in Al Mawasi was hit, killing four people.",
        [(REMOTE, ISRAELI_MILITARY, "Beit Hanoun", date(2024, 5, 9), 2),
         (REMOTE, ISRAELI_MILITARY, "Beit Hanoun", date(2024, 5, 9), 1),
         (REMOTE, ISRAELI_MILITARY, "Al-Mawasi", date(2024, 5, 9), 4)], id="follow-up keeps its bullet's place"),
    # 6. a period's toll is not a day's event
    pytest.param(
        "* Between the morning of 3 May and 10:00 on 6 May, according to the Ministry of Health, 210 Palestinians "
        "were killed in Gaza.",
        [], marks=xfail("tolls: a period's toll is not yet told apart from a day's event (tolls table, issue 9)"),
        id="summary: a toll between two days"),
    pytest.param(
        "* Between the evenings of 2 and 5 May, three Israeli soldiers were reported killed in Gaza.",
        [(BATTLES, ISRAELI_MILITARY, "Gaza Strip", date(2024, 5, 5), 3)], id="soldiers killed over days: battles, range"),
    # 7. the victim is not the actor
    pytest.param(
        "* On 7 May, two Israeli soldiers were killed in southern Gaza.",
        [(BATTLES, ISRAELI_MILITARY, "Southern Gaza Strip", date(2024, 5, 7), 2)], id="victims: soldiers"),
    pytest.param(
        "* On 7 May, an UNRWA clinic in Nuseirat was hit; no casualties were reported.",
        [(REMOTE, ISRAELI_MILITARY, "Nuseirat", date(2024, 5, 7), 0)], id="victims: the clinic's owner"),
    # 10. web-scrape glue
    pytest.param(
        "On 8 May, Israeli forces raided Tubas, the army said.Troops later arrested two suspects in Tammun.",
        [(BATTLES, ISRAELI_MILITARY, "Tubas", date(2024, 5, 8), 0),
         ("Strategic developments", ISRAELI_MILITARY, "Tammun", date(2024, 5, 8), 0)],
        id="glue: said.Troops"),
    # 11. places: assimilated articles with a space
    pytest.param(
        "* On 6 May, four people were killed when a house in Az Zawayda was struck.",
        [(REMOTE, ISRAELI_MILITARY, "Az-Zawaida", date(2024, 5, 6), 4)], id="place: Az Zawayda"),
    pytest.param(
        "* On 6 May, settlers vandalized 40 olive trees belonging to farmers from Kisan village (Bethlehem).",
        [(VAC, "Israeli settlers", "Kisan", date(2024, 5, 6), 0)], id="place: a village the gazetteer lacks"),
]


@pytest.mark.parametrize(("text", "expected"), SHAPES)
def test_report_shapes(text: str, expected: list[Row]) -> None:
    assert incidents(text) == expected


LISTS = [
    pytest.param(
        "* The following are among the deadliest incidents reported since 6 May, involving the hitting of "
        "residential buildings:\n"
        "* On 7 May, at about 14:40, seven people were reportedly killed in Deir al Balah;\n"
        "* On 7 May, at about 15:40, six people were reportedly killed in Khan Younis.\n",
        [(REMOTE, ISRAELI_MILITARY, "Deir al-Balah", date(2024, 5, 7), 7),
         (REMOTE, ISRAELI_MILITARY, "Khan Yunis", date(2024, 5, 7), 6)], id="items take the lead-in's kind"),
    pytest.param(
        "* The following incidents were reported on 7 May:\n"
        "* At about 14:40, a house in Deir al Balah was hit, killing seven people.\n"
        "\n"
        "Separately, three people were reportedly killed in Khan Younis on 8 May, according to the police.\n",
        [(REMOTE, ISRAELI_MILITARY, "Deir al-Balah", date(2024, 5, 7), 7),
         (VAC, ISRAELI_MILITARY, "Khan Yunis", date(2024, 5, 8), 3)], id="a blank line ends the list"),
]


@pytest.mark.parametrize(("text", "expected"), LISTS)
def test_list_items(text: str, expected: list[Row]) -> None:
    assert incidents(text) == expected


def test_rocket_fire_told_by_its_origin_lands_in_israel() -> None:
    events = extract_events(article(CONTEXT + "* On 8 May, the indiscriminate firing of rockets by Palestinian "
                                               "armed groups from Gaza continued, with no fatalities reported."))
    assert [(e.event_type, e.actor1, e.place.name if e.place else None) for e in events
            if e.evidence_start >= len(CONTEXT)] == [(REMOTE, UNIDENTIFIED, "Israel")]


def test_no_default_actor_without_the_article_naming_it() -> None:
    text = ("A long opening paragraph of a report that says nothing about who carries out the strikes it lists, "
            "only that they continue.\n* On 6 May, a house in Rafah was struck, killing three people.")
    events = extract_events(article(text))
    assert [(e.event_type, e.actor1, e.place.name) for e in events] == [(REMOTE, None, "Rafah")]


def test_coding_says_where_each_field_came_from() -> None:
    events = extract_events(article(CONTEXT + "* On 6 May, three people were killed when a house in Rafah was "
                                               "struck. Shortly afterwards, a rescuer was killed in a second strike."))
    first, second = [json.loads(e.coding) for e in events if e.evidence_start >= len(CONTEXT)]
    assert first["type"] == "trigger 'struck' (air: Explosions/Remote violence)"
    assert first["actor"] == "default actor for air in Gaza Strip (the article names Israeli military)"
    assert first["place"] == "words: 'Rafah'"
    assert first["day"] == "words: 'On 6 May'"
    assert second["place"] == "inherited from its paragraph: Rafah"
    assert second["day"] == "inherited from its paragraph: 'On 6 May'"


# Wire and army-statement shapes. The opening names the army, as such stories do.
NEWS_CONTEXT = ("The Israel Defense Forces said on Friday that its operations in the northern West Bank and in Gaza "
                "would go on, a day after a week of raids across several towns.\n")
TUE, MON, WED = date(2024, 5, 7), date(2024, 5, 6), date(2024, 5, 8)


def news(text: str, published: date = PUBLISHED) -> list[Row]:
    events = extract_events(article(NEWS_CONTEXT + text, published))
    return coded([e for e in events if e.evidence_start >= len(NEWS_CONTEXT)])


NEWS_SHAPES = [
    # 8. actors implied by bare nouns
    pytest.param("On Tuesday, troops opened fire near Jenin, killing one of the suspects, the army said.",
                 [(VAC, ISRAELI_MILITARY, "Jenin", TUE, 1)], id="bare noun: troops"),
    pytest.param("A terrorist stabbed a guard at a checkpoint near Hebron on Tuesday; the assailant fled.",
                 [(VAC, "Unidentified Palestinian individual", "Hebron", TUE, 0)], id="bare noun: a terrorist"),
    # 9. trigger families
    pytest.param("The army said its troops eliminated two gunmen near Tubas on Tuesday.",
                 [(BATTLES, ISRAELI_MILITARY, "Tubas", TUE, 2)], id="family: eliminated"),
    pytest.param("On Tuesday, medics treated 15 people injured by Israeli forces near Qalqilya, four of them by "
                 "live ammunition.",
                 [(VAC, ISRAELI_MILITARY, "Qalqilya", TUE, 0)], id="family: injury-only"),
    pytest.param("On Tuesday, a youth threw a concrete block at a passing bus near Huwara.",
                 [("Riots", None, "Huwara", TUE, 0)], id="family: thrown objects"),
    pytest.param("On Tuesday, forces destroyed the outer wall of a clinic in Bani Suheila.",
                 [("Strategic developments", ISRAELI_MILITARY, "Bani Suheila", TUE, 0)], id="family: destruction"),
    pytest.param("On Tuesday, special forces freed two captives from a flat in Nuseirat.",
                 [(BATTLES, ISRAELI_MILITARY, "Nuseirat", TUE, 0)], id="family: captives freed"),
    pytest.param("On Tuesday, confrontations broke out in several villages near Nablus.",
                 [(BATTLES, None, "Nablus", TUE, 0)], id="family: confrontations"),
    pytest.param("On 7 October, gunmen crossed the border fence and entered Kfar Aza, killing residents.",
                 [(VAC, UNIDENTIFIED, "Kfar Aza", date(2023, 10, 7), 0)], id="family: infiltration"),
    # 10. scrape glue and boilerplate
    pytest.param("On Tuesday, Israeli forces raided Tubas, the army said.Troops later arrested two suspects in Tammun.",
                 [(BATTLES, ISRAELI_MILITARY, "Tubas", TUE, 0),
                  ("Strategic developments", ISRAELI_MILITARY, "Tammun", TUE, 0)], id="glue: said.Troops"),
    # 11. places: facilities at their town, -eh spellings
    pytest.param("On Tuesday, the vicinity of Kamal Adwan Hospital was struck.",
                 [(REMOTE, ISRAELI_MILITARY, "Kamal Adwan Hospital", TUE, 0)], id="place: a hospital"),
    pytest.param("On Tuesday, a house in Shuja'iyyeh was struck, killing three people.",
                 [(REMOTE, ISRAELI_MILITARY, "Shuja'iyya", TUE, 3)], id="place: -eh spelling"),
    # 12. days told from another day
    pytest.param("Last Wednesday a guard was stabbed near Hebron. Two days earlier, on Monday night, stones were "
                 "thrown at a bus near Huwara.",
                 [(VAC, None, "Hebron", date(2024, 5, 8), 0), ("Riots", None, "Huwara", MON, 0)],
                 id="day: two days earlier"),
    pytest.param("On 8 May, the Red Crescent announced that the bodies of two volunteers, sent out on 27 April, had "
                 "been found in Rafah; it blamed Israeli shelling.",
                 [(REMOTE, ISRAELI_MILITARY, "Rafah", date(2024, 4, 27), 0)], id="day: inside the announcement"),
]


@pytest.mark.parametrize(("text", "expected"), NEWS_SHAPES)
def test_news_shapes(text: str, expected: list[Row]) -> None:
    assert news(text) == expected


def test_days_counted_from_the_event_told_before() -> None:
    text = ("Last Wednesday a guard was stabbed near Hebron. Two days earlier, on Monday night, stones were "
            "thrown at a bus near Huwara.")
    # Published on Tuesday 14 May: "Last Wednesday" is 8 May; the Monday two days before it is 6 May,
    # not Monday 13 May, the last Monday before publication.
    assert [row[3] for row in news(text, date(2024, 5, 14))] == [date(2024, 5, 8), date(2024, 5, 6)]


def test_boilerplate_lines_make_no_event_and_set_no_area() -> None:
    text = ("By Staff WriterOn Tuesday, Israeli forces raided Tubas and arrested two men.\n"
            "The post Israeli raid in Tubas appeared first on Israel Daily News.\n")
    from data_prep.formats.common import build_article
    built = build_article(NEWS_CONTEXT + text, "report.md", "md")
    assert not isinstance(built, type(None))
    assert "appeared first on" not in built.text and "By Staff Writer\nOn Tuesday" in built.text


# --- whole articles: a flash-update composite and a wire/army-statement composite ---------------
FIXTURES = Path(__file__).parent / "fixtures" / "extract" / "shapes"

# What an analyst codes from each fixture, written from the texts: (file, day, type, actor1, place,
# fatalities). Running tolls and the ongoing-bombardment summary are left out: they are checked
# apart below.
FIXTURE_INCIDENTS = {
    ("flash_update_style.md", date(2024, 5, 8), REMOTE, ISRAELI_MILITARY, "Bani Suheila", 6),
    ("flash_update_style.md", date(2024, 5, 8), REMOTE, ISRAELI_MILITARY, "Az-Zawaida", 4),
    ("flash_update_style.md", date(2024, 5, 9), REMOTE, ISRAELI_MILITARY, "Al-Mawasi", 3),
    ("flash_update_style.md", date(2024, 5, 9), REMOTE, ISRAELI_MILITARY, "Al-Mawasi", 1),
    ("flash_update_style.md", date(2024, 5, 9), REMOTE, ISRAELI_MILITARY, "Jabalia", 12),
    ("flash_update_style.md", date(2024, 5, 9), REMOTE, ISRAELI_MILITARY, "Beit Hanoun", 5),
    ("flash_update_style.md", date(2024, 5, 9), BATTLES, ISRAELI_MILITARY, "Gaza Strip", 2),
    ("flash_update_style.md", date(2024, 5, 8), VAC, ISRAELI_MILITARY, "Kafr Malik", 1),
    ("flash_update_style.md", date(2024, 5, 9), VAC, "Israeli settlers", "Turmus Ayya", 0),
    ("army_statement_wire.txt", date(2024, 5, 13), BATTLES, ISRAELI_MILITARY, "Tammun", 2),
    ("army_statement_wire.txt", date(2024, 5, 8), VAC, None, "Hebron", 0),
    ("army_statement_wire.txt", date(2024, 5, 6), "Riots", None, "Huwara", 0),
}


@pytest.fixture(scope="module")
def fixture_events() -> list[tuple[str, date | None, str, str | None, str | None, int | None]]:
    from data_prep import build_event_table

    events = build_event_table([str(FIXTURES)]).events
    return [(str(e.source_files), e.event_date.date() if pd.notna(e.event_date) else None, e.event_type,
             None if pd.isna(e.actor1) else e.actor1, None if pd.isna(e.location) else e.location,
             None if pd.isna(e.fatalities) else int(e.fatalities)) for e in events.itertuples()]


def test_fixture_articles_give_every_incident(fixture_events: list) -> None:
    assert FIXTURE_INCIDENTS <= set(fixture_events)


def test_fixture_articles_boilerplate_and_headings_make_no_event(fixture_events: list) -> None:
    # The feed footer names "Israel Daily News" and the section headings name the Gaza Strip and
    # the West Bank: none of them is an event, and the wire story's events are not placed in Israel.
    wire = [row for row in fixture_events if row[0] == "army_statement_wire.txt"]
    assert all(row[4] != "Israel" for row in wire)
    assert not [row for row in fixture_events if row[4] == "West Bank" and row[0] == "flash_update_style.md"]


@pytest.mark.xfail(strict=True, reason="tolls: a period's toll is not yet kept out of the events (issue 9)")
def test_fixture_articles_period_toll_is_no_event(fixture_events: list) -> None:
    assert not [row for row in fixture_events if row[5] == 61]


WIRE_LEADS = [
    # The day after "said" is the day the source spoke; the strike's own day comes later in the story.
    pytest.param("Jerusalem: An Israeli strike in Gaza killed at least six people from one family, most of them "
                 "women and children, Palestinian medics said Wednesday.\nThe strike late Tuesday hit a house in Gaza "
                 "City's Daraj neighbourhood, according to the civil defence.",
                 [(REMOTE, ISRAELI_MILITARY, "Gaza City", TUE, 6)], id="said Wednesday; dateline 'Jerusalem:'"),
    # "Israeli media reported" names who reports, not who acted; a country followed by a verb acts.
    pytest.param("Two Israeli soldiers were killed on Tuesday in southern Gaza during fighting with militants near the "
                 "city of Rafah, Israeli media reported, without giving further details.",
                 [(BATTLES, ISRAELI_MILITARY, "Rafah", TUE, 2)], id="Israeli media reported"),
    pytest.param("At least nine people were killed in an Israeli strike on a house in Nuseirat on Tuesday, health "
                 "officials said, as the army issued new evacuation orders, citing rocket fire nearby.",
                 [(REMOTE, ISRAELI_MILITARY, "Nuseirat", TUE, 9)], id="citing rocket fire: a reason, no event"),
]


@pytest.mark.parametrize(("text", "expected"), WIRE_LEADS)
def test_wire_leads(text: str, expected: list[Row]) -> None:
    # A wire story on its own: its first line is the lead (and holds the dateline).
    title = "Israeli strike kills six in Gaza, medics say\n"
    assert coded(extract_events(article(title + text, date(2024, 5, 8)))) == expected
