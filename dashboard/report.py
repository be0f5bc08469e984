"""A one-page PDF report of the current view, ready for a briefing (no streamlit here).

Headline figures, the view's filters in words, the timeline, the map, the top actors and places
and the outlets the events come from, on one A4 landscape page. The charts are drawn by kaleido
in the system Chromium (`exports.figure_image`), the page by fpdf2 with DejaVu Sans (Debian's
fonts-dejavu-core, which Chromium needs too), so names in any script print as they are; without
that font the page falls back to Helvetica and replaces what Latin-1 cannot hold.

Text from the data goes into the PDF as text runs: a PDF viewer does not execute it.
"""
from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import plotly.graph_objects as go
from fpdf import FPDF

from dashboard import exports, style
from dashboard.metrics import Headline

LOGGER = logging.getLogger(__name__)

PAGE = ("A4", "L")  # 297 x 210 mm
MARGIN = 10.0  # mm
FONT = "DejaVu"
TOP_ROWS = 8  # actors and places listed
MAX_OUTLETS = 12
# Pixels of the images drawn for the page (twice that at scale 2): wide enough to read when printed.
TIMELINE_PX = (1500, 400)
MAP_PX = (900, 680)


@dataclass(frozen=True)
class ReportView:
    """What the report shows: the view's words and figures, its charts and rankings."""

    title: str  # e.g. "Conflict event table: data/seeds"
    view: str  # filters.describe_count of the view
    headline: Headline
    timeline: go.Figure
    map: go.Figure
    actors: pd.DataFrame  # metrics.ranking: name, events, fatalities, ...
    places: pd.DataFrame
    outlets: Mapping[str, int]  # events per outlet (filters.facet_value_counts)
    link: str = ""  # the view's URL
    notes: tuple[str, ...] = ()  # what to keep in mind (multi-day tolls, undated, unlocated)


def _text(pdf: FPDF, unicode_font: bool, value: object) -> str:
    text = str(value)
    return text if unicode_font else text.encode("latin-1", "replace").decode("latin-1")


def _print_figure(fig: go.Figure, size: tuple[int, int]) -> bytes:
    """A PNG of a figure sized for the page (a copy: cached figures are shared and never modified)."""
    copy = go.Figure(fig)
    copy.update_layout(width=size[0], height=size[1])
    return exports.figure_image(copy, "png", width=size[0], height=size[1], scale=2)


def _figures_line(h: Headline) -> str:
    killed = f"{h.fatalities_low:,}" + (f" (up to {h.fatalities_high:,} claimed)" if h.fatalities_high > h.fatalities_low else "")
    injured = f"{h.injuries_low:,}" + (f" (up to {h.injuries_high:,})" if h.injuries_high > h.injuries_low else "")
    return (f"{style.plural(h.events, 'event')} · {killed} killed · {injured} injured · "
            f"{style.plural(h.articles, 'article')} · {style.plural(h.outlets, 'outlet')} · "
            f"{h.contested:,} contested")


def _table(pdf: FPDF, unicode_font: bool, title: str, frame: pd.DataFrame, x: float, width: float) -> None:
    pdf.set_x(x)
    pdf.set_font(FONT if unicode_font else "Helvetica", "B", 9)
    pdf.cell(width, 5, _text(pdf, unicode_font, title), new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT if unicode_font else "Helvetica", "", 8)
    if frame.empty:
        pdf.set_x(x)
        pdf.cell(width, 4.2, "none named", new_x="LEFT", new_y="NEXT")
        return
    name_w = width - 34
    for row in frame.head(TOP_ROWS).itertuples(index=False):
        pdf.set_x(x)
        name = str(row.name)
        while name and pdf.get_string_width(_text(pdf, unicode_font, name)) > name_w - 1:
            name = name[:-2] + "…" if len(name) > 2 else ""
        pdf.cell(name_w, 4.2, _text(pdf, unicode_font, name))
        pdf.cell(14, 4.2, f"{int(row.events):,}", align="R")
        pdf.cell(20, 4.2, f"{int(row.fatalities):,} killed", align="R", new_x="LEFT", new_y="NEXT")


