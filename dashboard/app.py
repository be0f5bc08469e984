"""The analyst dashboard: Streamlit widgets wired to the plain functions of `dashboard` and `data_prep`.

Run from the repository root: `python -m dashboard` (builds the seeds' table if needed) or
`python -m streamlit run dashboard/app.py`. No data logic here: filtering, figures, metrics,
exports, highlighting and the URL round trip live in modules that never import streamlit.

Untrusted text (article text, evidence, titles, names from the data) is only ever shown through
`st.code`, `st.dataframe` cells, or Markdown produced by `evidence.escape_markdown`/`to_markdown`.
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from functools import partial
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import charts, data, evidence, exports, filters, ingest, maps, metrics, report, review_ui, state, style
from dashboard.evidence import escape_markdown
from dashboard.filters import EventFilter, FilterOptions, Filtered
from dashboard.review_ui import PageReviews
from dashboard.state import ViewState
from data_prep import io, schema as S, settings

LOGGER = logging.getLogger(__name__)

MAX_TABLE_ROWS = 5_000  # rows sent to the events table; exports always carry every filtered event
MAX_FOCUS_CHOICES = 500  # selected events offered in the detail picker
UPLOAD_TYPES = [s.lstrip(".") for s in settings.INPUT_SUFFIXES]

# --- session keys ----------------------------------------------------------------------------
K_READY = "_view_ready"  # the view has been read from the URL once in this session
K_STAMP = "_data_stamp"
K_MESSAGES = "_messages"  # (kind, text) shown once on the next run
K_SELECTED = "v_selected"
K_FOCUS = "v_focus"
K_LANE = "v_lane"
K_FREQ = "v_freq"
K_MEASURE = "v_measure"
K_TAB = "v_tab"
K_BRUSH = "v_brush"  # "timeline" / "map": the chart the selection was brushed on (it narrows the other)
K_SEL_SOURCE = "_selection_source"  # the chart a selection was made on: drawn unchanged (see _tab_time_place)
K_STEP = "v_step"  # "D" / "W" while stepping through the period, else None
K_AT = "v_at"  # the first day of the step shown
K_PLAY = "v_play"  # stepping on its own
K_PLAY_DONE = "_play_done"  # play reached the end of the period: its toggle is turned off on the next run
K_RANK_BY = "v_rank_by"
PLAY_DELAY_S = 1.2  # between two steps of "play"
RANKED = 8  # rows of each ranking beside the map (dashboard/serve.py prepares the same)
K_TAB_DEFAULT = "_tab_default"
K_ONLY_SELECTED = "v_only_selected"
K_UPLOADED = "_uploaded_over"  # events the page showed before an upload: the next run says what it shows now
K_SEL_VERSION = "_selection_version"  # bumped when the selection changes anywhere but in the table

# Filter widgets: EventFilter field -> session key.
MULTI_WIDGETS: dict[str, str] = {name: f"f_{name}" for name in filters.MULTI_FIELDS}
K_DATES = "f_dates"
K_STATEMENTS = "f_include_statements"
K_MIN_KILLED = "f_min_fatalities"
K_TEXT = "f_text"
K_CIVILIANS = "f_civilian_targeting"
K_UNDATED = "f_include_undated"

MULTI_LABELS: dict[str, str] = {
    "event_types": "Event type",
    "sub_event_types": "Sub-event type",
    "actors": "Actor (either side)",
    "locations": "Place",
    "areas": "Area",
    "outlets": "Source outlet",
    "precisions": "Date precision",
    "interactions": "Interaction",
    "review_statuses": "Review status",
    "reviewers": "Reviewer",
}

TABLE_COLUMNS: tuple[str, ...] = (
    S.EVENT_DATE, S.DATE_PRECISION, S.EVENT_TYPE, S.SUB_EVENT_TYPE, S.ACTOR1, S.ACTOR2, S.LOCATION, S.ADMIN1,
    S.FATALITIES, S.FATALITIES_MAX, S.INJURIES, S.CONTESTED, S.SOURCE, S.MENTION_COUNT, S.EVIDENCE, S.EVENT_ID,
)
MENTION_COLUMNS: tuple[str, ...] = (
    S.OUTLET, S.PUBLISHED, S.SOURCE_FILE, S.EVENT_DATE, S.DATE_PRECISION, S.EVENT_TYPE, S.ACTOR1, S.ACTOR2,
    S.LOCATION, S.FATALITIES, S.INJURIES, S.EVIDENCE,
)
ARTICLE_COLUMNS: tuple[str, ...] = (
    S.FILE, S.TITLE, S.OUTLET, S.PUBLISHED, S.PUBLISHED_ORIGIN, S.FORMAT, S.EVENTS_FOUND, S.STATUS, S.REASON,
)

# DASHBOARD_TIMINGS=1 logs how long each part of a run takes (benchmarks/bench_app.py explains slow steps).
_TIMINGS = os.environ.get("DASHBOARD_TIMINGS") == "1"


@contextmanager
def _timed(what: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    if _TIMINGS:
        LOGGER.warning("timing %-10s %.3f s", what, time.perf_counter() - start)


# Failures of deferred downloads (they run outside the script): shown on the next run.
_EXPORT_ERRORS: dict[str, str] = {}
_EXPORT_LOCK = threading.Lock()


# --- view state <-> session --------------------------------------------------------------------

def _url_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params.keys()}


def _date_value(f: EventFilter, options: FilterOptions) -> tuple[date, date] | None:
    if options.date_min is None or options.date_max is None:
        return None
    start = min(max(f.date_from or options.date_min, options.date_min), options.date_max)
    end = max(min(f.date_to or options.date_max, options.date_max), start)
    return (start, end)


def _seed_filter_widgets(f: EventFilter, options: FilterOptions) -> list[str]:
    """Put a filter into the widgets' session keys; returns the URL values the data does not have."""
    dropped: list[str] = []
    for name, key in MULTI_WIDGETS.items():
        allowed = set(getattr(options, name))
        wanted = getattr(f, name)
        st.session_state[key] = [v for v in wanted if v in allowed]
        dropped.extend(f"{MULTI_LABELS[name]}: {v}" for v in wanted if v not in allowed)
    dates = _date_value(f, options)
    if dates is not None:
        st.session_state[K_DATES] = dates
    st.session_state[K_STATEMENTS] = f.include_statements
    st.session_state[K_MIN_KILLED] = f.min_fatalities
    st.session_state[K_TEXT] = f.text
    st.session_state[K_CIVILIANS] = f.civilian_targeting
    st.session_state[K_UNDATED] = f.include_undated
    return dropped


