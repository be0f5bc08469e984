"""The review panel and the review widgets of the sidebar. Streamlit only: every decision is made by
`data_prep.reviews` (validation, storage, applying) and this module just shows what it returns.

The store's version token is read on every run and keys everything derived from the store (the
applied tables, the "changed since" table), so a colleague's decision shows on the next interaction
while runs without a new decision reuse what was derived. Names and values from the data are shown through `escape_markdown`, in
`st.dataframe` cells or as plain option labels, never as HTML.
"""
from __future__ import annotations

import functools
import json
import logging
import sqlite3
import threading
import zlib
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import data
from dashboard.evidence import escape_markdown
from data_prep import reviews as rv
from data_prep import schema as S
from data_prep.bundle import review_bundle

LOGGER = logging.getLogger(__name__)

K_REVIEWER = "rv_reviewer"
K_LEFT_OFF = "rv_left_off"
K_NAME = "rv_name"
K_FLASH = "rv_flash"
K_SINCE_MODE = "rv_since_mode"
K_SINCE_DAY = "rv_since_day"
K_SINCE_TIME = "rv_since_time"
K_FORGOTTEN = "rv_forgotten"  # "Change reviewer" was pressed: the cookie of this session's start is stale
REVIEWER_COOKIE = "events_reviewer"

NEW_ACTOR = "New actor…"
NO_ACTOR = "(none)"
NEW_PLACE = "New place or corrected coordinates…"
NO_SUB_TYPE = "(none)"
NO_TYPE = "(not coded)"
NO_PLACE = "(no place)"
OTHER_AREA = "(other or unknown)"
SINCE_OFF = "Off"
SINCE_SESSION = "Since my last session"
SINCE_WHEN = "Since a date and time"
ALL_SUB_TYPES: tuple[str, ...] = tuple(dict.fromkeys(s for subs in S.SUB_EVENT_TYPES.values() for s in subs))


# --- opening and applying ----------------------------------------------------------------------

def open_store(folder: Path) -> rv.ReviewStore | None:
    """The folder's review store, or None (with the reason on the page) when it cannot be opened."""
    try:
        return rv.ReviewStore.in_folder(folder)
    except (rv.ReviewStoreError, OSError, sqlite3.Error) as error:
        LOGGER.exception("review store in %s", folder)
        st.error(escape_markdown(f"Review decisions cannot be read or saved: {error}"))
        return None


Source = pd.DataFrame | Callable[[], pd.DataFrame]  # a frame, or a function that reads it when needed


def _frame(source: Source) -> pd.DataFrame:
    return source() if callable(source) else source


@functools.lru_cache(maxsize=1)
def _no_mentions() -> pd.DataFrame:
    return S.conform_mentions(pd.DataFrame(columns=list(S.MENTION_COLUMNS)))


@st.cache_resource(max_entries=8, show_spinner="Re-extracting the articles with corrected publication dates…")
def _rebuilt(dates: tuple[tuple[str, str], ...], data_key: Hashable, _articles: pd.DataFrame) -> Any:
    """The pipeline re-run with corrected dates, once per (dates, data) pair; frames are never modified."""
    return rv.rebuild_for_dates(_articles, {a: date.fromisoformat(d) for a, d in dates})


_RECORDED: set[tuple[str, Hashable]] = set()
_RECORD_LOCK = threading.Lock()


def _record_build(path: str, data_key: Hashable, events: pd.DataFrame) -> None:
    """Record a build's events for "changed since", once per data version, in the background.

    Hashing a million rows takes about a second: the page does not wait for it, and it starts once
    the browser has drawn the page (data.in_background). "Changed since"
    compares with the build in force at the chosen moment, which never is the one being recorded.
    """
    with _RECORD_LOCK:
        if (path, data_key) in _RECORDED:
            return
        _RECORDED.add((path, data_key))

    def record() -> None:
        try:
            rv.ReviewStore(path).record_snapshot(events)
        except (sqlite3.Error, OSError, rv.ReviewStoreError):
            LOGGER.exception("could not record the build for 'changed since'")

    data.in_background("review-record-build", record)


# Both keyed by the store's version token (read on every run by the caller): a decision by anyone
# changes the key, so what is shown is never older than the store; runs without a new decision
# reuse the applied tables.
@st.cache_resource(max_entries=4, show_spinner=False)
def _applied_to_events(path: str, data_key: Hashable, version: Hashable, _events: pd.DataFrame) -> rv.ReviewedTables | None:
    """The decisions applied without the mentions, or None when they need them (rv.needs_mentions)."""
    state = rv.ReviewStore(path).state()
    if rv.needs_mentions(state, _events):
        return None
    return rv.apply_state(_events, _no_mentions(), state)


