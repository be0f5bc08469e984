"""The source text is kept as read, and the evidence is the source's own words at their span.

Cleaning (quotes, dashes, spaces, Markdown syntax) guides extraction; the articles table keeps
the text as read in `raw_text`, and each mention's evidence and offsets point into it.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.ingest import add_uploads
from data_prep import io, pipeline, schema as S
from data_prep.normalise import SourceMap, normalise_text, strip_markdown

from .conftest import SEEDS

ROCKETS = SEEDS / "000_89c3fab89abc628c.txt"


def _cleaned(raw: str) -> str:
    return normalise_text(strip_markdown(raw))


@pytest.mark.parametrize(("raw", "cleaned_words", "source_words"), [
    ("Intro.\n\nthe **health ministry** said [link](https://x.example/a), and more.",
     "the health ministry said link", "the **health ministry** said [link"),
    ("He said: “two people” were killed — in Gaza.", '"two people"', "“two people”"),
    ("Rockets\u00a0hit   Sderot\u2014the army said.", "Sderot-the army said.", "Sderot\u2014the army said."),
    ("Plain text, nothing to clean.", "nothing to clean.", "nothing to clean."),
])
def test_a_cleaned_span_is_found_in_the_source(raw: str, cleaned_words: str, source_words: str) -> None:
    text = _cleaned(raw)
    start = text.index(cleaned_words)
    span = SourceMap(raw, text).span(start, start + len(cleaned_words))
    assert span is not None and raw[span[0]:span[1]] == source_words


def test_words_not_in_the_source_have_no_span() -> None:
    raw = "An air strike hit Rafah on Friday."
    assert SourceMap(raw, "A drone hit Khan Younis on Friday.").span(0, 20) is None
    assert SourceMap(raw, raw).span(0, 12) == (0, 12)  # nothing cleaned: the same offsets


def test_the_nearest_copy_of_repeated_words_is_taken() -> None:
    raw = "**Rafah** was shelled.\n\nLater, Rafah was shelled."
    text = _cleaned(raw)
    second = text.rindex("Rafah was shelled.")
    span = SourceMap(raw, text).span(second, second + len("Rafah was shelled."))
    assert span == (raw.rindex("Rafah"), len(raw))


def _markdown_article(folder: Path) -> Path:
    text = ROCKETS.read_text(encoding="utf-8")
    text = text.replace("fired two rockets toward", "fired **two rockets** toward [the adjacent](https://example.org/a)")
    path = folder / "rockets.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_articles_table_keeps_the_text_as_read_and_evidence_points_into_it(tmp_path: Path) -> None:
    source = _markdown_article(tmp_path)
    out = tmp_path / "out"
    pipeline.build_to_folder(source, out)
    events, mentions, articles = io.load_outputs(out)
    [article] = articles.to_dict("records")
    assert article[S.RAW_TEXT] == source.read_text(encoding="utf-8")  # verbatim, markup and curly quotes
    assert "**" not in article[S.TEXT] and "https://example.org" not in article[S.TEXT]
    for row in mentions.itertuples():
        assert article[S.RAW_TEXT][getattr(row, S.EVIDENCE_START):getattr(row, S.EVIDENCE_END)] == getattr(row, S.EVIDENCE)
    rockets = [e for e in events[S.EVIDENCE] if "rockets" in e and "Ashkelon" in e]
    assert rockets and "fired **two rockets** toward [the adjacent](https://example.org/a)" in rockets[0]


def test_a_text_that_cleaning_leaves_alone_is_stored_once(tmp_path: Path) -> None:
    (tmp_path / "plain.txt").write_text("Israeli forces arrested twelve people in Hebron on Sunday, the army said.",
                                        encoding="utf-8")
    [article] = io.read_file(tmp_path / "plain.txt")
    assert article.raw_text is None and article.source_text == article.text
    frame = io.articles_frame([article])
    assert frame[S.RAW_TEXT].isna().all()


def test_an_upload_keeps_the_text_as_read_of_every_article(tmp_path: Path) -> None:
    folder = tmp_path / "table"
    first = _markdown_article(tmp_path)
    add_uploads(folder, [(first.name, first.read_bytes())])
    add_uploads(folder, [("second.txt", (SEEDS / "001_b511db045e9deac5.txt").read_bytes())])
    articles = io.load_table(folder, "articles").set_index(S.FILE)
    source = articles[S.RAW_TEXT].fillna(articles[S.TEXT])  # raw_text is empty when cleaning changed nothing
    assert source["rockets.md"] == first.read_text(encoding="utf-8")
    assert source["second.txt"] == (SEEDS / "001_b511db045e9deac5.txt").read_text(encoding="utf-8")