def _init_session(options: FilterOptions, stamp: data.TablesKey) -> None:
    """On a session's first run, open the view the URL describes."""
    if st.session_state.get(K_READY):
        return
    view = state.from_query_params(_url_params())
    dropped = _seed_filter_widgets(view.filter, options)
    if dropped:
        _say("warning", "This link names values the current table does not have; they were left out: " + "; ".join(dropped))
    st.session_state[K_LANE] = view.lane
    st.session_state[K_FREQ] = view.freq
    st.session_state[K_MEASURE] = view.measure
    st.session_state[K_SELECTED] = view.selected
    st.session_state[K_FOCUS] = view.focus
    st.session_state[K_TAB] = view.tab
    st.session_state[K_TAB_DEFAULT] = state.TABS[view.tab]
    st.session_state[K_BRUSH] = view.brush
    st.session_state[K_STEP] = view.step
    st.session_state[K_AT] = view.at
    st.session_state[K_PLAY] = False
    st.session_state[K_RANK_BY] = "events"
    st.session_state[K_ONLY_SELECTED] = False
    st.session_state[K_STAMP] = stamp
    st.session_state[K_READY] = True


def _follow_data_change(options: FilterOptions, stamp: data.TablesKey) -> None:
    """When the table changed under a session (upload, rebuild, a decision), keep a full date range
    full and a narrower one inside the table's new bounds (a corrected day can move them)."""
    if st.session_state.get(K_STAMP) == stamp:
        return
    st.session_state[K_STAMP] = stamp
    dates = st.session_state.get(K_DATES)
    if options.date_min and options.date_max:
        if not dates or len(dates) != 2 or (dates[0] <= (options.date_min) and dates[1] >= options.date_max):
            st.session_state[K_DATES] = (options.date_min, options.date_max)
        else:
            start = min(max(dates[0], options.date_min), options.date_max)
            st.session_state[K_DATES] = (start, min(max(dates[1], start), options.date_max))


def _follow_reviews(reviews: PageReviews | None) -> None:
    """Selected events that a decision merged away or re-extracted: select the events they are in now."""
    selected = tuple(st.session_state[K_SELECTED])
    if reviews is None or not selected:
        return
    now = reviews.follow(selected)
    if now != selected:
        focus = st.session_state.get(K_FOCUS)
        st.session_state[K_FOCUS] = reviews.follow((focus,))[0] if focus else None
        _set_selection(now)


def _current_filter(options: FilterOptions) -> EventFilter:
    """The filter the widgets hold (read before they are drawn, so counts can go in their labels)."""
    values: dict[str, Any] = {name: tuple(st.session_state.get(key) or ()) for name, key in MULTI_WIDGETS.items()}
    f = EventFilter(
        **values,
        include_statements=bool(st.session_state.get(K_STATEMENTS, True)),
        min_fatalities=max(0, int(st.session_state.get(K_MIN_KILLED) or 0)),
        text=str(st.session_state.get(K_TEXT) or ""),
        civilian_targeting=bool(st.session_state.get(K_CIVILIANS, False)),
    )
    undated = bool(st.session_state.get(K_UNDATED, False))
    dates = st.session_state.get(K_DATES)
    if dates and len(dates) == 2:
        return filters.with_dates(f, dates[0], dates[1], options, undated)
    if dates and len(dates) == 1:  # the analyst has picked the first day of a range so far
        return filters.with_dates(f, dates[0], None, options, undated)
    return f


def _reset_filters(options: FilterOptions) -> None:
    _seed_filter_widgets(EventFilter(), options)


def _current_view(f: EventFilter) -> ViewState:
    return ViewState(
        filter=f,
        lane=st.session_state[K_LANE],
        freq=st.session_state[K_FREQ],
        measure=st.session_state[K_MEASURE],
        selected=tuple(st.session_state[K_SELECTED]),
        focus=st.session_state.get(K_FOCUS),
        tab=st.session_state[K_TAB],
        brush=st.session_state.get(K_BRUSH),
        step=st.session_state.get(K_STEP),
        at=st.session_state.get(K_AT),
    )


def _sync_url(view: ViewState) -> None:
    """Write the view into the address bar (only when it changed: each write is a history entry)."""
    params = state.to_query_params(view)
    if not state.same_params(_url_params(), params):
        st.query_params.from_dict(params)


def _say(kind: str, text: str) -> None:
    """Queue a message for the top of the next run (text is escaped when shown)."""
    st.session_state.setdefault(K_MESSAGES, []).append((kind, text))


def _show_messages() -> None:
    for kind, text in st.session_state.pop(K_MESSAGES, []):
        getattr(st, kind)(escape_markdown(text))
    session = _session_id()
    with _EXPORT_LOCK:
        failures = [v for k, v in _EXPORT_ERRORS.items() if k.startswith(session)]
        for k in [k for k in _EXPORT_ERRORS if k.startswith(session)]:
            del _EXPORT_ERRORS[k]
    for text in failures:
        st.error(escape_markdown(text))


def _page_address() -> str | None:
    """The page's address in the analyst's browser (None when unknown, e.g. under AppTest)."""
    try:
        return st.context.url or None
    except Exception:  # noqa: BLE001 - no browser context: the link is the query alone
        return None


def _session_id() -> str:
    ctx = get_script_run_ctx()
    return getattr(ctx, "session_id", "") or ""


# --- selection ----------------------------------------------------------------------------

def _set_selection(ids: Sequence[str], from_table: bool = False, brush: str | None = None,
                   source: str | None = None) -> None:
    """Select these events; `source`: the chart they were selected on; `brush`: the chart of the main
    view they were brushed on (a box or lasso: it narrows the other)."""
    ids = tuple(dict.fromkeys(str(i) for i in ids))
    st.session_state[K_BRUSH] = brush if ids else None
    st.session_state[K_SEL_SOURCE] = source if ids else None
    focus = st.session_state.get(K_FOCUS)
    st.session_state[K_SELECTED] = ids
    st.session_state[K_FOCUS] = focus if focus in ids else (ids[0] if ids else None)
    if not from_table:  # the table is redrawn with the new selection ticked
        st.session_state[K_SEL_VERSION] = st.session_state.get(K_SEL_VERSION, 0) + 1


def _on_chart_select(key: str, filtered: Filtered, lane_by: str, source: str | None = None) -> None:
    """A click, box or lasso on the timeline or the map: those events become the selection.

    A box or lasso on one chart of the main view (`source`) also narrows the other to them; a
    double-click (an empty selection) clears both.
    """
    event = st.session_state.get(key)
    selection = event["selection"] if event else {}
    points = list(selection.get("points", ())) if selection else []
    ids = charts.ids_from_selection(filtered.frame(charts.SELECTION_COLUMNS), points, lane_by)
    brushed = bool(selection and (selection.get("box") or selection.get("lasso")))
    _set_selection(ids, brush=source if brushed and source in state.BRUSHES else None, source=source)


def _on_table_select(key: str, shown_ids: list[str]) -> None:
    event = st.session_state.get(key)
    rows = list(event["selection"]["rows"]) if event else []
    _set_selection([shown_ids[i] for i in rows if 0 <= i < len(shown_ids)], from_table=True)


def _clear_selection() -> None:
    _set_selection(())


def _copy_to(widget_key: str, canonical_key: str) -> None:
    st.session_state[canonical_key] = st.session_state[widget_key]


