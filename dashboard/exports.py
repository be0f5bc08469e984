"""Downloads: the filtered events as CSV, GeoJSON, JSON, Parquet and TimelineJS, figures as HTML, PNG and SVG.

Plain functions returning bytes (no streamlit). Everything works offline: HTML inlines plotly.js,
PNG/SVG are drawn by kaleido in the system Chromium (never a downloaded browser; see
`find_browser`), started once per process and reused.

Article text is untrusted: TimelineJS renders its `text` fields as HTML, so every piece from the
data is escaped there; CSV cells that a spreadsheet would run as a formula are neutralised.
"""
from __future__ import annotations

import asyncio
import atexit
import html
import io
import json
import logging
import os
import re
import shutil
import threading
import unicodedata
from collections.abc import Iterable
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import style
from dashboard.filters import EventFilter
from data_prep import schema
from data_prep.csv_cells import neutralise_frame

LOGGER = logging.getLogger(__name__)

NO_BROWSER = "PNG/SVG export needs Chromium (apt-get install chromium); HTML export works without it"
BROWSER_CANDIDATES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome", "chrome")
SYSTEM_CHROMIUM = "/usr/bin/chromium"
IMAGE_FORMATS = ("png", "svg")
IMAGE_TIMEOUT = 60.0  # seconds for one image; a hung browser must not hang the page
MAX_FILENAME = 120
_DAY_COLUMNS = (schema.EVENT_DATE, schema.DATE_START, schema.DATE_END)
FILENAME_COLUMNS: tuple[str, ...] = _DAY_COLUMNS  # what export_filename reads of the events


class ExportUnavailable(RuntimeError):
    """An export that cannot be made on this machine (e.g. no Chromium for PNG/SVG)."""


# --- tables ------------------------------------------------------------------------------------

def ordered_columns(df: pd.DataFrame) -> list[str]:
    """schema.EVENT_COLUMNS present in df in schema order, then the review columns, then any other."""
    known = [c for c in schema.EVENT_COLUMNS + schema.REVIEW_COLUMNS if c in df.columns]
    return known + [c for c in df.columns if c not in set(known)]


def _text_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy in export order with event days as YYYY-MM-DD and timestamps as ISO 8601 strings."""
    out = df[ordered_columns(df)].copy()
    for column in out.columns:
        if column in _DAY_COLUMNS:
            out[column] = out[column].dt.strftime("%Y-%m-%d").astype("string")
        elif pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].map(lambda v: None if pd.isna(v) else pd.Timestamp(v).isoformat()).astype("string")
    return out


def events_csv(df: pd.DataFrame, safe_for_spreadsheets: bool = True) -> bytes:
    """UTF-8 CSV: schema.EVENT_COLUMNS order first, then extra columns; days as YYYY-MM-DD.

    With `safe_for_spreadsheets` (default) text cells starting with = + - @ tab or CR get a leading
    "'" so a spreadsheet shows them instead of running them (data_prep.csv_cells): the text comes
    from articles.
    """
    out = _text_frame(df)
    if safe_for_spreadsheets:
        out = neutralise_frame(out, keep=frozenset(_DAY_COLUMNS))
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows: missing values as None, numbers as int/float, days as strings."""
    text = _text_frame(df)
    payload = text.to_json(orient="records", force_ascii=False, date_format="iso")
    return json.loads(payload)


def events_json(df: pd.DataFrame) -> bytes:
    """A JSON array of event objects (export column order; missing values as null)."""
    return json.dumps(_records(df), ensure_ascii=False, indent=1).encode("utf-8")


def events_geojson(df: pd.DataFrame) -> bytes:
    """An RFC 7946 FeatureCollection of the located events (Point [lon, lat]); the rest are left out.

    Each feature's `id` is the event id and its properties are the other columns.
    """
    lon = df[schema.LONGITUDE].to_numpy(dtype=float, na_value=np.nan)
    lat = df[schema.LATITUDE].to_numpy(dtype=float, na_value=np.nan)
    located = df.loc[np.isfinite(lon) & np.isfinite(lat)]
    features = []
    for record in _records(located):
        x, y = record.pop(schema.LONGITUDE), record.pop(schema.LATITUDE)
        features.append({
            "type": "Feature",
            "id": record.get(schema.EVENT_ID),
            "geometry": {"type": "Point", "coordinates": [x, y]},
            "properties": record,
        })
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False).encode("utf-8")


def events_parquet(df: pd.DataFrame) -> bytes:
    """Parquet with the frame's own dtypes (export column order)."""
    buffer = io.BytesIO()
    df[ordered_columns(df)].to_parquet(buffer, index=False)
    return buffer.getvalue()


# --- TimelineJS ----------------------------------------------------------------------------

def _tl_date(value: pd.Timestamp, month_only: bool) -> dict[str, int]:
    out = {"year": int(value.year), "month": int(value.month)}
    if not month_only:
        out["day"] = int(value.day)
    return out


