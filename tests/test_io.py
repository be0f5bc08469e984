"""File input and output: finding, decoding and reading inputs; writing and loading the output tables."""
from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from data_prep import io, schema, settings
from data_prep.models import Article, Reject

from .conftest import FIXTURES
from .folder_snapshot import snapshot, visible

INPUTS = FIXTURES / "inputs"

ACCEPTED = [
    "byline.txt", "cp1252.txt", "dateline.txt", "front_matter.md", "header.txt", "hostile.txt", "inline.txt",
    "markdown.md", "page_byline.html", "page_meta.html", "records.csv#1", "records.csv#3", "records.json#1",
    "records.json#3", "records.jsonl#1", "records.jsonl#3", "sub/nested.txt", "undated.txt", "utf16.txt",
    "utf8_bom.txt",
]
REJECTED = [
    Reject("binary.txt", "binary file (NUL bytes)"),
    Reject("empty.txt", "empty file"),
    Reject("notes.pdf", "unsupported file type '.pdf' (expected .txt, .md, .markdown, .html, .htm, .json, .jsonl, .csv)"),
    Reject("records.csv", "record 2: no article text after cleaning"),
    Reject("records.json", "record 2: no text field (looked for text, body, content, ...)"),
    Reject("records.jsonl", "record 2: invalid JSON (Invalid control character, column 55)"),
    Reject("records.jsonl", "record 5: not an object (got array)"),
    Reject("short.txt", "no article text after cleaning"),
    Reject("undecodable.txt", "cannot decode text (not UTF-8, UTF-16 or Windows-1252)"),
]


@pytest.fixture(scope="module")
def fixture_articles() -> dict[str, Article]:
    articles, _ = io.read_articles(INPUTS)
    return {a.file: a for a in articles}


# --- finding inputs ---------------------------------------------------------------
def test_folder_is_walked_recursively_sorted_without_hidden_or_unknown_files() -> None:
    names = [p.relative_to(INPUTS).as_posix() for p in io.iter_input_files(INPUTS)]
    assert names == sorted(names)
    assert "sub/nested.txt" in names
    assert ".hidden.txt" not in names and "notes.pdf" not in names
    assert len(names) == 21


def test_a_file_named_twice_is_read_once() -> None:
    paths = list(io.iter_input_files([INPUTS / "undated.txt", INPUTS, str(INPUTS / "undated.txt")]))
    assert paths.count(INPUTS / "undated.txt") == 1


def test_hidden_folders_are_skipped(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "notes.txt").write_text("x" * 100)
    (tmp_path / "a.txt").write_text("x" * 100)
    assert list(io.iter_input_files(tmp_path)) == [tmp_path / "a.txt"]


# --- reading the fixture folder ----------------------------------------------------
def test_every_fixture_is_read_or_rejected_with_its_reason() -> None:
    articles, rejects = io.read_articles(INPUTS)
    assert [a.file for a in articles] == ACCEPTED
    assert rejects == REJECTED


def test_named_files_of_unknown_type_or_missing_are_rejected(tmp_path: Path) -> None:
    assert io.read_file(INPUTS / "notes.pdf") == [Reject(
        "notes.pdf",
        "unsupported file type '.pdf' (expected .txt, .md, .markdown, .html, .htm, .json, .jsonl, .csv)")]
    assert io.read_file(tmp_path / "gone.txt") == [Reject("gone.txt", "no such file or directory")]
    _, rejects = io.read_articles([tmp_path / "gone.txt"])
    assert rejects == [Reject("gone.txt", "no such file or directory")]


def test_hidden_file_named_explicitly_is_read() -> None:
    [article] = io.read_file(INPUTS / ".hidden.txt")
    assert isinstance(article, Article) and article.file == ".hidden.txt"


@pytest.mark.parametrize(("name", "text"), [
    ("utf16.txt", 'Rally in Gaza City\n\nThousands rallied in Gaza City on Friday in support of the prisoners, '
                  'the organisers said. "We will not stop," one speaker said - to cheers.'),
    ("cp1252.txt", 'Rally in Khan Younis\n\nThousands rallied in Khan Younis on Friday in support of the '
                   'prisoners, the organisers said. "We will not stop," one speaker said - to cheers.'),
    ("utf8_bom.txt", 'Rally in Rafah\n\nThousands rallied in Rafah on Friday in support of the prisoners, '
                     'the organisers said. "We will not stop," one speaker said - to cheers.'),
])
def test_encodings(fixture_articles: dict[str, Article], name: str, text: str) -> None:
    assert fixture_articles[name].text == text
    assert fixture_articles[name].title == text.split("\n")[0]