def decided_ids(state: rv.ReviewState) -> tuple[str, ...]:
    """The ids of the events a state has decisions on (edits, statuses, notes, anchors), sorted.

    Without merges, splits or corrected dates, and when every one of them is in the table, the
    decisions change those events' rows and no other (see `data_prep.reviews.apply_state`).
    """
    return tuple(sorted({o.event_id for o in state.overrides} | set(state.last_actions) | set(state.anchors)))


@st.cache_resource(max_entries=4, show_spinner=False)
def _decided_rows(path: str, data_key: Hashable, version: Hashable, _events: pd.DataFrame) -> tuple[str, ...] | None:
    """`decided_ids` when the decisions apply to the events alone, None when they may move rows."""
    alone = _applied_to_events(path, data_key, version, _events)
    return None if alone is None else decided_ids(alone.state)


@st.cache_resource(max_entries=4, show_spinner="Applying review decisions…")
def _applied(path: str, data_key: Hashable, version: Hashable, _events: pd.DataFrame,
             _mentions: pd.DataFrame, _articles: pd.DataFrame) -> rv.ReviewedTables:
    store = rv.ReviewStore(path)

    def rebuild(machine_articles: pd.DataFrame, dates: Mapping[str, date]) -> Any:
        key = tuple(sorted((a, d.isoformat()) for a, d in dates.items()))
        return _rebuilt(key, data_key, machine_articles)

    return rv.reviewed_with_dates(_events, _mentions, _articles, store, rebuild)


def reviewed_tables(store: rv.ReviewStore, events: pd.DataFrame, mentions: Source, articles: Source,
                    data_key: Hashable, version: Hashable | None = None, complete: bool = True,
                    record: bool = True) -> rv.ReviewedTables:
    """The machine tables with every decision applied; call it on every run.

    Args:
        store: the folder's review store.
        events: the machine events.
        mentions, articles: the machine mentions and articles (with text), or functions that read
            them: they are read only when needed.
        data_key: identifies the version of the machine tables (e.g. `data.Built.stamp`); it keys
            the re-extraction of articles whose publication date was corrected, the applied tables
            and the recording of the build for "changed since".
        version: `store.version()` read by the caller on this run (read here when None), so a
            colleague's decision shows on the next interaction.
        complete: False when only the events are needed (filters, charts, table): without merges,
            splits, corrected dates or decisions to re-attach, the mentions and articles are then
            not read, and the result's mentions are empty and its articles None. True (the review
            panel, the event's sources) gives every table.
        record: record the build for "changed since" (in the background, once per data version);
            False when the caller does it later (`PageReviews.record_build`, after the page is drawn).

    The returned frames are shared: never modify them in place.
    """
    path = str(store.path)
    if record:
        _record_build(path, data_key, events)
    token = store.version() if version is None else version
    alone = _applied_to_events(path, data_key, token, events)
    if alone is not None:
        # Nothing moved a mention: the machine mentions and articles are the reviewed ones.
        return alone if not complete else replace(alone, mentions=_frame(mentions), articles=_frame(articles))
    return _applied(path, data_key, token, events, _frame(mentions), _frame(articles))


@dataclass(frozen=True)
class PageReviews:
    """The review store of the page's folder and this run's decisions applied to its events."""

    store: rv.ReviewStore
    version: Hashable  # store.version() read on this run
    tables: rv.ReviewedTables  # decisions applied to the events; mentions empty unless they were needed
    data_key: Hashable
    events: pd.DataFrame  # the machine events
    mentions: Source
    articles: Source
    decided: tuple[str, ...] | None = None  # events whose rows alone the decisions changed; None: rows may have moved

    def complete(self) -> rv.ReviewedTables:
        """Every table with the decisions applied (reads the mentions and articles when not read yet)."""
        return reviewed_tables(self.store, self.events, self.mentions, self.articles, self.data_key,
                               self.version, complete=True, record=False)

    def record_build(self) -> None:
        """Record the machine events for "changed since", in the background, once per data version.

        Call it after the page is drawn: hashing a million rows would otherwise compete with it.
        """
        _record_build(str(self.store.path), self.data_key, self.events)

    def follow(self, ids: Sequence[str]) -> tuple[str, ...]:
        """The selected ids as events of the reviewed table: a merged-away or re-attached id becomes its
        event's; an id a re-extraction (corrected publication date) removed becomes the events now holding
        its mentions. Ids found nowhere are kept (the page says they are gone)."""
        now = follow(ids, self.tables)
        events = self.tables.events
        present = set(events.loc[events[S.EVENT_ID].isin(list(now)).fillna(False).to_numpy(dtype=bool), S.EVENT_ID])
        lost = [i for i in now if i not in present]
        if not lost:
            return now
        machine = _frame(self.mentions)
        held = machine.loc[machine[S.EVENT_ID].isin(lost).fillna(False).to_numpy(dtype=bool), [S.EVENT_ID, S.MENTION_ID]]
        if held.empty:
            return now
        reviewed = self.complete().mentions
        moved = reviewed.loc[reviewed[S.MENTION_ID].isin(list(held[S.MENTION_ID])).fillna(False).to_numpy(dtype=bool)]
        to = dict(zip(moved[S.MENTION_ID].astype(str), moved[S.EVENT_ID].astype(str)))
        out: list[str] = []
        for event_id in now:
            if event_id in present:
                out.append(event_id)
                continue
            mention_ids = held.loc[held[S.EVENT_ID] == event_id, S.MENTION_ID].astype(str)
            out.extend([to[m] for m in mention_ids if m in to] or [event_id])
        return tuple(dict.fromkeys(out))


