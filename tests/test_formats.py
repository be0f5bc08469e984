"""The readers of each input format, on decoded strings: metadata, dates, titles, outlets and rejects."""
from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime

import pytest

from data_prep import settings
from data_prep.formats import common
from data_prep.formats.common import (
    Metadata,
    article_id_of,
    build_article,
    find_publication_date,
    find_wire_outlet,
    metadata_from_fields,
    parse_date_value,
    size_excess,
    wire_outlet_in,
)
from data_prep.formats.html import read_html
from data_prep.formats.records import (
    article_from_record,
    read_csv,
    read_json,
    read_jsonl,
    sniff_delimiter,
)
from data_prep.formats.text import read_text, split_front_matter, split_header
from data_prep.models import Article, Reject

BODY = "Israeli forces raided the Jenin refugee camp on Thursday, the health ministry said."


def one(items: list[Article | Reject]) -> Article:
    assert len(items) == 1 and isinstance(items[0], Article), items
    return items[0]


# --- text: metadata ---------------------------------------------------------------
def test_key_value_header_is_metadata_and_leaves_the_text() -> None:
    raw = ("Title: Settlers attack village near Nablus\nSource: WAFA\nPublished: 2023-02-26\n"
           "URL: https://example.org/huwara\nAuthor: WAFA staff\n\n" + BODY)
    article = one(read_text(raw, "h.txt"))
    assert (article.title, article.outlet, article.url, article.author) == (
        "Settlers attack village near Nablus", "WAFA", "https://example.org/huwara", "WAFA staff")
    assert (article.published, article.published_origin) == (date(2023, 2, 26), "header")
    assert article.text == BODY


@pytest.mark.parametrize(("text", "fields", "rest"), [
    ("title: A\ndate: 2023-01-02\nbody", {"title": "A", "date": "2023-01-02"}, "body"),
    ("Language: en\nOutlet: Example\n\nbody", {"Language": "en", "Outlet": "Example"}, "\nbody"),
    ("Publisher : Example Times\nbody", {"Publisher": "Example Times"}, "body"),
])
def test_split_header(text: str, fields: dict[str, str], rest: str) -> None:
    assert split_header(text) == (fields, rest)


@pytest.mark.parametrize("text", [
    "Gaza: strikes go on\nbody",  # a headline with a colon, not a header
    "Update: talks resume in Cairo\nbody",
    BODY,
])
def test_split_header_leaves_text_alone(text: str) -> None:
    assert split_header(text) is None


def test_yaml_front_matter() -> None:
    raw = ("---\ntitle: \"Gaza: sirens sound in Ashkelon\"\noutlet: Example Wire\ndate: 2025-04-07\n"
           "author: [A. Writer, B. Editor]\n---\n" + BODY)
    article = one(read_text(raw, "f.md", "md"))
    assert (article.title, article.outlet, article.author) == (
        "Gaza: sirens sound in Ashkelon", "Example Wire", "A. Writer, B. Editor")
    assert (article.published, article.published_origin) == (date(2025, 4, 7), "front_matter")
    assert article.text == BODY
    assert article.format == "md"


def test_front_matter_that_is_not_valid_yaml_is_read_as_key_value_lines() -> None:
    fields, rest = split_front_matter("---\ntitle: Gaza: sirens sound\ndate: 2025-04-07\n---\nbody")
    assert fields == {"title": "Gaza: sirens sound", "date": "2025-04-07"}
    assert rest == "body"


def test_unclosed_front_matter_is_a_rule_not_metadata() -> None:
    assert split_front_matter("---\n" + BODY) is None
    assert one(read_text("---\ntitle: x\n" + BODY, "u.md", "md")).published_origin == "none"


def test_inline_date_form_of_the_seeds() -> None:
    raw = " date 2025-04-07 The Palestinian resistance movement of Hamas has carried out missile strikes.\n\nMore."
    article = one(read_text(raw, "s.txt"))
    assert (article.published, article.published_origin) == (date(2025, 4, 7), "inline")
    assert article.text.startswith("The Palestinian resistance movement")
    assert article.title is None  # the first line is a sentence, not a headline


