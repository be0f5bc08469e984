"""A small hand-made output folder for the dashboard tests: known events, so tests can expect exact counts.

Written with data_prep.io.write_outputs, exactly as `python -m data_prep build` writes a folder.
One article is hostile (HTML and Markdown in its text and evidence) to prove nothing is rendered.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd

from data_prep import io, schema as S

HOSTILE_MARKUP = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'

ARTICLES = [
    {
        S.ARTICLE_ID: "a1", S.FILE: "jenin.txt", S.TITLE: "Raid on Jenin camp", S.OUTLET: "The Cradle",
        S.PUBLISHED: date(2023, 1, 27), S.FORMAT: "txt", S.STATUS: S.STATUS_OK,
        S.TEXT: "Raid on Jenin camp\n\nIsraeli troops killed 10 Palestinians in the Jenin refugee camp on Thursday. "
                "Hamas pledged a response.",
    },
    {
        S.ARTICLE_ID: "a2", S.FILE: "ashkelon.txt", S.TITLE: "Rockets at Ashkelon", S.OUTLET: "Times of Israel",
        S.PUBLISHED: date(2023, 1, 27), S.FORMAT: "txt", S.STATUS: S.STATUS_OK,
        S.TEXT: "Two rockets were fired at Ashkelon early on Friday and intercepted. "
                "The army said 10 Palestinians were killed in Jenin, the ministry said 9.",
    },
    {
        S.ARTICLE_ID: "a3", S.FILE: "gaza.txt", S.TITLE: "Weeks of strikes", S.OUTLET: "Al Jazeera",
        S.PUBLISHED: date(2023, 3, 1), S.FORMAT: "txt", S.STATUS: S.STATUS_OK,
        S.TEXT: "Two weeks of bombardment on Gaza City killed 50 people, the health ministry said.",
    },
    {
        S.ARTICLE_ID: "a4", S.FILE: "hostile.txt", S.TITLE: "Hostile <b>title</b>", S.OUTLET: "Unknown Wire",
        S.PUBLISHED: date(2023, 2, 10), S.FORMAT: "txt", S.STATUS: S.STATUS_OK,
        S.TEXT: f"Settlers attacked Huwara {HOSTILE_MARKUP} **bold** [link](javascript:alert(1)) on Friday.",
    },
    {
        S.ARTICLE_ID: "a5", S.FILE: "protest.md", S.TITLE: "Protest", S.OUTLET: "Haaretz", S.FORMAT: "md",
        S.STATUS: S.STATUS_UNDATED, S.REASON: "no publication date found",
        S.TEXT: "Hundreds protested in Tel Aviv against the judicial overhaul.",
    },
    {S.FILE: "broken.pdf", S.STATUS: S.STATUS_REJECTED, S.REASON: "unsupported file type .pdf"},
]


def _span(article_id: str, sentence: str) -> tuple[int, int]:
    text = next(a[S.TEXT] for a in ARTICLES if a.get(S.ARTICLE_ID) == article_id)
    start = text.index(sentence)
    return start, start + len(sentence)


def _claim(kind: str, count: int, claimant: str | None, text: str, article_id: str, file: str) -> dict[str, object]:
    return {"kind": kind, "count": count, "claimant": claimant, "text": text, "minimum": False,
            S.ARTICLE_ID: article_id, S.SOURCE_FILE: file}


JENIN = "Israeli troops killed 10 Palestinians in the Jenin refugee camp on Thursday."
HUWARA = f"Settlers attacked Huwara {HOSTILE_MARKUP} **bold** [link](javascript:alert(1)) on Friday."

EVENTS = [
    {
        S.EVENT_ID: "EVjenin", S.EVENT_DATE: date(2023, 1, 26), S.DATE_PRECISION: S.PRECISION_DAY,
        S.EVENT_TYPE: "Battles", S.SUB_EVENT_TYPE: "Armed clash", S.ACTOR1: "Israeli military",
        S.ACTOR2: "Unidentified Palestinian armed group", S.COUNTRY: "Palestine", S.ADMIN1: "West Bank",
        S.LOCATION: "Jenin", S.LATITUDE: 32.46, S.LONGITUDE: 35.30, S.GEO_PRECISION: 1,
        S.INTER1: 1, S.INTER2: 3, S.INTERACTION: 13,
        S.SOURCE: "The Cradle;Times of Israel", S.FATALITIES: 9, S.FATALITIES_MAX: 10, S.CONTESTED: True,
        S.EVIDENCE: JENIN, S.SOURCE_FILES: "jenin.txt;ashkelon.txt", S.ARTICLE_IDS: "a1;a2", S.MENTION_COUNT: 2,
        S.NOTES: "2023-01-26: Israeli military - Armed clash - Jenin; 9 killed",
        S.CLAIMS: json.dumps([
            _claim("killed", 10, "The Cradle", "killed 10 Palestinians", "a1", "jenin.txt"),
            _claim("killed", 10, "the army", "10 Palestinians were killed", "a2", "ashkelon.txt"),
            _claim("killed", 9, "the ministry", "the ministry said 9", "a2", "ashkelon.txt"),
        ]),
    },
    {
        S.EVENT_ID: "EVashkelon", S.EVENT_DATE: date(2023, 1, 27), S.DATE_PRECISION: S.PRECISION_DAY,
        S.EVENT_TYPE: "Explosions/Remote violence", S.SUB_EVENT_TYPE: "Shelling/artillery/missile attack",
        S.ACTOR1: "Unidentified Palestinian armed group", S.COUNTRY: "Israel", S.ADMIN1: "Israel",
        S.LOCATION: "Ashkelon", S.LATITUDE: 31.67, S.LONGITUDE: 34.57, S.GEO_PRECISION: 1,
        S.SOURCE: "Times of Israel", S.FATALITIES: 0, S.FATALITIES_MAX: 0, S.CONTESTED: False,
        S.EVIDENCE: "Two rockets were fired at Ashkelon early on Friday and intercepted.",
        S.SOURCE_FILES: "ashkelon.txt", S.ARTICLE_IDS: "a2", S.MENTION_COUNT: 1, S.CLAIMS: "[]",
        S.NOTES: "2023-01-27: Unidentified Palestinian armed group - Shelling/artillery/missile attack - Ashkelon",
    },
    {
        S.EVENT_ID: "EVpledge", S.EVENT_DATE: date(2023, 1, 26), S.DATE_PRECISION: S.PRECISION_APPROX,
        S.DATE_START: date(2023, 1, 25), S.DATE_END: date(2023, 1, 27),
        S.EVENT_TYPE: S.STATEMENT, S.SUB_EVENT_TYPE: "Other", S.ACTOR1: "Hamas",
        S.SOURCE: "The Cradle", S.EVIDENCE: "Hamas pledged a response.", S.SOURCE_FILES: "jenin.txt",
        S.ARTICLE_IDS: "a1", S.MENTION_COUNT: 1, S.CLAIMS: "[]", S.CONTESTED: False,
    },
    {
        S.EVENT_ID: "EVgaza", S.EVENT_DATE: date(2023, 2, 22), S.DATE_PRECISION: S.PRECISION_RANGE,
        S.DATE_START: date(2023, 2, 15), S.DATE_END: date(2023, 3, 1),
        S.EVENT_TYPE: "Explosions/Remote violence", S.SUB_EVENT_TYPE: "Air/drone strike",
        S.ACTOR1: "Israeli military", S.COUNTRY: "Palestine", S.ADMIN1: "Gaza Strip", S.LOCATION: "Gaza City",
        S.LATITUDE: 31.52, S.LONGITUDE: 34.45, S.GEO_PRECISION: 1, S.SOURCE: "Al Jazeera",
        S.FATALITIES: 50, S.FATALITIES_MAX: 50, S.CONTESTED: False,
        S.EVIDENCE: "Two weeks of bombardment on Gaza City killed 50 people, the health ministry said.",
        S.SOURCE_FILES: "gaza.txt", S.ARTICLE_IDS: "a3", S.MENTION_COUNT: 1,
        S.CLAIMS: json.dumps([_claim("killed", 50, "the health ministry", "killed 50 people", "a3", "gaza.txt")]),
    },
    {
        S.EVENT_ID: "EVhuwara", S.EVENT_DATE: date(2023, 2, 10), S.DATE_PRECISION: S.PRECISION_DAY,
        S.EVENT_TYPE: "Violence against civilians", S.SUB_EVENT_TYPE: "Attack", S.ACTOR1: "Israeli settlers",
        S.COUNTRY: "Palestine", S.ADMIN1: "West Bank", S.LOCATION: "Huwara", S.LATITUDE: 32.15,
        S.LONGITUDE: 35.25, S.GEO_PRECISION: 1, S.SOURCE: "Unknown Wire", S.INJURIES: 3, S.INJURIES_MAX: 3,
        S.INTER1: 4, S.INTER2: 7, S.INTERACTION: 47, S.CIVILIAN_TARGETING: "Civilian targeting",
        S.CONTESTED: False, S.EVIDENCE: HUWARA, S.SOURCE_FILES: "hostile.txt", S.ARTICLE_IDS: "a4",
        S.MENTION_COUNT: 1, S.CLAIMS: "[]", S.NOTES: f"note with {HOSTILE_MARKUP}",
    },
    {
        S.EVENT_ID: "EVundated", S.DATE_PRECISION: S.PRECISION_UNKNOWN, S.EVENT_TYPE: "Protests",
        S.SUB_EVENT_TYPE: "Peaceful protest", S.ACTOR1: "Protesters (Israel)", S.COUNTRY: "Israel",
        S.ADMIN1: "Israel", S.LOCATION: "Tel Aviv", S.LATITUDE: 32.08, S.LONGITUDE: 34.78, S.GEO_PRECISION: 1,
        S.SOURCE: "Haaretz", S.CONTESTED: False, S.EVIDENCE: "Hundreds protested in Tel Aviv against the judicial overhaul.",
        S.SOURCE_FILES: "protest.md", S.ARTICLE_IDS: "a5", S.MENTION_COUNT: 1, S.CLAIMS: "[]",
    },
]


def _mention(event: dict[str, object], article_id: str, mention_id: str) -> dict[str, object]:
    article = next(a for a in ARTICLES if a.get(S.ARTICLE_ID) == article_id)
    evidence = str(event[S.EVIDENCE])
    text = str(article[S.TEXT])
    start = text.find(evidence)
    return {
        S.MENTION_ID: mention_id, S.EVENT_ID: event[S.EVENT_ID], S.ARTICLE_ID: article_id,
        S.SOURCE_FILE: article[S.FILE], S.OUTLET: article[S.OUTLET], S.PUBLISHED: article.get(S.PUBLISHED),
        **{c: event.get(c) for c in (S.EVENT_DATE, S.DATE_START, S.DATE_END, S.DATE_PRECISION, S.EVENT_TYPE,
                                      S.SUB_EVENT_TYPE, S.ACTOR1, S.ACTOR2, S.LOCATION, S.FATALITIES, S.INJURIES)},
        S.CLAIMS: event[S.CLAIMS], S.EVIDENCE: evidence,
        S.EVIDENCE_START: start if start >= 0 else None, S.EVIDENCE_END: start + len(evidence) if start >= 0 else None,
    }


def sample_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(events, mentions, articles), conformed to the schema."""
    events = []
    for row in EVENTS:
        row = dict(row)
        article = str(row[S.ARTICLE_IDS]).split(S.LIST_SEPARATOR)[0]
        text = next(a[S.TEXT] for a in ARTICLES if a.get(S.ARTICLE_ID) == article)
        start = str(text).find(str(row[S.EVIDENCE]))
        if start >= 0:
            row[S.EVIDENCE_START], row[S.EVIDENCE_END] = start, start + len(str(row[S.EVIDENCE]))
        if row.get(S.EVENT_DATE):
            row[S.YEAR] = row[S.EVENT_DATE].year  # type: ignore[union-attr]
        events.append(row)
    mentions = [
        _mention(EVENTS[0], "a1", "m1"), _mention(EVENTS[0], "a2", "m2"), _mention(EVENTS[1], "a2", "m3"),
        _mention(EVENTS[2], "a1", "m4"), _mention(EVENTS[3], "a3", "m5"), _mention(EVENTS[4], "a4", "m6"),
        _mention(EVENTS[5], "a5", "m7"),
    ]
    # The Jenin event's second telling is the army's sentence in a2.
    mentions[1] = {**mentions[1], S.EVIDENCE: "The army said 10 Palestinians were killed in Jenin, the ministry said 9."}
    text2 = str(ARTICLES[1][S.TEXT])
    start = text2.index("The army said")
    mentions[1][S.EVIDENCE_START], mentions[1][S.EVIDENCE_END] = start, len(text2)
    return (
        S.conform_events(pd.DataFrame(events)),
        S.conform_mentions(pd.DataFrame(mentions)),
        S.conform_articles(pd.DataFrame(ARTICLES), with_text=True),
    )


def write_sample(folder: Path) -> Path:
    """Write the sample tables into `folder` (as a build would) and return it."""
    events, mentions, articles = sample_tables()
    io.write_outputs(folder, events, mentions, articles)
    return folder


def build_seeds(folder: Path) -> Path:
    """Build the bundled seeds into `folder` with the real pipeline (as `make run` does)."""
    from data_prep import build_event_table
    from data_prep.settings import SEEDS_DIR

    result = build_event_table(SEEDS_DIR)
    io.write_outputs(folder, result.events, result.mentions, result.articles)
    return folder