def timelinejs_json(df: pd.DataFrame, title: str | None = None, view: str | None = None) -> bytes:
    """TimelineJS3 JSON: a title slide, then one slide per dated event, its date span, and escaped text.

    The title slide gives `title` (default "Conflict events"), the view in words (`view`, e.g.
    filters.describe), the period and the count, and says how many undated events are left out
    (TimelineJS needs a date for every slide). `display_date` says how sure the day is ("about
    2023-01-29", "2023-01-01 to 2023-01-25"); `group` is the event type; `unique_id` the event id.
    TimelineJS renders `text` as HTML, so every value from the data is escaped.
    """
    events = []
    columns = [
        schema.EVENT_ID, schema.EVENT_DATE, schema.DATE_START, schema.DATE_END, schema.DATE_PRECISION,
        schema.EVENT_TYPE, schema.SUB_EVENT_TYPE, schema.LOCATION, schema.ADMIN1, schema.SOURCE, schema.EVIDENCE,
    ]
    labels = style.event_labels(df)  # already escaped
    for label, row in zip(labels, df[columns].astype(object).itertuples(index=False)):
        event_id, day, start, end, precision, kind, sub, place, area, source, evidence = row
        first = start if not pd.isna(start) else day
        if pd.isna(first):
            continue
        last = end if not pd.isna(end) else first
        month_only = precision == schema.PRECISION_MONTH
        slide: dict[str, Any] = {
            "start_date": _tl_date(pd.Timestamp(first), month_only),
            "display_date": html.escape(style.date_label(day, start, end, precision)),
            "text": {
                "headline": html.escape(" · ".join(
                    str(v) for v in (kind, sub, place) if not pd.isna(v) and str(v)
                ) or "Event"),
                "text": "<br>".join(p for p in (
                    label,
                    f"“{html.escape(str(evidence))}”" if not pd.isna(evidence) else "",
                    f"Area: {html.escape(str(area))}" if not pd.isna(area) else "",
                    f"Reported by: {html.escape(str(source))}" if not pd.isna(source) else "",
                ) if p),
            },
            "group": html.escape(str(kind)) if not pd.isna(kind) else "Other",
            "unique_id": re.sub(r"[^A-Za-z0-9_-]", "-", str(event_id)),
        }
        if pd.Timestamp(last) != pd.Timestamp(first):
            slide["end_date"] = _tl_date(pd.Timestamp(last), month_only)
        events.append(slide)
    left_out = len(df) - len(events)
    firsts = [e["start_date"] for e in events]
    lasts = [e.get("end_date", e["start_date"]) for e in events]

    def day(d: dict[str, int]) -> str:
        return f"{d['year']:04d}-{d['month']:02d}" + (f"-{d['day']:02d}" if "day" in d else "")

    lines = [html.escape(view[:1].upper() + view[1:]) if view else ""]
    if events:
        first = min(firsts, key=lambda d: (d["year"], d["month"], d.get("day", 1)))
        last = max(lasts, key=lambda d: (d["year"], d["month"], d.get("day", 31)))
        lines.append(f"{day(first)} to {day(last)} · {style.plural(len(events), 'event')}")
    if left_out:
        lines.append(f"{style.plural(left_out, 'undated event')} left out: TimelineJS needs a date for every slide.")
    payload: dict[str, Any] = {
        "title": {"text": {"headline": html.escape(title or "Conflict events"),
                           "text": "<br>".join(line for line in lines if line)}},
        "events": events,
    }
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


# --- figures ---------------------------------------------------------------------------------

def figure_html(fig: go.Figure) -> bytes:
    """A standalone HTML page with plotly.js inlined: opens offline, no external script."""
    page = fig.to_html(
        include_plotlyjs=True, full_html=True, include_mathjax=False,
        config={"displaylogo": False, "responsive": True},
    )
    return page.encode("utf-8")


def find_browser() -> str | None:
    """The Chromium kaleido should drive: $BROWSER_PATH, then the usual names on PATH, then /usr/bin/chromium."""
    override = os.environ.get("BROWSER_PATH")
    if override:
        return override if os.access(override, os.X_OK) else None
    for name in BROWSER_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return SYSTEM_CHROMIUM if os.access(SYSTEM_CHROMIUM, os.X_OK) else None


class _Renderer:
    """One kaleido browser in a background event loop, reused for every image (0.1-0.3 s each, not 2 s)."""

    def __init__(self, browser: str) -> None:
        import kaleido  # imported here: HTML export and the rest of the app never need it

        self.browser = browser
        self._closed = False
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kaleido", daemon=True)
        self._thread.start()

        async def _open() -> Any:
            # mathjax=False: kaleido would otherwise load MathJax from a CDN.
            k = kaleido.Kaleido(path=browser, mathjax=False)
            await k.open()
            return k

        try:
            self._kaleido = self._run(_open(), IMAGE_TIMEOUT)
        except BaseException:
            self._loop.call_soon_threadsafe(self._loop.stop)
            raise

    def _run(self, coroutine: Any, timeout: float) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def render(self, fig: dict[str, Any], opts: dict[str, Any]) -> bytes:
        return self._run(self._kaleido.calc_fig(fig, opts=opts), IMAGE_TIMEOUT)

    def close(self) -> None:
        """Close the browser and stop the loop; safe to call twice (atexit calls it again)."""
        if self._closed:
            return
        self._closed = True
        try:
            self._run(self._kaleido.close(), 15)
        except Exception:  # noqa: BLE001 - closing a broken browser is best effort
            LOGGER.debug("kaleido close failed", exc_info=True)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)


