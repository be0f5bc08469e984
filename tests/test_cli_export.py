"""`python -m data_prep export DATA_DIR --reviewed --out FILE`: the reviewed table for other tools."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from data_prep import cli, io
from data_prep import reviews as r
from data_prep import schema as s
from tests import review_fixtures as fx


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    out = tmp_path / "data"
    io.write_outputs(out, fx.events(), fx.mentions(), fx.articles())
    store = r.ReviewStore.in_folder(out)
    t = r.review_tables(fx.events(), fx.mentions(), store)
    store.save(t.ref("E1"), "Ana", status=s.STATUS_VERIFIED, edits={s.FATALITIES: 4}, note="Hospital list.")
    store.save(t.ref("E2"), "Bo", status=s.STATUS_REJECTED_EVENT)
    return out


def test_export_reviewed_csv(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "exports" / "reviewed.csv"
    assert cli.main(["export", str(folder), "--reviewed", "--out", str(target)]) == 0
    assert capsys.readouterr().out == f"Wrote 3 event(s) to {target} (1 verified, 1 rejected, 1 unreviewed)\n"
    table = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert list(table.columns) == list(r.REVIEWED_COLUMNS)
    assert table[s.REVIEW_STATUS].tolist() == ["verified", "rejected", "unreviewed"]
    assert table[s.FATALITIES].tolist() == ["4", "0", ""]
    assert table[s.EVENT_DATE].tolist() == ["2023-01-26", "2023-01-27", "2023-01-28"]
    assert table[s.REVIEWED_AT][0].endswith("+00:00") and table[s.REVIEWED_AT][2] == ""
    assert sorted(p.name for p in target.parent.iterdir()) == ["reviewed.csv"]  # no temporary file left


def test_export_reviewed_parquet_without_rejected(folder: Path, tmp_path: Path) -> None:
    target = tmp_path / "reviewed.parquet"
    assert cli.main(["export", str(folder), "--reviewed", "--drop-rejected", "--out", str(target)]) == 0
    table = pd.read_parquet(target)
    assert table[s.EVENT_ID].tolist() == ["E1", "E3"]
    assert table[s.FATALITIES].tolist()[0] == 4
    assert str(table[s.REVIEWED_AT].dtype) == "datetime64[ns, UTC]"


def test_export_machine_table_ignores_decisions(folder: Path, tmp_path: Path) -> None:
    target = tmp_path / "machine.csv"
    assert cli.main(["export", str(folder), "--out", str(target)]) == 0
    table = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert list(table.columns) == list(s.EVENT_COLUMNS)
    assert table[s.FATALITIES].tolist() == ["3", "0", ""]


def test_export_reports_orphaned_decisions(folder: Path, tmp_path: Path, capsys) -> None:
    io.write_outputs(folder, fx.events(fx.EVENTS[:1]), fx.mentions(fx.MENTIONS[:2]), fx.articles())
    assert cli.main(["export", str(folder), "--reviewed", "--out", str(tmp_path / "x.csv")]) == 0
    assert capsys.readouterr().err == (
        "warning: 1 review decision(s) no longer match an event; they are kept in reviews.sqlite (see the dashboard)\n")


@pytest.mark.parametrize(("args", "message"), [
    (["--reviewed", "--out", "table.xlsx"], "error: export to .csv or .parquet, not '.xlsx'\n"),
    (["--drop-rejected", "--out", "table.csv"], "error: --drop-rejected needs --reviewed\n"),
])
def test_export_refusals(folder: Path, tmp_path: Path, capsys, args: list[str], message: str) -> None:
    args = [a if not a.startswith("table") else str(tmp_path / a) for a in args]
    assert cli.main(["export", str(folder), *args]) == cli.EXIT_ERROR
    assert capsys.readouterr().err == message


def test_export_without_a_table(tmp_path: Path, capsys) -> None:
    assert cli.main(["export", str(tmp_path / "nothing"), "--reviewed", "--out", str(tmp_path / "x.csv")]) == 1
    assert capsys.readouterr().err == f"error: no event table in {tmp_path / 'nothing'}: run `python -m data_prep build`\n"
    assert not (tmp_path / "nothing").exists()
