"""Fixtures for the real-browser tests: one table, one server and one Chromium for the whole session."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from data_prep import io
from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, build_table, serve


@pytest.fixture(scope="session")
def table_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_table(tmp_path_factory.mktemp("browser_table"))


@pytest.fixture(scope="session")
def events(table_dir: Path) -> pd.DataFrame:
    return io.load_outputs(table_dir)[0]


@pytest.fixture(scope="session")
def app_url(table_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(table_dir, tmp_path_factory.mktemp("logs") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, app_url: str) -> Iterator[Page]:
    """A fresh tab (its own Streamlit session) that records dialogs and any request leaving the machine."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    tab = context.new_page()
    tab.dialogs = []  # type: ignore[attr-defined]
    tab.outside_requests = []  # type: ignore[attr-defined]
    tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    tab.on("request", lambda r: None if r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
           else tab.outside_requests.append(r.url))  # type: ignore[attr-defined]
    tab.set_default_timeout(90_000)  # a fresh server on a shared 2-core machine: its first page can take a while
    yield tab
    context.close()
