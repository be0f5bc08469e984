"""What every figure shares: the fixed colour of each event type, marker sizes, and one-line event labels.

Labels are built from data (untrusted): every piece goes through `escape` because Plotly reads
hover text and titles as a small HTML subset.
"""
from __future__ import annotations

import functools
import html
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from data_prep import schema

# Fixed, colour-blind-safe (Okabe-Ito) colours: a type keeps its colour in every view and filter.
TYPE_COLOURS: dict[str, str] = {
    "Battles": "#D55E00",
    "Explosions/Remote violence": "#E69F00",
    "Violence against civilians": "#CC79A7",
    "Protests": "#0072B2",
    "Riots": "#56B4E9",
    "Strategic developments": "#009E73",
    schema.STATEMENT: "#8C8C8C",
}
OTHER_TYPE = "Other type"
OTHER_COLOUR = "#3B3B3B"
UNKNOWN = "(unknown)"
SELECTED_COLOUR = "#111111"
FONT = "DejaVu Sans, Arial, sans-serif"  # present on Debian with Chromium, so PNG/SVG match the page
FONT_FILE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # Debian's fonts-dejavu-core
TICK_SIZE = 12  # plotly's default tick label size
LOGGER = logging.getLogger(__name__)

MIN_MARKER = 6.0
MAX_MARKER = 40.0


@functools.lru_cache(maxsize=8)
def _font(size: int) -> object | None:
    try:
        from PIL import ImageFont

        return ImageFont.truetype(str(FONT_FILE), size)
    except (ImportError, OSError):
        LOGGER.debug("no %s: label widths are estimated", FONT_FILE)
        return None


def text_width(text: str, size: int = TICK_SIZE) -> float:
    """The width in px of `text` drawn in the figures' font (DejaVu Sans) at `size` px.

    Measured with the font file when it is there (it is where Chromium draws the images), else a
    generous estimate (0.65 em a character).
    """
    font = _font(size)
    if font is None:
        return 0.65 * size * len(text)
    return float(font.getlength(text))  # type: ignore[attr-defined]


def label_margin(labels: Iterable[str], size: int = TICK_SIZE, pad: int = 14) -> int:
    """A left margin (px) wide enough for the widest of these axis labels, plus `pad`."""
    widest = max((text_width(html.unescape(str(label)), size) for label in labels), default=0.0)
    return int(widest + pad + 0.5)


def escape(text: object) -> str:
    """Plain text safe inside Plotly's HTML-like strings (titles, hover text, annotations)."""
    return html.escape(str(text), quote=False)


def type_colour(event_type: object) -> str:
    """The fixed colour of an event type (dark grey for types outside the schema)."""
    return TYPE_COLOURS.get(str(event_type), OTHER_COLOUR) if not pd.isna(event_type) else OTHER_COLOUR


def type_order(types: Sequence[str]) -> list[str]:
    """Event types in schema order, unknown ones after, alphabetically."""
    present = set(types)
    known = [t for t in schema.EVENT_TYPES if t in present]
    return known + sorted(present - set(known))


def size_by_fatalities(fatalities: pd.Series | np.ndarray) -> np.ndarray:
    """Marker diameters in px: 6 for no or unknown toll, growing with the square root, capped at 40."""
    killed = pd.Series(fatalities).astype("Float64").fillna(0).to_numpy(dtype=float)
    return np.clip(MIN_MARKER + 3.0 * np.sqrt(np.maximum(killed, 0)), MIN_MARKER, MAX_MARKER)


def size_by_count(counts: np.ndarray, largest: int | None = None, biggest: float = MAX_MARKER) -> np.ndarray:
    """Marker diameters in px for binned counts: area grows with the count, the largest is `biggest` px."""
    counts = np.asarray(counts, dtype=float)
    top = float(largest if largest else (counts.max() if len(counts) else 1)) or 1.0
    smallest = min(MIN_MARKER, biggest / 2)
    return smallest + (biggest - smallest) * np.sqrt(counts / top)


