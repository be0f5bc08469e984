"""The one place that names the event, mention and article columns, their order and dtypes.

Every other module uses these constants instead of spelling a column as a string.
ACLED's column names are used where ACLED has the field; the rest are ours.
"""
from __future__ import annotations

import pandas as pd

# --- events: ACLED's columns first, in ACLED's order -------------------------
EVENT_ID = "event_id"
EVENT_DATE = "event_date"
YEAR = "year"
TIME_PRECISION = "time_precision"
DISORDER_TYPE = "disorder_type"
EVENT_TYPE = "event_type"
SUB_EVENT_TYPE = "sub_event_type"
ACTOR1 = "actor1"
ASSOC_ACTOR_1 = "assoc_actor_1"
INTER1 = "inter1"
ACTOR2 = "actor2"
ASSOC_ACTOR_2 = "assoc_actor_2"
INTER2 = "inter2"
INTERACTION = "interaction"
CIVILIAN_TARGETING = "civilian_targeting"
COUNTRY = "country"
ADMIN1 = "admin1"
LOCATION = "location"
LATITUDE = "latitude"
LONGITUDE = "longitude"
GEO_PRECISION = "geo_precision"
SOURCE = "source"
NOTES = "notes"
FATALITIES = "fatalities"
# --- ours -------------------------------------------------------------------
DATE_START = "date_start"
DATE_END = "date_end"
DATE_PRECISION = "date_precision"
INJURIES = "injuries"
FATALITIES_MAX = "fatalities_max"
INJURIES_MAX = "injuries_max"
CLAIMS = "claims"
CONTESTED = "contested"
EVIDENCE = "evidence"
EVIDENCE_START = "evidence_start"
EVIDENCE_END = "evidence_end"
SOURCE_FILES = "source_files"
ARTICLE_IDS = "article_ids"
MENTION_COUNT = "mention_count"
CODING = "coding"  # why it was coded so (JSON): the words or default behind type, actor, place, day, toll

ACLED_COLUMNS: tuple[str, ...] = (
    EVENT_ID, EVENT_DATE, YEAR, TIME_PRECISION, DISORDER_TYPE, EVENT_TYPE, SUB_EVENT_TYPE,
    ACTOR1, ASSOC_ACTOR_1, INTER1, ACTOR2, ASSOC_ACTOR_2, INTER2, INTERACTION,
    CIVILIAN_TARGETING, COUNTRY, ADMIN1, LOCATION, LATITUDE, LONGITUDE, GEO_PRECISION,
    SOURCE, NOTES, FATALITIES,
)
EXTRA_EVENT_COLUMNS: tuple[str, ...] = (
    DATE_START, DATE_END, DATE_PRECISION, INJURIES, FATALITIES_MAX, INJURIES_MAX, CLAIMS,
    CONTESTED, EVIDENCE, EVIDENCE_START, EVIDENCE_END, SOURCE_FILES, ARTICLE_IDS, MENTION_COUNT, CODING,
)
EVENT_COLUMNS: tuple[str, ...] = ACLED_COLUMNS + EXTRA_EVENT_COLUMNS

# Nullable dtypes: a missing number stays missing (<NA>), it never becomes 0.
_STR = "string"
EVENT_DTYPES: dict[str, str] = {
    EVENT_ID: _STR, EVENT_DATE: "datetime64[ns]", YEAR: "Int64", TIME_PRECISION: "Int64",
    DISORDER_TYPE: _STR, EVENT_TYPE: _STR, SUB_EVENT_TYPE: _STR,
    ACTOR1: _STR, ASSOC_ACTOR_1: _STR, INTER1: "Int64", ACTOR2: _STR, ASSOC_ACTOR_2: _STR,
    INTER2: "Int64", INTERACTION: "Int64", CIVILIAN_TARGETING: _STR,
    COUNTRY: _STR, ADMIN1: _STR, LOCATION: _STR, LATITUDE: "Float64", LONGITUDE: "Float64",
    GEO_PRECISION: "Int64", SOURCE: _STR, NOTES: _STR, FATALITIES: "Int64",
    DATE_START: "datetime64[ns]", DATE_END: "datetime64[ns]", DATE_PRECISION: _STR,
    INJURIES: "Int64", FATALITIES_MAX: "Int64", INJURIES_MAX: "Int64", CLAIMS: _STR,
    CONTESTED: "boolean", EVIDENCE: _STR, EVIDENCE_START: "Int64", EVIDENCE_END: "Int64",
    SOURCE_FILES: _STR, ARTICLE_IDS: _STR, MENTION_COUNT: "Int64", CODING: _STR,
}