def test_title_is_kept_in_the_text() -> None:
    article = one(read_text("Rockets fired from Gaza toward Sderot\n\n" + BODY, "t.txt"))
    assert article.title == "Rockets fired from Gaza toward Sderot"
    assert article.text == "Rockets fired from Gaza toward Sderot\n\n" + BODY


def test_metadata_only_file_has_no_text() -> None:
    assert read_text("Title: Only metadata\nDate: 2023-01-01\n", "m.txt") == [
        Reject("m.txt", "no article text after cleaning")]


def test_hostile_markup_in_a_text_file_stays_text() -> None:
    raw = '<script>alert("owned")</script>\n' + BODY + ' <img src=x onerror="alert(1)">'
    article = one(read_text(raw, "x.txt"))
    assert article.text == raw


def test_markdown_is_stripped_and_wrapped_lines_joined() -> None:
    raw = ("# Strikes on Khan Younis\n\n![Smoke](https://example.org/s.jpg)\n\n"
           "Israeli **air strikes** hit *two* houses in [Khan Younis](https://example.org/k) on Sunday,\n"
           "the Red Crescent said.\n")
    article = one(read_text(raw, "k.md", "md"))
    assert article.title == "Strikes on Khan Younis"
    assert article.text == ("Strikes on Khan Younis\n\nIsraeli air strikes hit two houses in Khan Younis "
                            "on Sunday, the Red Crescent said.")


# --- dates from the text ----------------------------------------------------------
@pytest.mark.parametrize(("text", "expected", "origin"), [
    ("Resistance fires rockets\nBy News Desk - January 27 2023\n\n" + BODY, date(2023, 1, 27), "byline"),
    ("Headline here\nPublished: 27 January 2023 10:32 GMT\n" + BODY, date(2023, 1, 27), "byline"),
    ("Headline here\nFriday, January 27, 2023\n" + BODY, date(2023, 1, 27), "byline"),
    ("Headline here\nJane Doe | Jan. 27, 2023\n" + BODY, date(2023, 1, 27), "byline"),
    ("Headline\n\n" + BODY + "\n\n02/02/2023 09:48:03 - Gaza (Palestinian Territories) (AFP) - © 2023 AFP",
     date(2023, 2, 2), "dateline"),
    ("Headline\nGaza City, 27/01/2023 (WAFA) -\n" + BODY, date(2023, 1, 27), "dateline"),
    ("Headline\n" + BODY + "\nPosted on 2023-01-28", date(2023, 1, 28), "dateline"),
])
def test_publication_date_from_byline_or_dateline(text: str, expected: date, origin: str) -> None:
    found = find_publication_date(text)
    assert found is not None and (found.published, found.origin) == (expected, origin)


@pytest.mark.parametrize("text", [
    # A date inside a sentence of the story is an event's date.
    "Headline\nIsraeli forces raided Jenin on January 26 2023 and nine people were killed, the ministry said.",
    # Beyond the first 15 and the last 5 lines nothing is searched.
    "Headline\n" + "\n".join(f"Paragraph {i}." for i in range(20)) + "\nBy Desk - January 27 2023\n"
    + "\n".join(f"Closing {i}." for i in range(5)),
    "Headline\nBy Desk - January 1 1900\n" + BODY,  # before settings.MIN_YEAR
    "Headline\n" + BODY,
])
def test_no_publication_date_in_the_body(text: str) -> None:
    assert find_publication_date(text) is None


def test_undated_article_is_kept() -> None:
    article = one(read_text("Rockets fired from Gaza toward Sderot\n\n" + BODY, "u.txt"))
    assert (article.published, article.published_origin) == (None, "none")


def test_header_date_that_cannot_be_read_falls_back_to_the_byline() -> None:
    raw = "Title: A raid\nDate: sometime soon\n\nA raid\nBy Desk - January 27 2023\n\n" + BODY
    article = one(read_text(raw, "b.txt"))
    assert (article.published, article.published_origin) == (date(2023, 1, 27), "byline")


