"""Downloads: column order, valid GeoJSON, TimelineJS shape and escaping, offline HTML, images, file names."""
from __future__ import annotations

import io
import json
import os
import re
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import exports
from dashboard.charts import counts_figure
from dashboard.exports import (
    ExportUnavailable, events_csv, events_geojson, events_json, events_parquet, export_filename,
    figure_html, figure_image, timelinejs_json,
)
from dashboard.filters import EventFilter
from data_prep import schema
from tests.dashboard_fixture import load_events, with_reviews

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return load_events()


def test_csv_columns_in_schema_order_then_extras(events: pd.DataFrame) -> None:
    reviewed = with_reviews(events)
    shuffled = reviewed[list(reversed(reviewed.columns))]
    frame = pd.read_csv(io.BytesIO(events_csv(shuffled)), dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(schema.EVENT_COLUMNS) + list(schema.REVIEW_COLUMNS)
    e1 = frame.iloc[0]
    assert (e1[schema.EVENT_ID], e1[schema.EVENT_DATE], e1[schema.DATE_END]) == ("E1", "2023-01-26", "2023-01-26")
    assert e1[schema.REVIEW_STATUS] == "verified"
    assert frame.iloc[7][schema.EVENT_DATE] == ""  # E8 undated: empty, not NaT


def test_csv_defuses_spreadsheet_formulas(events: pd.DataFrame) -> None:
    frame = events.iloc[[0]].copy()
    frame[schema.NOTES] = '=HYPERLINK("http://x.example","click")'
    frame[schema.EVIDENCE] = "-2 dead"
    text = events_csv(frame).decode("utf-8")
    assert "'=HYPERLINK" in text and "'-2 dead" in text
    raw = events_csv(frame, safe_for_spreadsheets=False).decode("utf-8")
    assert '"=HYPERLINK' in raw


def test_geojson_is_a_valid_feature_collection_of_located_events(events: pd.DataFrame) -> None:
    collection = json.loads(events_geojson(events))
    assert collection["type"] == "FeatureCollection"
    ids = [f["id"] for f in collection["features"]]
    assert "E10" not in ids and len(ids) == 9  # E10 has no coordinates
    e1 = next(f for f in collection["features"] if f["id"] == "E1")
    assert e1["type"] == "Feature"
    assert e1["geometry"] == {"type": "Point", "coordinates": [35.2956, 32.4607]}  # lon, lat (RFC 7946)
    assert e1["properties"][schema.EVENT_DATE] == "2023-01-26"
    assert e1["properties"][schema.FATALITIES] == 10
    e4 = next(f for f in collection["features"] if f["id"] == "E4")
    assert e4["properties"][schema.FATALITIES] is None  # unknown stays unknown, never 0
    assert schema.LATITUDE not in e1["properties"]


def test_json_records(events: pd.DataFrame) -> None:
    records = json.loads(events_json(events))
    assert [r[schema.EVENT_ID] for r in records] == [f"E{i}" for i in range(1, 11)]
    assert list(records[0]) == list(schema.EVENT_COLUMNS)
    assert records[5][schema.DATE_START] == "2023-01-01" and records[5][schema.CONTESTED] is True


def test_parquet_round_trip(events: pd.DataFrame) -> None:
    back = pd.read_parquet(io.BytesIO(events_parquet(events)))
    pd.testing.assert_frame_equal(back, events, check_dtype=False)
    assert back[schema.FATALITIES].dtype == "Int64"


def test_timelinejs_shape(events: pd.DataFrame) -> None:
    payload = json.loads(timelinejs_json(events, title="Seeds"))
    slides = {s["unique_id"]: s for s in payload["events"]}
    assert "E8" not in slides  # undated
    assert len(slides) == 9
    e1 = slides["E1"]
    assert e1["start_date"] == {"year": 2023, "month": 1, "day": 26} and "end_date" not in e1
    assert e1["text"]["headline"] == "Battles · Armed clash · Jenin"
    assert e1["group"] == "Battles"
    assert slides["E6"]["end_date"] == {"year": 2023, "month": 1, "day": 25}
    assert slides["E6"]["display_date"] == "2023-01-01 to 2023-01-25"
    assert slides["E9"]["start_date"] == {"year": 2023, "month": 2}  # month precision: no day
    assert payload["title"]["text"]["headline"] == "Seeds"
    assert payload["title"]["text"]["text"] == (
        "2023-01-01 to 2023-02 · 9 events<br>1 undated event left out: TimelineJS needs a date for every slide.")
    described = json.loads(timelinejs_json(events, view="events of type Battles & <b>"))["title"]["text"]
    assert described["headline"] == "Conflict events"
    assert described["text"].startswith("Events of type Battles &amp; &lt;b&gt;<br>")  # escaped: TimelineJS reads HTML


def test_timelinejs_escapes_untrusted_text(events: pd.DataFrame) -> None:
    frame = events.copy()
    frame[schema.EVENT_DATE] = frame[schema.EVENT_DATE].fillna(pd.Timestamp("2023-01-30"))
    frame[schema.LOCATION] = frame[schema.LOCATION].where(frame[schema.EVENT_ID] != "E8", '<img src=x onerror="alert(1)">')
    slides = {s["unique_id"]: s for s in json.loads(timelinejs_json(frame))["events"]}
    e8 = slides["E8"]
    blob = json.dumps(e8)
    assert "<script" not in blob and "<img" not in blob
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in e8["text"]["text"]
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in e8["text"]["headline"]


def test_html_inlines_plotly_and_fetches_nothing(events: pd.DataFrame) -> None:
    page = figure_html(counts_figure(events)).decode("utf-8")
    assert page.lstrip().lower().startswith(("<!doctype html>", "<html>"))
    assert "Plotly.newPlot" in page and len(page) > 1_000_000  # plotly.js itself is inside
    assert not re.search(r"<script[^>]+src=[\"']?https?:", page)
    assert all("src" not in tag for tag in re.findall(r"<script[^>]*>", page))  # every script is inline


def test_image_export_names_the_fix_when_no_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "find_browser", lambda: None)
    with pytest.raises(ExportUnavailable) as caught:
        figure_image(go.Figure(), "png")
    assert str(caught.value) == "PNG/SVG export needs Chromium (apt-get install chromium); HTML export works without it"


