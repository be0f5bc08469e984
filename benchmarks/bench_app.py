"""The dashboard end to end in Chromium on a big table: first load, filter changes and saved decisions, as an analyst feels them.

    python benchmarks/generate_events.py --events 1000000          # once: benchmarks/out/events_1m
    python benchmarks/bench_app.py [--data DIR] [--runs 3] [--log FILE]

Each run starts `python -m streamlit run dashboard/serve.py` (as `make run` does) on a temporary copy
of the folder (the table files linked, the review store copied, so decisions saved here never
reach the folder), opens it in Debian's Chromium and times, from the action to the end of the
Streamlit run it causes (the page's own `data-test-script-state`) plus the drawing of the chart:
- first load: a fresh server's first page, until the timeline is drawn (target <= 5 s);
- a second analyst opening the page (the table is cached);
- filter changes through the widgets, tab switches and a click on the timeline (target <= 1 s),
  timed from the act (the option clicked, Enter pressed) after any typing;
- saving review decisions on the clicked event: a status and note, then a corrected toll (1 s);
- another event opened, once the page has read the mentions and texts (the first event opened
  within seconds of a fresh server may wait for them: the page reads them when no run is going).
Every figure is the median of --runs runs, each with a fresh server. Beside wall clock it records
the CPU seconds the server and Chromium spent on each step and the load average, since other work
on a shared machine inflates wall clock: read a slow figure against them. Prints a table and
writes benchmarks/out/app.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from data_prep import settings  # noqa: E402
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


Action = tuple[Callable[[], None] | None, Callable[[], None]]  # (preparation, the act that changes the view)


def timed(page: Page, action: Action, draw: bool = True) -> float:
    """Seconds from the act (a pick, Enter, a click) to the end of its run and the chart's drawing.

    The preparation (typing into a pick list, filling a form) is an analyst's own time: it is
    done before the clock starts.
    """
    prepare, act = action
    if prepare is not None:
        prepare()
    before = page.evaluate("window.__benchRuns")
    start = time.perf_counter()
    act()
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


def pick(page: Page, label: str, option_prefix: str) -> Action:
    box = page.get_by_role("combobox", name=label, exact=True)

    def prepare() -> None:
        box.scroll_into_view_if_needed()
        # Focus and type, as an analyst narrows a long list: a click on the box can land on the list's
        # "select all" row when the list opens over it.
        box.focus()
        box.press_sequentially(option_prefix.rstrip(" ("))

    def act() -> None:
        page.get_by_role("option").filter(has_text=option_prefix).first.click()
        page.keyboard.press("Escape")

    return prepare, act


def fill(page: Page, label: str, value: str) -> Action:
    box = page.get_by_label(label, exact=True)
    return (lambda: box.fill(value)), (lambda: box.press("Enter"))


def click(locator: Callable[[], Any]) -> Action:
    return None, lambda: locator().click()


def panel(page: Page):  # noqa: ANN201 - a Playwright locator
    return page.locator(".st-key-review_panel")


def saved(page: Page, prepare: Callable[[], None]) -> Action:
    """A save through the review form: done when the page says it was saved (the rerun that shows it)."""
    def act() -> None:
        panel(page).get_by_role("button", name="Save decision").click()
        panel(page).get_by_text("Saved ", exact=False).wait_for(timeout=120_000)
    return prepare, act


def start_reviewing(page: Page) -> Action:
    def act() -> None:
        page.get_by_role("button", name="Start reviewing").click()
        page.get_by_text("Reviewing as Benchmark").wait_for(timeout=120_000)
    return (lambda: page.get_by_role("textbox", name="Your name, to review events").fill("Benchmark")), act


def set_status_and_note(page: Page, k: int) -> None:
    status = "verified" if k % 2 == 0 else "needs work"
    radio = panel(page).locator('[data-testid="stRadio"]')
    expect(radio).to_have_count(1)  # the form of the previous version may linger a moment after a save
    radio.get_by_text(status, exact=True).click()
    panel(page).get_by_label("Note (why; what you checked)").fill(f"benchmark note {k}")


def set_toll(page: Page) -> None:
    expect(panel(page).get_by_label("Fatalities", exact=True)).to_have_count(1)
    box = panel(page).get_by_label("Fatalities", exact=True)
    now = box.input_value()
    box.fill(str(int(now or 0) + 1))  # a new value: nothing cached fits
    box.press("Tab")


TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(needle: str) -> float:
    """User + system CPU seconds of the live processes whose command line holds `needle` (Linux /proc)."""
    total = 0.0
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="ignore")
            if needle not in command:
                continue
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICK
        except OSError:
            continue
    return total


def temporary_copy(data: Path, folder: Path) -> Path:
    """The table files linked and the review store copied: decisions saved by the benchmark stay here."""
    for name in (settings.EVENTS_PARQUET, settings.MENTIONS_PARQUET, settings.ARTICLES_PARQUET):
        (folder / name).symlink_to((data / name).resolve())
    store = data / settings.REVIEWS_DB
    if store.is_file():
        shutil.copy2(store, folder / settings.REVIEWS_DB)
    return folder


def one_run(data: Path, log: Path, run: int) -> dict[str, dict[str, float]]:
    """One fresh server and browser through every step: per step, wall and CPU seconds and the load average."""
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp, serve(temporary_copy(data, Path(tmp)), log) as url, \
            sync_playwright() as playwright:
        server = f"--server.port {urlparse(url).port}"

        def measure(name: str, step: Callable[[], float]) -> None:
            load = os.getloadavg()[0]
            server_cpu, browser_cpu = cpu_seconds(server), cpu_seconds("chromium")
            seconds = step()
            results[name] = {"s": seconds, "server_cpu_s": cpu_seconds(server) - server_cpu,
                             "browser_cpu_s": cpu_seconds("chromium") - browser_cpu, "load": load}
            print(f"run {run} {name}: {seconds:.2f} s", file=sys.stderr)

        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.set_default_timeout(120_000)
        measure("first load (fresh server)", lambda: open_page(page, url))
        second = browser.new_page(viewport={"width": 1440, "height": 1000})
        measure("second analyst opens the page", lambda: open_page(second, url))
        second.close()
        steps: list[tuple[str, Action, bool]] = [
            ("event type: Battles", pick(page, "Event type", "Battles ("), True),
            ("area: Gaza Strip (added)", pick(page, "Area", "Gaza Strip"), True),
            ("minimum fatalities: 5", fill(page, "Minimum fatalities", "5"), True),
            ("reset", click(lambda: page.locator(".st-key-reset").get_by_role("button").first), True),
            ("text: strike", fill(page, "Text in evidence or notes", "strike"), True),
            ("reset again", click(lambda: page.locator(".st-key-reset").get_by_role("button").first), True),
            ("tab: Map", click(lambda: page.get_by_role("tab", name="Map")), True),
            ("area on the map: West Bank", pick(page, "Area", "West Bank"), True),
            ("tab: Events table", click(lambda: page.get_by_role("tab", name="Events table")), False),
            ("tab: Timeline", click(lambda: page.get_by_role("tab", name="Timeline")), True),
            ("click an event", (None, lambda: page.locator(
                '[data-testid="stTabPanel"]:visible .js-plotly-plot .scatterlayer .point').first.click(force=True)), True),
            ("start reviewing (name)", start_reviewing(page), True),
            ("save: status and note", saved(page, lambda: set_status_and_note(page, 0)), True),
            ("save: a corrected toll", saved(page, lambda: set_toll(page)), True),
            ("save: status and note again", saved(page, lambda: set_status_and_note(page, 1)), True),
            ("click another event", (None, lambda: page.locator(
                '[data-testid="stTabPanel"]:visible .js-plotly-plot .scatterlayer .point').nth(3).click(force=True)), True),
        ]
        for name, action, draw in steps:
            try:
                measure(name, lambda action=action, draw=draw: timed(page, action, draw))
            except Exception:
                page.screenshot(path=str(OUT_DIR / "bench_app_failure.png"))
                print(f"failed at step {name!r}; screenshot in {OUT_DIR / 'bench_app_failure.png'}", file=sys.stderr)
                raise
        browser.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=3, help="each with a fresh server; figures are medians")
    parser.add_argument("--log", type=Path, help="keep the server's log here (DASHBOARD_TIMINGS=1 adds per-part times)")
    args = parser.parse_args(argv)
    if not (args.data / settings.EVENTS_PARQUET).is_file():
        print(f"error: no table in {args.data}: run benchmarks/generate_events.py first", file=sys.stderr)
        return 1
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    runs = []
    with tempfile.TemporaryDirectory() as logs:
        for run in range(args.runs):
            log = args.log.with_suffix(f".{run}{args.log.suffix}") if args.log else Path(logs) / f"streamlit.{run}.log"
            runs.append(one_run(args.data, log, run))
    medians = {name: {k: statistics.median(r[name][k] for r in runs) for k in runs[0][name]} for name in runs[0]}
    width = max(len(k) for k in medians)
    print(f"median of {len(runs)} runs (fresh server each); CPU seconds of the server and Chromium; 1-min load average")
    print(f"{'step':{width}s}  seconds  server CPU  browser CPU  load  target")
    for name, row in medians.items():
        target = FIRST_LOAD_TARGET if name.startswith(("first", "second")) else CHANGE_TARGET
        flag = "ok" if row["s"] <= target else "OVER"
        print(f"{name:{width}s}  {row['s']:7.2f}  {row['server_cpu_s']:10.2f}  {row['browser_cpu_s']:11.2f}  "
              f"{row['load']:4.1f}  <= {target:.0f} s {flag}")
    (OUT_DIR / "app.json").write_text(json.dumps({
        "data": str(args.data), "machine": platform.platform(), "cpus": os.cpu_count(), "runs": len(runs),
        "median": medians, "each_run": runs,
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