def _bound_widget(widget: Callable[..., Any], canonical_key: str, *args: Any, **kwargs: Any) -> Any:
    """A widget inside a tab that may not be drawn on every run: its value lives in a key of its own."""
    widget_key = "w_" + canonical_key
    st.session_state[widget_key] = st.session_state[canonical_key]
    return widget(*args, key=widget_key, on_change=_copy_to, args=(widget_key, canonical_key), **kwargs)


# --- sidebar ----------------------------------------------------------------------------------

def _sidebar_data(tables: data.Tables | None, folder: Any) -> None:
    st.sidebar.caption("Data folder")
    st.sidebar.text(str(folder))  # plain text; st.code would make the first page load a 1.5 MB highlighter
    if tables is not None:
        st.sidebar.caption(f"{len(tables.events):,} events · input files and refusals: Articles tab")
    with st.sidebar.expander("Add articles", icon=":material/upload_file:", expanded=tables is None):
        with st.form("upload", clear_on_submit=True, border=False):
            files = st.file_uploader(
                "Article files", type=UPLOAD_TYPES, accept_multiple_files=True,
                help="Plain text, Markdown, HTML, JSON/JSONL or CSV records. They go through the same "
                     "preparation as the bundled articles and join the table.",
            )
            submitted = st.form_submit_button("Add to the table", icon=":material/add:")
        if submitted and files:
            _add_uploads(folder, [(f.name, f.getvalue()) for f in files], len(tables.events) if tables is not None else 0)
        elif submitted:
            st.caption("Choose one or more files first.")


def _add_uploads(folder: Any, uploads: list[tuple[str, bytes]], shown_before: int) -> None:
    with st.status(f"Adding {len(uploads)} file(s)…", expanded=True) as status:
        bar = st.progress(0.0)
        step = st.empty()

        def report(fraction: float, message: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0))
            step.text(message)

        try:
            result = ingest.add_uploads(folder, uploads, report)
        except Exception as error:  # noqa: BLE001 - the page must say what failed, not die
            LOGGER.exception("adding uploads failed")
            status.update(label="The files could not be added; the table is unchanged", state="error")
            st.text(f"{type(error).__name__}: {error}")
            return
        lines = ingest.describe_result(result)
        status.update(
            label=lines[0], state="complete" if result.added else ("error" if result.rejects else "complete"),
        )
        for line in lines[1:]:
            st.text(line)
    for line in lines:
        _say("info" if line is lines[0] else "warning", line)
    if result.added:
        st.session_state[K_UPLOADED] = shown_before
        data.forget()
        st.rerun()


def _after_upload(tables: data.Tables, built: data.Built) -> None:
    """After an upload, the number of events the page shows now: the build's count differs when
    review decisions merge, split or reject events."""
    before = st.session_state.pop(K_UPLOADED, None)
    if before is None:
        return
    now = len(tables.events)
    text = f"The table now shows {style.plural(now, 'event')} (was {before:,})"
    if now != len(built.events):
        text += f"; the build has {len(built.events):,}, review decisions merge or split the difference"
    _say("info", text + ".")


def _sidebar_review(reviews: PageReviews | None) -> tuple[str | None, Any]:
    """The reviewer's name (asked once per session) and the "changed since" moment."""
    st.sidebar.subheader("Review")
    if reviews is None:
        st.sidebar.caption("Review decisions are unavailable: see the message on the page.")
        return None, None
    reviewer = review_ui.reviewer_sidebar(reviews.store)
    return reviewer, review_ui.changed_since_sidebar(reviewer)


def _no_negative_minimum() -> None:
    value = st.session_state.get(K_MIN_KILLED)
    if value is None or value < 0:
        st.session_state[K_MIN_KILLED] = 0
        _say("warning", f"Minimum fatalities cannot be {value if value is not None else 'empty'}; it is 0 (every event).")


def _undated_control(options: FilterOptions, f: EventFilter) -> None:
    """Say what the date filter does with undated events, and offer to keep them."""
    if not options.undated:
        return
    bounded = f.date_from is not None or f.date_to is not None
    undated = style.plural(options.undated, "undated event")
    st.sidebar.checkbox(f"Keep the {undated}", key=K_UNDATED, disabled=not bounded,
                        help="Events with no day at all cannot overlap a date range; tick to keep them anyway.")
    if not bounded:
        st.sidebar.caption(f"Whole span: {undated} included.")
    elif f.include_undated:
        st.sidebar.caption(f"{undated} kept with these dates.")
    else:
        st.sidebar.caption(f"{undated} left out by these dates.")


def _leaves_caption(counts: dict[str, int], name: str, active: bool) -> None:
    """Under a widget: how many events it leaves of those the other filters let through."""
    if active:
        st.sidebar.caption(f"leaves {counts['matched']:,} of {counts[name]:,} events")


def _sidebar_filters(tables: data.Tables, f: EventFilter, counts: dict[str, int]) -> None:
    options = tables.options
    side = st.sidebar
    head, reset = side.columns([3, 2], vertical_alignment="bottom")
    head.subheader("Filters")
    reset.button("Reset", key="reset", icon=":material/restart_alt:", on_click=_reset_filters, args=(options,),
                 disabled=filters.is_default(f), help="Clear every filter", width="stretch")
    side.caption(f"{counts['matched']:,} of {counts['all']:,} events shown")
    active = set(filters.active_fields(f))

    if options.date_min and options.date_max:
        if not st.session_state.get(K_DATES):
            st.session_state[K_DATES] = (options.date_min, options.date_max)
        side.date_input(
            "Dates", key=K_DATES,
            min_value=options.date_min, max_value=options.date_max, format="YYYY-MM-DD",
            help="Events whose day or date range overlaps these days. With the whole span, undated "
                 "events are kept; with a narrower one, only if you tick the box below.",
        )
        _leaves_caption(counts, "date_from" if "date_from" in active else "date_to",
                        bool(active & {"date_from", "date_to"}))
        _undated_control(options, f)

    def multiselect(name: str, help_text: str | None = None) -> None:
        allowed = list(getattr(options, name))
        current = [v for v in st.session_state.get(MULTI_WIDGETS[name], []) if v not in allowed]
        values = allowed + current  # a chosen value that left the data stays visible
        if not values:
            return
        # Labels count the whole table and never change between runs: a label that changed would no
        # longer map back to its value. What the filter leaves goes in the caption under the widget.
        per_option = tables.option_counts.get(name, {})
        show = filters.interaction_label if name == "interactions" else str
        fmt = (lambda v: f"{show(v)} ({per_option.get(v, 0):,})")
        side.multiselect(MULTI_LABELS[name], values, key=MULTI_WIDGETS[name], format_func=fmt,
                         placeholder="All", help=help_text)
        _leaves_caption(counts, name, name in active)

    multiselect("event_types")
    multiselect("sub_event_types")
    multiselect("actors", "Events where the actor is on either side (actor1 or actor2).")
    multiselect("areas")
    multiselect("locations")
    multiselect("outlets", "Events reported by any of these outlets.")
    multiselect("precisions", "How exactly the day is known. Keep only 'day' to hide approximate, "
                              "month-only and unknown days.")
    multiselect("interactions", "ACLED's interaction: the kinds of actor on each side (state forces, rebel "
                                "groups, militias, rioters, protesters, civilians, external forces).")
    side.toggle(f"Only civilian targeting ({options.civilian_targeting:,})", key=K_CIVILIANS,
                help="Events whose primary target is civilians (ACLED's civilian_targeting).")
    _leaves_caption(counts, "civilian_targeting", "civilian_targeting" in active)
    side.toggle("Include statements", key=K_STATEMENTS,
                help="Pledges, threats, condemnations and comments (event type Statement).")
    _leaves_caption(counts, "include_statements", "include_statements" in active)
    # No min_value: the browser would show a refused -3 while the old value applies; it is set back to 0 and said.
    side.number_input("Minimum fatalities", step=1, key=K_MIN_KILLED, on_change=_no_negative_minimum,
                      help="Lowest reported figure; events without a figure count as 0.")
    _leaves_caption(counts, "min_fatalities", "min_fatalities" in active)
    side.text_input("Text in evidence or notes", key=K_TEXT, placeholder="e.g. refugee camp",
                    help="Case-insensitive words anywhere in the evidence sentence or the notes.")
    _leaves_caption(counts, "text", "text" in active)
    if options.has_review:
        multiselect("review_statuses")
        multiselect("reviewers")