def test_hostile_text_file_stays_text(fixture_articles: dict[str, Article]) -> None:
    assert fixture_articles["hostile.txt"].text.startswith('<script>alert("owned")</script>\n<b>Protest')
    assert fixture_articles["hostile.txt"].title is None


def test_markdown_fixture(fixture_articles: dict[str, Article]) -> None:
    assert fixture_articles["markdown.md"].text == (
        "Strikes on Khan Younis\n\n"
        "Israeli air strikes hit two houses in Khan Younis on Sunday, the Palestinian Red Crescent said.\n\n"
        "Reactions\n\n"
        'Hamas called the strikes "a massacre".\n\n'
        "Egypt called for calm.\n"
        'The UN envoy said he was "deeply concerned".')


@pytest.mark.parametrize(("name", "published", "origin", "title", "outlet"), [
    ("header.txt", date(2023, 2, 26), "header", "Settlers attack village near Nablus", "WAFA"),
    ("front_matter.md", date(2025, 4, 7), "front_matter", "Gaza: sirens sound in Ashkelon", "Example Wire"),
    ("inline.txt", date(2025, 1, 23), "inline", None, None),
    ("page_meta.html", date(2023, 10, 21), "html_meta", "Strike hits Rafah house", "Example News"),
    ("records.json#3", date(2023, 6, 20), "record", "Shelling near the border", "Example Network"),
    ("records.jsonl#3", date(2023, 3, 17), "record", "Protest at the fence", None),
    ("records.csv#3", date(2023, 2, 24), "record", "Rocket alert in Sderot", "Example Times, Jerusalem"),
    ("undated.txt", None, "none", "Rockets fired from Gaza toward Sderot", None),
    ("sub/nested.txt", None, "none", "Clashes at Qalandiya checkpoint", None),
    # From the text: these need dates.parse_publication_date.
    ("byline.txt", date(2023, 1, 27), "byline", "Resistance groups fire rockets at Ashkelon", None),
    ("dateline.txt", date(2023, 2, 2), "dateline", "Israeli strikes on Gaza after rocket fire", "AFP"),
])
def test_fixture_metadata(fixture_articles: dict[str, Article], name: str, published: date | None,
                          origin: str, title: str | None, outlet: str | None) -> None:
    article = fixture_articles[name]
    assert (article.published, article.published_origin, article.title, article.outlet) == (
        published, origin, title, outlet)


def test_csv_cells_with_commas_and_newlines(fixture_articles: dict[str, Article]) -> None:
    article = fixture_articles["records.csv#1"]
    assert article.title == "Clashes in Nablus, old city"
    assert article.text == ("Gunmen and Israeli forces exchanged fire in the old city of Nablus on Wednesday, "
                            "residents said.\nThe army said two soldiers were lightly hurt.")
    assert article.format == "csv"


# --- rejects from files ---------------------------------------------------------------
def test_file_too_large(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(6_500_000)  # sparse: the size is checked before anything is read
    assert io.read_file(big) == [Reject("big.txt", "file too large (6.2 MB > 5.0 MB limit)")]


def test_record_files_have_their_own_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "MAX_FILE_BYTES", 2000)
    line = '{"text": "Israeli forces arrested two men in Tubas on Monday night, residents said. %s"}\n'
    (tmp_path / "many.jsonl").write_text("".join(line % i for i in range(40)))
    (tmp_path / "long.txt").write_text("Israeli forces arrested two men. " * 100)
    articles, rejects = io.read_articles(tmp_path)
    assert len(articles) == 40
    assert rejects == [Reject("long.txt", "file too large (0.003 MB > 0.002 MB limit)")]


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("Israeli forces arrested two men in Tubas on Monday night.")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert io.read_file(path) == [Reject("locked.txt", "cannot read file (Permission denied)")]


