"""Evidence highlighting: segments, article marking and Markdown escaping of hostile text."""
from __future__ import annotations

import re

import pytest

from dashboard.evidence import (
    ACTOR,
    EVIDENCE,
    NUMBER,
    PLACE,
    Segment,
    Span,
    escape_markdown,
    evidence_span,
    highlight,
    legend_markdown,
    marked_text,
    number_spans,
    segments,
    to_markdown,
)

SENTENCE = "Israeli troops killed 10 Palestinians in the Jenin refugee camp on Thursday."


def test_highlight_marks_actor_place_and_figure_in_order() -> None:
    parts = highlight(SENTENCE, {ACTOR: ["Israeli troops"], PLACE: ["Jenin"]})
    assert parts == [
        Segment("Israeli troops", ACTOR),
        Segment(" killed "),
        Segment("10", NUMBER),
        Segment(" Palestinians in the "),
        Segment("Jenin", PLACE),
        Segment(" refugee camp on Thursday."),
    ]
    assert "".join(p.text for p in parts) == SENTENCE


def test_terms_match_whole_words_case_insensitively() -> None:
    parts = highlight("The IDF said idf units left Gaza; Gazans protested.", {PLACE: ["gaza"], ACTOR: ["IDF"]})
    assert [(p.text, p.kind) for p in parts if p.kind] == [("IDF", ACTOR), ("idf", ACTOR), ("Gaza", PLACE)]


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        ("at least 1,200 people", ["1,200"]),
        ("two rockets and 27 treated", ["two", "27"]),
        ("dozens were wounded, 3.5 km away", ["dozens", "3.5"]),
        ("on 27 January 2023", ["27", "2023"]),
        ("F16 jets and covid19", []),
    ],
)
def test_number_spans(text: str, figures: list[str]) -> None:
    assert [text[s.start:s.end] for s in number_spans(text)] == figures


def test_overlapping_spans_keep_earliest_longest() -> None:
    text = "Al-Quds Brigades fighters"
    parts = segments(text, [Span(0, 7, PLACE), Span(0, 16, ACTOR), Span(3, 10, NUMBER)])
    assert parts == [Segment("Al-Quds Brigades", ACTOR), Segment(" fighters")]


def test_spans_outside_the_text_are_ignored() -> None:
    assert segments("short", [Span(3, 99, ACTOR), Span(-1, 2, PLACE)]) == [Segment("short")]


ARTICLE = "Headline\n\nRockets were fired at Ashkelon. Two were intercepted.\nNo injuries."


def test_evidence_span_uses_stored_offsets_when_they_point_at_the_evidence() -> None:
    start = ARTICLE.index("Rockets")
    end = ARTICLE.index("Ashkelon.") + len("Ashkelon.")
    assert evidence_span(ARTICLE, "Rockets were fired at Ashkelon.", start, end) == Span(start, end, EVIDENCE)


def test_evidence_span_falls_back_to_search_when_offsets_are_stale() -> None:
    span = evidence_span(ARTICLE, "Two were intercepted.", 0, 5)
    assert span is not None and ARTICLE[span.start:span.end] == "Two were intercepted."
    assert evidence_span(ARTICLE, "Not in the article.", None, None) is None


def test_marked_text_wraps_evidence_in_plain_markers() -> None:
    span = evidence_span(ARTICLE, "Two were intercepted.", None, None)
    assert marked_text(ARTICLE, span) == (
        "Headline\n\nRockets were fired at Ashkelon. \u27e6Two were intercepted.\u27e7\nNo injuries."
    )
    assert marked_text(ARTICLE, None) == ARTICLE


HOSTILE = (
    "<script>window.__pwned=1</script> <img src=x onerror=alert(1)> **bold** [link](javascript:alert(1)) "
    "![img](http://example.com/x.png) $x^2$ :red[red] :fire: :material/home: www.example.com `code` # h"
)


def _unescape(markdown: str) -> str:
    """What CommonMark shows for an escaped string: drop the backslashes, the word joiners and hard breaks."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "").replace("  \n", "\n")


def test_escape_markdown_leaves_no_active_character_unescaped() -> None:
    escaped = escape_markdown(HOSTILE)
    unescaped_specials = re.findall(r"(?<!\\)[<>\[\]()*_`$:!#~|]", escaped.replace("\\\\", ""))
    assert unescaped_specials == []
    assert _unescape(escaped) == HOSTILE


def test_escape_markdown_breaks_shortcodes_and_keeps_lines() -> None:
    escaped = escape_markdown(":fire: at 10:30\n    indented line\n# not a heading")
    assert escaped == "\\:\u2060fire\\: at 10\\:\u206030  \nindented line  \n\\# not a heading"


def test_to_markdown_wraps_only_highlights_in_colour_directives() -> None:
    parts = [Segment("Israeli troops", ACTOR), Segment(" hit "), Segment("Gaza [City]", PLACE)]
    assert to_markdown(parts) == ":blue-background[Israeli troops] hit :green-background[Gaza \\[City\\]]"


def test_to_markdown_of_hostile_text_is_escaped_everywhere() -> None:
    parts = highlight(HOSTILE, {ACTOR: ["script"], PLACE: ["img"]})
    markdown = to_markdown(parts)
    assert "<" not in markdown.replace("\\<", "")
    assert ":blue-background[script]" in markdown
    assert "](" not in markdown.replace("\\](", "").replace("\\]\\(", "")


def test_legend_uses_fixed_labels() -> None:
    assert legend_markdown([ACTOR, NUMBER]) == ":blue-background[actor] :orange-background[figure]"


def test_found_spans_from_a_matcher_join_the_terms() -> None:
    text = "Israeli troops raided the camp near Jenin."
    parts = highlight(text, {PLACE: ["Jenin"]}, found=[Span(0, 14, ACTOR)])
    assert [(p.text, p.kind) for p in parts if p.kind] == [("Israeli troops", ACTOR), ("Jenin", PLACE)]