# --- main area --------------------------------------------------------------------------------

def _headline(h: metrics.Headline) -> None:
    cols = st.columns(6)
    cols[0].metric("Events", f"{h.events:,}", help=f"{h.statements:,} of them statements")
    for col, label, low, high in ((cols[1], "Fatalities", h.fatalities_low, h.fatalities_high),
                                  (cols[2], "Injuries", h.injuries_low, h.injuries_high)):
        col.metric(label, f"{low:,}", delta=f"up to {high:,} claimed" if high > low else None,
                   delta_color="off", delta_arrow="off",
                   help="Sum of the lowest figure reported for each event; below it, the sum of the highest")
    cols[3].metric("Articles", f"{h.articles:,}")
    cols[4].metric("Outlets", f"{h.outlets:,}")
    cols[5].metric("Contested", f"{h.contested:,}", help="Events whose sources give different figures")
    notes = metrics.headline_notes(h)
    if notes:
        st.caption(" · ".join(notes))


def _export_failed(what: str) -> Callable[[Exception], None]:
    """Reports a failed download (it runs outside the script) at the top of this session's next run."""
    session = _session_id()

    def report(error: Exception) -> None:
        with _EXPORT_LOCK:
            _EXPORT_ERRORS[f"{session}:{what}"] = f"{what} export failed: {error}"

    return report


def _deferred(fn: Callable[[], bytes], what: str) -> Callable[[], bytes]:
    """Run an export when its button is clicked; a failure is reported on the next run."""
    failed = _export_failed(what)

    def run() -> bytes:
        try:
            return fn()
        except Exception as error:  # noqa: BLE001 - shown to the analyst, then re-raised for Streamlit
            LOGGER.exception("%s export failed", what)
            failed(error)
            raise

    return run


def _figure_downloads(tables: data.Tables, fig: go.Figure, kind: str, f: EventFilter) -> None:
    """HTML, PNG and SVG of a figure; images are drawn only when their button is clicked."""
    cols = st.columns([1, 1, 1, 4])
    cols[0].download_button(
        "HTML", data=_deferred(lambda: exports.figure_html(fig), f"{kind} HTML"), icon=":material/download:",
        file_name=data.export_name(tables, f, kind, "html"), mime="text/html", key=f"dl_{kind}_html",
        on_click="ignore", help="Interactive page that opens offline",
    )
    if exports.find_browser() is None:
        cols[3].caption(exports.NO_BROWSER)
        return
    for col, fmt, mime in ((cols[1], "png", "image/png"), (cols[2], "svg", "image/svg+xml")):
        col.download_button(
            fmt.upper(), data=_deferred(lambda fmt=fmt: exports.figure_image(fig, fmt), f"{kind} {fmt.upper()}"),
            file_name=data.export_name(tables, f, kind, fmt), mime=mime, key=f"dl_{kind}_{fmt}",
            on_click="ignore", icon=":material/download:",
        )


def _empty_state(f: EventFilter) -> None:
    st.info(escape_markdown(f"No events match: {filters.describe(f)}.") + "  \nWiden the filters or press "
            "**Reset** in the sidebar.", icon=":material/filter_alt_off:")


def _step_window(at: date | None, step: str | None) -> tuple[date, date] | None:
    """The days a step shows: the day itself, or the Monday-to-Sunday week holding `at`."""
    if at is None or step not in state.STEPS:
        return None
    if step == "W":
        first = at - timedelta(days=at.weekday())
        return (first, first + timedelta(days=6))
    return (at, at)


def _step(options: FilterOptions, f: EventFilter, direction: int, wrap: bool = True) -> bool:
    """Move the step window a day or a week inside the filtered period; at an end, wrap round (the ◀ ▶
    buttons) or stay and return False (play: it stops there)."""
    step = st.session_state.get(K_STEP) or "D"
    first = f.date_from or options.date_min
    last = f.date_to or options.date_max
    if first is None or last is None:
        return False
    at = st.session_state.get(K_AT) or first
    days = 7 if step == "W" else 1
    moved = at + timedelta(days=days * direction)
    if moved > last or moved < first - timedelta(days=days - 1):
        if not wrap:
            return False
        moved = first if direction > 0 else last
    st.session_state[K_STEP] = step
    st.session_state[K_AT] = moved
    return True


def _step_controls(options: FilterOptions, f: EventFilter) -> tuple[date, date] | None:
    """Off / per day / per week, previous, next and play: the map shows one step of the period."""
    cols = st.columns([3, 1, 1, 2, 6], vertical_alignment="bottom")
    current = st.session_state.get(K_STEP)
    choice = cols[0].segmented_control("Step through", ["Off", *state.STEPS], key="w_step_mode",
                                       default="Off" if current is None else current,
                                       format_func=lambda v: state.STEPS.get(v, v),
                                       help="Walk through the period a day or a week at a time: the map "
                                            "shows that step, the timeline shades it.")
    if (choice or "Off") == "Off":
        st.session_state[K_STEP] = st.session_state[K_AT] = None
        st.session_state[K_PLAY] = False
        return None
    if choice != current or st.session_state.get(K_AT) is None:
        st.session_state[K_STEP] = choice
        st.session_state[K_AT] = st.session_state.get(K_AT) or f.date_from or options.date_min
    cols[1].button("◀", key="step_back", on_click=_step, args=(options, f, -1), help="Previous step")
    cols[2].button("▶", key="step_next", on_click=_step, args=(options, f, 1), help="Next step")
    if st.session_state.pop(K_PLAY_DONE, False):  # play reached the end: the toggle goes off (before it is drawn)
        st.session_state[K_PLAY] = False
    cols[3].toggle("Play", key=K_PLAY, help=f"A step every {PLAY_DELAY_S:g} s to the end of the period")
    window = _step_window(st.session_state[K_AT], st.session_state[K_STEP])
    if window is not None:
        what = window[0].isoformat() if window[0] == window[1] else f"{window[0].isoformat()} to {window[1].isoformat()}"
        cols[4].caption(f"Showing {what}")
    return window


