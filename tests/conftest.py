"""Shared test fixtures: the fixtures folder, the seeds folder and a pinned publication date."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
FIXTURES = TESTS_DIR / "fixtures"
REPO_DIR = TESTS_DIR.parent
SEEDS = REPO_DIR / "seeds"
BASE_DATE = date(2023, 2, 2)  # a Thursday


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS
