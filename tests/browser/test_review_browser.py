"""Reviewing in a real Chromium: a decision persists across a reload and another analyst's session sees it.

Runs its own server on a copy of the browser tests' table, so the decisions made here never reach
the other browser tests.
"""
from __future__ import annotations

import csv
import io as stdlib_io
import shutil
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser, Page, expect

from data_prep import io, schema as S, settings
from data_prep.reviews import ReviewStore
from tests.browser.server import serve
from tests.browser.test_dashboard_browser import open_app, query, settle

REVIEWER = "Ana Lopez"


@pytest.fixture(scope="module")
def review_dir(table_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("review_table") / "table"
    shutil.copytree(table_dir, folder, ignore=shutil.ignore_patterns(f"{settings.REVIEWS_DB}*"))
    return folder


@pytest.fixture(scope="module")
def review_url(review_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(review_dir, tmp_path_factory.mktemp("review_logs") / "streamlit.log") as url:
        yield url


def new_tab(browser: Browser) -> Page:
    """A tab in a context of its own: another analyst, with their own Streamlit session."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    return tab


def timeline_days(page: Page) -> dict[str, str]:
    """Event id -> the day its marker is drawn on, read from the timeline figure in the page."""
    page.locator('[data-testid="stTabPanel"]:visible .js-plotly-plot').first.wait_for()
    return page.evaluate("""() => {
        const plot = document.querySelector('[data-testid="stTabPanel"]:not([hidden]) .js-plotly-plot');
        const out = {};
        for (const trace of plot.data) {
            const kind = (trace.meta || {}).kind;
            if (kind !== 'events' && kind !== 'ranges') continue;
            (trace.customdata || []).forEach((id, i) => { if (typeof id === 'string') out[id] = String(trace.x[i]).slice(0, 10); });
        }
        return out;
    }""")


def panel(page: Page):  # noqa: ANN201 - a Playwright locator
    return page.locator(".st-key-review_panel")


def set_date(page: Page, label: str, day: date) -> None:
    """Type a day into a date field of the panel (year, month and day are spin buttons)."""
    for part, value in (("year", f"{day.year:04d}"), ("month", f"{day.month:02d}"), ("day", f"{day.day:02d}")):
        spin = panel(page).get_by_role("spinbutton", name=f"{part}, {label}", exact=True)
        spin.click()
        spin.type(value)


def test_a_decision_persists_and_another_analyst_sees_it(browser: Browser, review_url: str, review_dir: Path) -> None:
    events = io.load_outputs(review_dir)[0]
    target = events.loc[(events[S.EVENT_TYPE] == "Battles") & (events[S.DATE_PRECISION] == S.PRECISION_DAY)].iloc[0]
    event_id, day = str(target[S.EVENT_ID]), target[S.EVENT_DATE].date()
    new_day = day + timedelta(days=2)

    page = new_tab(browser)
    open_app(page, f"{review_url}/?sel={event_id}")
    assert timeline_days(page)[event_id] == day.isoformat()
    expect(panel(page)).to_contain_text("Enter your name in the sidebar to record decisions on this event.")
    page.get_by_role("textbox", name="Your name, to review events").fill(REVIEWER)
    page.get_by_role("button", name="Start reviewing").click()
    settle(page)
    expect(page.get_by_text(f"Reviewing as {REVIEWER}")).to_be_visible()

    panel(page).get_by_text("verified", exact=True).click()
    set_date(page, "Day", new_day)
    panel(page).get_by_role("button", name="Save decision").click()
    settle(page)
    expect(panel(page).get_by_text(f"Saved 4 change(s) to {event_id}.")).to_be_visible()
    expect(panel(page)).to_contain_text(f"Status: verified · last decision by {REVIEWER}")
    log = ReviewStore.in_folder(review_dir).log()
    assert sorted((a.field, a.old_value, a.new_value) for a in log) == sorted([
        (S.REVIEW_STATUS, S.STATUS_UNREVIEWED, S.STATUS_VERIFIED),
        (S.EVENT_DATE, day.isoformat(), new_day.isoformat()),
        (S.DATE_START, day.isoformat(), new_day.isoformat()),
        (S.DATE_END, day.isoformat(), new_day.isoformat()),
    ])
    assert {a.reviewer for a in log} == {REVIEWER}
    assert timeline_days(page)[event_id] == new_day.isoformat()

    # A reload is a new Streamlit session: the decision is read back from the store, and the name from
    # the browser session's cookie (it is asked once per browser session).
    page.reload()
    page.wait_for_selector('[data-testid="stMetric"]')
    settle(page)
    assert query(page)["sel"] == [event_id]
    expect(page.get_by_text(f"Reviewing as {REVIEWER}")).to_be_visible()
    expect(panel(page).get_by_role("button", name="Save decision")).to_be_visible()
    expect(panel(page)).to_contain_text(f"Status: verified · last decision by {REVIEWER}")
    expect(page.get_by_role("heading", level=3).filter(has_text=new_day.isoformat())).to_be_visible()
    assert timeline_days(page)[event_id] == new_day.isoformat()

    # Another analyst, in another browser context, finds it through the review filters.
    other = new_tab(browser)
    open_app(other, f"{review_url}/?review=verified")
    expect(other.locator('[data-testid="stMetric"]').first).to_contain_text("1")
    assert timeline_days(other) == {event_id: new_day.isoformat()}
    expect(other.get_by_role("textbox", name="Your name, to review events")).to_be_visible()  # their own name

    # ...and downloads the review bundle of that view.
    other.get_by_role("tab", name="Export").click()
    settle(other)
    with other.expect_download(timeout=120_000) as info:
        other.get_by_role("button", name="Review bundle (zip)").click()
    with zipfile.ZipFile(info.value.path()) as bundle:
        names = set(bundle.namelist())
        rows = list(csv.DictReader(stdlib_io.StringIO(bundle.read("events.csv").decode("utf-8"))))
        review_log = pd.read_csv(stdlib_io.BytesIO(bundle.read("review_log.csv")))
        summary = bundle.read("summary.md").decode("utf-8")
    assert {"events.csv", "review_log.csv", "events.geojson", "summary.md", "charts/timeline.html"} <= names
    assert [(r[S.EVENT_ID], r[S.EVENT_DATE], r[S.REVIEW_STATUS], r[S.REVIEWER]) for r in rows] == [
        (event_id, new_day.isoformat(), S.STATUS_VERIFIED, REVIEWER)]
    assert len(review_log) == 4 and set(review_log[S.REVIEWER]) == {REVIEWER}
    assert "| verified | 1 |" in summary
    other.context.close()
    page.context.close()
