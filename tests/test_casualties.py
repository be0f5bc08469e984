"""Casualty figures and their claimants, from real news wording."""
from __future__ import annotations

import pytest

from data_prep.casualties import INJURED, KILLED, find_casualties, find_claimant, parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("during which Israeli troops perpetrated a massacre that left 10 Palestinians dead.", [(KILLED, 10, False)]),
        ("At least eight people were martyred and dozens were injured in the IOF raid.",
         [(KILLED, 8, True), (INJURED, 24, True)]),
        ("a Palestinian assailant killed six Israelis and a Ukrainian woman near a synagogue", [(KILLED, 7, False)]),
        ("which left 1,400 settlers and military forces dead and some 5,000 injured.",
         [(KILLED, 1400, False), (INJURED, 5000, True)]),
        ("which has left more than 5,000 people dead and over 15,000 others injured.",
         [(KILLED, 5000, True), (INJURED, 15000, True)]),
        ("Citing hospital sources, it said 27 people were treated for injuries.", [(INJURED, 27, False)]),
        ("No injuries or damages were reported.", [(INJURED, 0, False)]),
        ("Emergency services reported no casualties on either side.", [(KILLED, 0, False), (INJURED, 0, False)]),
        ("a new raid which left ten dead on January 26 in the Jenin refugee camp.", [(KILLED, 10, False)]),
        ("a 52-year-old man was killed", [(KILLED, 1, False)]),
        ("killing 12 and wounding 30", [(KILLED, 12, False), (INJURED, 30, False)]),
        ("The death toll rose to 34,000, the ministry said.", [(KILLED, 34000, False)]),
        ("Two Palestinians were shot dead and three others wounded", [(KILLED, 2, False), (INJURED, 3, False)]),
        ("a 16-year-old Palestinian boy was shot and killed by Israeli forces", [(KILLED, 1, False)]),
        ("an airstrike killed a woman and her two children", [(KILLED, 3, False)]),
        ("two men were shot dead at the checkpoint", [(KILLED, 2, False)]),
        # Numbers that are not casualties: durations, rockets, ages alone.
        ("The PA had besieged Jenin camp for over 48 days.", []),
        ("They fired 20 rockets at Sderot.", []),
        ("while 59 prisoners still remain in Gaza.", []),
    ],
)
def test_find_casualties(text: str, expected: list[tuple[str, int, bool]]) -> None:
    assert [(f.kind, f.count, f.minimum) for f in find_casualties(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ten", (10, False)), ("1,400", (1400, False)), ("twenty-five", (25, False)), ("dozens", (24, True)),
     ("2.3 million", (2300000, False)), ("several", None), ("", None)],
)
def test_parse_number(text: str, expected: tuple[int, bool] | None) -> None:
    assert parse_number(text) == expected


def test_each_figure_keeps_its_own_claimant() -> None:
    text = ("According to an Israeli news website, one person was injured in Ashkelon, "
            "but Qatar-based Al Jazeera news network said 5 people had been injured.")
    figures = find_casualties(text)
    assert [(f.count, find_claimant(text, f.start)) for f in figures] == [
        (1, "an Israeli news website"), (5, "Qatar-based Al Jazeera news network")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Citing hospital sources, it said 27 people were treated for injuries.", "hospital sources"),
        ("Israeli forces killed two Palestinians, the ministry said.", "ministry"),
        ("Emergency services reported no casualties on either side.", "Emergency services"),
        ("Two people were killed.", None),
    ],
)
def test_find_claimant(text: str, expected: str | None) -> None:
    assert find_claimant(text) == expected


def test_a_qualifier_inside_a_word_is_no_qualifier() -> None:
    """"Moreover" ends in "over": the figure is 5, not "over 5" (a minimum)."""
    [figure] = find_casualties("Moreover 5 people were killed in the strike.")
    assert (figure.count, figure.minimum, figure.text) == (5, False, "5 people were killed")
