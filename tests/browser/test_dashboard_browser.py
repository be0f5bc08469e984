"""The dashboard in a real Chromium: loads offline, filters, selects, downloads, restores links, runs no article code."""
from __future__ import annotations

import io as stdlib_io
import re
from urllib.parse import parse_qs, urlparse

import pandas as pd
from playwright.sync_api import Page, expect

from data_prep import schema as S

HOSTILE_SCRIPT = '<script>window.__pwned=1;alert("pwned")</script>'
HOSTILE_IMG = "<img src=x onerror=\"window.__pwned=1;alert('img')\">"


def settle(page: Page) -> None:
    """Wait until Streamlit has finished the run an action started."""
    page.wait_for_timeout(400)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')


def open_app(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector('[data-testid="stMetric"]')
    settle(page)


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.evaluate("window.location.href")).query)


def metric(page: Page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has=page.get_by_text(label, exact=True))
    return card.locator('[data-testid="stMetricValue"]').inner_text()


def timeline_points(page: Page) -> int:
    panel = page.locator('[data-testid="stTabPanel"]:visible .js-plotly-plot').first
    panel.wait_for()
    return panel.locator(".scatterlayer .trace .point").count()


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_page_loads_offline(page: Page, app_url: str, events: pd.DataFrame) -> None:
    open_app(page, app_url)
    expect(page.get_by_role("heading", name="Conflict event table")).to_be_visible()
    assert metric(page, "Events") == f"{len(events):,}"
    assert timeline_points(page) > 0
    assert page.outside_requests == []  # type: ignore[attr-defined]  # no font, tile or favicon from the internet


def test_a_filter_changes_the_timeline(page: Page, app_url: str, events: pd.DataFrame) -> None:
    open_app(page, app_url)
    before = timeline_points(page)
    page.get_by_role("combobox", name="Event type", exact=True).click()
    page.get_by_role("option", name=re.compile(r"^Battles \(")).click()
    page.keyboard.press("Escape")
    settle(page)
    battles = int((events[S.EVENT_TYPE] == "Battles").sum())
    expect(page.locator('[data-testid="stMetric"]').first).to_contain_text(str(battles))
    assert 0 < timeline_points(page) < before
    assert query(page)["type"] == ["Battles"]


def test_selecting_an_event_shows_its_evidence(page: Page, app_url: str, events: pd.DataFrame) -> None:
    open_app(page, app_url + "/?type=Battles")
    page.locator('[data-testid="stTabPanel"]:visible .js-plotly-plot .scatterlayer .trace .point').first.click(force=True)
    settle(page)
    expect(page.locator(".st-key-evidence_box")).to_be_visible()
    selected = query(page)["sel"][0].split(",")
    assert len(selected) == 1
    row = events.loc[events[S.EVENT_ID] == selected[0]].iloc[0]
    assert row[S.EVENT_TYPE] == "Battles"
    assert _normal(page.locator(".st-key-evidence_box").inner_text()) == _normal(row[S.EVIDENCE])


def test_csv_and_png_downloads_arrive_and_open(page: Page, app_url: str, events: pd.DataFrame) -> None:
    open_app(page, app_url + "/?tab=export")
    with page.expect_download() as info:
        page.locator(".st-key-dl_data_CSV").get_by_role("button", name="CSV", exact=True).click()
    download = info.value
    assert download.suggested_filename.startswith("events_") and download.suggested_filename.endswith(".csv")
    table = pd.read_csv(stdlib_io.BytesIO(open(download.path(), "rb").read()))  # noqa: SIM115
    assert len(table) == len(events)
    assert set(table[S.EVENT_ID]) == set(events[S.EVENT_ID])

    open_app(page, app_url)
    with page.expect_download(timeout=90_000) as info:  # the first image starts kaleido's browser
        page.locator(".st-key-dl_timeline_png").get_by_role("button", name="PNG", exact=True).click()
    png = open(info.value.path(), "rb").read()  # noqa: SIM115
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    assert info.value.suggested_filename.startswith("timeline_")


def test_a_link_restores_the_view(page: Page, app_url: str, events: pd.DataFrame) -> None:
    battles = events.loc[(events[S.EVENT_TYPE] == "Battles") & events[S.LOCATION].notna()]
    target = battles.iloc[0]
    link = f"{app_url}/?type=Battles&statements=0&tab=map&sel={target[S.EVENT_ID]}"
    open_app(page, link)
    expect(page.get_by_role("tab", name="Map")).to_have_attribute("aria-selected", "true")
    chips = page.locator('[data-testid="stMultiSelect"]').filter(
        has=page.get_by_role("combobox", name="Event type", exact=True))
    expect(chips).to_contain_text("Battles")
    expect(page.locator('[data-testid="stCheckbox"]').filter(has_text="Include statements").locator("input")
           ).not_to_be_checked()
    assert metric(page, "Events") == f"{len(events.loc[events[S.EVENT_TYPE] == 'Battles']):,}"
    expect(page.get_by_role("heading", level=3).filter(has_text=str(target[S.LOCATION]))).to_be_visible()
    assert query(page) == {"type": ["Battles"], "statements": ["0"], "tab": ["map"], "sel": [target[S.EVENT_ID]]}


def test_hostile_article_is_plain_text_and_runs_nothing(page: Page, app_url: str, events: pd.DataFrame) -> None:
    hostile = events.loc[events[S.EVIDENCE].str.contains("<script>", regex=False, na=False)]
    assert len(hostile) == 1
    open_app(page, f"{app_url}/?sel={hostile.iloc[0][S.EVENT_ID]}")
    box = page.locator(".st-key-evidence_box")
    expect(box).to_contain_text(HOSTILE_SCRIPT)
    expect(box).to_contain_text(HOSTILE_IMG)
    article = page.locator('[data-testid="stCode"]').filter(has_text="Settlers attack Huwara")
    expect(article).to_contain_text(HOSTILE_SCRIPT)
    expect(article).to_contain_text("$x^2$ :fire: <b>bold</b>")
    page.wait_for_timeout(1000)  # give any injected handler time to fire
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.dialogs == []  # type: ignore[attr-defined]
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert page.evaluate("[...document.scripts].some(s => s.textContent.includes('__pwned'))") is False
