"""The analyst review store: an append-only SQLite log of decisions, and applying it to the machine table.

Machine-coded events are a draft. Analysts confirm or reject them, correct fields, merge, split and
annotate; those decisions live in `reviews.sqlite` in the data folder, never in the machine files.

* Every decision is one or more rows in the `actions` log (append-only: triggers refuse UPDATE and
  DELETE). The `overrides` table holds what is in force per (event, field); it is written in the same
  transaction as the log row, so the two never disagree (`rebuild_overrides` re-derives it to check).
* Writes are `BEGIN IMMEDIATE` transactions on a fresh connection each time; readers see a
  consistent WAL snapshot. Nothing is cached between calls, so a colleague's decision is visible on
  the next read. A killed writer leaves no trace of its uncommitted transaction.
* Decisions hang on event ids and remember the mention ids the event had. When a rebuild drops an
  event id, its decisions follow a surviving mention to the new event; failing that they are shown
  as orphans (`orphans`), never dropped.
* `apply_reviews(events, mentions, store)` returns a new frame: machine values with the overrides
  on top, plus review status, reviewer, note, time and the list of edited fields.
"""
from __future__ import annotations

import functools
import json
import logging
import math
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import schema, settings
from .csv_cells import neutralise_frame
from .models import Article

LOGGER = logging.getLogger(__name__)

STORE_VERSION = 1
BUSY_TIMEOUT_MS = 15_000

# Action kinds in the log.
ACTION_STATUS = "status"
ACTION_EDIT = "edit"
ACTION_NOTE = "note"
ACTION_MERGE = "merge"
ACTION_SPLIT = "split"
ACTION_REVERT = "revert"
ACTION_PUBLISHED = "set_published"
ACTIONS: tuple[str, ...] = (
    ACTION_STATUS, ACTION_EDIT, ACTION_NOTE, ACTION_MERGE, ACTION_SPLIT, ACTION_REVERT, ACTION_PUBLISHED,
)

# Structural decisions are stored as overrides on these pseudo-fields of the absorbed / split event.
MERGED_INTO = "merged_into"
SPLIT = "split"
STRUCTURE_FIELDS: tuple[str, ...] = (MERGED_INTO, SPLIT)
STATE_FIELDS: tuple[str, ...] = (schema.REVIEW_STATUS, schema.REVIEW_NOTE)

# Coded fields an analyst may correct. Derived columns (year, time_precision) follow from them.
DATE_FIELDS: tuple[str, ...] = (schema.EVENT_DATE, schema.DATE_START, schema.DATE_END, schema.DATE_PRECISION)
PLACE_FIELDS: tuple[str, ...] = (
    schema.LOCATION, schema.ADMIN1, schema.COUNTRY, schema.LATITUDE, schema.LONGITUDE, schema.GEO_PRECISION,
)
EDITABLE_FIELDS: tuple[str, ...] = DATE_FIELDS + (
    schema.EVENT_TYPE, schema.SUB_EVENT_TYPE, schema.DISORDER_TYPE,
    schema.ACTOR1, schema.ASSOC_ACTOR_1, schema.INTER1, schema.ACTOR2, schema.ASSOC_ACTOR_2, schema.INTER2,
    schema.CIVILIAN_TARGETING,
) + PLACE_FIELDS + (schema.FATALITIES, schema.INJURIES)
# Fields a revert may target: the edits, the status, the note and the structural decisions.
REVERTIBLE_FIELDS: tuple[str, ...] = EDITABLE_FIELDS + (schema.REVIEW_STATUS, schema.REVIEW_NOTE) + STRUCTURE_FIELDS

# What a decision remembers of the event as the analyst saw it (shown when the event is orphaned)
# and what the "changed since" view compares between builds.
SNAPSHOT_FIELDS: tuple[str, ...] = EDITABLE_FIELDS + (schema.SOURCE_FILES, schema.ARTICLE_IDS, schema.MENTION_COUNT)
VERSION_FIELDS: tuple[str, ...] = SNAPSHOT_FIELDS

_UTC_NS = schema.REVIEW_DTYPES[schema.REVIEWED_AT]

# Split-out events get an id made from their mention id, so it is the same after every rebuild.
SPLIT_ID_PREFIX = "split:"

_SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    event_id TEXT,
    article_id TEXT,
    action TEXT NOT NULL,
    field TEXT,
    old_value TEXT,
    new_value TEXT,
    note TEXT,
    related_event_id TEXT,
    payload TEXT NOT NULL DEFAULT '{}',
    CHECK (event_id IS NOT NULL OR article_id IS NOT NULL)
);
CREATE INDEX IF NOT EXISTS actions_event ON actions(event_id);
CREATE INDEX IF NOT EXISTS actions_related ON actions(related_event_id);
CREATE INDEX IF NOT EXISTS actions_article ON actions(article_id);
CREATE INDEX IF NOT EXISTS actions_at ON actions(at);
CREATE INDEX IF NOT EXISTS actions_reviewer ON actions(reviewer, at);
CREATE TRIGGER IF NOT EXISTS actions_no_update BEFORE UPDATE ON actions
    BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS actions_no_delete BEFORE DELETE ON actions
    BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;
