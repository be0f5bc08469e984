"""Small hand-made machine tables (events, mentions, articles) for the review store's tests."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd

from data_prep import schema as s

# Three events from three articles. E1 is one strike told by two articles (two mentions);
# the second article places it in Khan Younis with a different toll, which is what a split undoes.
EVENTS: list[dict[str, Any]] = [
    {s.EVENT_ID: "E1", s.EVENT_DATE: "2023-01-26", s.DATE_START: "2023-01-26", s.DATE_END: "2023-01-26",
     s.DATE_PRECISION: "day", s.YEAR: 2023, s.TIME_PRECISION: 1,
     s.EVENT_TYPE: "Explosions/Remote violence", s.SUB_EVENT_TYPE: "Air/drone strike",
     s.ACTOR1: "Israeli military", s.LOCATION: "Rafah", s.ADMIN1: "Gaza Strip", s.COUNTRY: "Palestine",
     s.LATITUDE: 31.2969, s.LONGITUDE: 34.2455, s.GEO_PRECISION: 1, s.FATALITIES: 3, s.INJURIES: 5,
     s.SOURCE: "Outlet A;Outlet B", s.SOURCE_FILES: "a1.txt;a2.txt", s.ARTICLE_IDS: "a1;a2", s.MENTION_COUNT: 2,
     s.EVIDENCE: "An air strike hit a house in Rafah on Thursday, killing three."},
    {s.EVENT_ID: "E2", s.EVENT_DATE: "2023-01-27", s.DATE_START: "2023-01-27", s.DATE_END: "2023-01-27",
     s.DATE_PRECISION: "day", s.YEAR: 2023, s.TIME_PRECISION: 1,
     s.EVENT_TYPE: "Explosions/Remote violence", s.SUB_EVENT_TYPE: "Shelling/artillery/missile attack",
     s.ACTOR1: "Al-Qassam Brigades", s.LOCATION: "Ashkelon", s.ADMIN1: "Israel", s.COUNTRY: "Israel",
     s.LATITUDE: 31.6688, s.LONGITUDE: 34.5743, s.GEO_PRECISION: 1, s.FATALITIES: 0, s.INJURIES: 1,
     s.SOURCE: "Outlet B", s.SOURCE_FILES: "a2.txt", s.ARTICLE_IDS: "a2", s.MENTION_COUNT: 1},
    {s.EVENT_ID: "E3", s.EVENT_DATE: "2023-01-28", s.DATE_START: "2023-01-28", s.DATE_END: "2023-01-28",
     s.DATE_PRECISION: "approx", s.YEAR: 2023, s.TIME_PRECISION: 2,
     s.EVENT_TYPE: "Protests", s.SUB_EVENT_TYPE: "Peaceful protest", s.ACTOR1: "Protesters (Palestine)",
     s.LOCATION: "Nablus", s.ADMIN1: "West Bank", s.COUNTRY: "Palestine",
     s.LATITUDE: 32.2211, s.LONGITUDE: 35.2544, s.GEO_PRECISION: 1,
     s.SOURCE: "Outlet C", s.SOURCE_FILES: "a3.txt", s.ARTICLE_IDS: "a3", s.MENTION_COUNT: 1},
]

MENTIONS: list[dict[str, Any]] = [
    {s.MENTION_ID: "m1", s.EVENT_ID: "E1", s.ARTICLE_ID: "a1", s.SOURCE_FILE: "a1.txt", s.OUTLET: "Outlet A",
     s.PUBLISHED: "2023-01-27", s.EVENT_DATE: "2023-01-26", s.DATE_START: "2023-01-26", s.DATE_END: "2023-01-26",
     s.DATE_PRECISION: "day", s.EVENT_TYPE: "Explosions/Remote violence", s.SUB_EVENT_TYPE: "Air/drone strike",
     s.ACTOR1: "Israeli military", s.LOCATION: "Rafah", s.FATALITIES: 3, s.INJURIES: 5},
    {s.MENTION_ID: "m2", s.EVENT_ID: "E1", s.ARTICLE_ID: "a2", s.SOURCE_FILE: "a2.txt", s.OUTLET: "Outlet B",
     s.PUBLISHED: "2023-01-28", s.EVENT_DATE: "2023-01-26", s.DATE_START: "2023-01-26", s.DATE_END: "2023-01-26",
     s.DATE_PRECISION: "day", s.EVENT_TYPE: "Explosions/Remote violence", s.SUB_EVENT_TYPE: "Air/drone strike",
     s.ACTOR1: "Israeli military", s.LOCATION: "Khan Younis", s.FATALITIES: 4, s.INJURIES: 2},
    {s.MENTION_ID: "m3", s.EVENT_ID: "E2", s.ARTICLE_ID: "a2", s.SOURCE_FILE: "a2.txt", s.OUTLET: "Outlet B",
     s.PUBLISHED: "2023-01-28", s.EVENT_DATE: "2023-01-27", s.DATE_PRECISION: "day",
     s.EVENT_TYPE: "Explosions/Remote violence", s.ACTOR1: "Al-Qassam Brigades", s.LOCATION: "Ashkelon",
     s.FATALITIES: 0, s.INJURIES: 1},
    {s.MENTION_ID: "m4", s.EVENT_ID: "E3", s.ARTICLE_ID: "a3", s.SOURCE_FILE: "a3.txt", s.OUTLET: "Outlet C",
     s.PUBLISHED: "2023-01-28", s.EVENT_DATE: "2023-01-28", s.DATE_PRECISION: "approx",
     s.EVENT_TYPE: "Protests", s.ACTOR1: "Protesters (Palestine)", s.LOCATION: "Nablus"},
]

ARTICLES: list[dict[str, Any]] = [
    {s.ARTICLE_ID: "a1", s.FILE: "a1.txt", s.TITLE: "Strike in Rafah", s.OUTLET: "Outlet A",
     s.PUBLISHED: "2023-01-27", s.PUBLISHED_ORIGIN: "header", s.FORMAT: "txt", s.STATUS: s.STATUS_OK,
     s.TEXT: "An air strike hit a house in Rafah on Thursday, killing three."},
    {s.ARTICLE_ID: "a2", s.FILE: "a2.txt", s.TITLE: "Rockets", s.OUTLET: "Outlet B",
     s.PUBLISHED: "2023-01-28", s.PUBLISHED_ORIGIN: "header", s.FORMAT: "txt", s.STATUS: s.STATUS_OK,
     s.TEXT: "Rockets hit Ashkelon on Friday."},
    {s.ARTICLE_ID: "a3", s.FILE: "a3.txt", s.TITLE: "Protest", s.OUTLET: "Outlet C",
     s.PUBLISHED: None, s.PUBLISHED_ORIGIN: "none", s.FORMAT: "txt", s.STATUS: s.STATUS_UNDATED,
     s.TEXT: "Hundreds protested in Nablus yesterday."},
]

BASE_PUBLISHED = date(2023, 1, 28)


def events(rows: Sequence[dict[str, Any]] = EVENTS) -> pd.DataFrame:
    """A conformed events frame of the given rows."""
    return s.conform_events(pd.DataFrame(list(rows)))


def mentions(rows: Sequence[dict[str, Any]] = MENTIONS) -> pd.DataFrame:
    """A conformed mentions frame of the given rows."""
    return s.conform_mentions(pd.DataFrame(list(rows)))


def articles(rows: Sequence[dict[str, Any]] = ARTICLES) -> pd.DataFrame:
    """A conformed articles frame (with text) of the given rows."""
    return s.conform_articles(pd.DataFrame(list(rows)))


def renamed(rows: Sequence[dict[str, Any]], old: str, new: str) -> list[dict[str, Any]]:
    """The rows with event id `old` renamed `new` (what a rebuild with other id rules does)."""
    return [{**r, s.EVENT_ID: new} if r[s.EVENT_ID] == old else dict(r) for r in rows]