def test_a_reader_crash_rejects_only_that_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(raw: str, file: str, fmt: str) -> list[Article | Reject]:
        raise RuntimeError("boom")

    monkeypatch.setitem(io._WHOLE, ".md", ("md", crash))
    shutil.copy(INPUTS / "markdown.md", tmp_path / "a.md")
    shutil.copy(INPUTS / "undated.txt", tmp_path / "b.txt")
    articles, rejects = io.read_articles(tmp_path)
    assert [a.file for a in articles] == ["b.txt"]
    assert rejects == [Reject("a.md", "could not be read (RuntimeError: boom)")]


def test_same_text_twice_is_a_duplicate(tmp_path: Path) -> None:
    shutil.copy(INPUTS / "undated.txt", tmp_path / "a.txt")
    shutil.copy(INPUTS / "undated.txt", tmp_path / "b.txt")
    articles, rejects = io.read_articles(tmp_path)
    assert [a.file for a in articles] == ["a.txt"]
    assert rejects == [Reject("b.txt", "duplicate of a.txt (same text)")]


@pytest.mark.parametrize(("data", "expected"), [
    (b"plain ascii", "utf-8"),
    ("caf\u00e9".encode(), "utf-8"),
    (b"\xef\xbb\xbfbom", "utf-8-sig"),
    ("\u201cq\u201d".encode("utf-16"), "utf-16"),
    ("x".encode("utf-32"), "utf-32"),
    ("\u201cq\u201d \u2013".encode("cp1252"), "cp1252"),
])
def test_detect_encoding(data: bytes, expected: str) -> None:
    assert io.detect_encoding([data]) == expected


@pytest.mark.parametrize(("chunks", "reason"), [
    ([b"text", b"\x00binary"], "binary file (NUL bytes)"),
    ([b"\x81\x8d"], "cannot decode text (not UTF-8, UTF-16 or Windows-1252)"),
    ([b"\xff\xfe" + b"\x00\xd8"], "cannot decode text (not UTF-8, UTF-16 or Windows-1252)"),  # lone surrogate
])
def test_detect_encoding_refuses(chunks: list[bytes], reason: str) -> None:
    with pytest.raises(io.DecodeError, match=rf"^{reason.replace('(', '[(]').replace(')', '[)]')}$"):
        io.detect_encoding(chunks)


def test_utf8_split_across_chunks_is_utf8() -> None:
    data = "\u201cquoted\u201d".encode()
    assert io.detect_encoding([data[:2], data[2:]]) == "utf-8"