def _brush_note(filtered: Filtered, ids: tuple[str, ...], where: str) -> str:
    """'brushed on the timeline: 5 events, 2023-01-26 to 2023-01-28'."""
    part = filtered.subset(filtered.column(S.EVENT_ID).isin(list(ids)).fillna(False).to_numpy(dtype=bool))
    days = part.column(S.EVENT_DATE).dropna()
    span = ""
    if len(days):
        first, last = days.min().date().isoformat(), days.max().date().isoformat()
        span = f", {first}" + (f" to {last}" if last != first else "")
    return f"brushed on the {where}: {style.plural(len(part), 'event')}{span}"


def _tab_time_place(tables: data.Tables, filtered: Filtered, f: EventFilter, selected: tuple[str, ...]) -> None:
    """The main view: the timeline over the map, linked both ways, with who and where ranked beside the map."""
    lane = _bound_widget(st.segmented_control, K_LANE, "Lanes by", list(charts.LANE_DIMENSIONS),
                         required=True, help="One lane per value of this field (top values; the rest share 'Other')")
    if filtered.empty:
        _empty_state(f)
        return
    lane = lane or state.DEFAULT_LANE
    window = _step_controls(tables.options, f)
    brush = st.session_state.get(K_BRUSH) if selected else None
    hint, clear = st.columns([5, 1], vertical_alignment="center")
    hint.caption("Click an event to select it. Choose the box or lasso tool in a chart's toolbar and drag over "
                 "events: the other chart narrows to them. Double-click the chart you selected on to clear.")
    if selected:
        clear.button(f"Clear selection ({len(selected):,})", key="clear_main", on_click=_clear_selection,
                     icon=":material/close:")
    on_map = brush == "map"
    timeline_note = _brush_note(filtered, selected, "map") if on_map else None
    # The chart a selection was made on is drawn as it was (plotly shows the selection itself and keeps
    # the box tool): a changed figure is a new element in the browser, which falls back to pan and
    # whose double-click has nothing to clear.
    source = st.session_state.get(K_SEL_SOURCE) if selected else None
    fig = data.timeline(tables, f, lane, () if source == "timeline" else selected,
                        only=selected if on_map else None, window=window, note=timeline_note)
    st.plotly_chart(fig, key="timeline_chart",
                    on_select=partial(_on_chart_select, "timeline_chart", filtered, lane, "timeline"),
                    selection_mode=("points", "box", "lasso"), config={"displaylogo": False})
    _figure_downloads(tables, fig, "timeline", f)
    small = len(filtered) <= data.MAIN_VIEW_MAP_LIMIT
    # The key follows the size, so the default does too; the analyst's choice holds while it stays.
    if not st.toggle("Map and rankings", value=small, key=f"main_map_{small}",
                     help=None if small else f"Above {data.MAIN_VIEW_MAP_LIMIT:,} events they are drawn on "
                     "demand (about a second at a million events); narrow the filters, or use the Map tab."):
        st.caption(f"{len(filtered):,} events: the map and the top actors and places are drawn on demand.")
        return
    left, right = st.columns([4, 3])
    on_timeline = brush == "timeline"
    notes = [n for n in (_brush_note(filtered, selected, "timeline") if on_timeline else None,
                         f"step: {window[0].isoformat()}" + ("" if window[0] == window[1] else f" to {window[1].isoformat()}")
                         if window else None) if n]
    with left:
        map_fig = data.map_chart(tables, f, () if source == "map" else selected, only=selected if on_timeline else None,
                                 window=window, note="; ".join(notes) or None)
        st.plotly_chart(map_fig, key="main_map_chart",
                        on_select=partial(_on_chart_select, "main_map_chart", filtered, state.DEFAULT_LANE, "map"),
                        selection_mode=("points", "box", "lasso"), config={"displaylogo": False})
    with right:
        _rankings(tables, f, selected if on_timeline else None, window)


def _rankings(tables: data.Tables, f: EventFilter, only: tuple[str, ...] | None, window: tuple[date, date] | None) -> None:
    """Who and where: the top actors and places of what the map shows, by events or by fatalities."""
    by = _bound_widget(st.segmented_control, K_RANK_BY, "Rank by", list(metrics.RANK_BY), required=True) or "events"
    for kind, title in (("Actor", "Actors (either side)"), ("Place", "Places")):
        table = data.ranking(tables, f, kind, by, RANKED, only=only, window=window)
        st.markdown(f"**{title}**")
        if table.empty:
            st.caption("None named.")
            continue
        st.dataframe(table[["name", "events", "fatalities", "share"]], hide_index=True, placeholder="–",
                     key=f"rank_{kind}", column_config={
                         "name": st.column_config.TextColumn(kind.lower()),
                         "events": st.column_config.NumberColumn("events", format="%d"),
                         "fatalities": st.column_config.NumberColumn("killed (low)", format="%d"),
                         "share": st.column_config.NumberColumn("share", format="percent"),
                     })


def _tab_counts(tables: data.Tables, filtered: Filtered, f: EventFilter) -> None:
    left, right = st.columns(2)
    with left:
        _bound_widget(st.segmented_control, K_FREQ, "Per", list(state.FREQUENCIES),
                      format_func=state.FREQUENCIES.get, required=True)
    with right:
        _bound_widget(st.segmented_control, K_MEASURE, "Count", list(charts.MEASURES), required=True)
    if filtered.empty:
        _empty_state(f)
        return
    fig = data.counts(tables, f, st.session_state[K_FREQ], st.session_state[K_MEASURE])
    st.plotly_chart(fig, key="counts_chart", config={"displaylogo": False})
    _figure_downloads(tables, fig, "counts", f)


def _tab_map(tables: data.Tables, filtered: Filtered, f: EventFilter, selected: tuple[str, ...]) -> None:
    if filtered.empty:
        _empty_state(f)
        return
    fig = data.map_chart(tables, f, () if st.session_state.get(K_SEL_SOURCE) == "map_tab" else selected)
    st.caption("Click a marker, or drag a box or lasso (box and lasso tools in the chart's toolbar), to select events; "
               "double-click to clear.")
    st.plotly_chart(fig, key="map_chart",
                    on_select=partial(_on_chart_select, "map_chart", filtered, state.DEFAULT_LANE, "map_tab"),
                    selection_mode=("points", "box", "lasso"), config={"displaylogo": False})
    _figure_downloads(tables, fig, "map", f)


def _table_frame(tables: data.Tables, f: EventFilter, selected: tuple[str, ...], only_selected: bool) -> pd.DataFrame:
    rows = data.table_rows(tables, f, selected if only_selected else None, MAX_TABLE_ROWS)
    columns = [c for c in TABLE_COLUMNS if c in rows.columns]
    if S.REVIEW_STATUS in rows.columns:
        columns.insert(2, S.REVIEW_STATUS)
        columns.insert(len(columns) - 1, S.EDITED_FIELDS)
    return rows[columns]