CREATE TABLE IF NOT EXISTS overrides (
    event_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT,
    action_id INTEGER NOT NULL REFERENCES actions(id),
    PRIMARY KEY (event_id, field)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS article_overrides (
    article_id TEXT PRIMARY KEY,
    published TEXT,
    action_id INTEGER NOT NULL REFERENCES actions(id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS anchors (
    event_id TEXT PRIMARY KEY,
    mention_ids TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    action_id INTEGER NOT NULL REFERENCES actions(id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS builds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    events INTEGER NOT NULL,
    table_hash TEXT NOT NULL,
    snapshot BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS builds_at ON builds(at);
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reviewer TEXT NOT NULL,
    started_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_reviewer ON sessions(reviewer, id);
"""


class ReviewError(ValueError):
    """A decision that cannot be recorded as asked (bad value, unknown field, missing reviewer)."""


class ReviewStoreError(RuntimeError):
    """The review store file cannot be used (written by a newer version, not a database)."""


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewAction:
    """One row of the review log: who did what to which event or article, when, from what to what."""

    id: int
    at: datetime
    reviewer: str
    event_id: str | None
    article_id: str | None
    action: str
    field: str | None
    old_value: Any
    new_value: Any
    note: str | None
    related_event_id: str | None = None
    payload: Mapping[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """A one-line English account of the action (no markup)."""
        if self.action == ACTION_MERGE:
            return f"merged {self.related_event_id} into {self.event_id}"
        if self.action == ACTION_SPLIT:
            return f"split mentions {', '.join(self.new_value or [])} out of {self.event_id}"
        if self.action == ACTION_PUBLISHED:
            return f"publication date of {self.article_id}: {_show(self.old_value)} → {_show(self.new_value)}"
        if self.action == ACTION_REVERT:
            return f"reverted {self.field} to the machine value (was {_show(self.old_value)})"
        return f"{self.field}: {_show(self.old_value)} → {_show(self.new_value)}"


@dataclass(frozen=True)
class EventRef:
    """The event a decision is about, as the analyst saw it: id, its mention ids, its values."""

    event_id: str
    mention_ids: tuple[str, ...] = ()
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Override:
    """A value in force for one (event, field), and the action that set it."""

    event_id: str
    field: str
    value: Any
    action_id: int
    reviewer: str
    at: datetime


@dataclass(frozen=True)
class ReviewState:
    """Everything in force in the store at one moment: the input of the pure `apply_state`."""

    overrides: tuple[Override, ...] = ()
    anchors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    snapshots: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    last_actions: Mapping[str, tuple[int, str, datetime]] = field(default_factory=dict)
    article_dates: Mapping[str, Override] = field(default_factory=dict)


@dataclass(frozen=True)
class SnapshotSummary:
    """What recording a build's events changed in the version table."""

    new: int
    changed: int
    removed: int


@dataclass(frozen=True)
class ReviewedTables:
    """The machine tables with the decisions applied, and where each decided id ended up."""

    events: pd.DataFrame
    mentions: pd.DataFrame
    resolution: Mapping[str, str | None]
    orphans: pd.DataFrame
    merges: Mapping[str, str] = field(default_factory=dict)  # merged-away decided id -> event it is in now
    splits: Mapping[str, str] = field(default_factory=dict)  # decided id of a split event -> its row now
    state: ReviewState = field(default_factory=ReviewState)
    articles: pd.DataFrame | None = None  # the articles table with corrected dates, when one was rebuilt

    def merged_into(self, event_id: str) -> list[str]:
        """Decided ids merged into `event_id` (each can be undone with a revert of MERGED_INTO)."""
        return sorted(a for a, t in self.merges.items() if t == event_id)

    def split_decisions(self, event_id: str) -> list[str]:
        """Decided ids whose split now applies to `event_id` (undo with a revert of SPLIT)."""
        return sorted(d for d, p in self.splits.items() if p == event_id)

    def aliases(self, event_id: str) -> list[str]:
        """Other decided ids whose decisions show on `event_id`: re-attached, merged in or split from."""
        found = {d for d, t in self.resolution.items() if t == event_id and d != event_id}
        return sorted(found)

    def ref(self, event_id: str) -> EventRef:
        """The EventRef of a row of `events` (its mention ids and values), for recording a decision."""
        rows = self.events[self.events[schema.EVENT_ID] == event_id]
        if rows.empty:
            raise ReviewError(f"no event {event_id!r} in the current table")
        mention_ids = self.mentions.loc[self.mentions[schema.EVENT_ID] == event_id, schema.MENTION_ID]
        return EventRef(event_id, tuple(str(m) for m in mention_ids), rows.iloc[0].to_dict())

    def mentions_of(self, event_id: str) -> pd.DataFrame:
        """The mentions now under `event_id` (after merges and splits)."""
        return self.mentions[self.mentions[schema.EVENT_ID] == event_id].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Values: one JSON form per field, validated before anything is written
# --------------------------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        return bool(pd.isna(value)) if not isinstance(value, (list, tuple, dict, str)) else False
    except (TypeError, ValueError):
        return False


def _show(value: Any) -> str:
    return "(empty)" if _missing(value) or value == "" else str(value)


def encode_value(field_name: str, value: Any) -> Any:
    """The JSON form of `value` for `field_name`: ISO day for dates, int, float, bool or stripped text; None when empty.

    Raises ReviewError when the value does not fit the field's type.
    """
    if _missing(value):
        return None
    dtype = (schema.EVENT_DTYPES.get(field_name) or schema.ARTICLE_DTYPES.get(field_name)
             or schema.REVIEW_DTYPES.get(field_name) or "string")
    if dtype.startswith("datetime"):
        try:
            stamp = pd.Timestamp(value)
        except (TypeError, ValueError) as exc:
            raise ReviewError(f"{field_name}: {value!r} is not a date") from exc
        if pd.isna(stamp):
            return None
        return stamp.date().isoformat()
    if dtype == "Int64":
        if isinstance(value, bool):
            raise ReviewError(f"{field_name}: {value!r} is not a whole number")
        try:
            number = float(value)
        except (TypeError, ValueError) as exc:
            raise ReviewError(f"{field_name}: {value!r} is not a whole number") from exc
        if not number.is_integer():
            raise ReviewError(f"{field_name}: {value!r} is not a whole number")
        return int(number)
    if dtype == "Float64":
        try:
            number = float(value)
        except (TypeError, ValueError) as exc:
            raise ReviewError(f"{field_name}: {value!r} is not a number") from exc
        return None if math.isnan(number) else number
    if dtype == "boolean":
        return bool(value)
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None


def _check_value(field_name: str, value: Any) -> None:
    """Range and vocabulary checks for one encoded value (None is always allowed)."""
    if value is None:
        return
    if field_name == schema.EVENT_TYPE and value not in schema.EVENT_TYPES:
        raise ReviewError(f"event_type: {value!r} is not one of {', '.join(schema.EVENT_TYPES)}")
    if field_name == schema.DATE_PRECISION and value not in schema.DATE_PRECISIONS:
        raise ReviewError(f"date_precision: {value!r} is not one of {', '.join(schema.DATE_PRECISIONS)}")
    if field_name in (schema.FATALITIES, schema.INJURIES) and value < 0:
        raise ReviewError(f"{field_name}: {value} is negative")
    if field_name == schema.LATITUDE and not -90 <= value <= 90:
        raise ReviewError(f"latitude: {value} is outside -90..90")
    if field_name == schema.LONGITUDE and not -180 <= value <= 180:
        raise ReviewError(f"longitude: {value} is outside -180..180")
    if field_name == schema.GEO_PRECISION and value not in (1, 2, 3):
        raise ReviewError(f"geo_precision: {value} is not 1, 2 or 3")
    if field_name in (schema.INTER1, schema.INTER2) and not 0 <= value <= 8:
        raise ReviewError(f"{field_name}: {value} is not an ACLED inter code (0..8)")
    if field_name == schema.REVIEW_STATUS and value not in schema.REVIEW_STATUSES:
        raise ReviewError(f"review_status: {value!r} is not one of {', '.join(schema.REVIEW_STATUSES)}")
    if field_name in DATE_FIELDS[:3] and int(value[:4]) < settings.MIN_YEAR:
        raise ReviewError(f"{field_name}: {value} is before {settings.MIN_YEAR}")


def _check_consistency(values: Mapping[str, Any]) -> None:
    """Cross-field checks on an event's encoded values after edits: dates in order, coordinates paired."""
    day, start, end = (values.get(f) for f in DATE_FIELDS[:3])
    if start and end and start > end:
        raise ReviewError(f"date_start {start} is after date_end {end}")
    if day and start and day < start:
        raise ReviewError(f"event_date {day} is before date_start {start}")
    if day and end and day > end:
        raise ReviewError(f"event_date {day} is after date_end {end}")
    lat, lon = values.get(schema.LATITUDE), values.get(schema.LONGITUDE)
    if (lat is None) != (lon is None):
        raise ReviewError("latitude and longitude must be given together")


def _check_sub_type(event_type: str | None, sub_type: str | None) -> None:
    """An ACLED sub-event type must belong to its event type (Statement has none to check)."""
    allowed = schema.SUB_EVENT_TYPES.get(event_type or "", ())
    if sub_type is not None and allowed and sub_type not in allowed:
        raise ReviewError(f"sub_event_type: {sub_type!r} is not a sub-type of {event_type} "
                          f"({', '.join(allowed)})")


def normalise_reviewer(name: str | None) -> str:
    """The reviewer's name with spaces tidied; raises ReviewError when empty or absurdly long."""
    text = re.sub(r"\s+", " ", name or "").strip()
    if not text:
        raise ReviewError("a reviewer name is required")
    if len(text) > 80:
        raise ReviewError("a reviewer name must be at most 80 characters")
    return text


def date_fields(day: date | None, precision: str, start: date | None = None, end: date | None = None) -> dict[str, Any]:
    """Consistent event_date, date_start, date_end and date_precision from what the analyst chose.

    `day` and `approx` make a one-day range; `month` spans the month of `day`; `range` needs `start` and
    `end` (the day defaults to `end`, the coding guide's habit for "the night of 26 to 27"); `unknown`
    clears the dates. Raises ReviewError when the choice is incomplete or out of order.
    """
    if precision not in schema.DATE_PRECISIONS:
        raise ReviewError(f"date_precision: {precision!r} is not one of {', '.join(schema.DATE_PRECISIONS)}")
    if precision == schema.PRECISION_UNKNOWN:
        return {schema.EVENT_DATE: None, schema.DATE_START: None, schema.DATE_END: None,
                schema.DATE_PRECISION: precision}
    if precision == schema.PRECISION_RANGE:
        if start is None or end is None:
            raise ReviewError("a date range needs both a first and a last day")
        if start > end:
            raise ReviewError(f"date_start {start.isoformat()} is after date_end {end.isoformat()}")
        day = day or end
        if not start <= day <= end:
            raise ReviewError(f"event_date {day.isoformat()} is outside {start.isoformat()}..{end.isoformat()}")
    elif day is None:
        raise ReviewError(f"a {precision} date needs a day")
    elif precision == schema.PRECISION_MONTH:
        start = day.replace(day=1)
        end = (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()
    else:
        start = end = day
    return {schema.EVENT_DATE: day, schema.DATE_START: start, schema.DATE_END: end,
            schema.DATE_PRECISION: precision}


def _encode_row(values: Mapping[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """Encoded values of `fields` from a row; fields the row lacks are left out."""
    out: dict[str, Any] = {}
    for name in fields:
        if name in values:
            try:
                out[name] = encode_value(name, values[name])
            except ReviewError:
                out[name] = str(values[name])
    return out


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    """ISO text of a UTC instant, fixed width so text order is time order; naive datetimes are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _parse_at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# --------------------------------------------------------------------------------------------
# The store
# --------------------------------------------------------------------------------------------


class ReviewStore:
    """The review database of one data folder. Cheap to create; every call opens its own connection.

    Durability: WAL journal (readers never block the writer), `synchronous=FULL` (each commit is
    fsynced: decisions arrive at human speed, so the cost is nothing next to losing one to a power
    cut, which NORMAL allows), `busy_timeout` so concurrent writers queue instead of failing.
    WAL needs a local filesystem: do not put the data folder on a network share.
    """

    def __init__(self, path: str | Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._initialise()

    @classmethod
    def in_folder(cls, data_dir: str | Path) -> ReviewStore:
        """The store of an output folder (`settings.REVIEWS_DB` inside it), created when missing."""
        return cls(Path(data_dir) / settings.REVIEWS_DB)

    def __repr__(self) -> str:
        return f"ReviewStore({str(self.path)!r})"

    # --- connections and transactions ---------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout_ms / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: BEGIN IMMEDIATE takes the write lock first, so reads inside it are current."""
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every SELECT inside sees the same committed state."""
        conn = self._connect()
        try:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.execute("COMMIT")
        finally:
            conn.close()

    def _initialise(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn: sqlite3.Connection | None = None
        try:
            conn = self._connect()
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            if conn is not None:
                conn.close()
            raise ReviewStoreError(f"{self.path} is not a review store: {exc}") from exc
        try:
            if str(mode).lower() != "wal":
                LOGGER.warning("review store %s: journal mode is %s, not WAL", self.path, mode)
            if version == STORE_VERSION:
                return  # already set up: opening a store writes nothing
            conn.execute("BEGIN IMMEDIATE")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > STORE_VERSION:
                conn.execute("ROLLBACK")
                raise ReviewStoreError(
                    f"{self.path} was written by a newer version of this tool (store version {version})"
                )
            for statement in _SCHEMA_SQL.split(";\n"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {STORE_VERSION}")
            conn.execute("COMMIT")
        finally:
            conn.close()

    # --- writing ----------------------------------------------------------------------------

    def _append(self, conn: sqlite3.Connection, *, at: str, reviewer: str, action: str,
                event_id: str | None = None, article_id: str | None = None, field_name: str | None = None,
                old: Any = None, new: Any = None, note: str | None = None,
                related_event_id: str | None = None, payload: Mapping[str, Any] | None = None) -> int:
        """Insert one log row inside an open transaction; returns its id."""
        cursor = conn.execute(
            "INSERT INTO actions (at, reviewer, event_id, article_id, action, field, old_value, new_value,"
            " note, related_event_id, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (at, reviewer, event_id, article_id, action, field_name, _dumps(old), _dumps(new), note,
             related_event_id, _dumps(dict(payload or {}))),
        )
        return int(cursor.lastrowid)

    @staticmethod
    def _set_override(conn: sqlite3.Connection, event_id: str, field_name: str, value: Any, action_id: int) -> None:
        conn.execute(
            "INSERT INTO overrides (event_id, field, value, action_id) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (event_id, field) DO UPDATE SET value = excluded.value, action_id = excluded.action_id",
            (event_id, field_name, _dumps(value), action_id),
        )

    @staticmethod
    def _current_override(conn: sqlite3.Connection, event_id: str, field_name: str) -> tuple[bool, Any]:
        row = conn.execute(
            "SELECT value FROM overrides WHERE event_id = ? AND field = ?", (event_id, field_name)
        ).fetchone()
        return (False, None) if row is None else (True, _loads(row[0]))

    def _anchor(self, conn: sqlite3.Connection, ref: EventRef, action_id: int) -> None:
        """Remember the event's mention ids and values at decision time (for re-attaching and orphans)."""
        snapshot = _encode_row(ref.values, SNAPSHOT_FIELDS)
        mention_ids = list(ref.mention_ids)
        if not mention_ids:
            # Keep what an earlier decision knew rather than forget the only way to re-attach.
            row = conn.execute("SELECT mention_ids FROM anchors WHERE event_id = ?", (ref.event_id,)).fetchone()
            mention_ids = _loads(row[0]) if row else []
        conn.execute(
            "INSERT INTO anchors (event_id, mention_ids, snapshot, action_id) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (event_id) DO UPDATE SET mention_ids = excluded.mention_ids,"
            " snapshot = excluded.snapshot, action_id = excluded.action_id",
            (ref.event_id, _dumps(mention_ids), _dumps(snapshot), action_id),
        )

    def save(self, ref: EventRef, reviewer: str, *, status: str | None = None,
             edits: Mapping[str, Any] | None = None, note: str | None = None) -> list[ReviewAction]:
        """Record a decision on one event: a status, field edits and/or a note, in one transaction.

        `ref.values` is the event as shown (machine values with decisions applied): it gives the "from"
        value of a field nobody has overridden yet. Edits equal to the value in force are not logged.
        Returns the actions written (empty when nothing changed). Raises ReviewError before writing
        anything when a value is invalid.
        """
        reviewer = normalise_reviewer(reviewer)
        wanted: dict[str, Any] = {}
        for name, value in (edits or {}).items():
            if name not in EDITABLE_FIELDS:
                raise ReviewError(f"{name!r} cannot be edited; editable fields: {', '.join(EDITABLE_FIELDS)}")
            wanted[name] = encode_value(name, value)
            _check_value(name, wanted[name])
        if status is not None:
            wanted[schema.REVIEW_STATUS] = encode_value(schema.REVIEW_STATUS, status)
            _check_value(schema.REVIEW_STATUS, wanted[schema.REVIEW_STATUS])
        note_text = encode_value(schema.REVIEW_NOTE, note) if note is not None else None
        if note is not None:
            wanted[schema.REVIEW_NOTE] = note_text
        shown = _encode_row(ref.values, EDITABLE_FIELDS)
        shown[schema.REVIEW_STATUS] = encode_value(schema.REVIEW_STATUS, ref.values.get(schema.REVIEW_STATUS))
        shown[schema.REVIEW_NOTE] = encode_value(schema.REVIEW_NOTE, ref.values.get(schema.REVIEW_NOTE))
        shown[schema.REVIEW_STATUS] = shown[schema.REVIEW_STATUS] or schema.STATUS_UNREVIEWED
        merged = {**shown, **{k: v for k, v in wanted.items() if k in EDITABLE_FIELDS}}
        _check_consistency(merged)
        if schema.EVENT_TYPE in wanted or schema.SUB_EVENT_TYPE in wanted:
            _check_sub_type(merged.get(schema.EVENT_TYPE), merged.get(schema.SUB_EVENT_TYPE))

        written: list[int] = []
        with self._transaction() as conn:
            at = _iso(_now())  # one save = one timestamp shared by its rows
            for name, new in wanted.items():
                exists, current = self._current_override(conn, ref.event_id, name)
                old = current if exists else shown.get(name)
                if new == old or (name == schema.REVIEW_STATUS and old is None and new == schema.STATUS_UNREVIEWED):
                    continue
                kind = {schema.REVIEW_STATUS: ACTION_STATUS, schema.REVIEW_NOTE: ACTION_NOTE}.get(name, ACTION_EDIT)
                action_id = self._append(conn, at=at, reviewer=reviewer, action=kind, event_id=ref.event_id,
                                         field_name=name, old=old, new=new, note=note_text,
                                         payload={"mention_ids": list(ref.mention_ids)})
                self._set_override(conn, ref.event_id, name, new, action_id)
                written.append(action_id)
            if written:
                self._anchor(conn, ref, written[-1])
        return self._actions_by_id(written)

    def merge(self, target: EventRef, absorbed: EventRef, reviewer: str, note: str | None = None) -> ReviewAction:
        """Record that `absorbed` is the same event as `target`: its mentions and sources join the target's row."""
        reviewer = normalise_reviewer(reviewer)
        if target.event_id == absorbed.event_id:
            raise ReviewError(f"cannot merge {target.event_id} into itself")
        with self._transaction() as conn:
            # Follow the target's own merges: merging into an event that was merged away would loop.
            seen, cursor_id = {target.event_id}, target.event_id
            while True:
                exists, into = self._current_override(conn, cursor_id, MERGED_INTO)
                if not exists or into is None:
                    break
                if into == absorbed.event_id:
                    raise ReviewError(
                        f"cannot merge {absorbed.event_id} into {target.event_id}: "
                        f"{target.event_id} is already merged into {absorbed.event_id}"
                    )
                if into in seen:
                    break
                seen.add(into)
                cursor_id = into
            _, old = self._current_override(conn, absorbed.event_id, MERGED_INTO)
            at = _iso(_now())
            action_id = self._append(
                conn, at=at, reviewer=reviewer, action=ACTION_MERGE, event_id=target.event_id,
                field_name=MERGED_INTO, old=old, new=target.event_id, note=encode_value(schema.REVIEW_NOTE, note),
                related_event_id=absorbed.event_id,
                payload={"mention_ids": list(target.mention_ids), "absorbed_mention_ids": list(absorbed.mention_ids)},
            )
            self._set_override(conn, absorbed.event_id, MERGED_INTO, target.event_id, action_id)
            self._anchor(conn, target, action_id)
            self._anchor(conn, absorbed, action_id)
        return self._actions_by_id([action_id])[0]

    def split(self, ref: EventRef, reviewer: str, detach: Sequence[str] | None = None,
              note: str | None = None) -> ReviewAction:
        """Record that some mentions of a merged event are events of their own.

        `detach` defaults to every mention but the first; each detached mention becomes its own row
        (id `split:<mention_id>`), the event keeps the rest. Raises ReviewError when the event has one
        mention, a mention is not the event's, or nothing would remain.
        """
        reviewer = normalise_reviewer(reviewer)
        mentions = list(dict.fromkeys(ref.mention_ids))
        if len(mentions) < 2:
            raise ReviewError(f"event {ref.event_id} has {len(mentions)} mention(s): nothing to split")
        chosen = list(dict.fromkeys(detach)) if detach is not None else mentions[1:]
        unknown = [m for m in chosen if m not in mentions]
        if unknown:
            raise ReviewError(f"not mentions of {ref.event_id}: {', '.join(unknown)}")
        if not chosen:
            raise ReviewError("choose at least one mention to split off")
        if len(chosen) >= len(mentions):
            raise ReviewError(f"at least one mention must stay with {ref.event_id}")
        with self._transaction() as conn:
            _, old = self._current_override(conn, ref.event_id, SPLIT)
            new = sorted(set(old or []) | set(chosen))
            at = _iso(_now())
            action_id = self._append(
                conn, at=at, reviewer=reviewer, action=ACTION_SPLIT, event_id=ref.event_id, field_name=SPLIT,
                old=old, new=new, note=encode_value(schema.REVIEW_NOTE, note),
                payload={"mention_ids": list(ref.mention_ids)},
            )
            self._set_override(conn, ref.event_id, SPLIT, new, action_id)
            self._anchor(conn, ref, action_id)
        return self._actions_by_id([action_id])[0]

    def revert(self, ref: EventRef, field_name: str, reviewer: str, note: str | None = None) -> ReviewAction | None:
        """Withdraw the decision in force on one field (an edit, the status, a merge or a split).

        The machine value shows again; the log keeps both the decision and its withdrawal. For a merge
        pass the absorbed event's ref. Returns None when nothing was in force.
        """
        reviewer = normalise_reviewer(reviewer)
        if field_name not in REVERTIBLE_FIELDS:
            raise ReviewError(f"{field_name!r} cannot be reverted")
        with self._transaction() as conn:
            exists, old = self._current_override(conn, ref.event_id, field_name)
            if not exists:
                return None
            action_id = self._append(
                conn, at=_iso(_now()), reviewer=reviewer, action=ACTION_REVERT, event_id=ref.event_id,
                field_name=field_name, old=old, new=None, note=encode_value(schema.REVIEW_NOTE, note),
                related_event_id=old if field_name == MERGED_INTO else None,
                payload={"mention_ids": list(ref.mention_ids)},
            )
            conn.execute("DELETE FROM overrides WHERE event_id = ? AND field = ?", (ref.event_id, field_name))
        return self._actions_by_id([action_id])[0]

    def set_published(self, article_id: str, published: date | None, reviewer: str, *,
                      machine_published: date | None = None, note: str | None = None) -> ReviewAction | None:
        """Set or correct an article's publication date; None withdraws the correction.

        `machine_published` is the date the pipeline found (the "from" value when nobody corrected it yet).
        Its events are re-extracted from the new date by `rebuild_for_dates`.
        """
        reviewer = normalise_reviewer(reviewer)
        new = encode_value(schema.PUBLISHED, published)
        if new is not None:
            _check_value(schema.EVENT_DATE, new)
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT published FROM article_overrides WHERE article_id = ?", (article_id,)
            ).fetchone()
            old = row[0] if row else encode_value(schema.PUBLISHED, machine_published)
            if row is None and new is None:
                return None
            if row is not None and new == row[0]:
                return None
            action_id = self._append(
                conn, at=_iso(_now()), reviewer=reviewer, action=ACTION_PUBLISHED, article_id=article_id,
                field_name=schema.PUBLISHED, old=old, new=new, note=encode_value(schema.REVIEW_NOTE, note),
                payload={"machine_published": encode_value(schema.PUBLISHED, machine_published)},
            )
            if new is None:
                conn.execute("DELETE FROM article_overrides WHERE article_id = ?", (article_id,))
            else:
                conn.execute(
                    "INSERT INTO article_overrides (article_id, published, action_id) VALUES (?, ?, ?)"
                    " ON CONFLICT (article_id) DO UPDATE SET published = excluded.published,"
                    " action_id = excluded.action_id",
                    (article_id, new, action_id),
                )
        return self._actions_by_id([action_id])[0]

    def start_session(self, reviewer: str) -> datetime | None:
        """Note that `reviewer` starts a session; returns when their previous session left off (or None).

        "Left off" is the later of the previous session's start and their last action before now.
        """
        reviewer = normalise_reviewer(reviewer)
        with self._transaction() as conn:
            previous = conn.execute(
                "SELECT MAX(started_at) FROM sessions WHERE reviewer = ?", (reviewer,)
            ).fetchone()[0]
            last_action = conn.execute(
                "SELECT MAX(at) FROM actions WHERE reviewer = ?", (reviewer,)
            ).fetchone()[0]
            conn.execute("INSERT INTO sessions (reviewer, started_at) VALUES (?, ?)", (reviewer, _iso(_now())))
        moments = [m for m in (previous, last_action) if m]
        return _parse_at(max(moments)) if moments else None

    def record_snapshot(self, events: pd.DataFrame, at: datetime | None = None) -> SnapshotSummary:
        """Remember the machine events of a build, so "changed since" can compare builds.

        One compressed snapshot (event ids and the compared fields) is stored per distinct build;
        recording the same table again writes nothing. Returns what changed since the last build.
        """
        current = _snapshot_frame(events)
        table_hash = _table_hash(current)
        with self._snapshot() as conn:
            row = conn.execute("SELECT table_hash, snapshot FROM builds ORDER BY id DESC LIMIT 1").fetchone()
        if row is not None and row[0] == table_hash:
            return SnapshotSummary(0, 0, 0)
        previous = _read_snapshot(row[1]) if row is not None else None
        diff = _diff_snapshots(previous, current, details_wanted=False)
        blob = _write_snapshot(current)
        with self._transaction() as conn:
            latest = conn.execute("SELECT table_hash FROM builds ORDER BY id DESC LIMIT 1").fetchone()
            if latest is None or latest[0] != table_hash:  # a colleague's page may have recorded it meanwhile
                conn.execute("INSERT INTO builds (at, events, table_hash, snapshot) VALUES (?, ?, ?, ?)",
                             (_iso(at or _now()), len(current), table_hash, blob))
        kinds = diff[schema.CHANGE_KIND].value_counts()
        return SnapshotSummary(int(kinds.get(schema.CHANGE_NEW, 0)), int(kinds.get(schema.CHANGE_CHANGED, 0)),
                               int(kinds.get(schema.CHANGE_REMOVED, 0)))

    # --- reading ----------------------------------------------------------------------------

    @staticmethod
    def _action(row: sqlite3.Row | tuple[Any, ...]) -> ReviewAction:
        (id_, at, reviewer, event_id, article_id, action, field_name, old, new, note, related, payload) = row
        return ReviewAction(int(id_), _parse_at(at), reviewer, event_id, article_id, action, field_name,
                            _loads(old), _loads(new), note, related, _loads(payload) or {})

    _ACTION_SELECT = ("SELECT id, at, reviewer, event_id, article_id, action, field, old_value, new_value, note,"
                      " related_event_id, payload FROM actions")

    def _actions_by_id(self, ids: Sequence[int]) -> list[ReviewAction]:
        if not ids:
            return []
        with self._snapshot() as conn:
            marks = ",".join("?" * len(ids))
            rows = conn.execute(f"{self._ACTION_SELECT} WHERE id IN ({marks}) ORDER BY id", list(ids)).fetchall()
        return [self._action(r) for r in rows]

    def history(self, event_id: str, article_ids: Iterable[str] = (), aliases: Iterable[str] = ()) -> list[ReviewAction]:
        """Every action on the event, oldest first: its own, merges into or out of it, and date corrections
        of its articles. `aliases` adds decided ids re-attached to it (ReviewedTables' REATTACHED_FROM)."""
        ids = [event_id, *aliases]
        articles = list(article_ids)
        marks, amarks = ",".join("?" * len(ids)), ",".join("?" * len(articles)) or "NULL"
        with self._snapshot() as conn:
            rows = conn.execute(
                f"{self._ACTION_SELECT} WHERE event_id IN ({marks}) OR related_event_id IN ({marks})"
                f" OR article_id IN ({amarks}) ORDER BY id",
                ids + ids + articles,
            ).fetchall()
        return [self._action(r) for r in rows]

    def log(self, event_ids: Iterable[str] | None = None, article_ids: Iterable[str] = (),
            since: datetime | None = None) -> list[ReviewAction]:
        """The log, oldest first; restricted to some events (and their articles) and/or to actions after `since`."""
        clauses: list[str] = []
        params: list[Any] = []
        ids, articles = list(event_ids or ()), list(article_ids)
        if event_ids is not None and len(ids) + len(articles) > 400:
            # Too many ids for one statement's parameters: read the (small) log and filter here.
            keep_ids, keep_articles = set(ids), set(articles)
            return [a for a in self.log(since=since)
                    if a.event_id in keep_ids or a.related_event_id in keep_ids or a.article_id in keep_articles]
        if event_ids is not None:
            marks = ",".join("?" * len(ids)) or "NULL"
            amarks = ",".join("?" * len(articles)) or "NULL"
            clauses.append(f"(event_id IN ({marks}) OR related_event_id IN ({marks}) OR article_id IN ({amarks}))")
            params += ids + ids + articles
        if since is not None:
            clauses.append("at > ?")
            params.append(_iso(since))
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._snapshot() as conn:
            rows = conn.execute(f"{self._ACTION_SELECT}{where} ORDER BY id", params).fetchall()
        return [self._action(r) for r in rows]

    def version(self) -> tuple[int, int, str]:
        """A cheap token that changes with every decision: (last action id, number of actions, first action time).

        The log is append-only, so equal tokens mean the same decisions: the page may reuse what it
        derived from the store while the token stays the same.
        """
        with self._snapshot() as conn:
            last, count, first = conn.execute("SELECT MAX(id), COUNT(*), MIN(at) FROM actions").fetchone()
        return (int(last or 0), int(count), str(first or ""))

    def reviewers(self) -> list[str]:
        """Everyone who has recorded a decision, alphabetically."""
        with self._snapshot() as conn:
            return [r[0] for r in conn.execute("SELECT DISTINCT reviewer FROM actions ORDER BY reviewer COLLATE NOCASE")]

    def state(self) -> ReviewState:
        """Everything in force, read in one consistent snapshot."""
        with self._snapshot() as conn:
            overrides = tuple(
                Override(event_id, field_name, _loads(value), int(action_id), reviewer, _parse_at(at))
                for event_id, field_name, value, action_id, reviewer, at in conn.execute(
                    "SELECT o.event_id, o.field, o.value, o.action_id, a.reviewer, a.at"
                    " FROM overrides o JOIN actions a ON a.id = o.action_id ORDER BY o.action_id"
                )
            )
            anchors: dict[str, tuple[str, ...]] = {}
            snapshots: dict[str, Mapping[str, Any]] = {}
            for event_id, mention_ids, snapshot in conn.execute("SELECT event_id, mention_ids, snapshot FROM anchors"):
                anchors[event_id] = tuple(_loads(mention_ids))
                snapshots[event_id] = _loads(snapshot)
            last_actions = {
                key: (int(action_id), reviewer, _parse_at(at))
                for key, action_id, reviewer, at in conn.execute(
                    "SELECT k.key, a.id, a.reviewer, a.at FROM (SELECT key, MAX(id) AS id FROM ("
                    " SELECT event_id AS key, id FROM actions WHERE event_id IS NOT NULL"
                    " UNION ALL SELECT related_event_id, id FROM actions WHERE related_event_id IS NOT NULL"
                    ") GROUP BY key) k JOIN actions a ON a.id = k.id"
                )
            }
            article_dates = {
                article_id: Override(article_id, schema.PUBLISHED, published, int(action_id), reviewer, _parse_at(at))
                for article_id, published, action_id, reviewer, at in conn.execute(
                    "SELECT o.article_id, o.published, o.action_id, a.reviewer, a.at"
                    " FROM article_overrides o JOIN actions a ON a.id = o.action_id"
                )
            }
        return ReviewState(overrides, anchors, snapshots, last_actions, article_dates)

    def build_at(self, when: datetime) -> tuple[datetime, pd.DataFrame] | None:
        """The last build recorded at or before `when`: (recorded at, snapshot), or None."""
        with self._snapshot() as conn:
            row = conn.execute("SELECT at, snapshot FROM builds WHERE at <= ? ORDER BY at DESC, id DESC LIMIT 1",
                               (_iso(when),)).fetchone()
        return None if row is None else (_parse_at(row[0]), _read_snapshot(row[1]))

    def builds_after(self, when: datetime) -> list[datetime]:
        """When builds were recorded after `when`, oldest first."""
        with self._snapshot() as conn:
            return [_parse_at(r[0]) for r in conn.execute("SELECT at FROM builds WHERE at > ? ORDER BY at", (_iso(when),))]

    def rebuild_overrides(self) -> dict[tuple[str, str], Any]:
        """Re-derive the overrides in force from the log alone (a check that the maintained table is right)."""
        derived: dict[tuple[str, str], Any] = {}
        for action in self.log():
            if action.event_id is None:
                continue
            if action.action == ACTION_MERGE:
                derived[(action.related_event_id or "", MERGED_INTO)] = action.new_value
            elif action.action == ACTION_REVERT:
                derived.pop((action.event_id, action.field or ""), None)
            else:
                derived[(action.event_id, action.field or "")] = action.new_value
        return derived

    def overrides_in_force(self) -> dict[tuple[str, str], Any]:
        """The maintained overrides table as {(event_id, field): value}."""
        with self._snapshot() as conn:
            return {(e, f): _loads(v) for e, f, v in conn.execute("SELECT event_id, field, value FROM overrides")}

    def integrity(self) -> str:
        """SQLite's own integrity check ("ok" when the file is sound)."""
        with self._snapshot() as conn:
            return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


# --------------------------------------------------------------------------------------------
# Applying decisions (pure: frames and a ReviewState in, new frames out)
# --------------------------------------------------------------------------------------------


def _records(df: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    present = [c for c in columns if c in df.columns]
    return df[present].to_dict("records") if len(df) else []


def _join(values: Iterable[Any]) -> str | None:
    parts: list[str] = []
    for value in values:
        if _missing(value):
            continue
        for part in str(value).split(schema.LIST_SEPARATOR):
            part = part.strip()
            if part and part not in parts:
                parts.append(part)
    return schema.LIST_SEPARATOR.join(parts) or None


def split_event_id(mention_id: str) -> str:
    """The id of the event a split makes from one mention (stable across rebuilds)."""
    return f"{SPLIT_ID_PREFIX}{mention_id}"


def _decode(field_name: str, value: Any) -> Any:
    """A stored JSON value as a frame cell for `field_name`."""
    dtype = schema.EVENT_DTYPES.get(field_name, "")
    if dtype.startswith("datetime"):
        return pd.NaT if value is None else pd.Timestamp(value)
    return pd.NA if value is None else value


def _string_storage_is_arrow() -> bool:
    return getattr(pd.StringDtype(), "storage", None) == "pyarrow"


@functools.lru_cache(maxsize=8)
def _constant_strings(n: int, value: str | None) -> Any:
    """An immutable arrow array of `n` times `value` (or nulls), shared between runs: building it costs."""
    import pyarrow as pa

    if value is None:
        return pa.nulls(n, pa.large_string())
    return pa.repeat(pa.scalar(value, pa.large_string()), n)


def _string_column(n: int, positions: Sequence[int], values: Sequence[Any], default: str | None) -> pd.array:
    """A "string" column of `n` cells, `default` everywhere but at `positions` (a few), fast for a million rows."""
    if _string_storage_is_arrow():
        import pyarrow as pa
        import pyarrow.compute as pc

        base = _constant_strings(n, default)
        if len(positions):
            mask = np.zeros(n, dtype=bool)
            mask[np.asarray(positions, dtype=np.intp)] = True
            order = np.argsort(np.asarray(positions, dtype=np.intp), kind="stable")
            replacement = pa.array([values[i] for i in order], pa.large_string())
            base = pc.replace_with_mask(base, pa.array(mask), replacement)
        return pd.array(base, dtype=pd.StringDtype())
    out = pd.array([default] * n if default is not None else [pd.NA] * n, dtype="string")
    out[np.asarray(positions, dtype=np.intp)] = list(values)
    return out


def _set_at(series: pd.Series, positions: Sequence[int], values: Sequence[Any]) -> pd.Series:
    """A new Series equal to `series` but for `values` at `positions` (the input is not touched)."""
    if not len(positions):
        return series
    pos = np.asarray(positions, dtype=np.intp)
    if isinstance(series.dtype, pd.StringDtype) and _string_storage_is_arrow():
        import pyarrow as pa
        import pyarrow.compute as pc

        order = np.argsort(pos, kind="stable")
        mask = np.zeros(len(series), dtype=bool)
        mask[pos] = True
        cells = [None if _missing(values[i]) else str(values[i]) for i in order]
        base = series.array.__arrow_array__()
        if isinstance(base, pa.ChunkedArray):
            base = base.combine_chunks()
        base = base.cast(pa.large_string())
        array = pd.array(pc.replace_with_mask(base, pa.array(mask), pa.array(cells, pa.large_string())),
                         dtype=series.dtype)
        return pd.Series(array, index=series.index, name=series.name)
    array = series.array.copy()
    array[pos] = pd.array(list(values), dtype=series.dtype)
    return pd.Series(array, index=series.index, name=series.name)


def _positions(ids: pd.Series, wanted: Iterable[str]) -> dict[str, int]:
    """Row positions of the wanted ids (vectorised: a million ids take milliseconds)."""
    wanted = list(dict.fromkeys(wanted))
    if not wanted or ids.empty:
        return {}
    found = np.flatnonzero(ids.isin(wanted).fillna(False).to_numpy(dtype=bool))
    out: dict[str, int] = {}
    for position, value in zip(found, ids.iloc[found]):
        key = str(value)
        if key in out:
            raise ReviewError(f"the events table repeats event id {key}")
        out[key] = int(position)
    return out


@functools.lru_cache(maxsize=None)
def _dtype(name: str) -> Any:
    return pd.Series(dtype=name).dtype


def _is_conformed(frame: pd.DataFrame, columns: tuple[str, ...], dtypes: Mapping[str, str]) -> bool:
    """True when the frame already has exactly the schema's columns and dtypes (no copy needed)."""
    if tuple(frame.columns) != columns:
        return False
    return all(dtype == _dtype(dtypes[c]) for c, dtype in zip(columns, frame.dtypes))


class _Applier:
    """Replays structural decisions in the order they were made, touching only the rows they concern.

    Only the machine rows and mentions the decisions name are read into Python; everything else stays
    in the frames and is handled by vectorised lookups (see benchmarks/bench_reviews.py for timings).
    """

    def __init__(self, events: pd.DataFrame, mentions: pd.DataFrame, state: ReviewState) -> None:
        self.state = state
        self.events = (events if _is_conformed(events, schema.EVENT_COLUMNS, schema.EVENT_DTYPES)
                       else schema.conform_events(events, strict=False))
        self.mentions = (mentions if _is_conformed(mentions, schema.MENTION_COLUMNS, schema.MENTION_DTYPES)
                         else schema.conform_mentions(mentions, strict=False))
        decided = ({o.event_id for o in state.overrides} | set(state.last_actions) | set(state.anchors)
                   | {str(o.value) for o in state.overrides if o.field == MERGED_INTO and o.value})
        anchored = {m for ms in state.anchors.values() for m in ms}
        mention_ids = self.mentions[schema.MENTION_ID]
        by_anchor = self.mentions[mention_ids.isin(list(anchored)).fillna(False).to_numpy(dtype=bool)] \
            if anchored else self.mentions.iloc[0:0]
        relevant = decided | {str(e) for e in by_anchor[schema.EVENT_ID].dropna()}
        keep = self.mentions[schema.EVENT_ID].isin(list(relevant)).fillna(False).to_numpy(dtype=bool)
        if anchored:
            keep = keep | mention_ids.isin(list(anchored)).fillna(False).to_numpy(dtype=bool)
        self.mention_positions = np.flatnonzero(keep)
        subset = self.mentions.iloc[self.mention_positions]
        self.mention_rows: dict[str, dict[str, Any]] = {
            str(r[schema.MENTION_ID]): r for r in _records(subset, schema.MENTION_COLUMNS)}
        self.mention_event: dict[str, str] = {
            m: str(r[schema.EVENT_ID]) for m, r in self.mention_rows.items() if not _missing(r[schema.EVENT_ID])}
        self.original_event = dict(self.mention_event)
        self.machine_pos = _positions(self.events[schema.EVENT_ID], relevant)
        self.rows: dict[str, dict[str, Any]] = {}  # rows created or changed by structural decisions
        self.touched: set[str] = set()  # columns changed in existing rows
        self.live: set[str] = set(self.machine_pos)  # the relevant ids that are rows now
        self.children: dict[str, list[str]] = {}
        self.absorbed: dict[str, str] = {}
        self.orphaned: dict[str, list[str]] = {}

    def row(self, event_id: str) -> dict[str, Any]:
        if event_id not in self.rows:
            self.rows[event_id] = self.events.iloc[self.machine_pos[event_id]].to_dict()
        return self.rows[event_id]

    def mentions_under(self, event_id: str) -> list[str]:
        return [m for m, e in self.mention_event.items() if e == event_id]

    def resolve(self, decided_id: str) -> str | None:
        """Where a decided id lives now: itself, the event it was merged into, or the event holding its mentions."""
        seen: set[str] = set()
        current = decided_id
        while current in self.absorbed and current not in seen:
            seen.add(current)
            current = self.absorbed[current]
        if current in self.live:
            return current
        counts = Counter(self.mention_event[m] for m in self.state.anchors.get(current, ())
                         if self.mention_event.get(m) in self.live)
        if not counts:
            return None
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]

    def _refresh_sources(self, event_id: str) -> None:
        """Recompute a row's sources and mention count from the mentions now under it."""
        under = [self.mention_rows[m] for m in self.mentions_under(event_id)]
        if not under:
            return
        row = self.row(event_id)
        row[schema.SOURCE_FILES] = _join(m[schema.SOURCE_FILE] for m in under)
        row[schema.ARTICLE_IDS] = _join(m[schema.ARTICLE_ID] for m in under)
        row[schema.SOURCE] = _join(m[schema.OUTLET] for m in under)
        row[schema.MENTION_COUNT] = len(under)
        self.touched.update(SOURCE_COLUMNS)

    def split(self, decided_id: str, detach: Sequence[str]) -> None:
        parent = self.resolve(decided_id)
        if parent is None:
            self.orphaned.setdefault(decided_id, []).append("split")
            return
        under = self.mentions_under(parent)
        chosen = [m for m in under if m in set(detach)]
        if len(chosen) >= len(under):
            chosen = chosen[1:]  # a mention always stays with the parent
        parent_row = self.row(parent)
        for mention_id in chosen:
            mention = self.mention_rows[mention_id]
            child_id = split_event_id(mention_id)
            child = dict(parent_row)
            for column in schema.MENTION_COLUMNS:
                if column in child and column not in (schema.MENTION_ID, schema.EVENT_ID):
                    child[column] = mention[column]
            if mention[schema.LOCATION] != parent_row.get(schema.LOCATION):
                for column in PLACE_FIELDS[1:]:
                    child[column] = pd.NA  # the parent's coordinates belong to another place
                child[schema.LOCATION] = mention[schema.LOCATION]
            child[schema.EVENT_ID] = child_id
            self.rows[child_id] = child
            self.live.add(child_id)
            self.children.setdefault(parent, []).append(child_id)
            self.mention_event[mention_id] = child_id
            self._refresh_sources(child_id)
        self._refresh_sources(parent)

    def merge(self, absorbed_id: str, target_id: str) -> None:
        absorbed, target = self.resolve(absorbed_id), self.resolve(target_id)
        if absorbed is None or target is None:
            gone = absorbed_id if absorbed is None else target_id
            self.orphaned.setdefault(absorbed_id, []).append(f"merge into {target_id} ({gone} is gone)")
            return
        if absorbed == target:
            return
        for mention_id in self.mentions_under(absorbed):
            self.mention_event[mention_id] = target
        target_row, absorbed_row = self.row(target), self.row(absorbed)
        for column in (schema.SOURCE_FILES, schema.ARTICLE_IDS, schema.SOURCE):
            target_row[column] = _join([target_row.get(column), absorbed_row.get(column)])
        count = sum(int(r.get(schema.MENTION_COUNT) or 0) for r in (target_row, absorbed_row))
        target_row[schema.MENTION_COUNT] = count or pd.NA
        self.touched.update(SOURCE_COLUMNS)
        self._refresh_sources(target)
        self.live.discard(absorbed)
        self.absorbed[absorbed] = target
        if absorbed_id != absorbed:
            self.absorbed[absorbed_id] = target

    def frame(self) -> pd.DataFrame:
        """The machine events with structural decisions laid on: few rows changed, dropped or added."""
        out = self.events
        changed = {e: self.machine_pos[e] for e in self.rows if e in self.machine_pos and e in self.live}
        if changed:
            ids, positions = list(changed), list(changed.values())
            out = out.copy(deep=False)
            for column in sorted(self.touched):
                out[column] = _set_at(out[column], positions, [self.rows[e][column] for e in ids])
        dropped = sorted(self.machine_pos[e] for e in self.machine_pos if e not in self.live)
        kids = [c for cs in self.children.values() for c in cs if c in self.live]
        if dropped or kids:
            # Slices around the dropped rows, then the new rows (split-off events) last: one concat,
            # which for arrow-backed text only links chunks instead of copying a million cells.
            pieces, start = [], 0
            for position in dropped:
                if position > start:
                    pieces.append(out.iloc[start:position])
                start = position + 1
            pieces.append(out.iloc[start:])
            if kids:
                pieces.append(schema.conform_events(pd.DataFrame([self.rows[c] for c in kids]), strict=False))
            out = pd.concat(pieces, ignore_index=True)
        return out if out is not self.events else out.copy(deep=False)

    def mentions_frame(self) -> pd.DataFrame:
        """The mentions with each one's event id after merges and splits."""
        moved = {m: e for m, e in self.mention_event.items() if self.original_event.get(m) != e}
        out = self.mentions.copy(deep=False)
        if moved:
            at = _positions(out[schema.MENTION_ID], moved)
            out[schema.EVENT_ID] = _set_at(out[schema.EVENT_ID], list(at.values()), [moved[m] for m in at])
        return out


SOURCE_COLUMNS: tuple[str, ...] = (schema.SOURCE_FILES, schema.ARTICLE_IDS, schema.SOURCE, schema.MENTION_COUNT)


def apply_state(events: pd.DataFrame, mentions: pd.DataFrame, state: ReviewState) -> ReviewedTables:
    """Lay the decisions in `state` on the machine tables; the inputs are not touched.

    Merges and splits are replayed in the order they were made; then every edit, status and note in
    force is applied to the event its decided id resolves to (itself, or the event that now holds its
    mentions), the latest decision winning per field. Decisions that resolve nowhere are orphans.
    """
    applier = _Applier(events, mentions, state)
    structural = sorted((o for o in state.overrides if o.field in STRUCTURE_FIELDS), key=lambda o: o.action_id)
    for override in structural:
        if override.field == SPLIT:
            applier.split(override.event_id, override.value or [])
        elif override.value is not None:
            applier.merge(override.event_id, str(override.value))
    frame = applier.frame()

    decided = sorted({o.event_id for o in state.overrides} | set(state.last_actions) | set(state.anchors))
    resolution: dict[str, str | None] = {d: applier.resolve(d) for d in decided}
    winners: dict[tuple[str, str], Override] = {}
    attached_from: dict[str, set[str]] = {}
    for override in state.overrides:
        if override.field in STRUCTURE_FIELDS:
            continue
        if override.event_id in applier.absorbed:
            continue  # a merged-away event's own fields give way to the event it joined
        target = resolution.get(override.event_id)
        if target is None:
            label = {schema.REVIEW_STATUS: f"status {override.value}", schema.REVIEW_NOTE: "note"}.get(
                override.field, f"edit of {override.field}")
            applier.orphaned.setdefault(override.event_id, []).append(label)
            continue
        if target != override.event_id:
            attached_from.setdefault(target, set()).add(override.event_id)
        key = (target, override.field)
        if key not in winners or override.action_id > winners[key].action_id:
            winners[key] = override
    latest: dict[str, tuple[int, str, datetime]] = {}
    for decided_id, (action_id, who, at) in state.last_actions.items():
        target = resolution.get(decided_id)
        if target is not None and (target not in latest or action_id > latest[target][0]):
            latest[target] = (action_id, who, at)

    targets = {t for t, _ in winners} | set(latest) | set(attached_from)
    where = _positions(frame[schema.EVENT_ID], targets)
    edited: dict[str, list[str]] = {}
    by_field: dict[str, dict[str, Any]] = {}
    for (target, field_name), override in winners.items():
        if target in where:
            by_field.setdefault(field_name, {})[target] = override.value
            if field_name in EDITABLE_FIELDS:
                edited.setdefault(target, []).append(field_name)
    out = frame.copy(deep=False)
    for field_name in EDITABLE_FIELDS:
        values = by_field.get(field_name)
        if values:
            ids = list(values)
            out[field_name] = _set_at(out[field_name], [where[i] for i in ids],
                                      [_decode(field_name, values[i]) for i in ids])
    dated = [t for t, fs in edited.items() if schema.EVENT_DATE in fs]
    if dated:
        years = [None if pd.isna(d) else pd.Timestamp(d).year for d in (_decode(schema.EVENT_DATE, by_field[schema.EVENT_DATE][t]) for t in dated)]
        out[schema.YEAR] = _set_at(out[schema.YEAR], [where[t] for t in dated], years)
    precise = [t for t, fs in edited.items() if schema.DATE_PRECISION in fs]
    if precise:
        codes = [schema.TIME_PRECISION_OF.get(by_field[schema.DATE_PRECISION][t]) for t in precise]
        out[schema.TIME_PRECISION] = _set_at(out[schema.TIME_PRECISION], [where[t] for t in precise], codes)

    n = len(out)
    statuses = {t: v for t, v in by_field.get(schema.REVIEW_STATUS, {}).items() if v}
    notes = {t: v for t, v in by_field.get(schema.REVIEW_NOTE, {}).items() if v is not None}
    latest_here = {t: v for t, v in latest.items() if t in where}
    order = {name: i for i, name in enumerate(EDITABLE_FIELDS)}

    def column(values: Mapping[str, Any], default: str | None = None) -> pd.array:
        ids = list(values)
        return _string_column(n, [where[i] for i in ids], [values[i] for i in ids], default)

    out[schema.REVIEW_STATUS] = column(statuses, schema.STATUS_UNREVIEWED)
    out[schema.REVIEWER] = column({t: v[1] for t, v in latest_here.items()})
    out[schema.REVIEW_NOTE] = column(notes)
    reviewed_at = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    for target, (_, _, at) in latest_here.items():
        reviewed_at[where[target]] = np.datetime64(pd.Timestamp(at).tz_convert(UTC).tz_localize(None), "ns")
    out[schema.REVIEWED_AT] = pd.Series(reviewed_at, index=out.index).dt.tz_localize(UTC).astype(_UTC_NS)
    out[schema.EDITED_FIELDS] = column({t: schema.LIST_SEPARATOR.join(sorted(fs, key=order.__getitem__))
                                        for t, fs in edited.items()})
    out[schema.REATTACHED_FROM] = column({t: schema.LIST_SEPARATOR.join(sorted(src))
                                          for t, src in attached_from.items() if t in where})

    merges = {o.event_id: resolution.get(o.event_id) for o in structural if o.field == MERGED_INTO and o.value}
    splits = {o.event_id: resolution.get(o.event_id) for o in structural if o.field == SPLIT}
    return ReviewedTables(out, applier.mentions_frame(), resolution, _orphan_frame(state, applier.orphaned, applier.live),
                          {k: v for k, v in merges.items() if v is not None},
                          {k: v for k, v in splits.items() if v is not None}, state)


REVIEWED_COLUMNS: tuple[str, ...] = schema.EVENT_COLUMNS + schema.REVIEW_COLUMNS + (
    schema.EDITED_FIELDS, schema.REATTACHED_FROM,
)
ORPHAN_COLUMNS: tuple[str, ...] = (
    schema.EVENT_ID, schema.REVIEW_STATUS, schema.REVIEWER, schema.REVIEWED_AT, schema.REVIEW_NOTE,
    schema.EDITED_FIELDS, schema.CHANGE_DETAIL, schema.EVENT_DATE, schema.EVENT_TYPE, schema.SUB_EVENT_TYPE,
    schema.ACTOR1, schema.ACTOR2, schema.LOCATION, schema.FATALITIES, schema.SOURCE_FILES,
    schema.MENTION_IDS, schema.ORPHANED,
)


def _orphan_frame(state: ReviewState, orphaned: Mapping[str, list[str]], live: set[str]) -> pd.DataFrame:
    """One row per decided id with decisions that apply nowhere: what they are and the event as last seen."""
    rows: list[dict[str, Any]] = []
    for decided_id, kept in sorted(orphaned.items()):
        if decided_id in live:
            reason = "kept: " + ", ".join(kept)
        else:
            mentions = ", ".join(state.anchors.get(decided_id, ())) or "none recorded"
            reason = f"no longer in the build, nor any of its mentions ({mentions}); kept: {', '.join(kept)}"
        fields = {o.field: o for o in state.overrides if o.event_id == decided_id}
        snapshot = state.snapshots.get(decided_id, {})
        last = state.last_actions.get(decided_id)
        status = fields.get(schema.REVIEW_STATUS)
        note = fields.get(schema.REVIEW_NOTE)
        row: dict[str, Any] = {
            schema.EVENT_ID: decided_id,
            schema.REVIEW_STATUS: (status.value if status and status.value else schema.STATUS_UNREVIEWED),
            schema.REVIEWER: last[1] if last else pd.NA,
            schema.REVIEWED_AT: pd.Timestamp(last[2]) if last else pd.NaT,
            schema.REVIEW_NOTE: note.value if note else pd.NA,
            schema.EDITED_FIELDS: schema.LIST_SEPARATOR.join(f for f in EDITABLE_FIELDS if f in fields) or pd.NA,
            schema.CHANGE_DETAIL: reason,
            schema.MENTION_IDS: schema.LIST_SEPARATOR.join(state.anchors.get(decided_id, ())) or pd.NA,
            schema.ORPHANED: True,
        }
        for column in (schema.EVENT_DATE, schema.EVENT_TYPE, schema.SUB_EVENT_TYPE, schema.ACTOR1,
                       schema.ACTOR2, schema.LOCATION, schema.FATALITIES, schema.SOURCE_FILES):
            value = fields[column].value if column in fields else snapshot.get(column)
            row[column] = _decode(column, value)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(ORPHAN_COLUMNS))
    dtypes = {c: schema.EVENT_DTYPES.get(c) or schema.REVIEW_DTYPES.get(c) or "string" for c in ORPHAN_COLUMNS}
    dtypes[schema.ORPHANED] = "boolean"
    for column, dtype in dtypes.items():
        if dtype.startswith("datetime"):
            frame[column] = pd.to_datetime(frame[column], errors="coerce", utc=dtype.endswith("UTC]")).astype(dtype)
        else:
            frame[column] = frame[column].astype(dtype)
    return frame


def review_tables(events: pd.DataFrame, mentions: pd.DataFrame, store: ReviewStore | ReviewState) -> ReviewedTables:
    """`apply_state` on the store's current state (read fresh: nothing is cached)."""
    state = store.state() if isinstance(store, ReviewStore) else store
    return apply_state(events, mentions, state)


def apply_reviews(events: pd.DataFrame, mentions: pd.DataFrame, store: ReviewStore | ReviewState) -> pd.DataFrame:
    """A new events frame with every decision in force applied and the review columns added.

    Rejected events stay, with status `rejected`. The frames handed in are not modified.
    """
    return review_tables(events, mentions, store).events


def needs_mentions(state: ReviewState, events: pd.DataFrame) -> bool:
    """True when applying `state` to `events` reads the mentions (or the articles).

    They are needed for merges and splits, corrected publication dates, and decisions on ids the
    events no longer have (those re-attach through their mentions). Otherwise the events that
    `apply_state` returns are the same with an empty mentions frame, so a page can show a big
    table without waiting for its mentions to be read.
    """
    if article_dates(state) or any(o.field in STRUCTURE_FIELDS for o in state.overrides):
        return True
    decided = {o.event_id for o in state.overrides} | set(state.last_actions) | set(state.anchors)
    return len(_positions(events[schema.EVENT_ID], decided)) < len(decided)


def orphans(store: ReviewStore | ReviewState, events: pd.DataFrame, mentions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Decisions whose event the current build no longer produces and that could not be re-attached.

    Without `mentions` nothing can be re-attached, so every decided id missing from `events` is listed.
    """
    if mentions is None:
        mentions = schema.conform_mentions(pd.DataFrame(columns=list(schema.MENTION_COLUMNS)))
    return review_tables(events, mentions, store).orphans


# --------------------------------------------------------------------------------------------
# History, log and "changed since"
# --------------------------------------------------------------------------------------------


def log_frame(actions: Sequence[ReviewAction]) -> pd.DataFrame:
    """The log as a table (REVIEW_LOG_COLUMNS); values are shown as text, the payload as JSON."""
    def cell(value: Any) -> Any:
        if value is None:
            return pd.NA
        return value if isinstance(value, str) else _dumps(value)

    rows = [{
        schema.LOG_ID: a.id, schema.LOG_AT: pd.Timestamp(a.at), schema.REVIEWER: a.reviewer,
        schema.EVENT_ID: a.event_id, schema.ARTICLE_ID: a.article_id, schema.ACTION: a.action,
        schema.FIELD: a.field, schema.OLD_VALUE: cell(a.old_value), schema.NEW_VALUE: cell(a.new_value),
        schema.LOG_NOTE: a.note, schema.RELATED_EVENT_ID: a.related_event_id, schema.PAYLOAD: _dumps(dict(a.payload)),
    } for a in actions]
    frame = pd.DataFrame(rows, columns=list(schema.REVIEW_LOG_COLUMNS))
    frame[schema.LOG_ID] = frame[schema.LOG_ID].astype("Int64")
    frame[schema.LOG_AT] = pd.to_datetime(frame[schema.LOG_AT], utc=True).astype(_UTC_NS)
    for column in schema.REVIEW_LOG_COLUMNS[2:]:
        frame[column] = frame[column].astype("string")
    return frame


def history(store: ReviewStore, event_id: str, article_ids: Iterable[str] = (),
            aliases: Iterable[str] = ()) -> pd.DataFrame:
    """The event's history as a table, oldest first (see ReviewStore.history)."""
    return log_frame(store.history(event_id, article_ids, aliases))


CHANGE_COLUMNS: tuple[str, ...] = (
    schema.CHANGE_KIND, schema.CHANGED_AT, schema.EVENT_ID, schema.EVENT_DATE, schema.EVENT_TYPE,
    schema.SUB_EVENT_TYPE, schema.ACTOR1, schema.LOCATION, schema.FATALITIES, schema.CHANGE_DETAIL,
)
_KIND_ORDER = {kind: i for i, kind in enumerate(schema.CHANGE_KINDS)}
_ROW_HASH = "_row_hash"


def _snapshot_frame(events: pd.DataFrame) -> pd.DataFrame:
    """Event ids, the compared fields and a hash of each row (vectorised: a million rows in about a second)."""
    frame = events[[schema.EVENT_ID, *VERSION_FIELDS]].reset_index(drop=True)
    return frame.assign(**{_ROW_HASH: pd.util.hash_pandas_object(frame, index=False).to_numpy()})


def _table_hash(snapshot: pd.DataFrame) -> str:
    import hashlib

    return hashlib.sha256(snapshot[_ROW_HASH].to_numpy().tobytes()).hexdigest()


def _write_snapshot(snapshot: pd.DataFrame) -> bytes:
    buffer = BytesIO()
    snapshot.to_parquet(buffer, index=False, engine="pyarrow", compression="zstd")
    return buffer.getvalue()


def _read_snapshot(blob: bytes) -> pd.DataFrame:
    return pd.read_parquet(BytesIO(blob), engine="pyarrow")


def _as_words(values: pd.Series) -> pd.Series:
    """Cells as the change detail shows them: days as YYYY-MM-DD, numbers as written, "(empty)" when missing."""
    if pd.api.types.is_datetime64_any_dtype(values):
        text = values.dt.strftime("%Y-%m-%d")
    else:
        text = values.astype("string")
    return text.fillna("(empty)").astype("string")


def _diff_snapshots(before: pd.DataFrame | None, now: pd.DataFrame, details_wanted: bool = True) -> pd.DataFrame:
    """Rows new, changed or removed between two snapshots: EVENT_ID, CHANGE_KIND, CHANGE_DETAIL and the
    event's fields (as now; as last seen for removed ones)."""
    fields = [schema.EVENT_ID, *VERSION_FIELDS]
    if before is None:
        out = now[fields].assign(**{schema.CHANGE_KIND: schema.CHANGE_NEW, schema.CHANGE_DETAIL: "new in the build"})
        return out
    joined = before[[schema.EVENT_ID, _ROW_HASH]].merge(
        now[[schema.EVENT_ID, _ROW_HASH]], on=schema.EVENT_ID, how="outer", suffixes=("_then", "_now"),
        indicator=True)
    new_ids = joined.loc[joined["_merge"] == "right_only", schema.EVENT_ID]
    gone_ids = joined.loc[joined["_merge"] == "left_only", schema.EVENT_ID]
    both = joined[joined["_merge"] == "both"]
    changed_ids = both.loc[both[f"{_ROW_HASH}_then"] != both[f"{_ROW_HASH}_now"], schema.EVENT_ID]
    parts = [
        now.loc[now[schema.EVENT_ID].isin(new_ids), fields].assign(
            **{schema.CHANGE_KIND: schema.CHANGE_NEW, schema.CHANGE_DETAIL: "new in the build"}),
        before.loc[before[schema.EVENT_ID].isin(gone_ids), fields].assign(
            **{schema.CHANGE_KIND: schema.CHANGE_REMOVED, schema.CHANGE_DETAIL: "no longer in the build"}),
    ]
    if len(changed_ids):
        then = before[before[schema.EVENT_ID].isin(changed_ids)].set_index(schema.EVENT_ID)
        current = now[now[schema.EVENT_ID].isin(changed_ids)].set_index(schema.EVENT_ID)
        then = then.loc[current.index]
        details = pd.Series("", index=current.index, dtype="string") if details_wanted else "changed"
        if details_wanted:
            for name in VERSION_FIELDS:
                old, new = _as_words(then[name]), _as_words(current[name])
                differs = (old != new).to_numpy(dtype=bool)
                if differs.any():
                    words = name + " " + old[differs] + " → " + new[differs]
                    sep = details[differs].map(lambda d: ", " if d else "rebuilt: ")
                    details[differs] = details[differs] + sep + words
            details = details.mask(details == "", "rebuilt: changed").to_numpy()
        parts.append(current.reset_index()[fields].assign(
            **{schema.CHANGE_KIND: schema.CHANGE_CHANGED, schema.CHANGE_DETAIL: details}))
    return pd.concat(parts, ignore_index=True)


def changes_since(store: ReviewStore, events: pd.DataFrame, when: datetime) -> pd.DataFrame:
    """Events new, changed or removed by rebuilds since `when`, and events reviewed since then.

    `events` is the machine table now; it is compared with the build recorded as current at `when`
    (see `ReviewStore.record_snapshot`, which the app calls once per loaded build). With no build
    recorded by then, every event is new. One row per event: CHANGE_KIND is the most significant kind
    (new, changed, removed, reviewed), CHANGE_DETAIL lists every change in words, CHANGED_AT is when
    the first later build was recorded (machine changes) or the last decision (reviews).
    """
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    recorded = store.build_at(when)
    machine = _diff_snapshots(recorded[1] if recorded else None, _snapshot_frame(events))
    later = store.builds_after(when)
    machine[schema.CHANGED_AT] = pd.Timestamp(later[0]) if later else pd.NaT
    now_rows = {}
    reviewed: dict[str, dict[str, Any]] = {}
    for action in store.log(since=when):
        if action.event_id is None:
            continue
        entry = reviewed.setdefault(action.event_id, {"at": action.at, "detail": []})
        entry["at"] = max(entry["at"], action.at)
        entry["detail"].append(f"{action.reviewer}: {action.describe()}")
    if reviewed:
        in_machine = set(machine[schema.EVENT_ID].astype(str)) & set(reviewed)
        if in_machine:
            mask = machine[schema.EVENT_ID].isin(list(in_machine)).to_numpy(dtype=bool)
            ids = machine.loc[mask, schema.EVENT_ID].astype(str)
            machine.loc[mask, schema.CHANGE_DETAIL] = [
                f"{d}; " + "; ".join(reviewed[i]["detail"]) for d, i in zip(machine.loc[mask, schema.CHANGE_DETAIL], ids)]
        rest = [i for i in reviewed if i not in in_machine]
        positions = _positions(events[schema.EVENT_ID], rest)
        for event_id in rest:
            values = events.iloc[positions[event_id]].to_dict() if event_id in positions else {}
            now_rows[event_id] = {**{c: values.get(c, pd.NA) for c in CHANGE_COLUMNS},
                                  schema.EVENT_ID: event_id, schema.CHANGE_KIND: schema.CHANGE_REVIEWED,
                                  schema.CHANGED_AT: pd.Timestamp(reviewed[event_id]["at"]),
                                  schema.CHANGE_DETAIL: "; ".join(reviewed[event_id]["detail"])}
    frame = machine[[c for c in CHANGE_COLUMNS]]
    if now_rows:
        extra = pd.DataFrame(list(now_rows.values()), columns=list(CHANGE_COLUMNS))
        frame = pd.concat([frame, extra], ignore_index=True) if len(frame) else extra
    frame = frame.astype({schema.CHANGE_KIND: "string", schema.EVENT_ID: "string", schema.EVENT_TYPE: "string",
                          schema.SUB_EVENT_TYPE: "string", schema.ACTOR1: "string", schema.LOCATION: "string",
                          schema.CHANGE_DETAIL: "string", schema.FATALITIES: "Int64"})
    frame[schema.CHANGED_AT] = pd.to_datetime(frame[schema.CHANGED_AT], utc=True).astype(_UTC_NS)
    frame[schema.EVENT_DATE] = pd.to_datetime(frame[schema.EVENT_DATE], errors="coerce").astype("datetime64[ns]")
    order = frame[schema.CHANGE_KIND].map(_KIND_ORDER).astype(int)
    frame = frame.assign(_order=order).sort_values(
        ["_order", schema.CHANGED_AT, schema.EVENT_ID], ascending=[True, False, True], na_position="last",
        kind="stable")
    return frame.drop(columns="_order").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Article publication dates: re-extracting events from a corrected date
# --------------------------------------------------------------------------------------------


def article_dates(store: ReviewStore | ReviewState) -> dict[str, date]:
    """Corrected publication dates in force: {article_id: date}."""
    state = store.state() if isinstance(store, ReviewStore) else store
    return {a: date.fromisoformat(o.value) for a, o in state.article_dates.items() if o.value}


def with_dates(articles: Sequence[Article], dates: Mapping[str, date]) -> list[Article]:
    """The articles with corrected publication dates put in (origin "override")."""
    return [replace(a, published=dates[a.article_id], published_origin="override")
            if a.article_id in dates and dates[a.article_id] != a.published else a
            for a in articles]


def reviewed_with_dates(events: pd.DataFrame, mentions: pd.DataFrame, articles: pd.DataFrame,
                        store: ReviewStore | ReviewState,
                        rebuild: Callable[[pd.DataFrame, Mapping[str, date]], Any | None] | None = None
                        ) -> ReviewedTables:
    """Everything in force applied: corrected publication dates first (the pipeline re-run through
    `rebuild`, default `rebuild_for_dates`), then every other decision on the resulting tables.

    `articles` is the machine articles table (with text). ReviewedTables.articles holds the table the
    events came from: the rebuilt one when a date was corrected, else `articles`.
    """
    state = store.state() if isinstance(store, ReviewStore) else store
    dates = article_dates(state)
    result = (rebuild or rebuild_for_dates)(articles, dates) if dates else None
    if result is None:
        return replace(apply_state(events, mentions, state), articles=articles)
    # The rebuild only saw articles with text: keep the machine's rows for files it could not read.
    unread = articles[(articles[schema.STATUS] == schema.STATUS_REJECTED).fillna(False).to_numpy(dtype=bool)]
    rebuilt_articles = pd.concat([result.articles, unread], ignore_index=True) if len(unread) else result.articles
    return replace(apply_state(result.events, result.mentions, state), articles=rebuilt_articles)


def rebuild_for_dates(articles: pd.DataFrame, dates: Mapping[str, date],
                      build: Callable[[list[Article]], Any] | None = None) -> Any | None:
    """Re-run the pipeline with corrected publication dates; None when no date differs from the machine's.

    The whole corpus is rebuilt (not only the corrected articles) because events merge across
    articles. `build` defaults to `data_prep.build_from_articles`; the result's events and mentions
    are the machine tables to apply the other decisions to. Decisions re-attach through mention ids.
    """
    from .io import articles_from_frame  # io pulls in the HTML reader: only needed here

    originals = articles_from_frame(articles)
    corrected = with_dates(originals, dates)
    if all(a is b for a, b in zip(originals, corrected)):
        return None
    if build is None:
        from . import build_from_articles as build  # the pipeline is the lead's; imported when needed
    return build(corrected)


# --------------------------------------------------------------------------------------------
# Helpers for the review panel (pure: the Streamlit page only shows what these return)
# --------------------------------------------------------------------------------------------


def form_edits(current: Mapping[str, Any], chosen: Mapping[str, Any]) -> dict[str, Any]:
    """The chosen field values that differ from the event as shown (compared in their stored form)."""
    out: dict[str, Any] = {}
    for name, value in chosen.items():
        if encode_value(name, value) != encode_value(name, current.get(name)):
            out[name] = value
    return out


def place_edits(name: str, place: Any | None = None, admin1: str | None = None,
                latitude: float | None = None, longitude: float | None = None) -> dict[str, Any]:
    """Location fields for a gazetteer place (`models.Place`), or for a new place with the given area and coordinates.

    A new place with coordinates is taken as located exactly (geo_precision 1); without, as unlocated.
    """
    if place is not None:
        return {schema.LOCATION: place.name, schema.ADMIN1: place.admin1, schema.COUNTRY: place.country,
                schema.LATITUDE: place.latitude, schema.LONGITUDE: place.longitude,
                schema.GEO_PRECISION: place.geo_precision}
    name = encode_value(schema.LOCATION, name)
    if not name:
        raise ReviewError("a new place needs a name")
    located = latitude is not None and longitude is not None
    return {schema.LOCATION: name, schema.ADMIN1: admin1, schema.LATITUDE: latitude,
            schema.LONGITUDE: longitude, schema.GEO_PRECISION: 1 if located else None}


def actor_edits(slot: int, name: str | None, actor: Any | None = None) -> dict[str, Any]:
    """actor1/actor2 and its ACLED inter code (from the actor dictionary's `models.Actor`; unknown for a new actor)."""
    actor_field, inter_field = (schema.ACTOR1, schema.INTER1) if slot == 1 else (schema.ACTOR2, schema.INTER2)
    return {actor_field: name, inter_field: getattr(actor, "inter", None) if actor is not None else None}


def choices(current: Any, known: Iterable[str]) -> list[str]:
    """Options for a picker: the current value first, then the known names alphabetically, no repeats."""
    first = [] if _missing(current) or current == "" else [str(current)]
    rest = sorted({str(k) for k in known if k and str(k) not in first}, key=str.casefold)
    return first + rest


def event_label(row: Mapping[str, Any]) -> str:
    """A one-line plain-text label: id · day · type · place · toll."""
    day = row.get(schema.EVENT_DATE)
    parts = [str(row.get(schema.EVENT_ID)),
             "undated" if _missing(day) else pd.Timestamp(day).date().isoformat()]
    parts += [str(row[c]) for c in (schema.SUB_EVENT_TYPE, schema.EVENT_TYPE, schema.LOCATION)
              if not _missing(row.get(c)) and row.get(c)][:2]
    if not _missing(row.get(schema.FATALITIES)):
        parts.append(f"{row[schema.FATALITIES]} killed")
    return " · ".join(parts)


def mention_label(row: Mapping[str, Any]) -> str:
    """A one-line plain-text label for a mention: id · outlet or file · day · place."""
    day = row.get(schema.EVENT_DATE)
    parts = [str(row.get(schema.MENTION_ID)),
             str(row.get(schema.OUTLET) or row.get(schema.SOURCE_FILE) or "unknown source"),
             "undated" if _missing(day) else pd.Timestamp(day).date().isoformat()]
    if not _missing(row.get(schema.LOCATION)):
        parts.append(str(row[schema.LOCATION]))
    if not _missing(row.get(schema.FATALITIES)):
        parts.append(f"{row[schema.FATALITIES]} killed")
    return " · ".join(parts)


def merge_candidates(events: pd.DataFrame, event_id: str, days: int = 3, limit: int = 50) -> pd.DataFrame:
    """Events that could be the same as `event_id`: within `days` of it, closest first, same type and place first."""
    ids = events[schema.EVENT_ID]
    is_this = (ids == event_id).fillna(False).to_numpy(dtype=bool)
    if not is_this.any() or is_this.all():
        return events.iloc[0:0]
    row = events.iloc[int(np.flatnonzero(is_this)[0])]
    day = row[schema.EVENT_DATE]
    keep = ~is_this
    if not pd.isna(day):
        # Rows a day beyond the window cannot qualify: drop them before copying (a million rows cost 0.6 s).
        days_apart = np.abs(events[schema.EVENT_DATE].to_numpy(dtype="datetime64[ns]") - np.datetime64(day, "ns"))
        keep &= days_apart <= np.timedelta64(days + 1, "D")  # NaT compares False
    others = events.iloc[np.flatnonzero(keep)]
    if pd.isna(day):
        distance = pd.Series(0, index=others.index)
    else:
        distance = (others[schema.EVENT_DATE] - day).abs().dt.days
    near = distance.le(days).fillna(False).astype(bool)
    ranked = others.assign(
        _d=distance.fillna(days + 1),
        _t=(others[schema.EVENT_TYPE] != row[schema.EVENT_TYPE]).fillna(True).astype(int),
        _l=(others[schema.LOCATION] != row[schema.LOCATION]).fillna(True).astype(int),
    )[near.to_numpy()]
    ranked = ranked.sort_values(["_l", "_t", "_d", schema.EVENT_ID], kind="stable")
    return ranked.drop(columns=["_d", "_t", "_l"]).head(limit).reset_index(drop=True)


def view_log(store: ReviewStore, tables: ReviewedTables, view: pd.DataFrame) -> pd.DataFrame:
    """The review log of the events in a view: their own actions, those of ids re-attached or merged into
    them, and date corrections of their articles."""
    ids = [str(e) for e in view[schema.EVENT_ID]]
    wanted = set(ids)
    aliases = sorted(d for d, t in tables.resolution.items() if t in wanted and d not in wanted)
    article_ids = sorted({a for cell in view[schema.ARTICLE_IDS].dropna()
                          for a in str(cell).split(schema.LIST_SEPARATOR) if a})
    return log_frame(store.log(event_ids=ids + aliases, article_ids=article_ids))


def history_table(actions: Sequence[ReviewAction]) -> pd.DataFrame:
    """The history as the panel shows it: when (UTC), who, which event or article, what changed, the note."""
    rows = [{
        "when (UTC)": a.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "reviewer": a.reviewer,
        "on": a.event_id or f"article {a.article_id}",
        "change": a.describe(),
        "note": a.note or "",
    } for a in actions]
    return pd.DataFrame(rows, columns=["when (UTC)", "reviewer", "on", "change", "note"]).astype("string")


# --------------------------------------------------------------------------------------------
# Export of the reviewed table for other tools (the CLI's `export`)
# --------------------------------------------------------------------------------------------

EXPORT_SUFFIXES: tuple[str, ...] = (".csv", ".parquet")


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the file, its rows, rows per review status, and decisions left orphaned."""

    path: Path
    rows: int
    statuses: Mapping[str, int]
    orphans: int


def _csv_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for CSV: event days as YYYY-MM-DD, instants as ISO 8601 with their UTC offset."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].map(lambda v: None if pd.isna(v) else v.isoformat()).astype("string")
        elif pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d").astype("string")
    return out


def export_table(data_dir: str | Path, out: str | Path, reviewed: bool = True, drop_rejected: bool = False,
                 rebuild: Callable[[pd.DataFrame, Mapping[str, date]], Any | None] | None = None) -> ExportResult:
    """Write the event table of `data_dir` to `out` (.csv or .parquet), with the review decisions applied.

    With `reviewed` the review columns are added and every decision in force is applied (corrected
    publication dates re-run the pipeline); without, the machine table is written as built. Rejected
    events are kept with their status unless `drop_rejected`. The file is written to a temporary
    name and moved into place, so a reader never sees half a file. Raises ReviewError for an
    unsupported suffix; data_prep.io errors when the folder holds no table.
    """
    import os
    import tempfile

    from . import io

    out = Path(out)
    if out.suffix.lower() not in EXPORT_SUFFIXES:
        raise ReviewError(f"export to .csv or .parquet, not {out.suffix or 'a file without suffix'!r}")
    events, mentions, articles = io.load_outputs(data_dir)
    orphan_count = 0
    if reviewed:
        store_path = Path(data_dir) / settings.REVIEWS_DB
        state = ReviewStore(store_path).state() if store_path.exists() else ReviewState()
        tables = reviewed_with_dates(events, mentions, articles, state, rebuild)
        table, orphan_count = tables.events, len(tables.orphans)
        if drop_rejected:
            table = table[(table[schema.REVIEW_STATUS] != schema.STATUS_REJECTED_EVENT).to_numpy(dtype=bool)]
    else:
        table = events
    statuses = (table[schema.REVIEW_STATUS].value_counts().to_dict() if reviewed else {})
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(handle)
    try:
        if out.suffix.lower() == ".parquet":
            table.to_parquet(temp_name, index=False, engine="pyarrow")
        else:
            neutralise_frame(_csv_text(table)).to_csv(temp_name, index=False, encoding="utf-8", lineterminator="\n")
        os.replace(temp_name, out)
    finally:
        if os.path.exists(temp_name):
            os.remove(temp_name)
    LOGGER.info("exported %d events to %s", len(table), out)
    return ExportResult(out, len(table), {str(k): int(v) for k, v in statuses.items()}, orphan_count)
