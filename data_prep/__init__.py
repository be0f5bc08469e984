"""From news articles to a dated, located, sourced event table.

Public API: `read_articles`, `extract_events`, `build_event_table`, `build_from_articles`.
"""
from __future__ import annotations

import logging

from .extract import extract_events
from .io import read_articles
from .pipeline import BuildResult, build_event_table, build_from_articles

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["BuildResult", "build_event_table", "build_from_articles", "extract_events", "read_articles"]
