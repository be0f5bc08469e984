"""Temporal expressions in article text, resolved against the publication date (stub: being written)."""
from __future__ import annotations

from datetime import date

from .models import ParsedDate, TemporalMatch


def find_temporal_expressions(text: str, published: date | None) -> list[TemporalMatch]:
    """Every temporal expression in `text`, resolved against `published`, in text order."""
    return []


def parse_publication_date(text: str) -> date | None:
    """An absolute date with a year ("January 27 2023", "02/02/2023", "2025-04-07"), or None."""
    return None


def resolve_expression(text: str, published: date | None) -> ParsedDate | None:
    """Resolve one expression ("on Thursday", "the night of January 26 to 27") or None."""
    return None