def test_find_browser_honours_browser_path(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "missing"))
    assert exports.find_browser() is None
    monkeypatch.setenv("BROWSER_PATH", "/bin/sh")
    assert exports.find_browser() == "/bin/sh"


def test_image_format_is_checked() -> None:
    with pytest.raises(ValueError, match="fmt must be png or svg, not 'gif'"):
        figure_image(go.Figure(), "gif")


@pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason="needs /usr/bin/chromium (CI installs it)")
def test_png_and_svg_from_the_system_chromium(events: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_PATH", CHROMIUM)
    fig = counts_figure(events)
    png = figure_image(fig, "png", width=600, height=300, scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") == 600  # IHDR width
    svg = figure_image(fig, "svg", width=600, height=300).decode("utf-8")
    assert re.match(r"^(<\?xml[^>]*>\s*)?<svg\b", svg) and "Battles" in svg
    exports.close_renderer()


FILENAMES = [
    (EventFilter(date_from=date(2023, 1, 26), date_to=date(2023, 2, 2), areas=("West Bank",), event_types=("Battles",)),
     "events", "csv", "events_2023-01-26_2023-02-02_west-bank_battles.csv"),
    (EventFilter(), "events", "geojson", "events_2023-01-01_2023-02-28.geojson"),  # dates from the data
    (EventFilter(actors=("Al-Qassam Brigades", "Hamas", "PIJ")), "timeline", "png",
     "timeline_2023-01-01_2023-02-28_al-qassam-brigades+hamas+1-more.png"),
    (EventFilter(locations=("Ḥuwwāra/../../etc",), min_fatalities=3, text="Air strike!"), "map", ".html",
     "map_2023-01-01_2023-02-28_huwwara-etc_3plus-killed_q-air-strike.html"),
]


@pytest.mark.parametrize("f, kind, ext, expected", FILENAMES)
def test_export_filename(events: pd.DataFrame, f: EventFilter, kind: str, ext: str, expected: str) -> None:
    assert export_filename(kind, events, f, ext) == expected


def test_export_filename_is_bounded_and_safe(events: pd.DataFrame) -> None:
    f = EventFilter(locations=tuple(f"Very long place name number {i}" for i in range(30)), outlets=("a" * 300,))
    name = export_filename("events", events, f, "csv")
    assert len(name) <= exports.MAX_FILENAME and name.endswith(".csv")
    assert re.fullmatch(r"[A-Za-z0-9_.+-]+", name)
    assert export_filename("events", events.iloc[:0], EventFilter(), "csv") == "events.csv"
