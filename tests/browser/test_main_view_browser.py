"""The main view in a real Chromium: brushing the timeline narrows the map and the other way, a
double-click clears, exported PNG labels lie inside the image, the copied link reopens the view,
the PDF report opens and shows its charts."""
from __future__ import annotations

import io as stdlib_io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pypdf
import pypdfium2
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.test_dashboard_browser import metric, open_app, query, settle

PLOTS = '[data-testid="stTabPanel"]:visible .js-plotly-plot'


def layout_title(page: Page, index: int) -> tuple[str, str]:
    """(title, subtitle) of the index-th chart of the open tab, as plotly holds them."""
    texts = page.locator(PLOTS).nth(index).evaluate(
        "gd => [gd.layout.title.text, (gd.layout.title.subtitle || {}).text || '']")
    title, subtitle = (re.sub(r"</?b>", "", t) for t in texts)  # Streamlit's theme makes titles bold
    return title, subtitle


def drawn_ids(page: Page, index: int) -> set[str]:
    """Event ids (customdata strings) drawn by the index-th chart's event and place traces."""
    ids = page.locator(PLOTS).nth(index).evaluate(
        "gd => gd.data.filter(t => t.meta && ['events', 'ranges', 'places'].includes(t.meta.kind))"
        ".flatMap(t => (t.customdata || []).filter(c => typeof c === 'string'))")
    return set(ids)


def drag_box(page: Page, index: int, left: float, right: float, top: float = 0.02, bottom: float = 0.98) -> None:
    """Choose the box tool in the index-th chart's toolbar and drag a box over a share of its plot area."""
    plot = page.locator(PLOTS).nth(index)
    area = plot.locator(".nsewdrag").first
    area.scroll_into_view_if_needed()
    area.hover()
    plot.locator('.modebar-btn[data-attr="dragmode"][data-val="select"]').click(force=True)
    box = area.bounding_box()
    assert box is not None
    x0, x1 = box["x"] + left * box["width"], box["x"] + right * box["width"]
    y0, y1 = box["y"] + top * box["height"], box["y"] + bottom * box["height"]
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=5)
    page.mouse.move(x1, y1, steps=5)
    page.mouse.up()
    settle(page)
    page.wait_for_timeout(600)


def test_brushing_the_timeline_narrows_the_map(page: Page, app_url: str, events: pd.DataFrame) -> None:
    open_app(page, app_url)
    title, _ = layout_title(page, 1)
    assert title.endswith(f"of {len(events)} events on the map")
    before = drawn_ids(page, 1)
    drag_box(page, 0, 0.0, 0.25)  # the first quarter of the period: the January 2023 events
    assert query(page)["brush"] == ["timeline"]
    selected = query(page)["sel"][0].split(",")
    title, subtitle = layout_title(page, 1)
    assert subtitle.startswith(f"brushed on the timeline: {len(selected)} events")
    drawn = int(title.split(" of ")[0])
    assert 0 < drawn < len(events)
    assert drawn_ids(page, 1) <= set(selected) and drawn_ids(page, 1) != before

    # A double-click on the timeline clears the selection: the map shows the whole view again.
    area = page.locator(PLOTS).nth(0).locator(".nsewdrag").first
    area.dblclick(position={"x": area.bounding_box()["width"] - 30, "y": 30})
    page.wait_for_timeout(1500)
    settle(page)
    assert "sel" not in query(page) and "brush" not in query(page)
    assert layout_title(page, 1)[1].startswith("brushed") is False
    assert drawn_ids(page, 1) == before


def test_a_box_on_the_map_narrows_the_timeline(page: Page, app_url: str, events: pd.DataFrame) -> None:
    open_app(page, app_url)
    all_on_timeline = drawn_ids(page, 0)
    drag_box(page, 1, 0.03, 0.97, 0.03, 0.45)  # the northern half of the map: Jenin, Nablus, the camps
    assert query(page)["brush"] == ["map"]
    selected = set(query(page)["sel"][0].split(","))
    on_timeline = drawn_ids(page, 0)
    assert on_timeline and on_timeline <= selected and on_timeline < all_on_timeline
    assert layout_title(page, 0)[1].startswith(f"brushed on the map: {len(selected)} event")
    # and the map itself still shows the whole view, the brushed places ringed
    assert layout_title(page, 1)[0].endswith(f"of {len(events)} events on the map")


def test_exported_png_keeps_the_lane_names_inside(page: Page, app_url: str) -> None:
    open_app(page, app_url + "/?type=Explosions%2FRemote+violence&type=Strategic+developments&lane=Actor")
    with page.expect_download(timeout=90_000) as info:
        page.locator(".st-key-dl_timeline_png").get_by_role("button", name="PNG", exact=True).click()
    image = np.asarray(Image.open(info.value.path()).convert("L")) < 160
    columns = np.flatnonzero(image.any(axis=0))
    assert columns.min() >= 4 and columns.max() <= image.shape[1] - 4  # no label cut at an edge


def test_the_copied_link_reopens_the_view(page: Page, app_url: str, events: pd.DataFrame) -> None:
    open_app(page, app_url + "/?type=Battles&statements=0&lane=Place&tab=export")
    link = page.locator('[data-testid="stCode"]').filter(has_text="tab=export").inner_text().strip()
    assert link.startswith(app_url + "/?") and "type=Battles" in link and "lane=Place" in link
    other = page.context.new_page()
    open_app(other, link)
    assert query(other) == query(page)
    expect(other.get_by_role("tab", name="Export")).to_have_attribute("aria-selected", "true")
    assert metric(other, "Events") == metric(page, "Events") == f"{int((events['event_type'] == 'Battles').sum()):,}"
    other.close()


def test_the_pdf_report_opens_and_shows_the_charts(page: Page, app_url: str, tmp_path: Path) -> None:
    open_app(page, app_url + "/?type=Battles&type=Explosions%2FRemote+violence&tab=export")
    with page.expect_download(timeout=120_000) as info:
        page.locator(".st-key-dl_report_pdf").get_by_role("button", name="PDF report").click()
    assert info.value.suggested_filename.startswith("report_") and info.value.suggested_filename.endswith(".pdf")
    data = Path(info.value.path()).read_bytes()
    reader = pypdf.PdfReader(stdlib_io.BytesIO(data))
    assert len(reader.pages) == 1 and len(reader.pages[0].images) == 2
    text = reader.pages[0].extract_text()
    assert "of type Battles or Explosions/Remote violence" in text and "Top actors" in text
    pixels = np.asarray(pypdfium2.PdfDocument(data)[0].render(scale=1).to_pil().convert("L"))
    height = pixels.shape[0]
    assert (pixels[height // 5: height // 2] < 200).mean() > 0.01  # the timeline is drawn
    assert (pixels[height // 2: height - 40, : pixels.shape[1] // 3] < 250).mean() > 0.3  # and the map
