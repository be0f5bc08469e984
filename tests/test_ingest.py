"""Uploads join the table: names from the browser are never paths, clashing names are kept apart."""
from __future__ import annotations

from pathlib import Path

from dashboard.ingest import add_uploads, describe_result
from data_prep import io, schema as S
from data_prep.settings import SEEDS_DIR

SEEDS = sorted(SEEDS_DIR.glob("*.txt"))


def test_upload_into_an_empty_folder_starts_a_table(tmp_path: Path) -> None:
    steps: list[tuple[float, str]] = []
    result = add_uploads(tmp_path / "new", [("../../etc/" + SEEDS[0].name, SEEDS[0].read_bytes())],
                         lambda f, m: steps.append((f, m)))
    events, mentions, articles = io.load_outputs(tmp_path / "new")
    assert result.added == (SEEDS[0].name,)
    assert result.events_before == 0 and result.events_after == len(events) > 0
    assert list(articles[S.FILE]) == [SEEDS[0].name]
    assert set(mentions[S.EVENT_ID]) == set(events[S.EVENT_ID])
    assert steps[0][0] == 0.0 and steps[-1] == (1.0, "Done")
    assert not (tmp_path / "etc").exists()


def test_same_name_other_text_is_renamed_and_refusals_are_listed_once(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    add_uploads(folder, [("a.txt", SEEDS[0].read_bytes()), ("bad.txt", b"")])
    result = add_uploads(folder, [("a.txt", SEEDS[1].read_bytes()), ("bad.txt", b"")])
    assert result.added == ("a (2).txt",)
    _, _, articles = io.load_outputs(folder)
    assert sorted(articles[S.FILE]) == ["a (2).txt", "a.txt", "bad.txt"]
    rejected = articles.loc[articles[S.STATUS] == S.STATUS_REJECTED]
    assert list(rejected[S.REASON]) == ["empty file"]


def test_nothing_new_leaves_the_table_alone(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    add_uploads(folder, [("a.txt", SEEDS[0].read_bytes())])
    written = (folder / "events.parquet").stat().st_mtime_ns
    result = add_uploads(folder, [("copy.txt", SEEDS[0].read_bytes())])
    assert result.added == () and (folder / "events.parquet").stat().st_mtime_ns == written
    assert describe_result(result) == [
        "No new article was added; the table is unchanged.",
        "Already in the table: copy.txt: already in the table as a.txt (same text)",
    ]