def _tab_table(tables: data.Tables, filtered: Filtered, f: EventFilter, selected: tuple[str, ...]) -> None:
    top = st.columns([2, 2, 3])
    only = _bound_widget(top[0].toggle, K_ONLY_SELECTED, "Only selected events", disabled=not selected)
    if selected:
        top[1].button(f"Clear selection ({len(selected):,})", on_click=_clear_selection, icon=":material/close:")
    if filtered.empty:
        _empty_state(f)
        return
    frame = _table_frame(tables, f, selected, bool(only and selected))
    shown = frame[S.EVENT_ID].astype(str).tolist()
    if len(filtered) > MAX_TABLE_ROWS and not only:
        st.caption(f"Showing the latest {MAX_TABLE_ROWS:,} of {len(filtered):,} events; the Export tab has them all.")
    # The key changes with the rows shown (a stale row selection must never point at another event)
    # and with selections made elsewhere, so the table opens with those events ticked.
    rows_key = hash((len(filtered), tuple(shown[:50]), tuple(shown[-50:]), bool(only)))
    key = f"events_table_{rows_key}_{st.session_state.get(K_SEL_VERSION, 0)}"
    wanted = set(selected)
    ticked = [i for i, event_id in enumerate(shown) if event_id in wanted]
    st.dataframe(
        frame, key=key, on_select=partial(_on_table_select, key, shown), selection_mode="multi-row",
        selection_default={"selection": {"rows": ticked}} if ticked else None,
        hide_index=True, placeholder="–", height="auto" if len(frame) <= 15 else 560,
        column_config={
            S.EVENT_DATE: st.column_config.DateColumn("date", format="YYYY-MM-DD"),
            S.DATE_PRECISION: "precision",
            S.EVENT_TYPE: "type", S.SUB_EVENT_TYPE: "sub-type",
            S.FATALITIES: st.column_config.NumberColumn("killed (low)", format="%d"),
            S.FATALITIES_MAX: st.column_config.NumberColumn("killed (high)", format="%d"),
            S.INJURIES: st.column_config.NumberColumn("injured", format="%d"),
            S.MENTION_COUNT: st.column_config.NumberColumn("reports", format="%d"),
            S.EVIDENCE: st.column_config.TextColumn("evidence", width="large"),
            S.REVIEW_STATUS: "review", S.EDITED_FIELDS: "corrected by an analyst",
        },
    )
    st.caption("Select rows to show their detail below.")


def _tab_sources(built: data.Built, filtered: Filtered, reviews: PageReviews | None) -> None:
    # Corrected publication dates are in the articles the decisions were applied to.
    corrected = reviews.tables.articles if reviews is not None else None
    articles = corrected if corrected is not None else data.articles(built)
    only = st.toggle("Only articles behind the events shown", value=False, key="sources_only")
    if only:
        ids = set(
            part for cell in filtered.column(S.ARTICLE_IDS).dropna().unique() for part in str(cell).split(S.LIST_SEPARATOR)
        )
        articles = articles.loc[articles[S.ARTICLE_ID].isin(list(ids)).fillna(False).to_numpy(dtype=bool)]
    rejected = articles.loc[(articles[S.STATUS] == S.STATUS_REJECTED).fillna(False).to_numpy(dtype=bool)]
    st.caption(f"{len(articles):,} files · {len(rejected):,} rejected")
    st.dataframe(articles[list(ARTICLE_COLUMNS)], hide_index=True, placeholder="–", height=420,
                 column_config={S.PUBLISHED: st.column_config.DateColumn("published", format="YYYY-MM-DD")})
    if len(rejected):
        st.subheader("Rejected files")
        st.dataframe(rejected[[S.FILE, S.REASON]], hide_index=True, placeholder="–")


def _report_view(tables: data.Tables, filtered: Filtered, f: EventFilter, view: ViewState) -> report.ReportView:
    """The current view as the one-page report shows it (the charts of the main view, unbrushed)."""
    shown = data.view(tables, f)
    h = shown.headline
    notes = metrics.headline_notes(h)
    outlets = filters.facet_value_counts(filtered.frame([S.SOURCE]), EventFilter(), "outlets")
    return report.ReportView(
        title=f"Conflict events: {tables.folder.name}",
        view=filters.describe_count(len(filtered), f),
        headline=h,
        timeline=data.timeline(tables, f, view.lane, ()),
        map=data.map_chart(tables, f, ()),
        actors=data.ranking(tables, f, "Actor", "events", report.TOP_ROWS),
        places=data.ranking(tables, f, "Place", "events", report.TOP_ROWS),
        outlets=outlets,
        link=state.view_url(_page_address(), view),
        notes=tuple(notes),
    )


def _report_download(tables: data.Tables, filtered: Filtered, f: EventFilter, view: ViewState) -> None:
    if exports.find_browser() is None:
        st.caption("The PDF report needs Chromium to draw its charts: " + exports.NO_BROWSER)
        return
    st.download_button(
        "PDF report", data=_deferred(lambda: report.report_pdf(_report_view(tables, filtered, f, view)), "PDF report"),
        file_name=data.export_name(tables, f, "report", "pdf"), mime="application/pdf", key="dl_report_pdf",
        on_click="ignore", icon=":material/picture_as_pdf:",
        help="One page for a briefing: headline figures, this view's filters in words, the timeline, the map, "
             "the top actors and places, and the outlets (drawing it takes a few seconds)",
    )


def _tab_export(tables: data.Tables, filtered: Filtered, f: EventFilter, view: ViewState,
                reviews: PageReviews | None) -> None:
    st.caption(escape_markdown(f"Downloads hold the {len(filtered):,} events shown ({filters.describe(f)}), every column."))
    if filtered.empty:
        _empty_state(f)
        return
    formats = (
        ("CSV", "events", "csv", "text/csv", exports.events_csv, "One row per event, spreadsheet-safe"),
        ("GeoJSON", "events", "geojson", "application/geo+json", exports.events_geojson, "Located events as points"),
        ("JSON", "events", "json", "application/json", exports.events_json, "Records with every column"),
        ("Parquet", "events", "parquet", "application/octet-stream", exports.events_parquet, "Typed columns"),
        ("TimelineJS", "timeline", "json", "application/json",
         partial(exports.timelinejs_json, view=filters.describe(f)),
         "For TimelineJS: a title slide with this view and its period, then one slide per dated event"),
    )
    cols = st.columns(len(formats))
    for col, (label, kind, ext, mime, fn, help_text) in zip(cols, formats):
        col.download_button(
            label, data=_deferred(lambda fn=fn: fn(filtered.frame()), label), file_name=data.export_name(tables, f, kind, ext),
            mime=mime, key=f"dl_data_{label}", on_click="ignore", icon=":material/download:", help=help_text,
            width="stretch",
        )
    st.caption("Charts download from under each chart (HTML, PNG, SVG).")
    _report_download(tables, filtered, f, view)
    if reviews is not None:
        st.markdown("**Review bundle**")
        st.caption("One zip for a colleague: these events with the decisions applied, their review log (who, "
                   "when, what changed from what), the timeline, counts and map (HTML, PNG, SVG), GeoJSON and "
                   "a summary of the view. Drawing the charts takes a few seconds.")
        review_ui.bundle_download(
            reviews.store, reviews.tables, filtered.frame,
            lambda: {"Timeline": charts.timeline_figure(filtered.frame(charts.TIMELINE_COLUMNS), view.lane, view.selected),
                     "Counts over time": charts.counts_figure(filtered.frame(charts.COUNTS_COLUMNS), view.freq, view.measure),
                     "Map": maps.map_figure(filtered.frame(maps.MAP_COLUMNS), view.selected)},
            filters.describe(f), lambda: review_ui.view_sources(filtered.column(S.SOURCE)),
            file_name=data.export_name(tables, f, "review-bundle", "zip"), on_error=_export_failed("Review bundle"))
    st.caption("This view's link (the copy button is at its right; the address bar holds it too):")
    st.code(state.view_url(_page_address(), view) or "(the plain view: no filter, nothing selected)", language=None)