def open_reviews(folder: Path, events: pd.DataFrame, mentions: Source, articles: Source,
                 data_key: Hashable) -> PageReviews | None:
    """Open the folder's store and apply its decisions to the events; None (said on the page) when it fails.

    Call it on every run: the store's version is read each time.
    """
    store = open_store(folder)
    if store is None:
        return None
    try:
        version = store.version()
        tables = reviewed_tables(store, events, mentions, articles, data_key, version, complete=False, record=False)
    except (rv.ReviewError, sqlite3.Error) as error:
        LOGGER.exception("applying the review decisions of %s", folder)
        st.error(escape_markdown(f"Review decisions could not be applied; the table is shown as built: {error}"))
        return None
    decided = _decided_rows(str(store.path), data_key, version, events)
    return PageReviews(store, version, tables, data_key, events, mentions, articles, decided)


def view_sources(sources: pd.Series) -> list[str]:
    """The outlets a view's `source` cells cite, alphabetically (the bundle's list of sources)."""
    cells = sources.dropna().unique()
    outlets = {p.strip() for cell in cells for p in str(cell).split(S.LIST_SEPARATOR) if p.strip()}
    return sorted(outlets, key=lambda v: (v.casefold(), v))


def follow(ids: Sequence[str], tables: rv.ReviewedTables) -> tuple[str, ...]:
    """Event ids as they are after the decisions: a merged-away or re-attached id becomes its event's."""
    return tuple(dict.fromkeys(tables.resolution.get(i) or i for i in ids))


# --- sidebar -------------------------------------------------------------------------------------

def reviewer_cookie(name: str, left_off: datetime | None) -> str:
    """The cookie value that remembers the reviewer for the browser session: URL-quoted JSON, so it holds
    nothing but letters, digits and %-escapes (safe to put in a script)."""
    payload = {"name": name, "left_off": left_off.astimezone(UTC).isoformat() if left_off else None}
    return quote(json.dumps(payload, ensure_ascii=False), safe="")


def read_reviewer_cookie(value: str | None) -> tuple[str, datetime | None] | None:
    """(name, where their previous session left off) from `reviewer_cookie`; None when absent or not ours."""
    if not value:
        return None
    try:
        payload = json.loads(unquote(value))
        name = rv.normalise_reviewer(payload["name"])
        left_off = datetime.fromisoformat(payload["left_off"]) if payload.get("left_off") else None
    except (ValueError, TypeError, KeyError, AttributeError, rv.ReviewError):
        return None
    return name, left_off


def _cookie_script(value: str | None) -> str:
    """A script setting (or, with None, deleting) the reviewer cookie; a session cookie, gone when the browser closes."""
    cookie = f"{REVIEWER_COOKIE}={value}; path=/; SameSite=Strict" if value is not None \
        else f"{REVIEWER_COOKIE}=; path=/; max-age=0; SameSite=Strict"
    return f"<script>document.cookie = {json.dumps(cookie)};</script>"


def _browser_cookie() -> str | None:
    try:
        return st.context.cookies.get(REVIEWER_COOKIE)
    except Exception:  # noqa: BLE001 - no request behind this run (tests, bare mode)
        return None


def reviewer_sidebar(store: rv.ReviewStore, container: Any = None) -> str | None:
    """Ask the reviewer's name once per browser session; returns it, or None until given.

    Streamlit starts a new session on every reload, so the name (and where the reviewer's previous
    session left off) is also kept in a session cookie, which a reload reads back.
    """
    side = container if container is not None else st.sidebar
    if not st.session_state.get(K_REVIEWER) and not st.session_state.get(K_FORGOTTEN):
        remembered = read_reviewer_cookie(_browser_cookie())
        if remembered is not None:
            st.session_state[K_REVIEWER], st.session_state[K_LEFT_OFF] = remembered
    name = st.session_state.get(K_REVIEWER)
    if name:
        side.caption(f"Reviewing as **{escape_markdown(name)}**")
        if side.button("Change reviewer", key="rv_change_reviewer"):
            st.session_state.pop(K_REVIEWER, None)
            st.session_state.pop(K_LEFT_OFF, None)
            st.session_state[K_FORGOTTEN] = True
            st.rerun()
        wanted = reviewer_cookie(name, st.session_state.get(K_LEFT_OFF))
        if read_reviewer_cookie(_browser_cookie()) != read_reviewer_cookie(wanted):
            side.iframe(_cookie_script(wanted), height="content")  # our own script: no data from articles
        return name
    if st.session_state.get(K_FORGOTTEN) and _browser_cookie():
        side.iframe(_cookie_script(None), height="content")
    with side.form("rv_name_form", border=False):
        typed = st.text_input("Your name, to review events", key=K_NAME, max_chars=80,
                              placeholder="e.g. Ana Lopez",
                              help="Every decision you make is recorded under this name, with the time. "
                                   "It is asked once per browser session.")
        if st.form_submit_button("Start reviewing"):
            try:
                name = rv.normalise_reviewer(typed)
            except rv.ReviewError as error:
                st.error(escape_markdown(str(error)))
                return None
            st.session_state[K_LEFT_OFF] = store.start_session(name)
            st.session_state[K_REVIEWER] = name
            st.session_state.pop(K_FORGOTTEN, None)
            st.rerun()
    return None


