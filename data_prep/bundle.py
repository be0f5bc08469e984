"""A review bundle: one zip with the events in view (decisions applied), the review log, the charts,
a GeoJSON and a short Markdown summary, so a colleague gets the whole picture in one file.

Tables and figures are turned into bytes by `dashboard.exports` (the same CSV, GeoJSON, HTML, PNG and
SVG as the page's own downloads). PNG and SVG need Chromium; without it the charts are included as
HTML only and the summary says why.
"""
from __future__ import annotations

import logging
import re
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from io import BytesIO

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import exports
from dashboard.evidence import escape_markdown
from . import schema
from .reviews import ReviewAction, log_frame

LOGGER = logging.getLogger(__name__)

EVENTS_FILE = "events.csv"
LOG_FILE = "review_log.csv"
GEOJSON_FILE = "events.geojson"
SUMMARY_FILE = "summary.md"
CHARTS_DIR = "charts"
IMAGE_FORMATS: tuple[str, ...] = ("png", "svg")


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "chart"


def _chart_names(names: Sequence[str]) -> list[str]:
    """File stems for the charts: slugs, made unique by a number when two names fold together."""
    out: list[str] = []
    for name in names:
        stem, n = _slug(name), 2
        candidate = stem
        while candidate in out:
            candidate = f"{stem}-{n}"
            n += 1
        out.append(candidate)
    return out


def status_counts(events: pd.DataFrame) -> dict[str, int]:
    """Events per review status, every status listed (a frame without review columns is all unreviewed)."""
    if schema.REVIEW_STATUS in events.columns:
        statuses = events[schema.REVIEW_STATUS].fillna(schema.STATUS_UNREVIEWED)
    else:
        statuses = pd.Series(schema.STATUS_UNREVIEWED, index=events.index)
    counts = statuses.value_counts()
    out = {status: int(counts.get(status, 0)) for status in schema.REVIEW_STATUSES}
    out.update({str(k): int(v) for k, v in counts.items() if k not in out})
    return out


def _located(events: pd.DataFrame) -> int:
    if len(events) == 0:
        return 0
    lat = events[schema.LATITUDE].to_numpy(dtype=float, na_value=np.nan)
    lon = events[schema.LONGITUDE].to_numpy(dtype=float, na_value=np.nan)
    return int((np.isfinite(lat) & np.isfinite(lon)).sum())


def summary_markdown(events: pd.DataFrame, log: pd.DataFrame, filter_description: str, sources: Sequence[str],
                     generated_at: datetime, chart_files: Mapping[str, Sequence[str]],
                     image_problem: str | None) -> str:
    """The bundle's summary.md: what is in view (in words), counts by status, the files, the sources.

    Every value that comes from the data or the analyst is Markdown-escaped.
    """
    counts = status_counts(events)
    edited = int(events[schema.EDITED_FIELDS].notna().sum()) if schema.EDITED_FIELDS in events.columns else 0
    located = _located(events)
    lines = [
        "# Review bundle",
        "",
        f"Made {generated_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        "## What is in view",
        "",
        escape_markdown(filter_description.strip() or f"All {len(events)} events."),
        "",
        "## Review status",
        "",
        "| status | events |",
        "| --- | ---: |",
        *[f"| {escape_markdown(status)} | {n} |" for status, n in counts.items()],
        f"| all | {len(events)} |",
        "",
        f"{edited} event(s) carry analysts' corrections (column `{schema.EDITED_FIELDS}`).",
    ]
    if schema.REVIEWER in events.columns and events[schema.REVIEWER].notna().any():
        per = events[schema.REVIEWER].dropna().value_counts()
        lines.append("Last reviewed by: " + ", ".join(f"{escape_markdown(str(k))} ({v})" for k, v in per.items()) + ".")
    lines += [
        "",
        "## Files",
        "",
        f"- `{EVENTS_FILE}`: the {len(events)} events with review status and corrections applied.",
        f"- `{LOG_FILE}`: {len(log)} review action(s) on these events: who, when, what changed from what.",
        f"- `{GEOJSON_FILE}`: the {located} event(s) with coordinates"
        + (f" ({len(events) - located} without coordinates are left out)." if located < len(events) else "."),
    ]
    for stem, formats in chart_files.items():
        lines.append(f"- `{CHARTS_DIR}/{stem}`: " + ", ".join(f.upper() for f in formats) + ".")
    if image_problem:
        lines.append(f"- Charts are included as HTML only: {image_problem}")  # our own message, not data
    lines += ["", "## Sources", ""]
    distinct = [s for s in dict.fromkeys(str(s).strip() for s in sources) if s]
    lines += [f"- {escape_markdown(s)}" for s in distinct] or ["No sources in view."]
    return "\n".join(lines) + "\n"


def review_bundle(events_view: pd.DataFrame, log: pd.DataFrame | Sequence[ReviewAction],
                  figures: Mapping[str, go.Figure], filter_description: str, sources: Sequence[str],
                  generated_at: datetime | None = None,
                  image_formats: Sequence[str] = IMAGE_FORMATS) -> bytes:
    """One zip with everything an analyst needs to pass on what is in view.

    Args:
        events_view: the events shown (decisions applied, filters applied).
        log: the review actions on those events (`reviews.log_frame` or a list of ReviewAction).
        figures: chart title -> figure, each saved as HTML, PNG and SVG.
        filter_description: the view's filters in words (`dashboard.filters.describe`).
        sources: the sources of the events in view (outlets or files), listed in the summary.
        generated_at: the bundle's timestamp (default now); it also dates every zip entry.
        image_formats: the image formats to try besides HTML.

    Returns:
        The zip file's bytes.
    """
    moment = (generated_at or datetime.now(UTC)).astimezone(UTC)
    log_table = log if isinstance(log, pd.DataFrame) else log_frame(list(log))
    stamp = moment.timetuple()[:6]
    buffer = BytesIO()
    chart_files: dict[str, list[str]] = {}
    image_problem: str | None = None
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        def put(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)

        put(EVENTS_FILE, exports.events_csv(events_view))
        put(LOG_FILE, exports.events_csv(log_table))
        put(GEOJSON_FILE, exports.events_geojson(events_view))
        for stem, (title, fig) in zip(_chart_names(list(figures)), figures.items()):
            put(f"{CHARTS_DIR}/{stem}.html", exports.figure_html(fig))
            formats = ["html"]
            for fmt in image_formats:
                if image_problem is not None:
                    break  # no browser: do not wait for it once per chart
                try:
                    put(f"{CHARTS_DIR}/{stem}.{fmt}", exports.figure_image(fig, fmt))
                    formats.append(fmt)
                except exports.ExportUnavailable as error:
                    LOGGER.warning("bundle chart %r: %s", title, error)
                    image_problem = str(error)
            chart_files[stem] = formats
        put(SUMMARY_FILE, summary_markdown(events_view, log_table, filter_description, sources, moment,
                                           chart_files, image_problem).encode("utf-8"))
    return buffer.getvalue()
