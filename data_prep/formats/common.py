"""What every reader shares: metadata field names, date values, bylines and datelines, and Article assembly."""
from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import lru_cache


from .. import dates, settings, yaml_files
from ..models import Article, Reject
from ..normalise import clean_field, headline_of, normalise_text, strip_scrape_glue

LOGGER = logging.getLogger(__name__)

# Where Article.published came from.
ORIGIN_HEADER = "header"
ORIGIN_FRONT_MATTER = "front_matter"
ORIGIN_INLINE = "inline"
ORIGIN_BYLINE = "byline"
ORIGIN_DATELINE = "dateline"
ORIGIN_HTML_META = "html_meta"
ORIGIN_RECORD = "record"
ORIGIN_NONE = "none"

NO_TEXT = "no article text after cleaning"

# Field names seen in exports, feeds and scrapers, compared after `field_key` (lower case, letters
# and digits only), in order of preference.
TEXT_KEYS: tuple[str, ...] = ("text", "body", "content", "articlebody", "articletext", "fulltext",
                              "maintext", "article", "story")
TITLE_KEYS: tuple[str, ...] = ("title", "headline")
URL_KEYS: tuple[str, ...] = ("url", "link", "canonicalurl", "sourceurl", "permalink", "weburl", "href")
DATE_KEYS: tuple[str, ...] = ("published", "date", "pubdate", "publishedat", "publisheddate",
                              "publicationdate", "datepublished", "publishdate", "publishedon",
                              "pubdatetime", "datetime", "created", "createdat")
OUTLET_KEYS: tuple[str, ...] = ("source", "outlet", "publisher", "sitename", "site", "publication",
                                "newspaper", "media", "agency")
AUTHOR_KEYS: tuple[str, ...] = ("author", "authors", "byline", "by", "creator", "writer")
METADATA_KEYS: frozenset[str] = frozenset(TITLE_KEYS + URL_KEYS + DATE_KEYS + OUTLET_KEYS + AUTHOR_KEYS)

_URL = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)


def field_key(name: object) -> str:
    """A field name compared loosely: "Published At", "published_at" and "publishedAt" are one key."""
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


@dataclass(frozen=True)
class Metadata:
    """Article metadata read from a header, front matter, a record or a page."""

    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    author: str | None = None
    published: date | None = None
    date_text: str | None = None  # the raw date value, kept to explain a date that did not parse


def _scalar(value: object) -> object:
    """A nested value as one scalar: {"name": "AFP"} -> "AFP", ["A", "B"] -> "A, B"."""
    if isinstance(value, Mapping):
        for key in ("name", "title", "value", "text"):
            if value.get(key) not in (None, ""):
                return _scalar(value[key])
        return None
    if isinstance(value, (list, tuple)):
        parts = [str(_scalar(v)) for v in value if _scalar(v) not in (None, "")]
        return ", ".join(parts) or None
    return value


def present(fields: Mapping[str, object], keys: Iterable[str]) -> list[tuple[str, object]]:
    """(original key, value) of every field whose loose key is in `keys`, in `keys` order."""
    by_key: dict[str, tuple[str, object]] = {}
    for name, value in fields.items():
        if name is not None:
            by_key.setdefault(field_key(name), (str(name), value))
    return [by_key[key] for key in keys if key in by_key]


def metadata_from_fields(fields: Mapping[str, object]) -> Metadata:
    """Title, outlet, url, author and publication date from loosely named fields."""
    def get(keys: tuple[str, ...]) -> object:
        for _, value in present(fields, keys):
            if _scalar(value) not in (None, ""):
                return _scalar(value)
        return None

    outlet = clean_field(get(OUTLET_KEYS))
    url = clean_field(get(URL_KEYS))
    if outlet and _URL.match(outlet):  # "source: https://..." names the page, not the outlet
        url, outlet = url or outlet, None
    raw_date = get(DATE_KEYS)
    return Metadata(
        title=clean_field(get(TITLE_KEYS)),
        outlet=outlet,
        url=url,
        author=clean_field(get(AUTHOR_KEYS)),
        published=parse_date_value(raw_date),
        date_text=clean_field(raw_date),
    )


# --- dates ----------------------------------------------------------------------
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:$|[T ]\d)")


def _plausible(day: date | None) -> date | None:
    """The day, or None when no article can have been published then (before MIN_YEAR, after
    dates.MAX_YEAR: "0001-01-01", "9999-12-31" and "2263-01-01" are placeholders or typos)."""
    if day is None or not settings.MIN_YEAR <= day.year <= dates.MAX_YEAR:
        return None
    return day