# --- mentions: which article said what about which event ---------------------
MENTION_ID = "mention_id"
ARTICLE_ID = "article_id"
SOURCE_FILE = "source_file"
OUTLET = "outlet"
PUBLISHED = "published"
MENTION_COLUMNS: tuple[str, ...] = (
    MENTION_ID, EVENT_ID, ARTICLE_ID, SOURCE_FILE, OUTLET, PUBLISHED, EVENT_DATE,
    DATE_START, DATE_END, DATE_PRECISION, EVENT_TYPE, SUB_EVENT_TYPE, ACTOR1, ACTOR2,
    LOCATION, FATALITIES, INJURIES, CLAIMS, EVIDENCE, EVIDENCE_START, EVIDENCE_END, CODING,
)
MENTION_DTYPES: dict[str, str] = {
    **{c: EVENT_DTYPES[c] for c in MENTION_COLUMNS if c in EVENT_DTYPES},
    MENTION_ID: _STR, ARTICLE_ID: _STR, SOURCE_FILE: _STR, OUTLET: _STR,
    PUBLISHED: "datetime64[ns]",
}

# --- articles: one row per input file, accepted or not ----------------------
FILE = "file"
TITLE = "title"
URL = "url"
AUTHOR = "author"
PUBLISHED_ORIGIN = "published_origin"
FORMAT = "format"
EVENTS_FOUND = "events_found"
STATUS = "status"
REASON = "reason"
TEXT = "text"
RAW_TEXT = "raw_text"  # the source text as read, when cleaning changed it (evidence spans point into it)
ARTICLE_COLUMNS: tuple[str, ...] = (
    ARTICLE_ID, FILE, TITLE, OUTLET, URL, AUTHOR, PUBLISHED, PUBLISHED_ORIGIN, FORMAT,
    EVENTS_FOUND, STATUS, REASON,
)
ARTICLE_TEXT_COLUMNS: tuple[str, ...] = ARTICLE_COLUMNS + (TEXT, RAW_TEXT)
ARTICLE_DTYPES: dict[str, str] = {
    ARTICLE_ID: _STR, FILE: _STR, TITLE: _STR, OUTLET: _STR, URL: _STR, AUTHOR: _STR,
    PUBLISHED: "datetime64[ns]", PUBLISHED_ORIGIN: _STR, FORMAT: _STR, EVENTS_FOUND: "Int64",
    STATUS: _STR, REASON: _STR, TEXT: _STR, RAW_TEXT: _STR,
}

# Article status values.
STATUS_OK = "ok"
STATUS_UNDATED = "undated"
STATUS_REJECTED = "rejected"

# Date precision words and ACLED time_precision codes (1 day, 2 week/approx, 3 month or vaguer).
PRECISION_DAY = "day"
PRECISION_APPROX = "approx"
PRECISION_RANGE = "range"
PRECISION_MONTH = "month"
PRECISION_UNKNOWN = "unknown"
DATE_PRECISIONS: tuple[str, ...] = (
    PRECISION_DAY, PRECISION_APPROX, PRECISION_RANGE, PRECISION_MONTH, PRECISION_UNKNOWN,
)
TIME_PRECISION_OF: dict[str, int] = {
    PRECISION_DAY: 1, PRECISION_APPROX: 2, PRECISION_RANGE: 2, PRECISION_MONTH: 3, PRECISION_UNKNOWN: 3,
}

STATEMENT = "Statement"
EVENT_TYPES: tuple[str, ...] = (
    "Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
    "Strategic developments", STATEMENT,
)
ADMIN_AREAS: tuple[str, ...] = ("Gaza Strip", "West Bank", "East Jerusalem", "Israel")

# Multi-valued text cells (source_files, article_ids, source) are joined with this.
LIST_SEPARATOR = ";"


class SchemaError(ValueError):
    """A frame does not fit the schema (unknown or missing columns)."""


def _conform(df: pd.DataFrame, columns: tuple[str, ...], dtypes: dict[str, str], strict: bool) -> pd.DataFrame:
    unknown = [c for c in df.columns if c not in dtypes]
    if strict and unknown:
        raise SchemaError(f"unknown columns: {', '.join(map(str, unknown))}")
    out = pd.DataFrame(index=df.index)
    for column in columns:
        dtype = dtypes[column]
        values = df[column] if column in df.columns else pd.Series(pd.NA, index=df.index)
        if dtype.startswith("datetime"):
            out[column] = pd.to_datetime(values, errors="coerce").astype(dtype)
        elif dtype == "boolean":
            out[column] = values.astype("boolean")
        else:
            out[column] = values.astype(dtype)
    return out.reset_index(drop=True)


