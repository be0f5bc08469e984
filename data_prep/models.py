"""Frozen dataclasses passed between the pipeline's steps: articles, rejects, dates, places, actors, claims, events."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Article:
    """One input article after reading and normalising.

    `text` is the cleaned body that extraction reads; `raw_text` is the source text as read (the
    decoded file, the record's text field, or the page's text), kept verbatim as the record, or
    None when it is the same as `text`. The build's evidence spans point into the source text
    (`source_text`).
    """

    article_id: str
    file: str
    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    author: str | None = None
    published: date | None = None
    # Where the publication date came from: header, front_matter, inline, byline, dateline,
    # html_meta, record, override or none.
    published_origin: str = "none"
    format: str = "txt"
    raw_text: str | None = None

    @property
    def source_text(self) -> str:
        """The text as read: `raw_text`, or `text` when reading changed nothing."""
        return self.text if self.raw_text is None else self.raw_text


@dataclass(frozen=True)
class Reject:
    """An input file (or record) that could not be read, with a one-line reason."""

    file: str
    reason: str


@dataclass(frozen=True)
class ParsedDate:
    """A resolved temporal expression: best day, range and how sure the day is."""

    best: date | None
    start: date | None
    end: date | None
    precision: str  # one of schema.DATE_PRECISIONS
    text: str = ""  # the words it was read from


@dataclass(frozen=True)
class TemporalMatch:
    """A temporal expression found in a text, with its character span."""

    start: int
    end: int
    text: str
    date: ParsedDate


@dataclass(frozen=True)
class Place:
    """A gazetteer entry: canonical name, area and coordinates (None when unknown)."""

    name: str
    admin1: str | None
    country: str | None
    latitude: float | None
    longitude: float | None
    # ACLED geo_precision: 1 the place itself, 2 near it / part of it, 3 only the region.
    geo_precision: int = 1
    kind: str = "place"  # city, village, camp, base, kibbutz, neighbourhood, crossing, region, ...


@dataclass(frozen=True)
class Actor:
    """A canonical actor from the actor dictionary."""

    name: str
    inter: int | None = None  # ACLED inter code (1 state forces ... 8 external/other)
    parent: str | None = None
    kind: str = "group"


@dataclass(frozen=True)
class Claim:
    """One casualty figure and who reports it."""

    kind: str  # "killed" or "injured"
    count: int
    claimant: str | None
    text: str  # the words the figure was read from
    minimum: bool = False  # "at least", "more than"

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "count": self.count, "claimant": self.claimant,
                "text": self.text, "minimum": self.minimum}


@dataclass(frozen=True)
class Event:
    """One event as one article tells it (a mention); merging mentions makes the table's rows."""

    mention_id: str
    article_id: str
    source_file: str
    event_type: str
    sub_event_type: str | None
    actor1: str | None
    evidence: str
    evidence_start: int
    evidence_end: int
    event_date: date | None = None
    date_start: date | None = None
    date_end: date | None = None
    date_precision: str = "unknown"
    actor2: str | None = None
    assoc_actor_1: str | None = None
    assoc_actor_2: str | None = None
    inter1: int | None = None
    inter2: int | None = None
    place: Place | None = None
    fatalities: int | None = None
    injuries: int | None = None
    claims: tuple[Claim, ...] = field(default_factory=tuple)
    outlet: str | None = None
    published: date | None = None
    notes: str = ""
    # Why it was coded so (JSON: the words or the default behind its type, actor, place, day, toll).
    coding: str = ""