def plural(n: int, word: str) -> str:
    """'1 event', '2,400 events'."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _date(value: object) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).date().isoformat()


def date_label(event_date: object, start: object, end: object, precision: object) -> str:
    """'2023-01-26', 'about 2023-01-29 (2023-01-28 to 2023-01-30)', '2023-02 (month)', '2023-01-01 to 2023-01-25'."""
    day, first, last = _date(event_date), _date(start), _date(end)
    precision = schema.PRECISION_UNKNOWN if pd.isna(precision) else str(precision)
    if precision == schema.PRECISION_RANGE and first and last:
        return f"{first} to {last}"
    if precision == schema.PRECISION_MONTH and (day or first):
        return f"{(first or day)[:7]} (month)"
    if precision == schema.PRECISION_APPROX and day:
        return f"about {day}" + (f" ({first} to {last})" if first and last and first != last else "")
    if precision == schema.PRECISION_UNKNOWN:
        if first and last and first != last:
            return f"{first} to {last} (date uncertain)"
        return f"{day or first} (date uncertain)" if (day or first) else "date unknown"
    return day or first or "date unknown"


def toll_label(low: object, high: object, event_type: object) -> str:
    """'10 killed', '120–150 killed', 'toll unknown'; '' for statements without a toll."""
    if pd.isna(low):
        return "" if event_type == schema.STATEMENT else "toll unknown"
    low = int(low)
    high = low if pd.isna(high) else max(int(high), low)
    if event_type == schema.STATEMENT and high == 0:
        return ""
    return f"{low:,} killed" if high == low else f"{low:,}–{high:,} killed"


# The columns event_labels reads.
LABEL_COLUMNS: tuple[str, ...] = (
    schema.EVENT_DATE, schema.DATE_START, schema.DATE_END, schema.DATE_PRECISION, schema.EVENT_TYPE,
    schema.ACTOR1, schema.ACTOR2, schema.LOCATION, schema.FATALITIES, schema.FATALITIES_MAX,
    schema.CONTESTED,
)


def event_labels(df: pd.DataFrame) -> list[str]:
    """One escaped line per event: '2023-01-26 · Battles · Israeli military → X · Jenin · 10 killed'."""
    rows = zip(*(df[c].astype(object).to_numpy() for c in LABEL_COLUMNS))
    labels = []
    for day, start, end, precision, kind, actor1, actor2, place, low, high, contested in rows:
        parts = [date_label(day, start, end, precision), UNKNOWN if pd.isna(kind) else str(kind)]
        actors = UNKNOWN if pd.isna(actor1) else str(actor1)
        if not pd.isna(actor2) and str(actor2):
            actors += f" → {actor2}"
        parts.append(actors)
        parts.append(UNKNOWN if pd.isna(place) else str(place))
        toll = toll_label(low, high, kind)
        if toll:
            parts.append(toll)
        if contested is True:
            parts.append("figures contested")
        labels.append(escape(" · ".join(parts)))
    return labels


NOTE_LINE_CHARS = 80  # a subtitle line longer than this is cut on a narrow chart


def wrap_notes(notes: list[str], width: int = NOTE_LINE_CHARS) -> list[str]:
    """Notes joined by "; " into lines of at most `width` characters (a longer note gets its own line)."""
    lines: list[str] = []
    for note in notes:
        if lines and len(lines[-1]) + 2 + len(note) <= width:
            lines[-1] += "; " + note
        else:
            lines.append(note)
    return lines


def title(text: str, notes: list[str] | None = None) -> dict[str, object]:
    """A left-aligned figure title (already escaped text) with the notes as a subtitle."""
    out: dict[str, object] = {
        "text": text, "x": 0, "xanchor": "left", "xref": "paper",
        "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 12},
        "font": {"size": 15},
    }
    if notes:
        out["subtitle"] = {"text": "; ".join(notes), "font": {"size": 12, "color": "#555555"}}
    return out


# Legend in a row above the plot area, below the title and its subtitle.
LEGEND_ABOVE: dict[str, object] = {
    "orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0, "xanchor": "left", "title": None,
    "itemsizing": "constant",
}
TOP_MARGIN = 110

