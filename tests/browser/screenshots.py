"""Screenshots of the dashboard's views and its review panel for docs/dashboard.md, from the real app on the seeds.

    .venv/bin/python -m tests.browser.screenshots [--out docs/screenshots]

Builds the seeds' table in a temporary folder, serves it as the browser tests do and saves one PNG
per view. Look at them after a change of layout: they are the documentation's pictures.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from data_prep import build_event_table, io, schema as S
from data_prep.settings import SEEDS_DIR
from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, REPO_DIR, serve

OUT = REPO_DIR / "docs" / "screenshots"


def _settle(page: Page) -> None:
    page.wait_for_timeout(600)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')
    page.wait_for_timeout(900)  # plotly's transitions


def _open(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector('[data-testid="stMetric"]')
    _settle(page)


def _review(page: Page, url: str) -> None:
    """Review the event at `url` as an analyst does: name, a decision with a note, then open its history."""
    _open(page, url)
    page.get_by_role("textbox", name="Your name, to review events").fill("Ana Lopez")
    page.get_by_role("button", name="Start reviewing").click()
    _settle(page)
    panel = page.locator(".st-key-review_panel")
    panel.get_by_text("verified", exact=True).click()
    panel.get_by_role("textbox", name="Note (why; what you checked)").fill(
        "Toll and day agree with the second report; place checked on the map.")
    panel.get_by_role("button", name="Save decision").click()
    _settle(page)
    panel.get_by_text("History of decisions").click()
    _settle(page)


def take(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "seeds"
        result = build_event_table(SEEDS_DIR)
        io.write_outputs(folder, result.events, result.mentions, result.articles)
        events = result.events
        # The event the detail shows: most sources, then most claims.
        claims = events[S.CLAIMS].fillna("[]").str.count('"count"')
        detail = events.assign(_claims=claims).sort_values(
            [S.MENTION_COUNT, "_claims"], ascending=False, kind="stable").iloc[0]
        with serve(folder, Path(tmp) / "streamlit.log") as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.set_default_timeout(120_000)  # a shared machine under load: the first page can take long

            def shot(name: str) -> None:
                path = out / f"{name}.png"
                page.screenshot(path=str(path))
                saved.append(path)

            page.set_viewport_size({"width": 1440, "height": 1500})  # the main view: timeline, map, rankings
            _open(page, url)
            shot("overview")
            first_days = events.loc[(events[S.EVENT_DATE] >= "2023-01-26") & (events[S.EVENT_DATE] <= "2023-01-27")]
            _open(page, f"{url}/?brush=timeline&sel={','.join(first_days[S.EVENT_ID])}")
            shot("brushed")
            page.set_viewport_size({"width": 1440, "height": 1000})
            _open(page, f"{url}/?statements=0&lane=Actor")
            shot("timeline-by-actor")
            _open(page, f"{url}/?tab=counts&freq=M&statements=0")
            shot("counts")
            _open(page, f"{url}/?tab=map")
            shot("map")
            _open(page, f"{url}/?tab=table&sel={detail[S.EVENT_ID]}")
            shot("table")
            _open(page, f"{url}/?sel={detail[S.EVENT_ID]}")
            page.get_by_role("heading", name="Selected event").scroll_into_view_if_needed()
            page.locator('[data-testid="stMain"]').evaluate(
                "el => { const h = [...el.querySelectorAll('h2')].find(x => x.textContent.includes('Selected event'));"
                " h.scrollIntoView({block: 'start'}); }")
            _settle(page)
            shot("event-detail")
            first_article = page.locator('[data-testid="stExpander"] summary').filter(has_text=" · ").first
            first_article.click()
            _settle(page)
            first_article.evaluate("el => el.scrollIntoView({block: 'start'})")
            page.wait_for_timeout(500)
            shot("event-articles")
            _open(page, f"{url}/?tab=export&type=Explosions%2FRemote+violence")
            shot("export")
            page.set_viewport_size({"width": 1440, "height": 1800})  # the whole panel in view: no blank band
            _review(page, f"{url}/?sel={detail[S.EVENT_ID]}")
            review_panel = page.locator(".st-key-review_panel")
            review_panel.evaluate("el => el.scrollIntoView({block: 'center'})")
            page.mouse.move(0, 0)
            page.wait_for_timeout(500)
            path = out / "review-panel.png"
            review_panel.screenshot(path=str(path))
            saved.append(path)
            browser.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    for path in take(args.out):
        print(path.relative_to(REPO_DIR) if path.is_relative_to(REPO_DIR) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
