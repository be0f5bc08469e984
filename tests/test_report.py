"""The one-page PDF report: one page, the view in words, its figures, both charts drawn, rankings and sources."""
from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pypdf
import pypdfium2
import pytest

from dashboard import charts, exports, filters, maps, metrics, report
from data_prep import schema as S
from tests.dashboard_sample import build_seeds


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    return pd.read_parquet(Path(build_seeds(tmp_path_factory.mktemp("seeds_report"))) / "events.parquet")


@pytest.fixture(scope="module", autouse=True)
def renderer() -> None:
    yield
    exports.close_renderer()


def pdf_of(df: pd.DataFrame, f: filters.EventFilter) -> bytes:
    view = report.ReportView(
        title="Conflict events: seeds", view=filters.describe_count(len(df), f), headline=metrics.headline(df),
        timeline=charts.timeline_figure(df, "Type"), map=maps.map_figure(df),
        actors=metrics.ranking(df, "Actor"), places=metrics.ranking(df, "Place"),
        outlets=filters.facet_value_counts(df, filters.EventFilter(), "outlets"),
        link="http://127.0.0.1:8501/?type=Battles", notes=("1 undated",),
    )
    return report.report_pdf(view, generated=datetime(2023, 2, 2, 9, 30))


def test_the_report_is_one_page_with_the_view_its_figures_and_both_charts(seeds: pd.DataFrame) -> None:
    f = filters.EventFilter(event_types=("Battles", "Explosions/Remote violence"))
    df = filters.apply_filters(seeds, f)
    data = pdf_of(df, f)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    text = page.extract_text()
    assert f"{len(df)} events of type Battles or Explosions/Remote violence" in text
    killed = int(df[S.FATALITIES].fillna(0).sum())
    assert f"{len(df)} events · {killed:,} killed" in text
    top_actor = metrics.ranking(df, "Actor").iloc[0]
    assert f"{top_actor['name']} {top_actor['events']}" in text
    assert "Top places" in text and "Sources (events per outlet)" in text and "AFP" in text
    assert "Generated 2023-02-02 09:30" in text and "?type=Battles" in text
    assert len(page.images) == 2  # the timeline and the map


def test_the_report_renders_its_charts(seeds: pd.DataFrame) -> None:
    image = pypdfium2.PdfDocument(pdf_of(seeds, filters.EventFilter()))[0].render(scale=1).to_pil().convert("L")
    pixels = np.asarray(image)
    height = pixels.shape[0]
    # The timeline band (upper half) and the map (lower left) hold drawn colour, not a blank page.
    assert (pixels[height // 5: height // 2] < 200).mean() > 0.01
    assert (pixels[height // 2: height - 40, : pixels.shape[1] // 3] < 250).mean() > 0.3  # land, sea, outlines