# --- the selected event ---------------------------------------------------------------------------

def _field_table(row: pd.Series) -> pd.DataFrame:
    values = [("" if v is None or (not isinstance(v, (list, tuple)) and pd.isna(v)) else str(v)) for v in row.tolist()]
    return pd.DataFrame({"field": [str(c) for c in row.index], "value": values})


def _claims_frame(claims_json: Any) -> pd.DataFrame:
    try:
        claims = json.loads(claims_json) if isinstance(claims_json, str) and claims_json else []
    except ValueError:
        claims = []
    rows = [
        {
            "claimant": c.get("claimant") or "(not attributed)",
            "says": " ".join(str(v) for v in (
                "at least" if c.get("minimum") else None, c.get("count"), c.get("kind")) if v is not None) or None,
            "in the words": c.get("text"),
            "file": c.get(S.SOURCE_FILE),
        }
        for c in claims if isinstance(c, dict)
    ]
    return pd.DataFrame(rows, columns=["claimant", "says", "in the words", "file"])


def _evidence_markdown(text: str, row: pd.Series) -> str:
    actors, gazetteer = data.matchers()
    event_actors = {row.get(S.ACTOR1), row.get(S.ACTOR2), row.get(S.ASSOC_ACTOR_1), row.get(S.ASSOC_ACTOR_2)}
    found = [evidence.Span(m.start, m.end, evidence.ACTOR) for m in actors.find_actors(text)
             if m.actor.name in event_actors or m.actor.parent in event_actors]
    found += [evidence.Span(m.start, m.end, evidence.PLACE) for m in gazetteer.find_places(text)]
    terms = {
        evidence.ACTOR: [str(v) for v in event_actors if isinstance(v, str)],
        evidence.PLACE: [str(v) for v in (row.get(S.LOCATION),) if isinstance(v, str)],
    }
    return evidence.to_markdown(evidence.highlight(text, terms, found=found))


def _source_text(article: pd.Series) -> str:
    """The article as read (raw_text), where the evidence offsets point; its cleaned text for older tables."""
    for column in (S.RAW_TEXT, S.TEXT):
        value = article.get(column)
        if isinstance(value, str):
            return value
    return ""


def _detail(tables: data.Tables, built: data.Built, filtered_ids: set[str] | None, reviews: PageReviews | None,
            reviewer: str | None) -> None:
    selected = tuple(st.session_state[K_SELECTED])
    if not selected:
        st.caption("Select an event on the timeline, the map or the table to see its evidence and sources here.")
        return
    events = tables.events
    known = events.loc[events[S.EVENT_ID].isin(list(selected)).fillna(False).to_numpy(dtype=bool)]
    if known.empty:
        st.warning("The selected events are not in this table (it may have been rebuilt).")
        return
    labels = {
        str(r[S.EVENT_ID]): " · ".join(str(x) for x in (
            r[S.EVENT_DATE].date().isoformat() if pd.notna(r[S.EVENT_DATE]) else "undated",
            r[S.EVENT_TYPE], r[S.LOCATION] if pd.notna(r[S.LOCATION]) else "unlocated",
        ))
        for _, r in known.head(MAX_FOCUS_CHOICES).iterrows()
    }
    ids = [i for i in selected if i in labels]
    if st.session_state.get(K_FOCUS) not in ids:
        st.session_state[K_FOCUS] = ids[0]
    if len(ids) > 1:
        _bound_widget(st.selectbox, K_FOCUS, f"{len(selected):,} events selected; showing", ids,
                      format_func=labels.get)
    event_id = st.session_state[K_FOCUS]
    row = known.loc[known[S.EVENT_ID] == event_id].iloc[0]
    st.subheader(escape_markdown(labels[event_id]))
    if filtered_ids is not None and event_id not in filtered_ids:
        st.caption("This event is outside the current filters.")

    st.markdown("**Evidence** " + evidence.legend_markdown([evidence.ACTOR, evidence.PLACE, evidence.NUMBER]))
    text = row[S.EVIDENCE] if pd.notna(row[S.EVIDENCE]) else ""
    with st.container(border=True, key="evidence_box"):
        st.markdown(_evidence_markdown(str(text), row) if text else "_No evidence sentence._")
    # After merges and splits, an event's mentions (and, after corrected dates, its articles) are the reviewed ones.
    full = reviews.complete() if reviews is not None else None
    mentions = data.mentions_of(full.mentions if full is not None else data.mentions(built), event_id)
    left, right = st.columns(2)
    with left:
        st.markdown("**Who reports it** (one row per article)")
        st.dataframe(mentions[[c for c in MENTION_COLUMNS if c in mentions.columns]], hide_index=True,
                     placeholder="–", column_config={
                         S.PUBLISHED: st.column_config.DateColumn("published", format="YYYY-MM-DD"),
                         S.EVENT_DATE: st.column_config.DateColumn("date", format="YYYY-MM-DD")})
    with right:
        st.markdown("**Who says what** (casualty claims)")
        claims = _claims_frame(row[S.CLAIMS])
        if claims.empty:
            st.caption("No casualty figures reported.")
        else:
            st.dataframe(claims, hide_index=True, placeholder="–")
    coding = evidence.coding_rows(row.get(S.CODING))
    if coding:
        st.markdown("**Why it was coded so** (check these first)")
        st.dataframe(pd.DataFrame(coding), hide_index=True, key="coding_table")
    with st.expander("Every field of this event"):
        st.dataframe(_field_table(row), hide_index=True, height=min(38 * (len(row) + 1), 900))

    if reviews is not None and full is not None:
        with st.container(border=True, key="review_panel"):
            review_ui.render_review_panel(reviews.store, full, event_id, reviewer, machine_articles=data.articles(built))

    article_ids = list(dict.fromkeys(mentions[S.ARTICLE_ID].dropna().astype(str)))
    if not article_ids and pd.notna(row[S.ARTICLE_IDS]):
        article_ids = str(row[S.ARTICLE_IDS]).split(S.LIST_SEPARATOR)
    article_table = full.articles if full is not None and full.articles is not None else data.articles(built)
    articles = data.articles_by_id(article_table, article_ids)
    st.markdown(f"**Articles** ({len(articles)}) · the evidence is between {evidence.MARK_OPEN} and {evidence.MARK_CLOSE}")
    for _, article in articles.iterrows():
        body = _source_text(article)
        own = mentions.loc[(mentions[S.ARTICLE_ID] == article[S.ARTICLE_ID]).fillna(False).to_numpy(dtype=bool)]
        m = own.iloc[0] if len(own) else row
        span = evidence.evidence_span(
            body, m[S.EVIDENCE] if pd.notna(m[S.EVIDENCE]) else None,
            int(m[S.EVIDENCE_START]) if pd.notna(m[S.EVIDENCE_START]) else None,
            int(m[S.EVIDENCE_END]) if pd.notna(m[S.EVIDENCE_END]) else None,
        )
        title = article[S.TITLE] if pd.notna(article[S.TITLE]) else article[S.FILE]
        published = article[S.PUBLISHED].date().isoformat() if pd.notna(article[S.PUBLISHED]) else "undated"
        outlet = article[S.OUTLET] if pd.notna(article[S.OUTLET]) else "unknown outlet"
        with st.expander(escape_markdown(f"{outlet} · {published} · {title}"), expanded=len(articles) == 1):
            st.caption(escape_markdown(f"{article[S.FILE]}" + (f" · {article[S.URL]}" if pd.notna(article[S.URL]) else "")))
            st.code(evidence.marked_text(str(body), span), language=None, wrap_lines=True, height=360)


