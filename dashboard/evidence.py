"""Evidence highlighting as plain segments, and the only safe ways to turn article text into display strings.

Article text is untrusted. Nothing here produces HTML: segments are (text, kind) pairs; `to_markdown`
escapes every Markdown-active character before wrapping a segment in one of Streamlit's colour
directives, and `marked_text` marks the evidence inside the article with plain characters.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

ACTOR = "actor"
PLACE = "place"
NUMBER = "number"
EVIDENCE = "evidence"

# Streamlit colour directives, one per kind; the legend in the app reads the same mapping.
COLOURS: dict[str, str] = {ACTOR: "blue", PLACE: "green", NUMBER: "orange", EVIDENCE: "violet"}
LABELS: dict[str, str] = {ACTOR: "actor", PLACE: "place", NUMBER: "figure", EVIDENCE: "evidence"}

# Plain markers around the evidence sentence inside the full article text.
MARK_OPEN = "\u27e6"  # ⟦
MARK_CLOSE = "\u27e7"  # ⟧

_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred hundreds thousand thousands dozen dozens scores"
).split()
_NUMBER_RE = re.compile(
    r"(?<![\w.])\d{1,3}(?:,\d{3})+(?![\w,])|(?<![\w.,])\d+(?:\.\d+)?(?![\w])|\b(?:"
    + "|".join(_NUMBER_WORDS)
    + r")\b",
    re.IGNORECASE,
)
# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping all of them
# disarms emphasis, links, images, autolinks, raw HTML, tables, maths ($) and directives (:).
_MD_SPECIAL = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
# remark-emoji and Streamlit's icon plugin rewrite ":name:" after escapes are resolved; a word
# joiner after the colon keeps the source's characters visible as they are.
_SHORTCODE_COLON = re.compile(r"(\\:)(?=[A-Za-z0-9_+/-])")
_WORD_JOINER = "\u2060"


@dataclass(frozen=True)
class Span:
    """A highlighted stretch of a text: [start, end) and what it is."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Segment:
    """A piece of a text to display; kind is None for unhighlighted text."""

    text: str
    kind: str | None = None


def number_spans(text: str) -> list[Span]:
    """Spans of figures written in digits ("1,200", "27") or words ("ten", "dozens")."""
    return [Span(m.start(), m.end(), NUMBER) for m in _NUMBER_RE.finditer(text)]


def term_spans(text: str, terms: Iterable[str], kind: str) -> list[Span]:
    """Case-insensitive whole-word occurrences of each non-empty term."""
    spans: list[Span] = []
    for term in {t.strip() for t in terms if t and t.strip()}:
        pattern = re.compile(r"(?<!\w)" + re.escape(term) + r"(?!\w)", re.IGNORECASE)
        spans.extend(Span(m.start(), m.end(), kind) for m in pattern.finditer(text))
    return spans


def _non_overlapping(spans: Iterable[Span]) -> list[Span]:
    """Keep the earliest span, and the longest among those starting together; drop overlaps."""
    kept: list[Span] = []
    end = -1
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if span.start >= end and span.end > span.start:
            kept.append(span)
            end = span.end
    return kept


def segments(text: str, spans: Iterable[Span]) -> list[Segment]:
    """Cut `text` into consecutive segments; overlapping spans resolve to the earliest, longest one."""
    out: list[Segment] = []
    pos = 0
    for span in _non_overlapping(s for s in spans if 0 <= s.start < s.end <= len(text)):
        if span.start > pos:
            out.append(Segment(text[pos:span.start]))
        out.append(Segment(text[span.start:span.end], span.kind))
        pos = span.end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def highlight(text: str, terms: Mapping[str, Sequence[str]], numbers: bool = True,
              found: Iterable[Span] = ()) -> list[Segment]:
    """Segments of `text` with each kind's terms (e.g. {ACTOR: [...], PLACE: [...]}) and figures marked.

    `found` are spans already located by a matcher (the pipeline's actor and place finders, which
    know aliases such as "Israeli troops"); overlaps resolve to the earliest, longest span.
    """
    spans: list[Span] = list(found)
    for kind, words in terms.items():
        spans.extend(term_spans(text, words, kind))
    if numbers:
        spans.extend(number_spans(text))
    return segments(text, spans)


def evidence_span(text: str, evidence: str | None, start: int | None, end: int | None) -> Span | None:
    """Where the evidence sits in the article: the stored offsets if they still point at it, else a search."""
    if start is not None and end is not None and 0 <= start < end <= len(text):
        if not evidence or text[start:end].strip() == evidence.strip():
            return Span(start, end, EVIDENCE)
    if evidence and evidence.strip():
        found = text.find(evidence.strip())
        if found >= 0:
            return Span(found, found + len(evidence.strip()), EVIDENCE)
    return None


def marked_text(text: str, span: Span | None) -> str:
    """The article as plain text with the evidence between ⟦ and ⟧ (no markup of any kind)."""
    if span is None:
        return text
    return text[:span.start] + MARK_OPEN + text[span.start:span.end] + MARK_CLOSE + text[span.end:]


def escape_markdown(text: str) -> str:
    """Text that Streamlit's Markdown shows literally: every active character escaped, lines kept."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    escaped = _SHORTCODE_COLON.sub(lambda m: m.group(1) + _WORD_JOINER, escaped)
    # Leading spaces would start a code block and single newlines would be joined: keep lines as lines.
    first, *rest = escaped.split("\n")
    return "  \n".join([first.rstrip("\r")] + [line.rstrip("\r").lstrip() for line in rest])


def to_markdown(parts: Sequence[Segment], colours: Mapping[str, str] = COLOURS) -> str:
    """Escaped Markdown in which each highlighted segment is wrapped in its colour's background directive."""
    out: list[str] = []
    for part in parts:
        body = escape_markdown(part.text)
        colour = colours.get(part.kind) if part.kind else None
        if colour and body.strip():
            out.append(f":{colour}-background[{body}]")
        else:
            out.append(body)
    return "".join(out).lstrip()


def legend_markdown(kinds: Iterable[str], colours: Mapping[str, str] = COLOURS) -> str:
    """A one-line legend for the kinds shown (our own fixed labels, never article text)."""
    return " ".join(f":{colours[k]}-background[{LABELS[k]}]" for k in kinds if k in colours)


# The fields a coding note explains, in the order a reviewer checks them.
CODING_FIELDS: tuple[str, ...] = ("type", "actor", "place", "day", "casualties")


def coding_rows(coding_json: object) -> list[dict[str, str]]:
    """The event's `coding` note (JSON) as rows of (field, why), for a plain table: never Markdown.

    A missing or malformed note gives no rows; fields the note does not name are left out.
    """
    if not isinstance(coding_json, str) or not coding_json:
        return []
    try:
        note = json.loads(coding_json)
    except ValueError:
        return []
    if not isinstance(note, dict):
        return []
    ordered = [f for f in CODING_FIELDS if f in note] + [f for f in note if f not in CODING_FIELDS]
    return [{"field": field, "why": str(note[field])} for field in ordered]