@pytest.mark.parametrize(("value", "expected"), [
    (date(2023, 2, 2), date(2023, 2, 2)),
    (datetime(2023, 2, 2, 9, 48), date(2023, 2, 2)),
    ("2023-06-20T05:30:00Z", date(2023, 6, 20)),
    ("2023-06-20 05:30", date(2023, 6, 20)),
    ("2023-02-30", None),  # no such day
    (1675330083, date(2023, 2, 2)),  # seconds since the epoch
    (1675330083000, date(2023, 2, 2)),  # milliseconds
    ("1900-01-01", None),  # before settings.MIN_YEAR
    (True, None),
    ("", None),
    (None, None),
    ("January 27 2023", date(2023, 1, 27)),  # words: dates.parse_publication_date
])
def test_parse_date_value(value: object, expected: date | None) -> None:
    assert parse_date_value(value) == expected


# --- outlets ------------------------------------------------------------------------
@pytest.mark.parametrize(("line", "expected"), [
    ("02/02/2023 09:48:03 - Gaza (Palestinian Territories) (AFP) - © 2023 AFP", "AFP"),
    ("GAZA, Jan 27 (Reuters) - Palestinian militants fired rockets", "Reuters"),
    ("JERUSALEM (AP) — Israeli troops", "Associated Press"),
    ("Ramallah (wafa):", "WAFA"),
    ("File photo. (Photo credit: REUTERS/Mohammed Salem)", None),
    ("The agency (AFP) reported that talks went on in Cairo", None),
])
def test_wire_outlet_in(line: str, expected: str | None) -> None:
    assert wire_outlet_in(line.replace("—", "-")) == expected


def test_outlet_from_dateline_only_in_first_and_last_lines() -> None:
    middle = "\n".join(f"Paragraph {i}." for i in range(30))
    assert find_wire_outlet(f"Headline\n{middle}\nGaza (AFP) - quoted\n{middle}") is None
    assert find_wire_outlet(f"Headline\n{middle}\nGaza (AFP) - © 2023 AFP") == "AFP"


def test_metadata_outlet_wins_over_the_dateline() -> None:
    text = BODY + "\n\n02/02/2023 - Gaza (AFP) - © 2023 AFP"
    article = build_article(text, "a.txt", "txt", Metadata(outlet="France 24"))
    assert article.outlet == "France 24"  # type: ignore[union-attr]


# --- shared pieces ------------------------------------------------------------------
def test_article_id_is_stable() -> None:
    # sha256("Rockets fired from Gaza.") begins de3cb087089d4155: the same on every run and machine.
    assert article_id_of("Rockets fired from Gaza.") == "de3cb087089d4155"


def test_short_text_is_rejected() -> None:
    assert build_article("Too short.", "s.txt", "txt") == Reject("s.txt", "no article text after cleaning")


@pytest.mark.parametrize(("size", "limit", "expected"), [
    (6_500_000, 5 * 1024 * 1024, "too large (6.2 MB > 5.0 MB limit)"),
    (5 * 1024 * 1024 + 1000, 5 * 1024 * 1024, "too large (5.001 MB > 5.000 MB limit)"),
])
def test_size_excess(size: int, limit: int, expected: str) -> None:
    assert size_excess(size, limit) == expected


def test_metadata_from_loosely_named_fields() -> None:
    meta = metadata_from_fields({
        "Headline": "Shelling near the border", "source": {"id": None, "name": "Example Network"},
        "Published At": "2023-06-20T05:30:00Z", "authors": ["A", "B"], "link": "https://example.org/x",
    })
    assert meta == Metadata(title="Shelling near the border", outlet="Example Network",
                            url="https://example.org/x", author="A, B", published=date(2023, 6, 20),
                            date_text="2023-06-20T05:30:00Z")


def test_a_url_given_as_source_is_the_url() -> None:
    meta = metadata_from_fields({"source": "https://example.org/story"})
    assert (meta.outlet, meta.url) == (None, "https://example.org/story")


# --- records ------------------------------------------------------------------------
@pytest.mark.parametrize(("record", "reason"), [
    ("just a string", "record 4: not an object (got string)"),
    (["a", "list"], "record 4: not an object (got array)"),
    ({"headline": "No body", "summary": "short"}, "record 4: no text field (looked for text, body, content, ...)"),
    ({"text": {"nested": "object"}}, "record 4: field 'text' is not text (got object)"),
    ({"body": "   "}, "record 4: no article text after cleaning"),
    ({"text": None}, "record 4: no text field (looked for text, body, content, ...)"),
])
def test_bad_records(record: object, reason: str) -> None:
    assert article_from_record(record, 4, "r.json", "json") == Reject("r.json", reason)


