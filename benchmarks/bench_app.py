"""The dashboard end to end in Chromium on a big table: first load and every filter change, as an analyst feels them.

    python benchmarks/generate_events.py --events 1000000          # once: benchmarks/out/events_1m
    python benchmarks/bench_app.py [--data DIR]

Starts `python -m streamlit run dashboard/app.py` on the folder (as `make run` does), opens it in
Debian's Chromium and times, from the action to the end of the Streamlit run it causes (the
page's own `data-test-script-state`), plus the drawing of the chart:
- first load: a fresh server's first page, until the timeline is drawn (target <= 5 s);
- a second analyst opening the page (the table is cached);
- filter changes through the widgets, a tab switch and a click on the timeline (target <= 1 s).
Prints a table and writes benchmarks/out/app.json. Wall-clock on a shared machine: run it idle.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

OUT_DIR = REPO / "benchmarks" / "out"
DEFAULT_DATA = OUT_DIR / "events_1m"
FIRST_LOAD_TARGET = 5.0
CHANGE_TARGET = 1.0

# Counts finished runs, so a run too quick to be seen "running" is still noticed.
_WATCH_RUNS = """
() => {
  if (window.__benchRuns !== undefined) return;
  window.__benchRuns = 0;
  const app = document.querySelector('[data-testid="stApp"]');
  new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'notRunning') window.__benchRuns += 1;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}
"""


def _wait_run(page: Page, before: int) -> None:
    page.wait_for_function("n => window.__benchRuns > n", arg=before, timeout=120_000)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000)


def _charts_drawn(page: Page) -> None:
    # The chart, or the empty state when nothing matches.
    page.wait_for_selector('[data-testid="stTabPanel"]:visible .js-plotly-plot .main-svg, '
                           '[data-testid="stTabPanel"]:visible [data-testid="stAlert"]', timeout=120_000)


def timed(page: Page, action: Callable[[], None], draw: bool = True) -> float:
    before = page.evaluate("window.__benchRuns")
    start = time.perf_counter()
    action()
    _wait_run(page, before)
    if draw:
        _charts_drawn(page)
    return time.perf_counter() - start


def open_page(page: Page, url: str) -> float:
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector('[data-testid="stMetric"]', timeout=120_000)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000)
    _charts_drawn(page)
    elapsed = time.perf_counter() - start
    page.evaluate(_WATCH_RUNS)
    return elapsed


def pick(page: Page, label: str, option_prefix: str) -> Callable[[], None]:
    def run() -> None:
        box = page.get_by_role("combobox", name=label, exact=True)
        box.scroll_into_view_if_needed()  # as an analyst scrolls first: a click that scrolls leaves the list shut
        box.click()
        page.get_by_role("option").filter(has_text=option_prefix).first.click()
        page.keyboard.press("Escape")
    return run


def fill(page: Page, label: str, value: str) -> Callable[[], None]:
    def run() -> None:
        box = page.get_by_label(label, exact=True)
        box.fill(value)
        box.press("Enter")
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--log", type=Path, help="keep the server's log here (DASHBOARD_TIMINGS=1 adds per-part times)")
    args = parser.parse_args(argv)
    if not (args.data / "events.parquet").is_file():
        print(f"error: no table in {args.data}: run benchmarks/generate_events.py first", file=sys.stderr)
        return 1
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp, serve(args.data, args.log or Path(tmp) / "streamlit.log") as url, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.set_default_timeout(120_000)
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        results["first load (fresh server)"] = open_page(page, url)
        second = browser.new_page(viewport={"width": 1440, "height": 1000})
        results["second analyst opens the page"] = open_page(second, url)
        second.close()
        steps: list[tuple[str, Callable[[], None], bool]] = [
            ("event type: Battles", pick(page, "Event type", "Battles ("), True),
            ("area: Gaza Strip (added)", pick(page, "Area", "Gaza Strip"), True),
            ("minimum fatalities: 5", fill(page, "Minimum fatalities", "5"), True),
            ("reset", lambda: page.locator(".st-key-reset").get_by_role("button").first.click(), True),
            ("text: strike", fill(page, "Text in evidence or notes", "strike"), True),
            ("reset again", lambda: page.locator(".st-key-reset").get_by_role("button").first.click(), True),
            ("tab: Map", lambda: page.get_by_role("tab", name="Map").click(), True),
            ("area on the map: West Bank", pick(page, "Area", "West Bank"), True),
            ("tab: Events table", lambda: page.get_by_role("tab", name="Events table").click(), False),
            ("tab: Timeline", lambda: page.get_by_role("tab", name="Timeline").click(), True),
            ("click an event", lambda: page.locator(
                '[data-testid="stTabPanel"]:visible .js-plotly-plot .scatterlayer .point').first.click(force=True), True),
        ]
        for name, action, draw in steps:
            try:
                results[name] = timed(page, action, draw)
            except Exception:
                page.screenshot(path=str(OUT_DIR / "bench_app_failure.png"))
                print(f"failed at step {name!r}; screenshot in {OUT_DIR / 'bench_app_failure.png'}", file=sys.stderr)
                raise
            print(f"{name}: {results[name]:.2f} s", file=sys.stderr)
        browser.close()
    width = max(len(k) for k in results)
    print(f"{'step':{width}s}  seconds  target")
    for name, seconds in results.items():
        target = FIRST_LOAD_TARGET if name.startswith(("first", "second")) else CHANGE_TARGET
        flag = "ok" if seconds <= target else "OVER"
        print(f"{name:{width}s}  {seconds:7.2f}  <= {target:.0f} s {flag}")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    (OUT_DIR / "app.json").write_text(json.dumps({
        "data": str(args.data), "machine": platform.platform(), "cpus": os.cpu_count(),
        "load_average_1min": load, "seconds": results,
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