def changed_since_sidebar(reviewer: str | None, container: Any = None) -> datetime | None:
    """Pick the moment for the "changed since" view: off, the reviewer's last session, or a date and time (UTC)."""
    side = container if container is not None else st.sidebar
    mode = side.radio("Changes", [SINCE_OFF, SINCE_SESSION, SINCE_WHEN], key=K_SINCE_MODE,
                      help="Events new, changed or removed by a rebuild, and events reviewed, since then.")
    if mode == SINCE_SESSION:
        if not reviewer:
            side.caption("Enter your name above to see what changed since your last session.")
            return None
        left_off = st.session_state.get(K_LEFT_OFF)
        if left_off is None:
            side.caption("This is your first session: nothing to compare with.")
            return None
        side.caption(f"Your last session left off at {left_off.astimezone(UTC):%Y-%m-%d %H:%M} UTC.")
        return left_off
    if mode == SINCE_WHEN:
        yesterday = datetime.now(UTC) - timedelta(days=1)
        day = side.date_input("Since (UTC day)", value=yesterday.date(), key=K_SINCE_DAY, format="YYYY-MM-DD")
        moment = side.time_input("at (UTC)", value=time(0, 0), key=K_SINCE_TIME)
        if day is None:
            return None
        return datetime.combine(day, moment or time(0, 0), tzinfo=UTC)
    return None


@st.cache_resource(max_entries=4, show_spinner="Comparing with the build of that moment…")
def _changes(path: str, data_key: Hashable, version: Hashable, since: datetime, builds: tuple[datetime, ...],
             _events: pd.DataFrame) -> pd.DataFrame:
    return rv.changes_since(rv.ReviewStore(path), _events, since)


def render_changes(store: rv.ReviewStore, machine_events: pd.DataFrame, since: datetime,
                   data_key: Hashable = None, version: Hashable | None = None) -> pd.DataFrame:
    """The "changed since" table; returns it so the page can narrow its view to those events.

    Computed once per (data, decisions, builds recorded since, moment): comparing a million events
    with an earlier build takes seconds.
    """
    token = store.version() if version is None else version
    changes = _changes(str(store.path), data_key, token, since, tuple(store.builds_after(since)), machine_events)
    st.subheader(f"Changes since {since.astimezone(UTC):%Y-%m-%d %H:%M} UTC")
    if changes.empty:
        st.caption("Nothing new, changed, removed or reviewed since then.")
        return changes
    counts = changes[S.CHANGE_KIND].value_counts()
    st.caption(" · ".join(f"{int(counts[k])} {k}" for k in S.CHANGE_KINDS if k in counts))
    st.dataframe(changes, hide_index=True, placeholder="–", height="auto" if len(changes) <= 10 else 380, column_config={
        S.CHANGED_AT: st.column_config.DatetimeColumn("when (UTC)", format="YYYY-MM-DD HH:mm"),
        S.EVENT_DATE: st.column_config.DateColumn("date", format="YYYY-MM-DD"),
    })
    return changes


def render_orphans(tables: rv.ReviewedTables) -> None:
    """A warning with the decisions whose event the current build no longer produces (kept, never dropped)."""
    if tables.orphans.empty:
        return
    n = len(tables.orphans)
    with st.expander(f"{n} review decision(s) no longer match an event", icon=":material/link_off:"):
        st.caption("The build no longer produces these events, and none of their articles' mentions survive "
                   "under another event. The decisions are kept: they apply again if a later build brings "
                   "the event back.")
        st.dataframe(tables.orphans, hide_index=True, placeholder="–")