def test_record_text_too_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "MAX_FILE_BYTES", 1024 * 1024)
    result = article_from_record({"text": "x" * (1024 * 1024 + 200_000)}, 2, "r.jsonl", "jsonl")
    assert result == Reject("r.jsonl", "record 2: text too large (1.2 MB > 1.0 MB limit)")


def test_record_fields() -> None:
    record = {"Title": "Arrests in Hebron", "Body": ["First paragraph about arrests in Hebron overnight.",
                                                     "Second paragraph."],
              "pubDate": "2023-03-14", "outlet": "Example Agency", "link": "https://example.org/h"}
    article = article_from_record(record, 7, "r.jsonl", "jsonl")
    assert article == Article(
        article_id=article_id_of("First paragraph about arrests in Hebron overnight.\n\nSecond paragraph."),
        file="r.jsonl#7", text="First paragraph about arrests in Hebron overnight.\n\nSecond paragraph.",
        title="Arrests in Hebron", outlet="Example Agency", url="https://example.org/h",
        published=date(2023, 3, 14), published_origin="record", format="jsonl")


def test_empty_text_field_falls_through_to_the_next() -> None:
    article = article_from_record({"text": "", "content": BODY}, 1, "r.json", "json")
    assert isinstance(article, Article) and article.text == BODY


def test_record_without_date_uses_the_dateline() -> None:
    article = article_from_record({"text": BODY + "\n\n02/02/2023 - Gaza (AFP) - © 2023 AFP"}, 1, "r.json", "json")
    assert isinstance(article, Article)
    assert (article.published, article.published_origin, article.outlet) == (date(2023, 2, 2), "dateline", "AFP")


@pytest.mark.parametrize(("raw", "expected"), [
    ("[1, 2", [Reject("r.json", "invalid JSON (Expecting ',' delimiter, line 1 column 6)")]),
    ("[]", [Reject("r.json", "no records in file")]),
    ('{"meta": 1}', [Reject("r.json", "no records found (expected a list of objects, or an object with an "
                                      "'articles' list)")]),
])
def test_read_json_rejects(raw: str, expected: list[Reject]) -> None:
    assert list(read_json(raw, "r.json")) == expected


@pytest.mark.parametrize("raw", [
    f'{{"status": "ok", "articles": [{{"text": "{BODY}"}}]}}',
    f'{{"Items": [{{"text": "{BODY}"}}]}}',
    f'{{"text": "{BODY}"}}',  # one article
])
def test_read_json_shapes(raw: str) -> None:
    [article] = list(read_json(raw, "r.json"))
    assert isinstance(article, Article) and (article.file, article.text) == ("r.json#1", BODY)


def test_read_jsonl_numbers_records_by_line() -> None:
    lines = [f'{{"text": "{BODY}"}}\n', "\n", "{broken\n", f'{{"body": "{BODY} Again."}}\n']
    items = list(read_jsonl(lines, "r.jsonl"))
    assert [getattr(i, "file", None) for i in items] == ["r.jsonl#1", "r.jsonl", "r.jsonl#4"]
    assert items[1] == Reject("r.jsonl", "record 3: invalid JSON (Expecting property name enclosed in double "
                                         "quotes, column 2)")


def test_read_jsonl_with_no_records() -> None:
    assert list(read_jsonl(["\n", "  \n"], "r.jsonl")) == [Reject("r.jsonl", "no records in file")]


@pytest.mark.parametrize(("header", "expected"), [
    ("title,text,date", ","),
    ("title;text;date", ";"),
    ("title\ttext\tdate", "\t"),
    ("title|text|date", "|"),
    ("text", ","),
    ('"a;b",text,date', ","),  # a tie goes to the comma
])
def test_sniff_delimiter(header: str, expected: str) -> None:
    assert sniff_delimiter(header) == expected


