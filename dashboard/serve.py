"""The dashboard as an ASGI app that prepares the default view as soon as the server starts.

    python -m streamlit run dashboard/serve.py      # what `python -m dashboard` and `make run` do

Streamlit runs the page's script only when a browser connects, so a fresh server used to read a
million events only then, while the analyst waited (two to three seconds). Here the server's
lifespan hook starts that work in a thread at start-up: the table, the review decisions applied,
the filter options, the default view and its timeline go into the page's caches, and the first
browser finds them ready (or waits only for the rest); then, while no page runs, the background
reads of data.warm_up (indexes, mentions, article texts). `python -m streamlit run dashboard/app.py`
still serves the same page, without the head start.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard import data, review_ui, state
from dashboard.filters import EventFilter
from data_prep import io

LOGGER = logging.getLogger(__name__)

APP_SCRIPT = Path(__file__).resolve().parent / "app.py"
PREPARE_THREAD = "dashboard-prepare"
_OUR_THREADS = "dashboard-"  # this thread and data.py's background work ("dashboard-warm-up")


class _PreparingOutsideAPage(logging.Filter):
    """Drops Streamlit's "missing ScriptRunContext" warnings of our own background threads: they
    run the page's cached functions outside any page on purpose; the warning only worries the analyst."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.threadName.startswith(_OUR_THREADS)


logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_PreparingOutsideAPage())


RANKED = 8  # rows of each ranking the main view shows (app._rankings)


def prepare_default_view(folder: Path) -> None:
    """Fill the page's caches with what its first run computes for the default view (as app.main does)."""
    try:
        built = data.load(folder)
    except io.OutputError:
        return  # the page says what is missing when a browser connects
    reviews = review_ui.open_reviews(folder, built.events, partial(data.mentions, built),
                                     partial(data.articles, built), built.stamp)
    tables = (data.shown(built, reviews.tables.events, reviews.version, reviews.decided) if reviews is not None
              else data.shown(built))
    data.view(tables, EventFilter())
    data.timeline(tables, EventFilter(), state.DEFAULT_LANE, ())
    if len(tables.events) <= data.MAIN_VIEW_MAP_LIMIT:  # the main view draws the map beside the timeline
        data.map_chart(tables, EventFilter(), ())
        for kind in ("Actor", "Place"):  # and ranks who and where beside the map (app._rankings)
            data.ranking(tables, EventFilter(), kind, "events", RANKED)
    LOGGER.info("default view of %s prepared", folder)
    data.list_indexes(tables)  # the first filter change counts articles and outlets with them (0.3 s)
    data.warm_up(tables)  # then, while no page runs, what opened events need


def _prepare() -> None:
    try:
        prepare_default_view(data.data_dir())
    except Exception:  # noqa: BLE001 - the first page computes (and reports) it all again
        LOGGER.warning("preparing the default view failed", exc_info=True)


@asynccontextmanager
async def _lifespan(_app: Any) -> AsyncIterator[None]:
    # A thread, not awaited: the server answers at once, and the first run waits for the caches it needs.
    threading.Thread(target=_prepare, name=PREPARE_THREAD, daemon=True).start()
    yield


app = st.App(str(APP_SCRIPT), lifespan=_lifespan)