def test_streamed_record_file_in_utf16(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text('title,text\r\n"Arrests, Hebron","Israeli forces arrested twelve people in '
                                    'Hebron overnight, a rights group said."\r\n', encoding="utf-16")
    [article] = io.read_file(tmp_path / "r.csv")
    assert isinstance(article, Article)
    assert (article.file, article.title) == ("r.csv#1", "Arrests, Hebron")


def test_iter_articles_reads_one_file_at_a_time(tmp_path: Path) -> None:
    shutil.copy(INPUTS / "undated.txt", tmp_path / "a.txt")
    shutil.copy(INPUTS / "header.txt", tmp_path / "b.txt")
    items = io.iter_articles(tmp_path)
    assert next(items).file == "a.txt"
    (tmp_path / "b.txt").unlink()  # not yet read: the stream has not reached it
    assert next(items) == Reject("b.txt", "no such file or directory")


# --- the articles table -------------------------------------------------------------
def test_articles_frame_statuses(fixture_articles: dict[str, Article]) -> None:
    dated, undated = fixture_articles["header.txt"], fixture_articles["undated.txt"]
    frame = io.articles_frame([dated, undated], [Reject("empty.txt", "empty file")],
                              events_found={dated.article_id: 3})
    assert list(frame.columns) == list(schema.ARTICLE_TEXT_COLUMNS)
    assert frame[schema.FILE].tolist() == ["header.txt", "undated.txt", "empty.txt"]
    assert frame[schema.STATUS].tolist() == [schema.STATUS_OK, schema.STATUS_UNDATED, schema.STATUS_REJECTED]
    assert frame[schema.EVENTS_FOUND].tolist() == [3, 0, pd.NA]
    assert frame[schema.REASON].tolist() == [pd.NA, "no publication date found", "empty file"]
    assert frame[schema.PUBLISHED].tolist()[:1] == [pd.Timestamp("2023-02-26")]


def test_article_from_row_round_trip(fixture_articles: dict[str, Article]) -> None:
    articles = list(fixture_articles.values())
    frame = io.articles_frame(articles, [Reject("empty.txt", "empty file")])
    assert io.articles_from_frame(frame) == articles
    assert io.article_from_row(frame.iloc[0].to_dict()) == articles[0]


def test_article_from_row_without_text() -> None:
    with pytest.raises(ValueError, match="^article row 'empty.txt' has no text$"):
        io.article_from_row({schema.FILE: "empty.txt", schema.TEXT: pd.NA})


# --- writing and loading ----------------------------------------------------------------
def _events() -> pd.DataFrame:
    return pd.DataFrame({
        schema.EVENT_ID: ["e1", "e2"],
        schema.EVENT_DATE: [pd.Timestamp("2023-01-27"), pd.NaT],
        schema.YEAR: [2023, None],
        schema.EVENT_TYPE: ["Explosions/Remote violence", "Statement"],
        schema.ACTOR1: ["Unidentified Palestinian armed group", "Hamas"],
        schema.LOCATION: ["Ashkelon", None],
        schema.LATITUDE: [31.66, None],
        schema.FATALITIES: [0, None],
        schema.CONTESTED: [False, None],
        schema.SOURCE_FILES: [["000.txt", "001.txt"], "002.txt"],
        schema.EVIDENCE: ['fired two rockets, "intercepted"\nby Iron Dome', "Hamas said"],
    })


def _mentions() -> pd.DataFrame:
    return pd.DataFrame({schema.MENTION_ID: ["m1"], schema.EVENT_ID: ["e1"], schema.ARTICLE_ID: ["a1"],
                         schema.PUBLISHED: [pd.Timestamp("2023-01-27")]})


def _articles(fixture_articles: dict[str, Article]) -> pd.DataFrame:
    return io.articles_frame([fixture_articles["header.txt"], fixture_articles["undated.txt"]],
                             [Reject("empty.txt", "empty file")])


def test_write_and_load_round_trip(tmp_path: Path, fixture_articles: dict[str, Article]) -> None:
    out = tmp_path / "out"
    written = io.write_outputs(out, _events(), _mentions(), _articles(fixture_articles))
    assert sorted(p.name for p in written) == sorted([
        settings.EVENTS_PARQUET, settings.EVENTS_CSV, settings.MENTIONS_PARQUET, settings.ARTICLES_CSV,
        settings.ARTICLES_PARQUET])
    events, mentions, articles = io.load_outputs(out)
    expected_events = schema.conform_events(_events().assign(**{schema.SOURCE_FILES: ["000.txt;001.txt", "002.txt"]}))
    pd.testing.assert_frame_equal(events, expected_events)
    pd.testing.assert_frame_equal(mentions, schema.conform_mentions(_mentions()))
    pd.testing.assert_frame_equal(articles, _articles(fixture_articles))
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folder left behind
    assert visible(out) == sorted(settings.OUTPUT_FILES)
    assert not list((out / ".generations").glob(".staging.*"))


def test_events_csv_is_acled_ordered_with_plain_dates(tmp_path: Path, fixture_articles: dict[str, Article]) -> None:
    io.write_outputs(tmp_path, _events(), _mentions(), _articles(fixture_articles))
    csv = pd.read_csv(tmp_path / settings.EVENTS_CSV, dtype=str, keep_default_na=False)
    assert tuple(csv.columns) == schema.EVENT_COLUMNS
    assert csv[schema.EVENT_DATE].tolist() == ["2023-01-27", ""]
    assert csv[schema.SOURCE_FILES].tolist() == ["000.txt;001.txt", "002.txt"]
    assert csv[schema.FATALITIES].tolist() == ["0", ""]
    assert csv[schema.EVIDENCE].tolist()[0] == 'fired two rockets, "intercepted"\nby Iron Dome'
    articles_csv = pd.read_csv(tmp_path / settings.ARTICLES_CSV, dtype=str, keep_default_na=False)
    assert tuple(articles_csv.columns) == schema.ARTICLE_COLUMNS  # no text
    assert articles_csv[schema.PUBLISHED].tolist() == ["2023-02-26", "", ""]


def test_a_failed_write_leaves_the_previous_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   fixture_articles: dict[str, Article]) -> None:
    out = tmp_path / "out"
    io.write_outputs(out, _events(), _mentions(), _articles(fixture_articles))
    (out / settings.REVIEWS_DB).write_bytes(b"review store")
    before = snapshot(out)

    calls: list[pd.DataFrame] = []
    real = io._TableWriter.write

    def fail_on_second(writer: io._TableWriter, part: pd.DataFrame) -> None:
        calls.append(part)
        if len(calls) == 2:  # events written, mentions fails
            raise OSError(28, "No space left on device")
        real(writer, part)

    monkeypatch.setattr(io._TableWriter, "write", fail_on_second)
    changed = _events().assign(**{schema.EVENT_ID: ["x1", "x2"]})
    with pytest.raises(OSError, match="No space left on device"):
        io.write_outputs(out, changed, _mentions(), _articles(fixture_articles))
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_write_creates_missing_parent_folders(tmp_path: Path, fixture_articles: dict[str, Article]) -> None:
    out = tmp_path / "data" / "seeds"
    io.write_outputs(out, schema.empty_events(), _mentions(), _articles(fixture_articles))
    events, _, _ = io.load_outputs(out)
    assert events.empty and tuple(events.columns) == schema.EVENT_COLUMNS