def test_read_csv_semicolons() -> None:
    lines = ["Title;Content;Date\n", f'"Raid; arrests";"{BODY}";2023-01-26\n']
    [article] = list(read_csv(lines, "r.csv"))
    assert isinstance(article, Article)
    assert (article.title, article.text, article.published) == ("Raid; arrests", BODY, date(2023, 1, 26))


def test_read_csv_without_a_text_column() -> None:
    assert list(read_csv(["title,summary\n", "a,b\n"], "r.csv")) == [
        Reject("r.csv", "no text column (looked for text, body, content, ...; found title, summary)")]


def test_read_csv_without_rows() -> None:
    assert list(read_csv(["title,text\n"], "r.csv")) == [Reject("r.csv", "no records in file")]
    assert list(read_csv([], "r.csv")) == [Reject("r.csv", "no records in file")]


@pytest.fixture
def small_csv_cells() -> Iterator[None]:
    saved = csv.field_size_limit(200)
    yield
    csv.field_size_limit(saved)


def test_malformed_csv_keeps_the_records_before_it(small_csv_cells: None) -> None:
    lines = ["title,text\n", f"A,\"{BODY}\"\n", f"B,{'x' * 300}\n", f"C,\"{BODY} More.\"\n"]
    items = list(read_csv(lines, "r.csv"))
    assert isinstance(items[0], Article)
    assert items[1] == Reject("r.csv", "record 2: malformed CSV (field larger than field limit (200)); "
                                       "the rest of the file was not read")
    assert len(items) == 2


# --- html ---------------------------------------------------------------------------
PAGE = """<html><head><title>Strike hits Rafah house | Example News</title>
<meta property="og:title" content="Strike hits Rafah house">
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2023-10-21T08:15:00+03:00">
<script>var s = "<p>not text</p>";</script></head>
<body><nav><a href="/">Home</a></nav><article><h1>Strike hits Rafah house</h1>
<p>An air strike hit a house in Rafah on Friday night, killing four people, the ministry said.</p>
<p>The Israeli military said it had struck a Hamas command post.</p></article></body></html>"""


def test_html_main_text_and_meta_date() -> None:
    article = one(read_html(PAGE, "p.html"))
    assert (article.title, article.outlet) == ("Strike hits Rafah house", "Example News")
    assert (article.published, article.published_origin) == (date(2023, 10, 21), "html_meta")
    assert "An air strike hit a house in Rafah on Friday night" in article.text
    assert "not text" not in article.text and "Home" not in article.text


def test_html_without_date_markup_uses_the_text() -> None:
    page = ("<html><body><article><p>" + BODY + "</p><p>" + BODY.replace("Jenin", "Tubas")
            + "</p><p>02/02/2023 - Gaza (AFP) - © 2023 AFP</p></article></body></html>")
    article = one(read_html(page, "p.html"))
    assert (article.published, article.published_origin, article.outlet) == (date(2023, 2, 2), "dateline", "AFP")


@pytest.mark.parametrize(("raw", "reason"), [
    ("plain words and no markup at all, long enough to be an article of sorts.",
     "not an HTML page (no markup could be parsed)"),
    ("https://example.org/a/page/that/must/not/be/fetched", "not an HTML page (no markup could be parsed)"),
    ("<html><body><nav>Home</nav></body></html>", "no article text after cleaning"),
])
def test_html_rejects(raw: str, reason: str) -> None:
    assert read_html(raw, "p.html") == [Reject("p.html", reason)]


def test_html_reader_never_fetches(monkeypatch: pytest.MonkeyPatch) -> None:
    import htmldate.utils
    import trafilatura.downloads

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a reader tried to download")

    monkeypatch.setattr(htmldate.utils, "fetch_url", refuse)
    monkeypatch.setattr(trafilatura.downloads, "fetch_url", refuse)
    page = PAGE.replace("</head>", '<link rel="canonical" href="https://example.org/rafah"></head>')
    assert one(read_html(page, "p.html")).url == "https://example.org/rafah"
    read_html("https://example.org/page", "u.html")


def test_wire_agencies_come_from_the_data_file() -> None:
    agencies = common.wire_agencies()
    assert agencies["afp"] == "AFP" and agencies["ap"] == "Associated Press"
    assert settings.WIRE_AGENCIES_FILE.name == "wire_agencies.yaml"
