"""Every CSV the tool writes neutralises cells a spreadsheet would run (OWASP: a leading quote)."""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from dashboard import exports
from data_prep import cli, io, schema as s, settings
from data_prep.csv_cells import neutralise_cell, neutralise_frame
from tests import review_fixtures as fx

RISKY = ["=1+2", "+972 phone", "-2 dead", "@SUM(A1)", "\tTab", "\rReturn"]


@pytest.mark.parametrize(("value", "expected"), [
    ("=HYPERLINK(\"http://x.example\",\"x\")", "'=HYPERLINK(\"http://x.example\",\"x\")"),
    ("+972 phone", "'+972 phone"),
    ("-2 dead", "'-2 dead"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTab", "'\tTab"),
    ("\rReturn", "'\rReturn"),
    ("Rafah", "Rafah"),
    ("a=b", "a=b"),
    ("", ""),
    (-3, -3),
    (2.5, 2.5),
    (None, None),
])
def test_neutralise_cell(value: object, expected: object) -> None:
    assert neutralise_cell(value) == expected


def test_neutralise_frame_leaves_numbers_alone() -> None:
    frame = pd.DataFrame({
        "text": pd.Series(["=1", "ok", None], dtype="string"),
        "mixed": pd.Series(["-x", -4, None], dtype=object),
        "number": [-1, 2, 3],
        "real": [-1.5, float("nan"), 0.0],
    })
    out = neutralise_frame(frame)
    assert out["text"].tolist()[:2] == ["'=1", "ok"] and pd.isna(out["text"][2])
    assert out["mixed"].tolist()[:2] == ["'-x", -4]
    pd.testing.assert_series_equal(out["number"], frame["number"])
    pd.testing.assert_series_equal(out["real"], frame["real"])
    assert frame["text"][0] == "=1"  # the input is not changed


def _risky_events() -> pd.DataFrame:
    events = fx.events()
    n = len(events)
    events[s.NOTES] = (RISKY * n)[:n]
    events[s.EVIDENCE] = ["=cmd|' /C calc'!A0"] * n
    events[s.ACTOR1] = ["-Israeli military"] * n
    return events


def _risky_articles() -> pd.DataFrame:
    articles = fx.articles()
    articles[s.TITLE] = ["=HYPERLINK(\"x\")", "@title", "+title"][:len(articles)]
    return articles


def _cells(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _assert_safe(rows: list[dict[str, str]], columns: list[str]) -> None:
    for row in rows:
        for column in columns:
            assert not row[column] or row[column][0] not in "=+-@\t\r", (column, row[column])


def test_build_csvs_are_neutralised(tmp_path: Path) -> None:
    io.write_outputs(tmp_path / "out", _risky_events(), fx.mentions(), _risky_articles())
    events = _cells(tmp_path / "out" / settings.EVENTS_CSV)
    assert [e[s.NOTES] for e in events] == ["'=1+2", "'+972 phone", "'-2 dead"]
    assert {e[s.EVIDENCE] for e in events} == {"'=cmd|' /C calc'!A0"}
    assert {e[s.ACTOR1] for e in events} == {"'-Israeli military"}
    assert [e[s.FATALITIES] for e in events] == ["3", "0", ""]  # numbers untouched
    assert [e[s.LONGITUDE] for e in events] == ["34.2455", "34.5743", "35.2544"]
    _assert_safe(events, list(events[0]))
    articles = _cells(tmp_path / "out" / settings.ARTICLES_CSV)
    assert [a[s.TITLE] for a in articles] == ["'=HYPERLINK(\"x\")", "'@title", "'+title"]
    # The Parquet tables keep the words as the source has them: only the CSV cells are quoted.
    assert io.load_table(tmp_path / "out", "events")[s.NOTES].tolist() == ["=1+2", "+972 phone", "-2 dead"]


def test_build_cli_csvs_are_neutralised(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "title: =HYPERLINK(\"http://evil.example\",\"click\")\npublished: 2023-01-27\n\n"
        "Israeli forces killed two people in Jenin on Thursday, the health ministry said.\n", encoding="utf-8")
    assert cli.main(["build", str(folder), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    articles = _cells(tmp_path / "out" / settings.ARTICLES_CSV)
    assert articles[0][s.TITLE] == "'=HYPERLINK(\"http://evil.example\",\"click\")"


@pytest.mark.parametrize("reviewed", [True, False])
def test_export_csv_is_neutralised(tmp_path: Path, reviewed: bool) -> None:
    io.write_outputs(tmp_path / "data", _risky_events(), fx.mentions(), fx.articles())
    target = tmp_path / "export.csv"
    assert cli.main(["export", str(tmp_path / "data"), *(["--reviewed"] if reviewed else []),
                     "--out", str(target)]) == 0
    rows = _cells(target)
    assert [r[s.NOTES] for r in rows] == ["'=1+2", "'+972 phone", "'-2 dead"]
    assert [r[s.FATALITIES] for r in rows] == ["3", "0", ""]
    _assert_safe(rows, list(rows[0]))


def test_dashboard_download_is_neutralised(tmp_path: Path) -> None:
    target = tmp_path / "download.csv"
    target.write_bytes(exports.events_csv(_risky_events()))
    rows = _cells(target)
    assert [r[s.NOTES] for r in rows] == ["'=1+2", "'+972 phone", "'-2 dead"]
    assert [r[s.EVENT_DATE] for r in rows] == ["2023-01-26", "2023-01-27", "2023-01-28"]
    _assert_safe(rows, list(rows[0]))
