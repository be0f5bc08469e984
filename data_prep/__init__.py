"""From news articles to a dated, located, sourced event table.

Public API: `read_articles`, `extract_events`, `build_event_table`, `build_from_articles`.
"""
from __future__ import annotations

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())
