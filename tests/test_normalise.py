"""Text clean-up: Unicode, quotes, dashes, spaces, Markdown, metadata values and headlines."""
from __future__ import annotations

import pytest

from data_prep.normalise import (
    clean_field,
    fix_mojibake,
    headline_of,
    is_breadcrumb,
    looks_like_headline,
    normalise_text,
    strip_markdown,
)


@pytest.mark.parametrize(("raw", "expected"), [
    ("\u201cWe will not stop,\u201d he said", '"We will not stop," he said'),
    ("Hamas\u2019 military wing", "Hamas' military wing"),
    ("\u2018a\u2019 \u201ab\u201b \u00abc\u00bb \u201ed\u201f", "'a' 'b' \"c\" \"d\""),
    ("2:30 a.m. \u2013 3:30 a.m. \u2014 limited", "2:30 a.m. - 3:30 a.m. - limited"),
    ("minus \u2212 sign, figure \u2012 dash, bar \u2015", "minus - sign, figure - dash, bar -"),
    ("non\u00a0breaking\u202fnarrow\u2009thin\u3000ideographic", "non breaking narrow thin ideographic"),
    ("zero\u200bwidth\u200cjoin\u200dword\u2060\ufeffsoft\u00adhyphen", "zerowidthjoinwordsofthyphen"),
    ("tab\tseparated\t\tcells", "tab separated cells"),
    ("many     spaces   here", "many spaces here"),
    ("  leading and trailing  \n  second line  ", "leading and trailing\nsecond line"),
    ("windows\r\nline\rends", "windows\nline\nends"),
    ("para one\n\n\n\n\npara two", "para one\n\npara two"),
    ("line one\nline two\n\npara", "line one\nline two\n\npara"),
    ("  \n\n  text  \n\n  ", "text"),
    ("blank line with spaces\n   \npara", "blank line with spaces\n\npara"),
    ("bell\x07 and\x1b escape", "bell and escape"),
    ("form\x0cfeed and line\u2028separator", "form\nfeed and line\nseparator"),
    ("Cafe\u0301 in Gaza", "Caf\u00e9 in Gaza"),  # NFC composes e + combining accent
])
def test_normalise_text(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


def test_normalise_text_is_idempotent() -> None:
    raw = " \u201cA\u201d \u2013 b\u00a0\u00a0c\u200b\r\n\r\n\r\n\td\u2019e  \n"
    once = normalise_text(raw)
    assert once == '"A" - b c\n\nd\'e'
    assert normalise_text(once) == once


@pytest.mark.parametrize(("raw", "expected"), [
    ("Hamasâ€™ military wing", "Hamas\u2019 military wing"),
    ("â€œquotedâ€\x9d", "\u201cquoted\u201d"),
    ("CafÃ© in Gaza", "Café in Gaza"),
    ("Plain text stays", "Plain text stays"),
    ("Ã is a letter on its own here", "Ã is a letter on its own here"),  # no valid round trip
])
def test_fix_mojibake(raw: str, expected: str) -> None:
    assert fix_mojibake(raw) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("  Example   News \n", "Example News"),
    ('"Gaza: sirens sound"', "Gaza: sirens sound"),
    ("'single'", "single"),
    ("line\nbreaks\nbecome spaces", "line breaks become spaces"),
    ("", None),
    ("   ", None),
    (None, None),
    (2023, "2023"),
    ("\u201cCurly\u201d", "Curly"),
])
def test_clean_field(value: object, expected: str | None) -> None:
    assert clean_field(value) == expected


@pytest.mark.parametrize(("markdown", "expected"), [
    ("# Strikes on Khan Younis", "Strikes on Khan Younis"),
    ("### Heading with closing hashes ###", "Heading with closing hashes"),
    ("#hashtag stays", "#hashtag stays"),
    ("Setext heading\n==============\nbody", "Setext heading\nbody"),
    ("Second level\n---\nbody", "Second level\nbody"),
    ("hit [Khan Younis](https://example.org/k) on Sunday", "hit Khan Younis on Sunday"),
    ('a [titled link](https://example.org/x "Title") here', "a titled link here"),
    ("see [the report][ref] now\n[ref]: https://example.org/r", "see the report now"),
    ("![Smoke rises](https://example.org/smoke.jpg) Text after", " Text after"),
    ('![alt](img.png "t")', ""),
    ("**air strikes** hit *two* houses", "air strikes hit two houses"),
    ("__bold__ and _italic_ words", "bold and italic words"),
    ("snake_case_name and 5 * 3 * 2 stay", "snake_case_name and 5 * 3 * 2 stay"),
    ("> Hamas called it a massacre.", "Hamas called it a massacre."),
    ("- Egypt called for calm.\n* Jordan too.\n+ Qatar too.", "Egypt called for calm.\nJordan too.\nQatar too."),
    ("text\n\n***\n\nmore", "text\n\n\n\nmore"),
    ("use `code` here", "use code here"),
    ("```\nfenced\n```", "fenced"),
    ("<https://example.org/a>", "https://example.org/a"),
    ("<script>alert(1)</script> stays", "<script>alert(1)</script> stays"),
    ("[the] Palestinian people", "[the] Palestinian people"),
])
def test_strip_markdown(markdown: str, expected: str) -> None:
    assert strip_markdown(markdown) == expected


@pytest.mark.parametrize(("markdown", "expected"), [
    ("Israeli strikes hit\ntwo houses.\n\nNext paragraph.", "Israeli strikes hit two houses.\n\nNext paragraph."),
    ("# Title\nFirst line\nwraps here", "Title\nFirst line wraps here"),
    ("- item one\n- item two", "item one\nitem two"),
    ("> quoted line\n> continues", "quoted line continues"),
])
def test_strip_markdown_joins_wrapped_lines(markdown: str, expected: str) -> None:
    assert strip_markdown(markdown, join_wrapped=True) == expected


@pytest.mark.parametrize(("line", "expected"), [
    ("Gaza resistance targets Israeli settlements in retaliation for West Bank massacre", True),
    ("Is a ceasefire near?", True),
    ("Rockets fired from Gaza toward Sderot", True),
    ("The Israeli army said the rocket was intercepted.", False),  # a sentence
    ("By News Desk - January 27 2023", False),  # a byline
    ("Gaza", False),  # one word
    ("word " * 31, False),  # too long
    ("12 34 56", False),  # no letters
])
def test_looks_like_headline(line: str, expected: bool) -> None:
    assert looks_like_headline(line) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("\n\nRockets fired from Gaza toward Sderot\n\nTwo rockets were fired.", "Rockets fired from Gaza toward Sderot"),
    ("News / Palestine\n\nPalestinian resistance launches fresh attacks\n\nBody.",
     "Palestinian resistance launches fresh attacks"),
    ("Home > World > Middle East\nStrikes continue in Rafah\nBody.", "Strikes continue in Rafah"),
    ("The Palestinian resistance movement of Hamas has carried out missile strikes.", None),
    ("", None),
])
def test_headline_of(text: str, expected: str | None) -> None:
    assert headline_of(text) == expected


@pytest.mark.parametrize(("line", "expected"), [
    ("News / Palestine", True),
    ("Home > World > Middle East", True),
    ("News | Gaza", True),
    ("Israeli missiles against Palestinian rockets in the night of Gaza", False),
    ("Gaza: strikes continue", False),
])
def test_is_breadcrumb(line: str, expected: bool) -> None:
    assert is_breadcrumb(line) is expected
