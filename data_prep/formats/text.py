"""Plain-text and Markdown articles, with metadata in `key: value` lines, YAML front matter or the inline form."""
from __future__ import annotations

import logging
import re

import yaml

from ..models import Article, Reject
from ..normalise import fix_mojibake, normalise_text, strip_markdown
from .common import (
    METADATA_KEYS,
    ORIGIN_FRONT_MATTER,
    ORIGIN_HEADER,
    ORIGIN_INLINE,
    ORIGIN_NONE,
    Metadata,
    build_article,
    field_key,
    metadata_from_fields,
    parse_date_value,
)

LOGGER = logging.getLogger(__name__)

# YAML front matter must close within this many lines, or the opening "---" is a rule.
MAX_FRONT_MATTER_LINES = 60
# A `key: value` header is at most this many lines.
MAX_HEADER_LINES = 20
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z _-]{0,24}?)\s*:\s*(.*)$")
_CLOSE_FRONT_MATTER = {"---", "..."}
# The seeds' own form: " date 2025-04-07 The Palestinian ..." on the first line.
_INLINE_DATE = re.compile(r"^date (\d{4}-\d{2}-\d{2})(?: +|$)")


def split_front_matter(text: str) -> tuple[dict[str, object], str] | None:
    """(fields, rest) when `text` opens with YAML front matter between `---` lines, else None."""
    lines = text.split("\n")
    if not lines or lines[0] != "---":
        return None
    for end in range(1, min(len(lines), MAX_FRONT_MATTER_LINES + 1)):
        if lines[end] in _CLOSE_FRONT_MATTER:
            block = "\n".join(lines[1:end])
            return _front_matter_fields(block), "\n".join(lines[end + 1:])
    return None


def _front_matter_fields(block: str) -> dict[str, object]:
    try:
        loaded = yaml.safe_load(block)
    except yaml.YAMLError as exc:
        # Unquoted colons in a title break YAML; the lines are still `key: value`.
        LOGGER.debug("front matter is not valid YAML (%s); reading key: value lines", exc)
        loaded = None
    if isinstance(loaded, dict):
        return {str(k): v for k, v in loaded.items()}
    fields: dict[str, object] = {}
    for line in block.split("\n"):
        match = _HEADER_LINE.match(line)
        if match:
            fields.setdefault(match[1], match[2])
    return fields


def split_header(text: str) -> tuple[dict[str, object], str] | None:
    """(fields, rest) when the first lines are `key: value` lines naming at least one known field, else None.

    Unknown keys are accepted inside such a block ("language: en"); a block with no known key
    ("Gaza: strikes go on") is text.
    """
    lines = text.split("\n")
    fields: dict[str, object] = {}
    count = 0
    for line in lines[:MAX_HEADER_LINES + 1]:
        match = _HEADER_LINE.match(line)
        if not match:
            break
        fields.setdefault(match[1].strip(), match[2])
        count += 1
    if count > MAX_HEADER_LINES or not any(field_key(k) in METADATA_KEYS for k in fields):
        return None
    return fields, "\n".join(lines[count:])


def read_text(raw: str, file: str, fmt: str = "txt") -> list[Article | Reject]:
    """One article from the decoded contents of a .txt or .md file.

    Metadata is read from YAML front matter, else `key: value` lines at the top, else the inline
    ` date YYYY-MM-DD ` prefix; those lines are removed from the text, the title line is kept.
    Markdown syntax is stripped in both formats (many .txt exports are Markdown).
    """
    raw = fix_mojibake(raw)  # the file as it meant to be read: kept verbatim as the article's source
    text = normalise_text(raw)
    meta, origin = Metadata(), ORIGIN_NONE
    front = split_front_matter(text)
    header = None if front else split_header(text)
    if front or header:
        fields, text = front or header  # type: ignore[misc]
        meta = metadata_from_fields(fields)
        origin = ORIGIN_FRONT_MATTER if front else ORIGIN_HEADER
    else:
        inline = _INLINE_DATE.match(text)
        if inline:
            meta = Metadata(published=parse_date_value(inline[1]), date_text=inline[1])
            origin = ORIGIN_INLINE
            text = text[inline.end():]
    return [build_article(strip_markdown(text, join_wrapped=fmt == "md"), file, fmt, meta, origin, raw=raw)]