def bundle_download(store: rv.ReviewStore, tables: rv.ReviewedTables, view: pd.DataFrame | Callable[[], pd.DataFrame],
                    figures: Mapping[str, go.Figure] | Callable[[], Mapping[str, go.Figure]], description: str,
                    sources: Sequence[str] | Callable[[], Sequence[str]], file_name: str = "review-bundle.zip",
                    container: Any = None, on_error: Callable[[Exception], None] | None = None) -> None:
    """A download button for the review bundle of the current view; built only when clicked.

    `view`, `figures` and `sources` may be functions, called when the button is clicked (copying a
    big view and drawing its charts cost seconds). `on_error` hears a failure (the build runs outside the page's run).
    """
    place = container if container is not None else st

    def build() -> bytes:
        try:
            events = view() if callable(view) else view
            charts = figures() if callable(figures) else figures
            names = sources() if callable(sources) else sources
            return review_bundle(events, rv.view_log(store, tables, events), charts, description, names)
        except Exception as error:
            LOGGER.exception("review bundle failed")
            if on_error is not None:
                on_error(error)
            raise

    place.download_button("Review bundle (zip)", data=build, file_name=file_name, mime="application/zip",
                          on_click="ignore", icon=":material/folder_zip:", key="dl_review_bundle",
                          help="Events with decisions applied, the review log, the charts (HTML, PNG, SVG), "
                               "GeoJSON and a summary of the view.")


# --- the panel -----------------------------------------------------------------------------------

def _flash() -> None:
    message = st.session_state.pop(K_FLASH, None)
    if message:
        st.success(escape_markdown(message))


def _done(message: str) -> None:
    st.session_state[K_FLASH] = message
    st.rerun()


def _attempt(action: Callable[[], Any], success: Callable[[Any], str]) -> None:
    """Run a store call; report a refusal on the page, or rerun with a success message."""
    try:
        result = action()
    except rv.ReviewError as error:
        st.error(escape_markdown(str(error)))
        return
    except sqlite3.Error as error:
        LOGGER.exception("review store write failed")
        st.error(escape_markdown(f"The decision was not saved (the review store failed: {error}). Try again."))
        return
    _done(success(result))


