"""The review bundle zip: events with decisions, the log, charts, GeoJSON and a summary in words."""
from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import exports
from data_prep import bundle
from data_prep import reviews as r
from data_prep import schema as s
from tests import review_fixtures as fx

MADE = datetime(2023, 2, 1, 12, 30, tzinfo=UTC)


@pytest.fixture
def reviewed(tmp_path: Path) -> tuple[pd.DataFrame, r.ReviewStore]:
    store = r.ReviewStore.in_folder(tmp_path)
    t = r.review_tables(fx.events(), fx.mentions(), store)
    store.save(t.ref("E1"), "Ana", status=s.STATUS_VERIFIED, edits={s.FATALITIES: 4}, note="Hospital list.")
    store.save(t.ref("E2"), "Bo", status=s.STATUS_REJECTED_EVENT)
    store.save(t.ref("E3"), "Bo", edits={s.LATITUDE: None, s.LONGITUDE: None})
    return r.apply_reviews(fx.events(), fx.mentions(), store), store


def figures() -> dict[str, go.Figure]:
    return {"Events per day": go.Figure(go.Bar(x=["2023-01-26"], y=[1])),
            "Events per day!": go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))}


def unzip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def fake_image(fig: go.Figure, fmt: str = "png", **_: object) -> bytes:
    return f"<{fmt} of {len(fig.data)} trace(s)>".encode()


def no_browser(fig: go.Figure, fmt: str = "png", **_: object) -> bytes:
    raise exports.ExportUnavailable(exports.NO_BROWSER)


def test_bundle_holds_every_part(reviewed, monkeypatch: pytest.MonkeyPatch) -> None:
    view, store = reviewed
    monkeypatch.setattr(exports, "figure_image", fake_image)
    data = bundle.review_bundle(view, store.log(), figures(), "3 events from 26 to 28 January 2023",
                                ["Outlet A", "Outlet B", "Outlet C"], generated_at=MADE)
    archive = unzip(data)
    assert archive.namelist() == [
        "events.csv", "review_log.csv", "events.geojson",
        "charts/events-per-day.html", "charts/events-per-day.png", "charts/events-per-day.svg",
        "charts/events-per-day-2.html", "charts/events-per-day-2.png", "charts/events-per-day-2.svg",
        "summary.md",
    ]
    assert {i.date_time for i in archive.infolist()} == {(2023, 2, 1, 12, 30, 0)}

    events = pd.read_csv(archive.open("events.csv"), dtype=str, keep_default_na=False)
    assert events[s.EVENT_ID].tolist() == ["E1", "E2", "E3"]
    assert events[s.REVIEW_STATUS].tolist() == ["verified", "rejected", "unreviewed"]
    assert events[s.FATALITIES].tolist() == ["4", "0", ""]
    assert events[s.EDITED_FIELDS].tolist() == ["fatalities", "", "latitude;longitude"]
    assert events[s.EVENT_DATE].tolist() == ["2023-01-26", "2023-01-27", "2023-01-28"]

    log = pd.read_csv(archive.open("review_log.csv"), dtype=str, keep_default_na=False)
    assert list(zip(log[s.REVIEWER], log[s.EVENT_ID], log[s.FIELD], log[s.OLD_VALUE], log[s.NEW_VALUE])) == [
        ("Ana", "E1", "fatalities", "3", "4"),
        ("Ana", "E1", "review_status", "unreviewed", "verified"),
        ("Ana", "E1", "review_note", "", "Hospital list."),
        ("Bo", "E2", "review_status", "unreviewed", "rejected"),
        ("Bo", "E3", "latitude", "32.2211", ""),
        ("Bo", "E3", "longitude", "35.2544", ""),
    ]

    geo = json.loads(archive.read("events.geojson"))
    assert [f["id"] for f in geo["features"]] == ["E1", "E2"]
    assert geo["features"][0]["properties"][s.REVIEW_STATUS] == "verified"
    assert archive.read("charts/events-per-day-2.svg") == b"<svg of 1 trace(s)>"
    assert b"<html" in archive.read("charts/events-per-day.html")

    assert archive.read("summary.md").decode() == """\
# Review bundle

Made 2023-02-01 12:30 UTC.

## What is in view

3 events from 26 to 28 January 2023

## Review status

| status | events |
| --- | ---: |
| unreviewed | 1 |
| verified | 1 |
| rejected | 1 |
| needs work | 0 |
| all | 3 |

2 event(s) carry analysts' corrections (column `edited_fields`).
Last reviewed by: Bo (2), Ana (1).

## Files

- `events.csv`: the 3 events with review status and corrections applied.
- `review_log.csv`: 6 review action(s) on these events: who, when, what changed from what.
- `events.geojson`: the 2 event(s) with coordinates (1 without coordinates are left out).
- `charts/events-per-day`: HTML, PNG, SVG.
- `charts/events-per-day-2`: HTML, PNG, SVG.

## Sources

- Outlet A
- Outlet B
- Outlet C
"""


def test_without_a_browser_charts_are_html_and_the_summary_says_so(reviewed, monkeypatch) -> None:
    view, store = reviewed
    calls: list[str] = []

    def failing(fig: go.Figure, fmt: str = "png", **_: object) -> bytes:
        calls.append(fmt)
        return no_browser(fig, fmt)

    monkeypatch.setattr(exports, "figure_image", failing)
    archive = unzip(bundle.review_bundle(view, r.log_frame(store.log()), figures(), "", [], generated_at=MADE))
    assert [n for n in archive.namelist() if n.startswith("charts/")] == [
        "charts/events-per-day.html", "charts/events-per-day-2.html"]
    assert calls == ["png"]  # one failure is enough: no waiting for a missing browser per chart
    summary = archive.read("summary.md").decode()
    assert "- `charts/events-per-day`: HTML.\n" in summary
    assert ("- Charts are included as HTML only: PNG/SVG export needs Chromium (apt-get install chromium); "
            "HTML export works without it\n") in summary
    assert "\nAll 3 events\\.\n" in summary
    assert summary.endswith("## Sources\n\nNo sources in view.\n")


def test_untrusted_names_are_escaped_in_the_summary(monkeypatch) -> None:
    monkeypatch.setattr(exports, "figure_image", fake_image)
    view = r.apply_reviews(fx.events(fx.EVENTS[:1]), fx.mentions(fx.MENTIONS[:2]), r.ReviewState())
    summary = unzip(bundle.review_bundle(
        view, [], {}, "1 event in [Rafah](http://x)", ["<img src=x onerror=alert(1)>", "Outlet *A*", "Outlet *A*"],
        generated_at=MADE)).read("summary.md").decode()
    assert "\n1 event in \\[Rafah\\]\\(http\\:\\/\\/x\\)\n" in summary
    assert "- \\<img src\\=x onerror\\=alert\\(1\\)\\>\n- Outlet \\*A\\*\n" in summary
    assert re.search(r"(?<!\\)[<\[*]", summary.split("## What is in view")[1]) is None  # nothing left active
    assert "`review_log.csv`: 0 review action(s)" in summary


def test_same_inputs_same_bytes(reviewed, monkeypatch) -> None:
    view, store = reviewed
    monkeypatch.setattr(exports, "figure_image", fake_image)
    args = (view, store.log(), {}, "All events", ["Outlet A"])
    assert bundle.review_bundle(*args, generated_at=MADE) == bundle.review_bundle(*args, generated_at=MADE)


def test_status_counts_without_review_columns() -> None:
    assert bundle.status_counts(fx.events()) == {"unreviewed": 3, "verified": 0, "rejected": 0, "needs work": 0}