def report_pdf(view: ReportView, generated: datetime | None = None) -> bytes:
    """The one-page PDF of `view` (bytes). Raises exports.ExportUnavailable without Chromium."""
    timeline_png = _print_figure(view.timeline, TIMELINE_PX)
    map_png = _print_figure(view.map, MAP_PX)
    pdf = FPDF(orientation=PAGE[1], unit="mm", format=PAGE[0])
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    unicode_font = style.FONT_FILE.exists()
    if unicode_font:
        pdf.add_font(FONT, "", str(style.FONT_FILE))
        bold = style.FONT_FILE.with_name("DejaVuSans-Bold.ttf")
        pdf.add_font(FONT, "B", str(bold if bold.exists() else style.FONT_FILE))
    family = FONT if unicode_font else "Helvetica"
    when = (generated or datetime.now()).strftime("%Y-%m-%d %H:%M")
    pdf.set_title(view.title)
    pdf.set_creator("conflict event table dashboard")
    pdf.add_page()
    width = pdf.w - 2 * MARGIN

    pdf.set_font(family, "B", 14)
    pdf.cell(width, 7, _text(pdf, unicode_font, view.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 9)
    pdf.multi_cell(width, 4.5, _text(pdf, unicode_font, view.view), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "B", 10)
    pdf.cell(width, 6, _text(pdf, unicode_font, _figures_line(view.headline)), new_x="LMARGIN", new_y="NEXT")
    if view.notes:
        pdf.set_font(family, "", 8)
        pdf.multi_cell(width, 4, _text(pdf, unicode_font, " · ".join(view.notes)), new_x="LMARGIN", new_y="NEXT")

    top = pdf.get_y() + 1
    timeline_h = width * TIMELINE_PX[1] / TIMELINE_PX[0]
    pdf.image(io.BytesIO(timeline_png), x=MARGIN, y=top, w=width, h=timeline_h)
    below = top + timeline_h + 2
    footer = pdf.h - MARGIN - 9
    map_h = min(footer - below, (width * 0.55) * MAP_PX[1] / MAP_PX[0])
    map_w = map_h * MAP_PX[0] / MAP_PX[1]
    pdf.image(io.BytesIO(map_png), x=MARGIN, y=below, w=map_w, h=map_h)

    side_x = MARGIN + map_w + 6
    side_w = (pdf.w - MARGIN - side_x - 6) / 2
    pdf.set_y(below)
    _table(pdf, unicode_font, "Top actors (either side)", view.actors, side_x, side_w)
    pdf.set_y(below)
    _table(pdf, unicode_font, "Top places", view.places, side_x + side_w + 6, side_w)
    pdf.set_y(below + 4.2 * (TOP_ROWS + 2) + 3)
    pdf.set_x(side_x)
    pdf.set_font(family, "B", 9)
    pdf.cell(2 * side_w + 6, 5, "Sources (events per outlet)", new_x="LEFT", new_y="NEXT")
    pdf.set_font(family, "", 8)
    outlets = list(view.outlets.items())
    listed = ", ".join(f"{name} {n:,}" for name, n in outlets[:MAX_OUTLETS])
    if len(outlets) > MAX_OUTLETS:
        listed += f", and {len(outlets) - MAX_OUTLETS:,} more outlets"
    pdf.set_x(side_x)
    pdf.multi_cell(2 * side_w + 6, 4, _text(pdf, unicode_font, listed or "none named"), new_x="LEFT", new_y="NEXT")

    pdf.set_y(footer + 2)
    pdf.set_font(family, "", 7)
    foot = f"Generated {when} from the conflict event table. Fatalities: sum of the lowest figure reported per event."
    if view.link:
        foot += f" This view: {view.link}"
    pdf.multi_cell(width, 3.2, _text(pdf, unicode_font, foot), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
