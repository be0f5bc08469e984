"""Sentence splitting (spans, headers) and trigger typing on real news wording."""
from __future__ import annotations

import pytest

from data_prep.sentences import split_sentences
from data_prep.triggers import load_triggers
from tests.conftest import SEEDS

ARTICLE = (
    "Israeli missiles against Palestinian rockets in the night of Gaza\n\n"
    "By News Desk - January 27 2023\n\n"
    "The Israeli army and Palestinian fighters in the Gaza Strip clashed with missiles before dawn on Thursday, "
    "less than 36 hours after a visit by the US secretary of state. These clashes took place between 2:30 a.m. "
    "and 3:30 a.m. Thursday. Mr. Blinken left.\n"
)


def test_sentences_have_spans_and_headers() -> None:
    sentences = split_sentences(ARTICLE)
    assert [s.is_header for s in sentences] == [True, True, False, False, False]
    assert sentences[3].text == "These clashes took place between 2:30 a.m. and 3:30 a.m. Thursday."
    assert sentences[4].text == "Mr. Blinken left."
    for s in sentences:
        assert ARTICLE[s.start: s.end] == s.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fired two rockets toward the adjacent Israeli settlement of Ashkelon", [("fired two rockets", "shelling")]),
        ("air raid sirens were activated in Tel Aviv", []),
        ("the Israeli strikes hit a training center", [("strikes hit", "air")]),
        ("its al-Zouari drones to attack Israel's Hatzerim base", []),
        ("it had used for the first time its al-Zouari drones to attack", [("used for the first time its al-Zouari drones to attack", "air")]),
        ("the PA said it ended its security coordination with Israel",
         [("said", "statement"), ("ended its security coordination", "policy")]),
        ("Israeli forces raided the Jenin refugee camp", [("raided", "clash")]),
        ("settlers began to torch vehicles and homes", [("torch", "attack")]),
        ("a rocket which was intercepted by the air defense system", [("intercepted", "interception")]),
        ("Israeli forces arrested 15 Palestinians", [("arrested", "arrest")]),
    ],
)
def test_triggers(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(m.text, m.rule.family) for m in load_triggers().find(text)] == expected


def test_dispatch_by_prefix_finds_what_the_one_alternation_finds() -> None:
    triggers = load_triggers()
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    texts.append("Israeli air-strikes and drone strike; 'firing \"missiles from the ground\"'; Raided, CLASHED.")
    for text in texts:
        dispatched = [(m.start, m.end, m.rule) for m in triggers.find(text)]
        single = [(m.start(), m.end(), triggers.rules[int(m.lastgroup[1:])]) for m in triggers._regex.finditer(text)]
        assert dispatched == single
        assert dispatched  # every text has triggers, so the comparison says something


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("shot", {"shot"}),
        ("killed|killing", {"kill"}),
        ("(?:air|drone) ?strikes?", {"air ", "airs", "dron"}),
        ("air[\\s\"]+strike", {"air"}),  # a class with white space: the start stops before it
        ("[Rr]aid(?:ed|s)?", {"raid"}),
        ("fir(?:ed|ing) \\S+ rockets?", {"fire", "firi"}),
        ("a(?=b)", {"a"}),  # a look-ahead is ignored: more rules tried, never fewer
        ("x{0,2}yz", {"xxyz", "xyz", "yz"}),
        (r"\w+ed", None),  # can start with any letter: not dispatched
        ("(?:a|)b", {"ab", "b"}),
    ],
)
def test_prefixes_of_a_trigger_pattern(pattern: str, expected: set[str] | None) -> None:
    from data_prep.word_starts import prefixes

    assert prefixes(pattern) == expected


def test_a_space_in_a_character_class_stays_a_space() -> None:
    from data_prep.triggers import _spaces_as_separators

    import re

    pattern = re.compile(_spaces_as_separators("air[ -]?strikes? on"))
    assert pattern.fullmatch('air-strikes on') and pattern.fullmatch('air strike  "on')
    assert not pattern.fullmatch('air\tstrike on')  # inside the class only a space or hyphen
    escaped = re.compile(_spaces_as_separators(r"a\[ b"))
    assert escaped.fullmatch('a[ "b') and not escaped.fullmatch("a[b")


@pytest.mark.parametrize("text", ["weekend weeks week", "day days daytime", "a mayday in may", "aprils april apr"])
def test_literal_trie_matches_what_the_longest_first_alternation_matches(text: str) -> None:
    import re

    from data_prep.word_starts import literal_trie

    words = {"week", "weeks", "weekend", "day", "days", "may", "apr", "april"}
    flat = re.compile(r"\b(?:" + "|".join(sorted(words, key=len, reverse=True)) + r")\b")
    trie = re.compile(r"\b" + literal_trie(words) + r"\b")
    assert [m.group() for m in trie.finditer(text)] == [m.group() for m in flat.finditer(text)]
    assert trie.findall(text)  # every line holds a word of the set