def conform_events(df: pd.DataFrame, strict: bool = True) -> pd.DataFrame:
    """Return a copy with exactly EVENT_COLUMNS, in order, cast to EVENT_DTYPES (missing ones filled with NA)."""
    return _conform(df, EVENT_COLUMNS, EVENT_DTYPES, strict)


def conform_mentions(df: pd.DataFrame, strict: bool = True) -> pd.DataFrame:
    """Return a copy with exactly MENTION_COLUMNS, in order, cast to MENTION_DTYPES."""
    return _conform(df, MENTION_COLUMNS, MENTION_DTYPES, strict)


def conform_articles(df: pd.DataFrame, strict: bool = True, with_text: bool = True) -> pd.DataFrame:
    """Return a copy with ARTICLE_COLUMNS (plus TEXT and RAW_TEXT when with_text), cast to ARTICLE_DTYPES."""
    columns = ARTICLE_TEXT_COLUMNS if with_text else ARTICLE_COLUMNS
    return _conform(df, columns, ARTICLE_DTYPES, strict)


def empty_events() -> pd.DataFrame:
    """An events frame with no rows and the right dtypes."""
    return conform_events(pd.DataFrame(columns=list(EVENT_COLUMNS)))

# --- review columns: added to the events frame when analysts' decisions are applied ---------
REVIEW_STATUS = "review_status"
REVIEWER = "reviewer"
REVIEW_NOTE = "review_note"
REVIEWED_AT = "reviewed_at"
ORPHANED = "orphaned"
REVIEW_COLUMNS: tuple[str, ...] = (REVIEW_STATUS, REVIEWER, REVIEW_NOTE, REVIEWED_AT)
REVIEW_DTYPES: dict[str, str] = {
    REVIEW_STATUS: _STR, REVIEWER: _STR, REVIEW_NOTE: _STR, REVIEWED_AT: "datetime64[ns, UTC]",
}
STATUS_UNREVIEWED = "unreviewed"
STATUS_VERIFIED = "verified"
STATUS_REJECTED_EVENT = "rejected"
STATUS_NEEDS_WORK = "needs work"
REVIEW_STATUSES: tuple[str, ...] = (STATUS_UNREVIEWED, STATUS_VERIFIED, STATUS_REJECTED_EVENT, STATUS_NEEDS_WORK)

# --- review store: extra columns of the reviewed table, the review log and the "changed since" view ---
EDITED_FIELDS = "edited_fields"  # the coded fields an analyst changed, joined by LIST_SEPARATOR
REATTACHED_FROM = "reattached_from"  # decided event ids whose decisions now hang on this event
MENTION_IDS = "mention_ids"
LOG_ID = "action_id"
LOG_AT = "at"
ACTION = "action"
FIELD = "field"
OLD_VALUE = "old_value"
NEW_VALUE = "new_value"
LOG_NOTE = "note"
RELATED_EVENT_ID = "related_event_id"
PAYLOAD = "payload"
REVIEW_LOG_COLUMNS: tuple[str, ...] = (
    LOG_ID, LOG_AT, REVIEWER, EVENT_ID, ARTICLE_ID, ACTION, FIELD, OLD_VALUE, NEW_VALUE, LOG_NOTE,
    RELATED_EVENT_ID, PAYLOAD,
)
CHANGE_KIND = "change"
CHANGED_AT = "changed_at"
CHANGE_DETAIL = "change_detail"
CHANGE_NEW = "new"
CHANGE_CHANGED = "changed"
CHANGE_REMOVED = "removed"
CHANGE_REVIEWED = "reviewed"
CHANGE_KINDS: tuple[str, ...] = (CHANGE_NEW, CHANGE_CHANGED, CHANGE_REMOVED, CHANGE_REVIEWED)

# ACLED's sub-event types per event type (ACLED codebook); Statement is ours and has none.
SUB_EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": ("Armed clash", "Government regains territory", "Non-state actor overtakes territory"),
    "Explosions/Remote violence": (
        "Air/drone strike", "Shelling/artillery/missile attack", "Remote explosive/landmine/IED", "Grenade",
        "Suicide bomb", "Chemical weapon",
    ),
    "Violence against civilians": ("Attack", "Abduction/forced disappearance", "Sexual violence"),
    "Protests": ("Peaceful protest", "Protest with intervention", "Excessive force against protesters"),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
        "Headquarters or base established", "Looting/property destruction", "Non-violent transfer of territory",
        "Other",
    ),
    STATEMENT: (),
}
