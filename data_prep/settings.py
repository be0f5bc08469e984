"""Typed constants for the pipeline: limits, paths, and the one dateparser configuration."""
from __future__ import annotations

from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
GAZETTEER_FILE = DATA_DIR / "gazetteer.csv"
GAZETTEER_SUPPLEMENT_FILE = DATA_DIR / "gazetteer_supplement.csv"
ACTORS_FILE = DATA_DIR / "actors.yaml"
BARE_ACTOR_NOUNS_FILE = DATA_DIR / "bare_actor_nouns.yaml"
TRIGGERS_FILE = DATA_DIR / "triggers.yaml"
AREA_DEFAULTS_FILE = DATA_DIR / "area_defaults.yaml"
WIRE_AGENCIES_FILE = DATA_DIR / "wire_agencies.yaml"

REPO_DIR = PACKAGE_DIR.parent
SEEDS_DIR = REPO_DIR / "seeds"
DEFAULT_OUT_DIR = REPO_DIR / "data" / "seeds"

# Input limits: anything outside them is rejected with a reason, never half-read.
MAX_FILE_BYTES = 5 * 1024 * 1024
MIN_TEXT_CHARS = 40
# Record files (.json/.jsonl/.csv) hold many articles; MAX_FILE_BYTES then applies to each record's text.
MAX_RECORDS_FILE_BYTES = 200 * 1024 * 1024
INPUT_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl", ".csv")

# Output file names inside an output folder.
EVENTS_PARQUET = "events.parquet"
EVENTS_CSV = "events.csv"
MENTIONS_PARQUET = "mentions.parquet"
ARTICLES_CSV = "articles.csv"
ARTICLES_PARQUET = "articles.parquet"
# Every file of one build's table, replaced together as one unit (data_prep/table_folder.py):
# a new table file is added here and to the writers in io.write_outputs_in_parts.
OUTPUT_FILES: tuple[str, ...] = (EVENTS_PARQUET, EVENTS_CSV, MENTIONS_PARQUET, ARTICLES_CSV, ARTICLES_PARQUET)
REVIEWS_DB = "reviews.sqlite"

# Earliest day an event may be dated: guards against ages and counts read as years ("52" -> 1952).
MIN_YEAR = 1948

LANGUAGES: list[str] = ["en"]


def dateparser_settings(relative_base: Any) -> dict[str, Any]:
    """The single dateparser configuration; RELATIVE_BASE is the article's publication datetime."""
    return {
        "RELATIVE_BASE": relative_base,
        "PREFER_DATES_FROM": "past",
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "STRICT_PARSING": False,
        "REQUIRE_PARTS": [],
        "PARSERS": ["relative-time", "absolute-time"],
        "DATE_ORDER": "DMY",
    }