def parse_date_value(value: object) -> date | None:
    """A publication date from a metadata value: a date, a timestamp, ISO text or words ("January 27 2023")."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return _plausible(value.date())
    if isinstance(value, date):
        return _plausible(value)
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 1e11 else value  # milliseconds since the epoch
        try:
            return _plausible(datetime.fromtimestamp(seconds, tz=timezone.utc).date())
        except (OverflowError, OSError, ValueError):
            return None
    text = clean_field(value)
    if not text:
        return None
    iso = _ISO_DAY.match(text)
    if iso:  # machine-written metadata: read it exactly, no guessing of day order
        try:
            return _plausible(date(int(iso[1]), int(iso[2]), int(iso[3])))
        except ValueError:
            return None
    return _plausible(dates.parse_publication_date(text))


HEAD_LINES = 15
TAIL_LINES = 5


@dataclass(frozen=True)
class FoundDate:
    """A publication date found in the text, the line it came from and how it was found."""

    published: date
    origin: str
    line: str


def _is_paragraph(line: str) -> bool:
    """A sentence of the story (not a headline, byline or caption)."""
    return len(line.split()) >= 8 and line.endswith((".", '"', "'"))


def find_publication_date(text: str) -> FoundDate | None:
    """The publication date from a byline in the first lines or a dateline in the last lines, or None.

    Only HEAD_LINES lines at the top and TAIL_LINES at the end are searched: dates in the body
    are the events' dates, not the article's. Which line holds a date is `dates.py`'s call.
    """
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    head = lines[:HEAD_LINES]
    tail_start = max(len(head), len(lines) - TAIL_LINES)
    for first, window in ((0, head), (tail_start, lines[tail_start:])):
        window_text = "\n".join(window)
        found = dates.find_publication_date(window_text)
        if found is None or _plausible(found.date) is None:
            continue
        index = first + window_text.count("\n", 0, found.start)
        # A wire dateline names its agency; a line at the end, after the story began, signs it off.
        after_story = index >= len(lines) - TAIL_LINES and any(map(_is_paragraph, lines[:index]))
        dateline = found.origin == dates.ORIGIN_DATELINE or after_story or wire_outlet_in(lines[index])
        return FoundDate(found.date, ORIGIN_DATELINE if dateline else ORIGIN_BYLINE, lines[index])
    return None


# --- wire agencies ----------------------------------------------------------------
@lru_cache(maxsize=1)
def wire_agencies() -> dict[str, str]:
    """Agency spelling (lower case) -> outlet name, from data/wire_agencies.yaml."""
    with open(settings.WIRE_AGENCIES_FILE, encoding="utf-8") as handle:
        data = yaml_files.safe_load(handle) or {}
    return {str(k).lower(): str(v) for k, v in data.items()}


@lru_cache(maxsize=1)
def _wire_pattern() -> re.Pattern[str]:
    names = sorted(wire_agencies(), key=len, reverse=True)
    # "(AFP) -", "(Reuters):" or "(AFP)" closing the line: a dateline, not a photo credit.
    return re.compile(r"\((" + "|".join(re.escape(n) for n in names) + r")\)\s*(?:[-:]|$)",
                      re.IGNORECASE)


def wire_outlet_in(line: str) -> str | None:
    """The agency a dateline names ("Gaza (AFP) - ..." -> "AFP"), or None."""
    match = _wire_pattern().search(line)
    return wire_agencies()[match.group(1).lower()] if match else None


def find_wire_outlet(text: str) -> str | None:
    """The agency named in a dateline among the first or last lines, or None."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    head = lines[:HEAD_LINES]
    for line in head + lines[len(head):][-TAIL_LINES:]:
        outlet = wire_outlet_in(line)
        if outlet:
            return outlet
    return None


# --- assembly ---------------------------------------------------------------------
def size_excess(size: int, limit: int) -> str:
    """ "too large (6.2 MB > 5.0 MB limit)" """
    mb = 1024 * 1024
    digits = 1
    while digits < 6 and f"{size / mb:.{digits}f}" == f"{limit / mb:.{digits}f}":
        digits += 1  # never "5.0 MB > 5.0 MB"
    return f"too large ({size / mb:.{digits}f} MB > {limit / mb:.{digits}f} MB limit)"


def article_id_of(text: str) -> str:
    """Stable id: the first 16 hex digits of the SHA-256 of the normalised text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def build_article(text: str, file: str, fmt: str, meta: Metadata = Metadata(),
                  origin: str = ORIGIN_NONE,
                  min_chars: int = settings.MIN_TEXT_CHARS, raw: str | None = None) -> Article | Reject:
    """An Article from body text and metadata, filling date, title and outlet from the text when missing.

    Args:
        text: the body, metadata lines already removed; it is normalised here.
        file: the name the article is known by (file name, or `name.json#3` for a record).
        fmt: the input format ("txt", "md", "html", "json", "jsonl", "csv").
        meta: what the header, front matter, record or page said.
        origin: where `meta.published` came from.
        min_chars: shorter texts are rejected.
        raw: the source text as read (kept verbatim as Article.raw_text when cleaning changed it);
            `text` itself by default.

    Returns:
        The Article, or a Reject when no text is left.
    """
    text = strip_scrape_glue(normalise_text(text))
    if len(text) < min_chars:
        return Reject(file, NO_TEXT)
    published, published_origin = meta.published, origin if meta.published else ORIGIN_NONE
    if published is None:
        if meta.date_text:
            LOGGER.info("%s: cannot read the date %r; looking in the text", file, meta.date_text)
        found = find_publication_date(text)
        if found is not None:
            published, published_origin = found.published, found.origin
    return Article(
        article_id=article_id_of(text),
        file=file,
        text=text,
        title=meta.title or headline_of(text),
        outlet=meta.outlet or find_wire_outlet(text),
        url=meta.url,
        author=meta.author,
        published=published,
        published_origin=published_origin,
        format=fmt,
        raw_text=raw if raw is not None and raw != text else None,
    )