_RENDERER: _Renderer | None = None
_RENDER_LOCK = threading.Lock()  # one image at a time: the page may export from several sessions


def _renderer() -> _Renderer:
    global _RENDERER
    browser = find_browser()
    if browser is None:
        raise ExportUnavailable(NO_BROWSER)
    if _RENDERER is None or _RENDERER.browser != browser:
        if _RENDERER is not None:
            _RENDERER.close()
        _RENDERER = _Renderer(browser)
        atexit.register(_RENDERER.close)
    return _RENDERER


def close_renderer() -> None:
    """Stop the background browser (it is restarted on the next image)."""
    global _RENDERER
    with _RENDER_LOCK:
        if _RENDERER is not None:
            _RENDERER.close()
            _RENDERER = None


def figure_image(fig: go.Figure, fmt: str = "png", width: int | None = None, height: int | None = None,
                 scale: float = 2.0) -> bytes:
    """PNG or SVG bytes of a figure, drawn by kaleido in the system Chromium.

    Raises:
        ValueError: fmt is not "png" or "svg".
        ExportUnavailable: no Chromium on this machine, or it failed to draw the figure.
    """
    global _RENDERER
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"fmt must be png or svg, not {fmt!r}")
    spec = fig.to_plotly_json()
    layout = spec.get("layout", {})
    opts = {
        "format": fmt,
        "width": width or layout.get("width") or 1100,
        "height": height or layout.get("height") or 600,
        "scale": scale if fmt == "png" else 1,
    }
    with _RENDER_LOCK:
        renderer = _renderer()
        try:
            data = renderer.render(spec, opts)
        except Exception as error:  # noqa: BLE001 - any browser failure: restart it next time
            LOGGER.warning("image export failed: %s", error)
            renderer.close()
            _RENDERER = None
            raise ExportUnavailable(f"{fmt.upper()} export failed: {error}") from error
    return data


# --- file names ------------------------------------------------------------------------------

def _slug(text: str) -> str:
    """ASCII, lower case, words joined by '-': 'West Bank' -> 'west-bank', 'Al-Qassam Brigades' -> 'al-qassam-brigades'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _values_slug(values: Iterable[str], limit: int = 2) -> str:
    values = [v for v in (_slug(v) for v in values) if v]
    if not values:
        return ""
    extra = len(values) - limit
    return "+".join(values[:limit]) + (f"+{extra}-more" if extra > 0 else "")


def _date_span(df: pd.DataFrame, f: EventFilter) -> tuple[date | None, date | None]:
    first, last = f.date_from, f.date_to
    if first is None or last is None:
        start = df[schema.DATE_START].fillna(df[schema.EVENT_DATE]) if len(df) else pd.Series(dtype="datetime64[ns]")
        end = df[schema.DATE_END].fillna(start) if len(df) else start
        if first is None and start.notna().any():
            first = pd.Timestamp(start.min()).date()
        if last is None and end.notna().any():
            last = pd.Timestamp(end.max()).date()
    return first, last


def export_filename(kind: str, df: pd.DataFrame, f: EventFilter, ext: str) -> str:
    """'events_2023-01-26_2023-02-02_west-bank_battles.csv': kind, date span, filter summary.

    Dates come from the filter, else from the data. Safe on every filesystem (ASCII letters,
    digits, '-', '_', '+', '.'), at most MAX_FILENAME characters with the extension.
    """
    first, last = _date_span(df, f)
    parts = [_slug(kind) or "export"]
    if first:
        parts.append(first.isoformat())
    if last and last != first:
        parts.append(last.isoformat())
    for values in (f.areas, f.locations, f.event_types, f.sub_event_types, f.actors, f.outlets):
        slug = _values_slug(values)
        if slug:
            parts.append(slug)
    if f.min_fatalities:
        parts.append(f"{f.min_fatalities}plus-killed")
    if not f.include_statements:
        parts.append("no-statements")
    if f.text:
        parts.append("q-" + _slug(f.text)[:30])
    if f.review_statuses:
        parts.append(_values_slug(f.review_statuses))
    suffix = "." + (_slug(ext.lstrip(".")) or "dat")
    name = "_".join(p for p in parts if p)
    budget = MAX_FILENAME - len(suffix)
    if len(name) > budget:
        name = name[:budget].rstrip("-_+")
    return name + suffix
