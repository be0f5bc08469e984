"""The whole view as data, and its round trip through the URL query string (no streamlit here).

A `ViewState` holds what an analyst sees: the filter, the timeline's lanes, the count chart's
period and measure, the selected events, the event shown in detail and the open tab. The page
writes `to_query_params(view)` into the URL on every run, so a copied link (or a reload) gives
`from_query_params(...)` the same view back. Defaults are left out, so the plain URL means the
plain view, and junk in a hand-edited URL falls back to defaults instead of raising.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from dashboard import filters
from dashboard.charts import LANE_DIMENSIONS, MEASURES
from dashboard.filters import EventFilter

LOGGER = logging.getLogger(__name__)

# Tabs: URL value -> label shown. The URL keeps the short stable value, so a renamed label keeps links working.
TABS: dict[str, str] = {
    "timeline": "Time and place",
    "counts": "Counts over time",
    "map": "Map",
    "table": "Events table",
    "sources": "Articles",
    "export": "Export",
}
DEFAULT_TAB = "timeline"
FREQUENCIES: dict[str, str] = {"D": "Day", "W": "Week", "M": "Month"}
DEFAULT_LANE = "Type"
DEFAULT_FREQ = "W"
DEFAULT_MEASURE = "events"
# A box or lasso on one chart narrows the other: which chart the selection was brushed on.
BRUSHES: tuple[str, ...] = ("timeline", "map")
# Stepping through the period: the map shows one day or one week at a time.
STEPS: dict[str, str] = {"D": "Day", "W": "Week"}
# A lasso over thousands of events would make a URL no browser keeps: only this many ids go in it.
MAX_URL_SELECTION = 200
# Event ids are generated hex-like strings; anything else in the URL is junk.
_ID = re.compile(r"[A-Za-z0-9_.:-]{1,100}")

VIEW_KEYS: dict[str, str] = {
    "lane": "lane", "freq": "freq", "measure": "measure", "selected": "sel", "focus": "event", "tab": "tab",
    "brush": "brush", "step": "step", "at": "at",
}

QueryParams = Mapping[str, "str | Sequence[str]"]


@dataclass(frozen=True)
class ViewState:
    """Everything a shared link must reproduce."""

    filter: EventFilter = field(default_factory=EventFilter)
    lane: str = DEFAULT_LANE
    freq: str = DEFAULT_FREQ
    measure: str = DEFAULT_MEASURE
    selected: tuple[str, ...] = ()
    focus: str | None = None
    tab: str = DEFAULT_TAB
    brush: str | None = None  # "timeline" or "map": the selection was brushed there and narrows the other
    step: str | None = None  # "D" or "W": the map shows the day or week starting `at`
    at: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "selected", tuple(dict.fromkeys(s for s in self.selected if s)))
        if self.brush not in BRUSHES or not self.selected:
            object.__setattr__(self, "brush", None)
        if self.step not in STEPS or self.at is None:
            object.__setattr__(self, "step", None)
            object.__setattr__(self, "at", None)
        if self.focus is not None and self.focus not in self.selected:
            object.__setattr__(self, "focus", self.selected[0] if self.selected else None)
        if self.focus is None and self.selected:
            object.__setattr__(self, "focus", self.selected[0])


def select(view: ViewState, ids: Sequence[str]) -> ViewState:
    """The view with a new selection; the detail keeps its event when it is still selected."""
    focus = view.focus if view.focus in ids else None
    return replace(view, selected=tuple(ids), focus=focus)


def _values(params: QueryParams, key: str) -> list[str]:
    raw = params.get(key)
    if raw is None:
        return []
    if isinstance(raw, str):
        return [raw]
    return [v for v in raw if isinstance(v, str)]


def _last(params: QueryParams, key: str) -> str | None:
    values = _values(params, key)
    return values[-1].strip() if values else None


def _choice(value: str | None, allowed: Sequence[str], default: str) -> str:
    if value in allowed:
        return value  # type: ignore[return-value]
    if value is not None:
        LOGGER.debug("ignoring %r: not one of %s", value, ", ".join(allowed))
    return default


def _ids(values: Sequence[str]) -> tuple[str, ...]:
    out: list[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if _ID.fullmatch(part) and part not in out:
                out.append(part)
    return tuple(out[:MAX_URL_SELECTION])


def from_query_params(params: QueryParams) -> ViewState:
    """The view a URL describes; unknown keys and bad values are ignored (never raises)."""
    selected = _ids(_values(params, VIEW_KEYS["selected"]))
    focus_values = _ids(_values(params, VIEW_KEYS["focus"]))
    focus = focus_values[0] if focus_values else None
    if focus is not None and focus not in selected:
        selected = (focus,) + selected
    return ViewState(
        filter=filters.from_query_params(params),  # type: ignore[arg-type]
        lane=_choice(_last(params, VIEW_KEYS["lane"]), tuple(LANE_DIMENSIONS), DEFAULT_LANE),
        freq=_choice(_last(params, VIEW_KEYS["freq"]), tuple(FREQUENCIES), DEFAULT_FREQ),
        measure=_choice(_last(params, VIEW_KEYS["measure"]), MEASURES, DEFAULT_MEASURE),
        selected=selected,
        focus=focus,
        tab=_choice(_last(params, VIEW_KEYS["tab"]), tuple(TABS), DEFAULT_TAB),
        brush=_choice(_last(params, VIEW_KEYS["brush"]), BRUSHES, ""),
        step=_choice(_last(params, VIEW_KEYS["step"]), tuple(STEPS), ""),
        at=filters.parse_day(_last(params, VIEW_KEYS["at"])),
    )


def to_query_params(view: ViewState) -> dict[str, str | list[str]]:
    """URL parameters for everything that differs from the default view (filter keys included)."""
    params: dict[str, str | list[str]] = dict(filters.to_query_params(view.filter))
    if view.lane != DEFAULT_LANE:
        params[VIEW_KEYS["lane"]] = view.lane
    if view.freq != DEFAULT_FREQ:
        params[VIEW_KEYS["freq"]] = view.freq
    if view.measure != DEFAULT_MEASURE:
        params[VIEW_KEYS["measure"]] = view.measure
    if view.selected:
        params[VIEW_KEYS["selected"]] = ",".join(view.selected[:MAX_URL_SELECTION])
    if view.focus is not None and view.focus != (view.selected[0] if view.selected else None):
        params[VIEW_KEYS["focus"]] = view.focus
    if view.tab != DEFAULT_TAB:
        params[VIEW_KEYS["tab"]] = view.tab
    if view.brush:
        params[VIEW_KEYS["brush"]] = view.brush
    if view.step and view.at:
        params[VIEW_KEYS["step"]] = view.step
        params[VIEW_KEYS["at"]] = view.at.isoformat()
    return params


def view_url(base: str | None, view: ViewState) -> str:
    """The whole link to a view: the page's address (scheme, host, path; any query dropped) and the view's query.

    Without a base (no browser address known) only the query is given, starting with "?".
    """
    from urllib.parse import urlencode, urlsplit, urlunsplit

    query = urlencode(to_query_params(view), doseq=True)
    if not base:
        return "?" + query if query else ""
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, ""))


def same_params(a: QueryParams, b: QueryParams) -> bool:
    """True when two query mappings say the same thing (a single value equals a one-item list)."""
    keys = set(a) | set(b)
    return all(_values(a, k) == _values(b, k) for k in keys)
