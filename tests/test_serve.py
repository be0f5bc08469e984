"""dashboard/serve.py: Streamlit's warning about our background threads stays out of the analyst's terminal."""
from __future__ import annotations

import logging


def _record(thread: str) -> logging.LogRecord:
    record = logging.LogRecord("streamlit.runtime.scriptrunner_utils.script_run_context", logging.WARNING,
                               __file__, 1, "Thread '%s': missing ScriptRunContext!", (thread,), None)
    record.threadName = thread
    return record


def test_only_our_background_threads_lose_the_missing_context_warning() -> None:
    from dashboard.serve import _PreparingOutsideAPage

    keep = _PreparingOutsideAPage().filter
    assert not keep(_record("dashboard-prepare"))
    assert not keep(_record("dashboard-warm-up"))
    assert keep(_record("ScriptRunner.scriptThread"))  # a real page's thread without context is a bug: say so
