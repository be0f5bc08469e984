"""Split an article's text into sentences with character spans, paragraphs and a header flag."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr gen lt col maj capt sgt st no vs etc jan feb mar apr jun jul aug sep sept oct nov dec "
    "u.s u.n a.m p.m approx dept gov sen rep prof brig adm cpl pvt".split()
)
# A stop before the next sentence's capital, with white space between, or glued to it by a scrape
# after a lower-case word ("the army said.Troops later arrested"; never "U.S.Army").
_BOUNDARY = re.compile(r"""[.!?…]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])|[.!?](?<=[a-z]{2}[.!?])(?=[A-Z][a-z])""")
_TERMINAL = re.compile(r"""[.!?…:]["'”’)\]]*\s*$""")
# A body paragraph has at least this many words; shorter lines at the top are headlines and decks.
_BODY_MIN_WORDS = 20
# ...unless it opens with a day, as the bullets of a situation report do ("On 19 March, ...").
_DATED_OPENING = re.compile(
    r"(?:On|Between|Since|During|Overnight|Yesterday|Today|Earlier|Early|Late|At about|In the (?:early|late))\b"
)


@dataclass(frozen=True)
class Sentence:
    """A sentence of the article: its span in the text and the paragraph it belongs to."""

    start: int
    end: int
    text: str
    paragraph: int
    is_header: bool = False


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of non-empty lines (each line is a paragraph: news text puts one per line)."""
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        if match.group().strip():
            spans.append((match.start(), match.end()))
    return spans


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    # The word before the stop, read backwards: searching the line up to each stop made long
    # paragraphs quadratic.
    end = match.start() + 1
    while end > 0 and text[end - 1] in ".!?…":
        end -= 1
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_."):  # [\w.] in the re module
        start -= 1
    if start == end:
        return True
    token = text[start:end].lower().rstrip(".")
    if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
        return False
    return True


# A section heading in the body: a few words, no stop or list punctuation, no figure.
_HEADING_MAX_WORDS = 10
_LINE_PUNCTUATION = re.compile(r"""[.!?…:;,]["'”’)\]]*$|\d""")


def _is_heading(line: str) -> bool:
    return len(line.split()) <= _HEADING_MAX_WORDS and not _LINE_PUNCTUATION.search(line)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences in text order; leading headline, deck and byline lines are flagged `is_header`."""
    sentences: list[Sentence] = []
    in_header = True
    for index, (p_start, p_end) in enumerate(_paragraphs(text)):
        line = text[p_start:p_end]
        stripped = line.strip()
        # A short line with no stop and no figure inside the body is a heading ("Hostilities and
        # casualties (Gaza Strip)"): it names a section, it tells no incident.
        heading = not in_header and _is_heading(stripped)
        if in_header and _TERMINAL.search(stripped) and (
                len(stripped.split()) >= _BODY_MIN_WORDS or _DATED_OPENING.match(stripped.lstrip("-*• "))):
            in_header = False
        cursor = 0
        pieces: list[tuple[int, int]] = []
        for match in _BOUNDARY.finditer(line):
            if _is_boundary(line, match):
                pieces.append((cursor, match.end()))
                cursor = match.end()
        pieces.append((cursor, len(line)))
        for start, end in pieces:
            chunk = line[start:end]
            lead = len(chunk) - len(chunk.lstrip())
            chunk = chunk.strip()
            if not chunk:
                continue
            s = p_start + start + lead
            sentences.append(Sentence(s, s + len(chunk), chunk, index, in_header or heading))
    return sentences