def test_schema_error_writes_nothing(tmp_path: Path, fixture_articles: dict[str, Article]) -> None:
    with pytest.raises(schema.SchemaError, match="unknown columns: surprise"):
        io.write_outputs(tmp_path / "out", _events().assign(surprise=1), _mentions(), _articles(fixture_articles))
    assert snapshot(tmp_path) == {}  # no table, no staging folder


def test_load_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(io.MissingOutputError) as error:
        io.load_outputs(tmp_path / "nowhere")
    assert str(error.value) == f"no event table in {tmp_path / 'nowhere'}: run `python -m data_prep build`"


@pytest.mark.parametrize(("missing", "what"), [
    (settings.EVENTS_PARQUET, "event table"),
    (settings.MENTIONS_PARQUET, "mention table"),
    (settings.ARTICLES_PARQUET, "article table"),
])
def test_load_missing_table(tmp_path: Path, fixture_articles: dict[str, Article], missing: str, what: str) -> None:
    io.write_outputs(tmp_path, _events(), _mentions(), _articles(fixture_articles))
    (tmp_path / missing).resolve().unlink()
    with pytest.raises(io.MissingOutputError) as error:
        io.load_outputs(tmp_path)
    assert str(error.value) == f"no {what} in {tmp_path}: run `python -m data_prep build`"


def test_load_damaged_table(tmp_path: Path, fixture_articles: dict[str, Article]) -> None:
    io.write_outputs(tmp_path, _events(), _mentions(), _articles(fixture_articles))
    path = (tmp_path / settings.EVENTS_PARQUET).resolve()
    path.write_bytes(b"x" * path.stat().st_size)  # damaged in place, same size
    with pytest.raises(io.OutputError, match=rf"^cannot read {path}: .*"
                                             r"; run `python -m data_prep build` again$"):
        io.load_outputs(tmp_path)


def test_load_refuses_a_file_the_manifest_does_not_list(tmp_path: Path, fixture_articles: dict[str, Article]) -> None:
    io.write_outputs(tmp_path, _events(), _mentions(), _articles(fixture_articles))
    generation = io.table_generation(tmp_path)
    _events().iloc[:1].to_parquet(tmp_path / settings.EVENTS_PARQUET)  # written over the link's target
    size = (tmp_path / settings.EVENTS_PARQUET).stat().st_size
    with pytest.raises(io.MixedOutputError) as error:
        io.load_outputs(tmp_path)
    assert str(error.value).startswith(f"{tmp_path}: events.parquet is not the file build {generation} wrote "
                                       f"({size} bytes, the manifest says ")
    assert str(error.value).endswith("); run `python -m data_prep build` again")


