"""From news articles to a dated, located, sourced event table.

Public API: `read_articles`, `extract_events`, `build_event_table`, `build_from_articles`.
Imported lazily so that `import data_prep.schema` stays light (the dashboard imports it).
"""
from __future__ import annotations

import importlib
import logging
from typing import Any

logging.getLogger(__name__).addHandler(logging.NullHandler())

_API = {
    "BuildResult": "pipeline", "build_event_table": "pipeline", "build_from_articles": "pipeline",
    "extract_events": "extract", "read_articles": "io",
}
__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