def _day(value: Any) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _number(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _text(value: Any) -> str | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "" else str(value)


def _version(tables: rv.ReviewedTables, event_id: str, row: Mapping[str, Any]) -> str:
    """Part of the panel's widget keys: the latest action on the event and a checksum of its values, so
    the form reloads after a decision or a re-extraction, and keeps what is typed otherwise."""
    ids = [event_id, *tables.aliases(event_id)]
    last = max((tables.state.last_actions[i][0] for i in ids if i in tables.state.last_actions), default=0)
    shown = "|".join(str(row.get(f)) for f in rv.EDITABLE_FIELDS + rv.STATE_FIELDS)
    return f"{last}-{zlib.crc32(shown.encode('utf-8')):08x}"


def _status_line(row: Mapping[str, Any]) -> str:
    status = _text(row.get(S.REVIEW_STATUS)) or S.STATUS_UNREVIEWED
    line = f"Status: **{escape_markdown(status)}**"
    if _text(row.get(S.REVIEWER)):
        at = pd.Timestamp(row[S.REVIEWED_AT]).tz_convert(UTC)
        line += escape_markdown(f" · last decision by {row[S.REVIEWER]}, {at:%Y-%m-%d %H:%M} UTC")
    if _text(row.get(S.EDITED_FIELDS)):
        line += escape_markdown(f" · corrected: {row[S.EDITED_FIELDS].replace(S.LIST_SEPARATOR, ', ')}")
    return line


def _known_names() -> tuple[list[str], Any]:
    """Canonical actor names and the gazetteer (the pipeline's own, cached by the page's data module)."""
    try:
        actors, gazetteer = data.matchers()
        return list(actors.canonical_names()), (actors, gazetteer)
    except Exception:  # noqa: BLE001 - the panel still works with names from the table
        LOGGER.exception("actor dictionary or gazetteer unavailable")
        return [], (None, None)


def render_review_panel(store: rv.ReviewStore, tables: rv.ReviewedTables, event_id: str,
                        reviewer: str | None, machine_articles: pd.DataFrame | None = None) -> None:
    """Review one event: status, corrections, note, merge/split, article dates, withdrawals and history.

    Args:
        store: the folder's review store.
        tables: this run's `reviewed_tables(...)`.
        event_id: the event shown (a row of tables.events).
        reviewer: from `reviewer_sidebar`; without it the panel is read-only.
        machine_articles: the machine articles table, for the dates the pipeline found.
    """
    st.markdown("**Review**")
    _flash()
    rows = tables.events[(tables.events[S.EVENT_ID] == event_id).fillna(False).to_numpy(dtype=bool)]
    if rows.empty:
        st.warning(escape_markdown(f"Event {event_id} is not in the reviewed table (merged away or rebuilt)."))
        return
    row = rows.iloc[0].to_dict()
    st.markdown(_status_line(row))
    aliases = tables.aliases(event_id)
    if _text(row.get(S.REATTACHED_FROM)):
        st.caption(escape_markdown(
            f"Decisions made on {row[S.REATTACHED_FROM].replace(S.LIST_SEPARATOR, ', ')} apply here: "
            "a rebuild gave this event a new id, and they followed its articles' mentions."))
    if _text(row.get(S.REVIEW_NOTE)):
        st.caption("Note: " + escape_markdown(str(row[S.REVIEW_NOTE])))
    article_ids = list(dict.fromkeys(tables.mentions_of(event_id)[S.ARTICLE_ID].dropna().astype(str)))

    if reviewer:
        key = f"rv-{event_id}-{_version(tables, event_id, row)}"
        ref = tables.ref(event_id)
        _decision_form(store, ref, row, reviewer, key)
        with st.expander("Merge, split or withdraw a decision"):
            _structure_controls(store, tables, ref, reviewer, key)
            _withdraw_controls(store, ref, row, tables, reviewer, key)
        if article_ids:
            with st.expander("Article publication dates"):
                _article_dates(store, tables, article_ids, machine_articles, reviewer, key)
    else:
        st.caption("Enter your name in the sidebar to record decisions on this event.")

    with st.expander("History of decisions", expanded=False):
        actions = store.history(event_id, article_ids=article_ids, aliases=aliases)
        if actions:
            st.dataframe(rv.history_table(actions), hide_index=True, placeholder="–")
        else:
            st.caption("No decision recorded yet: the event is as the machine coded it.")


DATE_FIELDS_HELP = ("day and approx: one day; month: any day of the month; range: a first and a last day; "
                    "unknown: no day at all.")


def _decision_form(store: rv.ReviewStore, ref: rv.EventRef, row: Mapping[str, Any], reviewer: str, key: str) -> None:
    names, (actor_dictionary, gazetteer) = _known_names()
    table_actors = [row.get(S.ACTOR1), row.get(S.ACTOR2)]
    status_now = _text(row.get(S.REVIEW_STATUS)) or S.STATUS_UNREVIEWED
    precision_now = _text(row.get(S.DATE_PRECISION)) or S.PRECISION_UNKNOWN
    # Outside the form, so choosing a precision redraws the date fields it needs.
    precision = st.selectbox("Date precision", list(S.DATE_PRECISIONS), key=f"{key}-precision",
                             index=list(S.DATE_PRECISIONS).index(precision_now)
                             if precision_now in S.DATE_PRECISIONS else len(S.DATE_PRECISIONS) - 1,
                             help=DATE_FIELDS_HELP)
    day_now, first_now, last_now = _day(row.get(S.EVENT_DATE)), _day(row.get(S.DATE_START)), _day(row.get(S.DATE_END))
    with st.form(f"{key}-form", border=True):
        status = st.radio("Decision", list(S.REVIEW_STATUSES), index=list(S.REVIEW_STATUSES).index(status_now)
                          if status_now in S.REVIEW_STATUSES else 0, horizontal=True, key=f"{key}-status")
        day, first, last = day_now, first_now, last_now
        c1, c2, c3 = st.columns(3)
        if precision == S.PRECISION_RANGE:
            first = c1.date_input("First day", value=first_now, key=f"{key}-first", format="YYYY-MM-DD")
            last = c2.date_input("Last day", value=last_now, key=f"{key}-last", format="YYYY-MM-DD")
            day = None if (first, last) != (first_now, last_now) else day_now  # the day follows a new range
        elif precision == S.PRECISION_MONTH:
            day = c1.date_input("Any day of the month", value=day_now, key=f"{key}-day", format="YYYY-MM-DD")
        elif precision != S.PRECISION_UNKNOWN:
            day = c1.date_input("Day", value=day_now, key=f"{key}-day", format="YYYY-MM-DD")
        else:
            c1.caption("Unknown date: saving clears the day.")

        c1, c2 = st.columns(2)
        type_now = _text(row.get(S.EVENT_TYPE))
        event_type = c1.selectbox("Event type", _options(type_now, S.EVENT_TYPES, NO_TYPE), key=f"{key}-type")
        sub_now = _text(row.get(S.SUB_EVENT_TYPE))
        sub_type = c2.selectbox("Sub-event type", _options(sub_now, ALL_SUB_TYPES, NO_SUB_TYPE, removable=True),
                                key=f"{key}-sub", help="ACLED's sub-types; it must belong to the event type.")

        c1, c2, c3, c4 = st.columns(4)
        actor1_now, actor2_now = _text(row.get(S.ACTOR1)), _text(row.get(S.ACTOR2))
        known_actors = names + [a for a in table_actors if _text(a)]
        actor1 = c1.selectbox("Actor 1", _options(actor1_now, known_actors, NO_ACTOR, removable=True) + [NEW_ACTOR],
                              key=f"{key}-a1")
        new_actor1 = c2.text_input("New actor 1", key=f"{key}-a1-new", placeholder="if 'New actor…'")
        actor2 = c3.selectbox("Actor 2", _options(actor2_now, known_actors, NO_ACTOR, removable=True) + [NEW_ACTOR],
                              key=f"{key}-a2")
        new_actor2 = c4.text_input("New actor 2", key=f"{key}-a2-new", placeholder="if 'New actor…'")

        location_now = _text(row.get(S.LOCATION))
        place_names = [p.name for p in gazetteer] if gazetteer is not None else []
        c1, c2, c3, c4, c5 = st.columns([3, 2, 2, 1, 1])
        place = c1.selectbox("Place (gazetteer)", _options(location_now, place_names, NO_PLACE) + [NEW_PLACE],
                             key=f"{key}-place")
        new_name = c2.text_input("New place name", value=location_now or "", key=f"{key}-place-new")
        admin_now = _text(row.get(S.ADMIN1))
        areas = rv.choices(admin_now, S.ADMIN_AREAS) + [OTHER_AREA]
        area = c3.selectbox("Area (admin1)", areas, key=f"{key}-area")
        lat = c4.number_input("Latitude", value=_float(row.get(S.LATITUDE)), min_value=-90.0, max_value=90.0,
                              format="%.5f", key=f"{key}-lat")
        lon = c5.number_input("Longitude", value=_float(row.get(S.LONGITUDE)), min_value=-180.0, max_value=180.0,
                              format="%.5f", key=f"{key}-lon")

        c1, c2 = st.columns(2)
        fatalities = c1.number_input("Fatalities", value=_number(row.get(S.FATALITIES)), min_value=0, step=1,
                                     key=f"{key}-killed", help="Leave empty when no figure is reported.")
        injuries = c2.number_input("Injuries", value=_number(row.get(S.INJURIES)), min_value=0, step=1,
                                   key=f"{key}-injured")
        note = st.text_area("Note (why; what you checked)", key=f"{key}-note", max_chars=4000)
        submitted = st.form_submit_button("Save decision", type="primary")

    if not submitted:
        return
    try:
        chosen: dict[str, Any] = {S.FATALITIES: fatalities, S.INJURIES: injuries,
                                  S.EVENT_TYPE: None if event_type == NO_TYPE else event_type,
                                  S.SUB_EVENT_TYPE: None if sub_type == NO_SUB_TYPE else sub_type}
        dates_now = (day_now, precision_now, first_now, last_now)
        if (day, precision, first, last) != dates_now:
            chosen.update(rv.date_fields(day, precision, first, last))
        for slot, pick, typed, now in ((1, actor1, new_actor1, actor1_now), (2, actor2, new_actor2, actor2_now)):
            name = typed if pick == NEW_ACTOR else (None if pick == NO_ACTOR else pick)
            if pick == NEW_ACTOR and not rv.encode_value(S.ACTOR1, typed):
                raise rv.ReviewError(f"type the name of the new actor {slot}")
            if rv.encode_value(S.ACTOR1, name) != rv.encode_value(S.ACTOR1, now):
                known = actor_dictionary.get(name) if actor_dictionary is not None and name else None
                chosen.update(rv.actor_edits(slot, known.name if known else name, known))
        if place == NEW_PLACE:
            chosen.update(rv.place_edits(new_name, None, None if area == OTHER_AREA else area, lat, lon))
        elif place not in (location_now, NO_PLACE) and gazetteer is not None:
            chosen.update(rv.place_edits(place, gazetteer.lookup(place)))
        elif area != (admin_now or OTHER_AREA):
            chosen[S.ADMIN1] = None if area == OTHER_AREA else area
        edits = rv.form_edits(ref.values, chosen)
    except rv.ReviewError as error:
        st.error(escape_markdown(str(error)))
        return
    _attempt(lambda: store.save(ref, reviewer, status=status, edits=edits, note=note or None),
             lambda written: f"Saved {len(written)} change(s) to {ref.event_id}." if written
             else "Nothing changed: no decision recorded.")


def _float(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _options(now: str | None, known: Sequence[str], blank: str, removable: bool = False) -> list[str]:
    """Picker options with the value in force first, so an untouched picker never changes anything.

    A missing value shows as `blank`; with `removable`, `blank` is also offered to clear a value.
    """
    if now is None:
        return [blank] + rv.choices(None, known)
    options = rv.choices(now, known)
    return [options[0]] + ([blank] if removable else []) + options[1:]


def _structure_controls(store: rv.ReviewStore, tables: rv.ReviewedTables, ref: rv.EventRef,
                        reviewer: str, key: str) -> None:
    event_id = ref.event_id
    candidates = rv.merge_candidates(tables.events, event_id)
    labels = {str(r[S.EVENT_ID]): rv.event_label(r) for r in candidates.to_dict("records")}
    st.markdown("**Merge**: another event that is the same incident joins this one (its sources are added).")
    c1, c2 = st.columns([3, 2])
    picked = c1.selectbox("Nearby events (3 days)", [""] + list(labels), key=f"{key}-merge-pick",
                          format_func=lambda i: labels.get(i, "choose…"))
    typed = c2.text_input("or its event id", key=f"{key}-merge-id")
    other = (typed or "").strip() or picked
    if st.button("Merge it into this event", key=f"{key}-merge", disabled=not other):
        _attempt(lambda: store.merge(ref, tables.ref(other), reviewer),
                 lambda action: f"Merged {other} into {event_id}.")
    for absorbed in tables.merged_into(event_id):
        if st.button(f"Undo the merge of {escape_markdown(absorbed)}", key=f"{key}-unmerge-{absorbed}"):
            _attempt(lambda a=absorbed: store.revert(rv.EventRef(a), rv.MERGED_INTO, reviewer),
                     lambda action, a=absorbed: f"{a} is its own event again.")

    mentions = tables.mentions_of(event_id)
    if len(mentions) >= 2:
        st.markdown("**Split**: mentions that tell a different incident become events of their own.")
        mention_labels = {str(m[S.MENTION_ID]): rv.mention_label(m) for m in mentions.to_dict("records")}
        chosen = st.multiselect("Mentions to split off", list(mention_labels), key=f"{key}-split-pick",
                                format_func=mention_labels.get)
        if st.button("Split them off", key=f"{key}-split", disabled=not chosen):
            _attempt(lambda: store.split(ref, reviewer, chosen),
                     lambda action: f"Split {len(chosen)} mention(s) off {event_id}.")
    for decided in tables.split_decisions(event_id):
        if st.button(f"Undo the split of {escape_markdown(decided)}", key=f"{key}-unsplit-{decided}"):
            _attempt(lambda d=decided: store.revert(rv.EventRef(d), rv.SPLIT, reviewer),
                     lambda action: f"Split of {event_id} undone.")


def _withdraw_controls(store: rv.ReviewStore, ref: rv.EventRef, row: Mapping[str, Any],
                       tables: rv.ReviewedTables, reviewer: str, key: str) -> None:
    in_force: list[tuple[str, str]] = []  # (decided id, field)
    ids = [ref.event_id, *tables.aliases(ref.event_id)]
    for override in tables.state.overrides:
        if override.event_id in ids and override.field in rv.EDITABLE_FIELDS + rv.STATE_FIELDS:
            in_force.append((override.event_id, override.field))
    if not in_force:
        return
    st.markdown("**Withdraw** a correction, the status or the note: the machine's value shows again "
                "(the history keeps both).")
    labels = {f"{d}|{f}": (f if d == ref.event_id else f"{f} (decided on {d})") for d, f in in_force}
    c1, c2 = st.columns([3, 1])
    picked = c1.selectbox("Decision in force", list(labels), format_func=labels.get, key=f"{key}-revert-pick")
    if c2.button("Withdraw", key=f"{key}-revert"):
        decided, field_name = picked.split("|", 1)
        _attempt(lambda: store.revert(rv.EventRef(decided), field_name, reviewer),
                 lambda action: f"Withdrawn: {field_name} of {decided}.")


def _article_dates(store: rv.ReviewStore, tables: rv.ReviewedTables, article_ids: Sequence[str],
                   machine_articles: pd.DataFrame | None, reviewer: str, key: str) -> None:
    corrected = rv.article_dates(tables.state)
    machine: dict[str, date | None] = {}
    titles: dict[str, str] = {}
    if machine_articles is not None:
        for r in machine_articles[machine_articles[S.ARTICLE_ID].isin(list(article_ids)).fillna(False)].to_dict("records"):
            machine[str(r[S.ARTICLE_ID])] = _day(r.get(S.PUBLISHED))
            titles[str(r[S.ARTICLE_ID])] = str(_text(r.get(S.TITLE)) or _text(r.get(S.FILE)) or r[S.ARTICLE_ID])
    st.caption("Relative days (\"on Thursday\", \"yesterday\") are read from the publication date: a corrected "
               "date re-extracts the article's events, and decisions follow them.")
    for article_id in article_ids:
        found = machine.get(article_id)
        now = corrected.get(article_id, found)
        origin = "corrected by an analyst" if article_id in corrected else "found by the pipeline"
        st.markdown(escape_markdown(f"{titles.get(article_id, article_id)}: "
                                    f"{now.isoformat() if now else 'undated'} ({origin})"))
        c1, c2, c3 = st.columns([2, 1, 1])
        new = c1.date_input("Publication date", value=now, key=f"{key}-pub-{article_id}", format="YYYY-MM-DD",
                            label_visibility="collapsed")
        if c2.button("Set date", key=f"{key}-pub-set-{article_id}", disabled=new is None or new == now):
            _attempt(lambda a=article_id, d=new: store.set_published(a, d, reviewer, machine_published=found),
                     lambda action, a=article_id: f"Publication date of {a} set; its events were re-extracted.")
        if article_id in corrected and c3.button("Withdraw", key=f"{key}-pub-undo-{article_id}"):
            _attempt(lambda a=article_id: store.set_published(a, None, reviewer, machine_published=found),
                     lambda action, a=article_id: f"The pipeline's date of {a} applies again.")