def test_load_tolerates_older_tables(tmp_path: Path, fixture_articles: dict[str, Article]) -> None:
    # A folder of the older layout (the tables themselves at the top, no manifest) is still read.
    old = schema.conform_events(_events()).drop(columns=[schema.CONTESTED])
    old.assign(retired_column=1).to_parquet(tmp_path / settings.EVENTS_PARQUET)
    schema.conform_mentions(_mentions()).to_parquet(tmp_path / settings.MENTIONS_PARQUET)
    _articles(fixture_articles).to_parquet(tmp_path / settings.ARTICLES_PARQUET)
    events, _, _ = io.load_outputs(tmp_path)
    assert tuple(events.columns) == schema.EVENT_COLUMNS
    assert events[schema.CONTESTED].isna().all()


def test_the_table_files_are_links_into_one_generation(tmp_path: Path,
                                                      fixture_articles: dict[str, Article]) -> None:
    out = tmp_path / "out"
    io.write_outputs(out, _events(), _mentions(), _articles(fixture_articles))
    first = io.table_generation(out)
    for name in settings.OUTPUT_FILES:
        assert os.readlink(out / name) == f".current/{name}"
    assert os.readlink(out / ".current") == f".generations/{first}"
    manifest = json.loads((out / ".generations" / first / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["generation"] == first and sorted(manifest["files"]) == sorted(settings.OUTPUT_FILES)
    io.write_outputs(out, _events().iloc[:1], _mentions(), _articles(fixture_articles))
    second = io.table_generation(out)
    io.write_outputs(out, _events(), _mentions(), _articles(fixture_articles))
    third = io.table_generation(out)
    # The previous generation is kept for readers still on it; older ones are deleted.
    assert sorted(p.name for p in (out / ".generations").iterdir()) == sorted([second, third])
    assert len(io.load_table(out, "events", generation=second)) == 1
    assert len(io.load_table(out, "events")) == 2
    with pytest.raises(io.MissingOutputError, match=f"^table generation {first} of {out} is gone"):
        io.load_table(out, "events", generation=first)


# --- uploads and declared charsets ------------------------------------------------------
def test_read_bytes_of_an_upload() -> None:
    data = (INPUTS / "header.txt").read_bytes()
    [article] = io.read_bytes(data, "upload.txt")
    assert isinstance(article, Article)
    assert (article.file, article.outlet, article.published) == ("upload.txt", "WAFA", date(2023, 2, 26))
    records = io.read_bytes((INPUTS / "records.csv").read_bytes(), "feed.csv")
    assert [getattr(r, "file") for r in records] == ["feed.csv#1", "feed.csv", "feed.csv#3"]


@pytest.mark.parametrize(("data", "name", "reason"), [
    (b"", "x.txt", "empty file"),
    (b"PK\x03\x04", "report.docx",
     "unsupported file type '.docx' (expected .txt, .md, .markdown, .html, .htm, .json, .jsonl, .csv)"),
    (b"text\x00more", "x.md", "binary file (NUL bytes)"),
])
def test_read_bytes_refusals(data: bytes, name: str, reason: str) -> None:
    assert io.read_bytes(data, name) == [Reject(name, reason)]


def test_html_declared_charset_is_used_when_not_utf8() -> None:
    arabic = "\u0642\u0635\u0641 \u0639\u0644\u0649 \u0631\u0641\u062d"  # "shelling on Rafah"
    page = (f'<html><head><meta charset="windows-1256"><title>t</title></head><body><article><p>{arabic}. '
            'Israeli shelling hit Rafah on Friday night, residents said, and two people were hurt.</p>'
            '</article></body></html>')
    [article] = io.read_bytes(page.encode("cp1256"), "ar.html")
    assert isinstance(article, Article) and article.text.startswith(arabic)


def test_html_declared_latin1_is_read_as_windows_1252() -> None:
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"></head><body>'
            '<article><p>\u201cWe will not stop,\u201d one speaker said at the rally in Gaza City on Friday, '
            'the organisers said.</p></article></body></html>')
    [article] = io.read_bytes(page.encode("cp1252"), "latin.html")
    assert isinstance(article, Article) and article.text.startswith('"We will not stop," one speaker said')
