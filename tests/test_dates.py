"""Temporal expressions resolved against a pinned publication date; expectations read off the calendar.

Pinned dates: Thursday 2023-02-02 (the AFP wire), Friday 2023-01-27 (The Cradle byline),
Thursday 2025-01-23, Monday 2023-10-23 (what the undated Press TV article implies) and
Wednesday 2024-03-20. The week around them:
    2023-01-23 Mon  24 Tue  25 Wed  26 Thu  27 Fri  28 Sat  29 Sun
    2023-01-30 Mon  31 Tue  02-01 Wed  02-02 Thu  02-03 Fri
    2025-01-19 Sun  20 Mon  21 Tue  22 Wed  23 Thu
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from data_prep.dates import (
    ORIGIN_BYLINE,
    ORIGIN_DATELINE,
    ORIGIN_HEADER,
    ORIGIN_INLINE,
    find_publication_date,
    find_temporal_expressions,
    governing_expression,
    parse_publication_date,
    resolve_expression,
)
from data_prep.models import ParsedDate
from data_prep.schema import (
    DATE_PRECISIONS,
    PRECISION_APPROX,
    PRECISION_DAY,
    PRECISION_MONTH,
    PRECISION_RANGE,
    PRECISION_UNKNOWN,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "dates"
D = date.fromisoformat
THU = D("2023-02-02")  # Thursday, AFP dateline 02/02/2023
FRI = D("2023-01-27")  # Friday, "By News Desk - January 27 2023"
THU25 = D("2025-01-23")  # Thursday
MON = D("2023-10-23")  # Monday
WED24 = D("2024-03-20")  # Wednesday
DAY, APPROX, RANGE, MONTH, UNKNOWN = (
    PRECISION_DAY, PRECISION_APPROX, PRECISION_RANGE, PRECISION_MONTH, PRECISION_UNKNOWN)


def only(sentence: str, published: date | None, **kwargs: bool):
    """The single expression found in `sentence` (the test fails if there are more or none)."""
    found = find_temporal_expressions(sentence, published, **kwargs)
    assert len(found) == 1, [m.text for m in found]
    match = found[0]
    assert sentence[match.start:match.end] == match.text == match.date.text
    return match


# (sentence, published, words found, best, start, end, precision)
FORMS = [
    # Weekdays: the last such day on or before publication; the publication day itself counts.
    ("Hamas and the PIJ pledged on Thursday to respond to the massacre in Jenin.", FRI,
     "on Thursday", D("2023-01-26"), D("2023-01-26"), D("2023-01-26"), DAY),
    ("The Israeli army launched on Tuesday a large-scale attack on Jenin.", THU25,
     "on Tuesday", D("2025-01-21"), D("2025-01-21"), D("2025-01-21"), DAY),
    ("The two sides clashed with missiles before dawn on Thursday, officials said.", THU,
     "before dawn on Thursday", THU, THU, THU, DAY),
    ("A Palestinian rocket was fired at dusk on Wednesday and intercepted.", THU,
     "at dusk on Wednesday", D("2023-02-01"), D("2023-02-01"), D("2023-02-01"), DAY),
    ("US Secretary of State Antony Blinken said Tuesday at the end of a tour.", THU,
     "Tuesday", D("2023-01-31"), D("2023-01-31"), D("2023-01-31"), DAY),
    ("A delegation was expected in Cairo on Thursday at the invitation of Egypt.", THU,
     "on Thursday", THU, THU, THU, DAY),
    ("Worshippers were attacked after Friday prayers near the mosque.", THU,
     "Friday", FRI, FRI, FRI, DAY),
    ("Clashes broke out on Saturday night in Huwara.", THU,
     "on Saturday night", D("2023-01-28"), D("2023-01-28"), D("2023-01-28"), DAY),
    ("Rockets were fired at Ashkelon early on Friday.", FRI,
     "early on Friday", FRI, FRI, FRI, DAY),
    # "last" is strictly before the publication day.
    ("Settlers torched cars in the village last Tuesday.", THU,
     "last Tuesday", D("2023-01-31"), D("2023-01-31"), D("2023-01-31"), DAY),
    ("Settlers torched cars in the village last Thursday.", THU,
     "last Thursday", D("2023-01-26"), D("2023-01-26"), D("2023-01-26"), DAY),
    ("Troops left the camp last Tuesday.", THU25,
     "last Tuesday", D("2025-01-21"), D("2025-01-21"), D("2025-01-21"), DAY),
    # Parts of a day do not move the day.
    ("Two rockets were fired toward Ashkelon in the early hours of 27 January, and intercepted.", FRI,
     "in the early hours of 27 January", FRI, FRI, FRI, DAY),
    ("On the evening of January 27, an assailant killed seven people near a synagogue.", THU,
     "On the evening of January 27", FRI, FRI, FRI, DAY),
    ("The raid left ten dead on January 26 in the Jenin refugee camp.", THU,
     "on January 26", D("2023-01-26"), D("2023-01-26"), D("2023-01-26"), DAY),
    # The night of X to Y is Y, with the range X..Y (coding guide).
    ("On the night of January 26 to 27, the Israeli army carried out strikes in Gaza.", THU,
     "On the night of January 26 to 27", FRI, D("2023-01-26"), FRI, DAY),
    ("Jets struck Khan Younis on the night of 26-27 January.", THU,
     "on the night of 26-27 January", FRI, D("2023-01-26"), FRI, DAY),
    ("Jets struck Khan Younis on the night of Wednesday to Thursday.", THU,
     "on the night of Wednesday to Thursday", THU, D("2023-02-01"), THU, DAY),
    ("Jets struck Khan Younis overnight into Thursday.", THU,
     "overnight into Thursday", THU, D("2023-02-01"), THU, DAY),
    ("Jets struck Khan Younis overnight, the army said.", THU,
     "overnight", THU, D("2023-02-01"), THU, DAY),
    # Relative days.
    ("The IOF started its operation in the area yesterday.", THU25,
     "yesterday", D("2025-01-22"), D("2025-01-22"), D("2025-01-22"), DAY),
    ("The crossing was closed the day before yesterday.", THU,
     "the day before yesterday", D("2023-01-31"), D("2023-01-31"), D("2023-01-31"), DAY),
    ("Sirens sounded in Sderot last night.", THU,
     "last night", D("2023-02-01"), D("2023-02-01"), D("2023-02-01"), DAY),
    ("Schools in Gaza City stayed closed today.", THU, "today", THU, THU, THU, DAY),
    ("The massacre it carried out in Jenin and its camp this morning.", FRI,
     "this morning", FRI, FRI, FRI, DAY),
    ("Talks resume tomorrow in Doha.", THU,
     "tomorrow", D("2023-02-03"), D("2023-02-03"), D("2023-02-03"), DAY),
    ("Settlers torched cars two days ago.", THU,
     "two days ago", D("2023-01-31"), D("2023-01-31"), D("2023-01-31"), DAY),
    ("The building was hit 3 hours ago.", THU, "3 hours ago", THU, THU, THU, DAY),
    ("The building was hit 30 hours ago.", THU,
     "30 hours ago", D("2023-02-01"), D("2023-02-01"), D("2023-02-01"), DAY),
    ("The bulldozers came 3 days ago.", THU,
     "3 days ago", D("2023-01-30"), D("2023-01-30"), D("2023-01-30"), DAY),
    ("The house was demolished three weeks ago.", THU,
     "three weeks ago", D("2023-01-12"), D("2023-01-09"), D("2023-01-15"), APPROX),
    ("The family fled a few days ago.", THU,
     "a few days ago", None, D("2023-01-25"), D("2023-01-31"), APPROX),
    ("The camp was raided three months ago.", THU,
     "three months ago", None, D("2022-11-01"), D("2022-11-30"), MONTH),
    ("The school was built two years ago.", THU,
     "two years ago", None, D("2021-01-01"), D("2021-12-31"), UNKNOWN),
    ("Residents said on the 27th that water was cut.", THU,
     "on the 27th", FRI, FRI, FRI, DAY),
    ("Residents said on the 1st that water was cut.", THU,
     "on the 1st", D("2023-02-01"), D("2023-02-01"), D("2023-02-01"), DAY),
    # Weeks, weekends, months and years: start and end, no best day.
    ("Troops raided Nablus last week.", THU,
     "last week", None, D("2023-01-23"), D("2023-01-29"), APPROX),
    ("Troops raided Nablus earlier this week.", THU,
     "earlier this week", None, D("2023-01-30"), THU, APPROX),
    ("Troops raided Nablus earlier in the week.", THU,
     "earlier in the week", None, D("2023-01-30"), THU, APPROX),
    ("Twenty homes were demolished in the past week.", THU,
     "the past week", None, D("2023-01-26"), THU, APPROX),
    ("Settlers attacked the village over the weekend.", THU,
     "over the weekend", None, D("2023-01-28"), D("2023-01-29"), APPROX),
    ("Arrests rose sharply earlier this month.", THU,
     "earlier this month", None, D("2023-02-01"), THU, MONTH),
    ("The factions have fired thousands of rockets since earlier this month.", MON,
     "since earlier this month", None, D("2023-10-01"), MON, MONTH),
    ("Arrests rose sharply last month.", THU,
     "last month", None, D("2023-01-01"), D("2023-01-31"), MONTH),
    ("The strike took place in January.", THU,
     "in January", None, D("2023-01-01"), D("2023-01-31"), MONTH),
    ("The strike took place in February.", THU,
     "in February", None, D("2023-02-01"), THU, MONTH),
    ("The strike took place in March.", THU,
     "in March", None, D("2022-03-01"), D("2022-03-31"), MONTH),
    ("The strike took place in mid-January.", THU,
     "in mid-January", None, D("2023-01-11"), D("2023-01-20"), MONTH),
    ("Fuel ran out mid-October, the agency said.", MON,
     "mid-October", None, D("2023-10-11"), D("2023-10-20"), MONTH),
    ("The strike took place in late January 2022.", THU,
     "in late January 2022", None, D("2022-01-21"), D("2022-01-31"), MONTH),
    ("This comes after a particularly bloody year 2022, during which 235 people were killed.", THU,
     "year 2022", None, D("2022-01-01"), D("2022-12-31"), UNKNOWN),
    ("The wall was extended in 2022.", THU,
     "in 2022", None, D("2022-01-01"), D("2022-12-31"), UNKNOWN),
    ("Hamas, the movement in power in the Gaza Strip since 2007, condemned the strikes.", THU,
     "since 2007", None, D("2007-01-01"), THU, UNKNOWN),
    ("The territory has been occupied by Israel since 1967.", THU,
     "since 1967", None, D("1967-01-01"), THU, UNKNOWN),
    ("Unemployment doubled between 2014 and 2016.", THU,
     "between 2014 and 2016", None, D("2014-01-01"), D("2016-12-31"), UNKNOWN),
    ("Prices rose sharply this year.", THU,
     "this year", None, D("2023-01-01"), THU, UNKNOWN),
    ("Prices rose sharply last year.", THU,
     "last year", None, D("2022-01-01"), D("2022-12-31"), UNKNOWN),
    # Durations ending at publication.
    ("The attacks answered more than two weeks of incessant Israeli bombardment of Gaza.", MON,
     "more than two weeks of", None, D("2023-10-09"), MON, RANGE),
    ("The town was quiet after 36 hours of fighting.", THU,
     "36 hours of", None, D("2023-01-31"), THU, RANGE),
    ("The ceasefire followed a week of clashes.", THU,
     "a week of", None, D("2023-01-26"), THU, RANGE),
    ("Gaza has lived through 16 years of blockade.", THU,
     "16 years of", None, D("2007-02-02"), THU, UNKNOWN),
    ("Settlers were allowed to torch villages over multiple straight days, the group said.", THU25,
     "over multiple straight days", None, D("2025-01-19"), THU25, APPROX),
    ("Dozens were arrested in recent days.", THU,
     "in recent days", None, D("2023-01-29"), THU, APPROX),
    ("Forty people were killed over the past three days.", THU,
     "over the past three days", None, D("2023-01-30"), THU, RANGE),
    # A day and month without a year: the last such day on or before publication (+1 day).
    ("The confrontation erupted on October 7 after a Hamas operation.", MON,
     "on October 7", D("2023-10-07"), D("2023-10-07"), D("2023-10-07"), DAY),
    ("The confrontation erupted on 7 October.", MON,
     "on 7 October", D("2023-10-07"), D("2023-10-07"), D("2023-10-07"), DAY),
    ("The confrontation erupted on 7 October.", D("2023-10-06"),
     "on 7 October", D("2023-10-07"), D("2023-10-07"), D("2023-10-07"), DAY),
    ("The confrontation erupted on 7 October.", D("2023-10-05"),
     "on 7 October", D("2022-10-07"), D("2022-10-07"), D("2022-10-07"), DAY),
    ("The checkpoint opened on 29 February.", D("2023-03-10"),
     "on 29 February", D("2020-02-29"), D("2020-02-29"), D("2020-02-29"), DAY),
    ("Rockets have been fired since the 7 October attack.", MON,
     "since the 7 October", None, D("2023-10-07"), MON, RANGE),
    ("On 14 March, at about 16:10, a car rammed into a bus stop.", WED24,
     "On 14 March, at about 16:10", D("2024-03-14"), D("2024-03-14"), D("2024-03-14"), DAY),
    ("Raids between 15 and 18 March killed 12 people.", WED24,
     "between 15 and 18 March", D("2024-03-18"), D("2024-03-15"), D("2024-03-18"), RANGE),
    ("Raids from December 30 to January 2 killed 12 people.", THU,
     "from December 30 to January 2", D("2023-01-02"), D("2022-12-30"), D("2023-01-02"), RANGE),
    ("Troops raided the camp from Monday to Wednesday.", THU,
     "from Monday to Wednesday", D("2023-02-01"), D("2023-01-30"), D("2023-02-01"), RANGE),
    # Absolute dates with a year.
    ("By News Desk - January 27 2023", THU, "January 27 2023", FRI, FRI, FRI, DAY),
    ("The raid took place on January 26, 2023 in Jenin.", THU,
     "on January 26, 2023", D("2023-01-26"), D("2023-01-26"), D("2023-01-26"), DAY),
    ("The report is dated 27/01/2023.", THU, "27/01/2023", FRI, FRI, FRI, DAY),
    ("The report is dated 27.01.2023.", THU, "27.01.2023", FRI, FRI, FRI, DAY),
    ("The report is dated 2023-01-27.", THU, "2023-01-27", FRI, FRI, FRI, DAY),
    ("Filed 2023-01-27T09:48:03 from Gaza.", THU, "2023-01-27T09:48:03", FRI, FRI, FRI, DAY),
    ("Filed 02/01/2023 by the agency.", THU,  # day first: 2 January
     "02/01/2023", D("2023-01-02"), D("2023-01-02"), D("2023-01-02"), DAY),
    ("The strikes resumed on 26-27 January 2023.", THU,
     "on 26-27 January 2023", FRI, D("2023-01-26"), FRI, RANGE),
    ("Strikes resumed on Jan. 27.", THU, "on Jan. 27", FRI, FRI, FRI, DAY),
    ("Strikes resumed on the 27th of January.", THU, "on the 27th of January", FRI, FRI, FRI, DAY),
    ("The siege lasted from 1 to 20 January 2023.", THU,
     "from 1 to 20 January 2023", None, D("2023-01-01"), D("2023-01-20"), RANGE),
]


@pytest.mark.parametrize("sentence, published, words, best, start, end, precision", FORMS)
def test_expression_resolves_against_publication(sentence, published, words, best, start, end,
                                                 precision):
    match = only(sentence, published)
    assert match.text == words
    assert (match.date.best, match.date.start, match.date.end, match.date.precision) == (
        best, start, end, precision)


# (sentence, published, words, best, start, end, precision): with no publication date only an
# absolute date with a year fixes a day.
UNDATED_RESOLVED = [
    ("By News Desk - January 27 2023", "January 27 2023", FRI, FRI, FRI, DAY),
    ("The report is dated 27/01/2023.", "27/01/2023", FRI, FRI, FRI, DAY),
    ("The report is dated 2023-01-27.", "2023-01-27", FRI, FRI, FRI, DAY),
    ("Filed 02/13/2023 by the agency.",  # 13 cannot be a month: month first
     "02/13/2023", D("2023-02-13"), D("2023-02-13"), D("2023-02-13"), DAY),
    ("Monday, 23 October 2023", "Monday, 23 October 2023", MON, MON, MON, DAY),
    ("Mon, 23 Oct 2023 14:05:00 GMT", "Mon, 23 Oct 2023 14:05:00 GMT", MON, MON, MON, DAY),
    ("Thursday, January 26, 2023 was the deadliest day.", "Thursday, January 26, 2023",
     D("2023-01-26"), D("2023-01-26"), D("2023-01-26"), DAY),
    ("The wall was extended in 2022.", "in 2022", None, D("2022-01-01"), D("2022-12-31"), UNKNOWN),
    ("Hamas has ruled Gaza since 2007.", "since 2007", None, D("2007-01-01"), None, UNKNOWN),
    ("Arrests rose in January 2022.", "in January 2022", None, D("2022-01-01"), D("2022-01-31"),
     MONTH),
    ("Rockets have been fired since 27 January 2023.", "since 27 January 2023", None, FRI, None,
     RANGE),
    ("Unemployment doubled between 2014 and 2016.", "between 2014 and 2016", None,
     D("2014-01-01"), D("2016-12-31"), UNKNOWN),
    ("Raids from December 30, 2022 to January 2, 2023 killed 12.",
     "from December 30, 2022 to January 2, 2023", D("2023-01-02"), D("2022-12-30"), D("2023-01-02"),
     RANGE),
    ("Raids from December 30 to January 2, 2023 killed 12.",  # the year belongs to both days
     "from December 30 to January 2, 2023", D("2023-01-02"), D("2022-12-30"), D("2023-01-02"), RANGE),
    ("Talks ran between 26 January and 2 February 2023.", "between 26 January and 2 February 2023",
     D("2023-02-02"), D("2023-01-26"), D("2023-02-02"), RANGE),
]


@pytest.mark.parametrize("sentence, words, best, start, end, precision", UNDATED_RESOLVED)
def test_undated_article_keeps_absolute_dates(sentence, words, best, start, end, precision):
    match = only(sentence, None)
    assert match.text == words
    assert (match.date.best, match.date.start, match.date.end, match.date.precision) == (
        best, start, end, precision)


UNDATED_UNRESOLVED = [
    "The Qassam Brigades said on Monday that it had used its drones for the first time.",
    "The confrontation erupted on October 7 after an unprecedented operation.",
    "The factions have fired thousands of rockets since earlier this month.",
    "The attacks answered more than two weeks of incessant bombardment.",
    "The IOF started its operation in the area yesterday.",
    "Settlers torched cars two days ago.",
    "Troops raided Nablus last week.",
    "The strike took place in March.",
    "Settlers torched villages over multiple straight days.",
    "Residents said on the 27th that water was cut.",
    "The massacre it carried out in Jenin this morning.",
    "On the night of January 26 to 27, jets struck Gaza.",
]


@pytest.mark.parametrize("sentence", UNDATED_UNRESOLVED)
def test_undated_article_leaves_relative_expressions_unresolved(sentence):
    assert find_temporal_expressions(sentence, None) == []


# Numbers, names and words that a general date parser reads as dates, and must not be.
TRAPS = [
    ("We will not be broken, and we will not retreat despite the pain.", THU),
    ("We do not feel victorious at all.", THU25),
    ("A 52-year-old man was shot dead near Nablus.", THU),
    ("The operation left 1,400 settlers and military forces dead and some 5,000 injured.", MON),
    ("The conflict killed 235 people, nearly 90% of them Palestinians.", THU),
    ("A micro-territory of 2.3 million inhabitants under blockade.", THU),
    ("The PA security services had besieged Jenin camp for over 48 days.", THU25),
    ("The clashes came less than 36 hours after a visit by the US secretary of state.", THU),
    ("Citing hospital sources, it said 27 people were treated for injuries.", D("2025-04-07")),
    ("Lieberman said 59 prisoners still remain in Gaza.", D("2025-04-07")),
    ("The army may strike again, and protesters will march on the fence.", THU),
    ("Jan Egeland said aid was blocked at the crossing.", THU),
    ("Thousands joined the Great March of Return protests.", THU),
    ("The Sunday Times reported the strike.", THU),
    ("Vigils marked the anniversary of Bloody Sunday.", THU),
    ("Britain issued the Balfour Declaration in 1917.", THU),
    ("The video is at https://example.com/2023-01-27-strike for now.", THU),
    ("Three quarters, or 3/4 of residents, fled the camp.", THU),
    ("Boys aged between 15 and 18 were detained.", THU),
    ("Hundreds died in the first two weeks of the war.", THU),
    ("The factions called for a day of rage.", THU),
    ("The resolution passed with 2023 votes.", THU),
]


@pytest.mark.parametrize("sentence, published", TRAPS)
def test_numbers_and_names_are_not_dates(sentence, published):
    assert find_temporal_expressions(sentence, published) == []


def test_we_is_not_wednesday_but_thursday_still_is():
    found = find_temporal_expressions("We said on Thursday that we will respond.", FRI)
    assert [(m.text, m.date.best) for m in found] == [("on Thursday", D("2023-01-26"))]


def test_a_year_is_never_read_as_a_day():
    found = find_temporal_expressions("Hamas took power there in 2007 and has ruled since 2007.", THU)
    assert [(m.text, m.date.best, m.date.precision) for m in found] == [
        ("in 2007", None, UNKNOWN), ("since 2007", None, UNKNOWN)]


FUTURE = [
    # (sentence, published, words, date with allow_future=True)
    ("The talks will resume next Monday.", THU, "next Monday", D("2023-02-06")),
    ("The report will be published on January 27 2024.", THU, "on January 27 2024",
     D("2024-01-27")),
]


@pytest.mark.parametrize("sentence, published, words, future_day", FUTURE)
def test_future_dates_are_dropped_unless_asked_for(sentence, published, words, future_day):
    assert find_temporal_expressions(sentence, published) == []
    match = only(sentence, published, allow_future=True)
    assert (match.text, match.date.best, match.date.precision) == (words, future_day, DAY)


def test_future_year_is_dropped_unless_asked_for():
    assert find_temporal_expressions("A state by 2030, the minister said.", THU) == []
    match = only("A state by 2030, the minister said.", THU, allow_future=True)
    assert (match.date.start, match.date.end, match.date.precision) == (
        D("2030-01-01"), D("2030-12-31"), UNKNOWN)


def test_offsets_hold_when_lower_casing_changes_length():
    # "İ".lower() is two characters long; spans must still point into the original text.
    text = "İstanbul talks: İsrael and Hamas met on 26 January in İzmir."
    match = only(text, FRI)
    assert (match.text, match.date.best) == ("on 26 January", D("2023-01-26"))


def test_two_separate_days_are_not_a_range():
    found = find_temporal_expressions("Strikes hit Rafah on 26 January and 2 February.", THU)
    assert [(m.text, m.date.best, m.date.precision) for m in found] == [
        ("on 26 January", D("2023-01-26"), DAY), ("2 February", THU, DAY)]


# The AFP wire of 2 February 2023 (a Thursday), cut down: every expression, in text order.
WIRE_EXPECTED = [
    ("before dawn on Thursday", THU, THU, THU, DAY),
    ("Thursday", THU, THU, THU, DAY),
    ("at dusk on Wednesday", D("2023-02-01"), D("2023-02-01"), D("2023-02-01"), DAY),
    ("since 2007", None, D("2007-01-01"), THU, UNKNOWN),
    ("On the night of January 26 to 27", FRI, D("2023-01-26"), FRI, DAY),
    ("since 1967", None, D("1967-01-01"), THU, UNKNOWN),
    ("on January 26", D("2023-01-26"), D("2023-01-26"), D("2023-01-26"), DAY),
    ("On the evening of January 27", FRI, FRI, FRI, DAY),
    ("Tuesday", D("2023-01-31"), D("2023-01-31"), D("2023-01-31"), DAY),
    ("on Wednesday", D("2023-02-01"), D("2023-02-01"), D("2023-02-01"), DAY),
    ("on Thursday", THU, THU, THU, DAY),
    ("year 2022", None, D("2022-01-01"), D("2022-12-31"), UNKNOWN),
    ("02/02/2023 09:48:03", THU, THU, THU, DAY),
]


def test_whole_wire_article():
    text = (FIXTURES / "afp_wire.txt").read_text(encoding="utf-8")
    published = parse_publication_date(text)
    assert published == THU
    found = find_temporal_expressions(text, published)
    assert [(m.text, m.date.best, m.date.start, m.date.end, m.date.precision) for m in found] == (
        WIRE_EXPECTED)
    assert all(text[m.start:m.end] == m.text for m in found)
    assert all(m.date.precision in DATE_PRECISIONS for m in found)


RESOLVE = [
    ("the night of January 26 to 27", THU,
     ParsedDate(FRI, D("2023-01-26"), FRI, DAY, "the night of January 26 to 27")),
    ("Thursday", FRI, ParsedDate(D("2023-01-26"), D("2023-01-26"), D("2023-01-26"), DAY, "Thursday")),
    ("Thursday", THU, ParsedDate(THU, THU, THU, DAY, "Thursday")),
    ("earlier this month", THU, ParsedDate(None, D("2023-02-01"), THU, MONTH, "earlier this month")),
    ("yesterday", None, None),
    ("nothing to see here", THU, None),
    ("52", THU, None),
    ("2023", THU, None),  # a bare number is never a year
    ("1952", None, None),
]


@pytest.mark.parametrize("text, published, expected", RESOLVE)
def test_resolve_expression(text, published, expected):
    assert resolve_expression(text, published) == expected


GOVERNED = ("Israeli troops raided Jenin on Thursday, killing ten people. "
            "Rockets were fired at Ashkelon early on Friday.")


@pytest.mark.parametrize("words, expected_words, expected_best", [
    ("killing", "on Thursday", D("2023-01-26")),  # the nearest, before it
    ("Israeli", "on Thursday", D("2023-01-26")),  # the nearest, after it
    ("Thursday", "on Thursday", D("2023-01-26")),  # inside the expression
    ("Rockets", "early on Friday", FRI),  # its own sentence, not the previous one
])
def test_governing_expression(words, expected_words, expected_best):
    match = governing_expression(GOVERNED, GOVERNED.index(words), FRI)
    assert match is not None
    assert (match.text, match.date.best) == (expected_words, expected_best)


def test_governing_expression_none_when_sentence_is_undated():
    text = "Rockets were fired on Thursday. Nobody was hurt in Sderot."
    assert governing_expression(text, text.index("Nobody"), FRI) is None


PUBLICATION = [
    ("Gaza resistance targets Israeli settlements\nBy News Desk - January 27 2023\n\nFile photo.",
     FRI, ORIGIN_BYLINE),
    ("There had been no casualties.\n\n02/02/2023 09:48:03 - Gaza (Palestinian Territories) (AFP)"
     " - © 2023 AFP", THU, ORIGIN_DATELINE),
    (" date 2025-04-07 The Palestinian resistance movement of Hamas has carried out missile strikes "
     "on the southern Israeli-occupied territories.", D("2025-04-07"), ORIGIN_HEADER),
    ("Published: 3 March 2024 14:05\nGaza - Strikes continued.", D("2024-03-03"), ORIGIN_HEADER),
    ("Posted on March 5th, 2024 by admin", D("2024-03-05"), ORIGIN_HEADER),
    ("Updated: 4 March 2024\nPublished: 3 March 2024", D("2024-03-03"), ORIGIN_HEADER),
    ("Updated: 4 March 2024", D("2024-03-04"), ORIGIN_HEADER),
    ("Last modified on Sat 7 Oct 2023 12.04 BST", D("2023-10-07"), ORIGIN_HEADER),
    ("Monday, 23 October 2023\n\nThe Qassam Brigades said on Monday...", MON, ORIGIN_INLINE),
    ("2025-04-07", D("2025-04-07"), ORIGIN_INLINE),
    ("Published: 03/03/24", D("2024-03-03"), ORIGIN_HEADER),  # dateparser fallback
]


@pytest.mark.parametrize("text, expected, origin", PUBLICATION)
def test_publication_date(text, expected, origin):
    assert parse_publication_date(text) == expected
    found = find_publication_date(text)
    assert found is not None
    assert (found.date, found.origin) == (expected, origin)


@pytest.mark.parametrize("text", [
    "News   /   Palestine\n\nPalestinian resistance launches fresh retaliatory attacks",
    # A dated event inside a body sentence is not the publication date.
    "The war began on October 7, 2023, when Hamas fighters crossed the fence and attacked towns "
    "in southern Israel, killing about 1,200 people.",
    "By News Desk - January 27 1923",  # before settings.MIN_YEAR
    "Published: 2 hours ago",
    "Published: 31/02/2023",  # no such day
    "A 52-year-old man was shot; 235 people were killed in 2022.",
])
def test_no_publication_date(text):
    assert parse_publication_date(text) is None
    assert find_publication_date(text) is None