# --- page -------------------------------------------------------------------------------------

def _no_table(folder: Any, error: Exception) -> None:
    st.title("Conflict event table")
    st.warning(escape_markdown(str(error)))
    st.markdown("Build it with `python -m data_prep build seeds --out data/seeds`, start the dashboard with "
                "`make run`, or add articles from the sidebar to start a new table here.")


def _changes(reviews: PageReviews, built: data.Built, since: Any) -> None:
    """The "changed since" table, and a button that selects the events it lists."""
    with st.container(border=True, key="changes_box"):
        changes = review_ui.render_changes(reviews.store, built.events, since, built.stamp, reviews.version)
        ids = [i for i, kind in zip(changes[S.EVENT_ID].astype(str), changes[S.CHANGE_KIND])
               if kind != S.CHANGE_REMOVED]
        listed = len(ids)
        ids = list(review_ui.follow(ids, reviews.tables))
        if ids:
            label = "Select this event" if len(ids) == 1 else f"Select these {len(ids):,} events"
            st.button(label, key="select_changes", icon=":material/checklist:",
                      on_click=_set_selection, args=(ids,),
                      help="They are ticked in the events table and marked on the timeline and the map.")
        why = _changes_gap(len(changes), len(changes) - listed, listed - len(ids))
        if why:
            st.caption(why)


def _changes_gap(rows: int, removed: int, folded: int) -> str:
    """Why the button selects fewer events than the changes table lists (empty when it selects them all)."""
    if not removed and not folded:
        return ""
    parts = []
    if removed:
        parts.append(f"{style.plural(removed, 'removed event')} cannot be selected")
    if folded:
        parts.append(f"{style.plural(folded, 'listed event')} now merged into another one")
    return f"{rows:,} rows listed: " + "; ".join(parts) + "."


def main() -> None:
    # No page_icon: a material or emoji icon would be fetched from the internet as the favicon.
    st.set_page_config(page_title="Conflict event table", layout="wide")
    folder = data.data_dir()
    try:
        with _timed("load"):
            built = data.load(folder)
    except io.OutputError as error:  # MissingOutputError included
        _sidebar_data(None, folder)
        _no_table(folder, error)
        _show_messages()
        return
    with _timed("reviews"):
        # Mentions and articles are read only if the decisions need them (merges, splits, corrected dates).
        reviews = review_ui.open_reviews(folder, built.events, partial(data.mentions, built),
                                         partial(data.articles, built), built.stamp)
        tables = (data.shown(built, reviews.tables.events, reviews.version, reviews.decided) if reviews is not None
                  else data.shown(built))
    options = tables.options
    _after_upload(tables, built)
    _init_session(options, tables.key)
    _follow_data_change(options, tables.key)
    _follow_reviews(reviews)
    _sidebar_data(tables, folder)
    reviewer, since = _sidebar_review(reviews)
    f = _current_filter(options)
    with _timed("view"):
        shown = data.view(tables, f)
    with _timed("sidebar"):
        _sidebar_filters(tables, f, shown.counts)

    filtered = shown.filtered

    st.title("Conflict event table")
    _show_messages()
    st.caption(escape_markdown(filters.describe_count(len(filtered), f)))
    _headline(shown.headline)
    if reviews is not None:
        review_ui.render_orphans(reviews.tables)
        if since:
            with _timed("changes"):
                _changes(reviews, built, since)
    selected = tuple(st.session_state[K_SELECTED])

    labels = list(state.TABS.values())
    tabs = st.tabs(labels, key="w_tab", default=st.session_state[K_TAB_DEFAULT], on_change="rerun")
    active_label = st.session_state.get("w_tab") or st.session_state[K_TAB_DEFAULT]
    st.session_state[K_TAB] = next((k for k, v in state.TABS.items() if v == active_label), state.DEFAULT_TAB)
    by_id = dict(zip(state.TABS, tabs))
    view = _current_view(f)
    draw: dict[str, Callable[[], None]] = {
        "timeline": lambda: _tab_time_place(tables, filtered, f, selected),
        "counts": lambda: _tab_counts(tables, filtered, f),
        "map": lambda: _tab_map(tables, filtered, f, selected),
        "table": lambda: _tab_table(tables, filtered, f, selected),
        "sources": lambda: _tab_sources(built, filtered, reviews),
        "export": lambda: _tab_export(tables, filtered, f, view, reviews),
    }
    for tab_id, tab in by_id.items():
        with tab:
            if tab.open:  # only the open tab is computed
                with _timed(tab_id):
                    draw[tab_id]()

    st.divider()
    st.header("Selected event")
    selected_now = tuple(st.session_state[K_SELECTED])
    in_view = data.ids_in_view(shown, selected_now) if selected_now else set()
    with _timed("detail"):
        _detail(tables, built, in_view, reviews, reviewer)
    _sync_url(_current_view(f))
    data.warm_up(tables)
    if reviews is not None:
        reviews.record_build()
    if st.session_state.get(K_PLAY) and st.session_state.get(K_STEP) and st.session_state[K_TAB] == "timeline":
        time.sleep(PLAY_DELAY_S)  # a click meanwhile stops this run and starts the analyst's
        if not _step(options, f, 1, wrap=False):
            st.session_state[K_PLAY_DONE] = True
        st.rerun()

main()
