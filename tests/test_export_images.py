"""Exported PNGs keep every label inside the image, on filtered views and every lane choice (drawn by
kaleido in Debian's Chromium, as the page draws them)."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from dashboard import charts, exports, maps
from data_prep import schema as S
from tests.dashboard_sample import build_seeds

INK = 160  # a pixel darker than this (grey level) is text or a marker, not background or grid


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    folder = build_seeds(tmp_path_factory.mktemp("seeds_images"))
    return pd.read_parquet(Path(folder) / "events.parquet")


@pytest.fixture(scope="module", autouse=True)
def renderer() -> None:
    yield
    exports.close_renderer()


def _ink(fig) -> np.ndarray:  # noqa: ANN001 - a plotly figure
    png = exports.figure_image(fig, "png", scale=1)
    image = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    return image < INK


def _runs(columns: np.ndarray) -> list[tuple[int, int]]:
    """Runs of consecutive column numbers: [(first, last), ...]."""
    runs: list[tuple[int, int]] = []
    for c in columns:
        if runs and c == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], int(c))
        else:
            runs.append((int(c), int(c)))
    return runs


@pytest.mark.parametrize("lane", list(charts.LANE_DIMENSIONS))
def test_timeline_lane_names_lie_inside_the_png(seeds: pd.DataFrame, lane: str) -> None:
    two_types = seeds[seeds[S.EVENT_TYPE].isin(["Explosions/Remote violence", "Strategic developments"])]
    ink = _ink(charts.timeline_figure(two_types, lane))
    columns = np.flatnonzero(ink.any(axis=0))
    rows = np.flatnonzero(ink.any(axis=1))
    # Nothing drawn touches an edge: a cut label ("…te") would start at column 0.
    assert columns.min() >= 4 and columns.max() <= ink.shape[1] - 4
    assert rows.min() >= 4 and rows.max() <= ink.shape[0] - 4


def test_counts_axis_title_does_not_cover_its_numbers(seeds: pd.DataFrame) -> None:
    fig = charts.counts_figure(pd.concat([seeds] * 400, ignore_index=True), "M", "events")  # peaks in the thousands
    ink = _ink(fig)
    plot_rows = ink[200:-60]  # below the title and legend, above the date labels
    left = np.flatnonzero(plot_rows[:, :200].any(axis=0))
    runs = _runs(left)
    assert left.min() >= 4
    # The vertical title, then the numbers ("3,000"), apart: at least two runs of ink with a gap between.
    assert len(runs) >= 2 and runs[1][0] - runs[0][1] >= 3, runs


def test_map_png_keeps_its_labels_inside(seeds: pd.DataFrame) -> None:
    ink = _ink(maps.map_figure(seeds))
    columns = np.flatnonzero(ink.any(axis=0))
    assert columns.min() >= 4 and columns.max() <= ink.shape[1] - 4
