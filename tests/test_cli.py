"""`python -m data_prep build`: exit codes, one-line errors and the summary, through cli.main (no subprocess)."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from data_prep import cli, settings
from data_prep import schema as S
from tests.conftest import FIXTURES, SEEDS
from tests.folder_snapshot import snapshot, visible

CLI_FIXTURES = FIXTURES / "extract" / "cli"
OUTPUTS = {settings.EVENTS_PARQUET, settings.EVENTS_CSV, settings.MENTIONS_PARQUET, settings.ARTICLES_CSV,
           settings.ARTICLES_PARQUET}


def test_build_seeds_exits_0_and_summarises(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert cli.main(["build", str(SEEDS), "--out", str(out), "--quiet"]) == cli.EXIT_OK == 0
    stdout, stderr = capsys.readouterr()
    assert stderr == ""
    lines = stdout.splitlines()
    # Five seed files, all readable; 002 has no publication date.
    assert lines[0] == "Read 5 input(s): 5 article(s) processed (1 undated), 0 skipped."
    found = re.fullmatch(r"Found (\d+) event\(s\) from (\d+) mention\(s\): (.+)", lines[1])
    assert found, lines[1]
    events = pd.read_csv(out / settings.EVENTS_CSV, dtype=str, keep_default_na=False)
    assert int(found[1]) == len(events)
    assert int(found[2]) >= len(events)
    per_type = dict(re.fullmatch(r"(\d+) (.+)", part).groups()[::-1] for part in found[3].split(", "))
    assert {t: int(n) for t, n in per_type.items()} == events[S.EVENT_TYPE].value_counts().to_dict()
    assert re.fullmatch(r"Days: \d+ \w+(?:, \d+ \w+)*", lines[2])
    assert lines[3] == f"Wrote {out}"
    assert len(lines) == 4
    assert set(visible(out)) == OUTPUTS


def test_skipped_inputs_are_listed_with_their_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert cli.main(["build", str(CLI_FIXTURES / "mixed"), "--out", str(out), "--quiet"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Read 2 input(s): 1 article(s) processed (0 undated), 1 skipped."
    assert lines[-1] == "  skipped empty.txt: empty file"
    articles = pd.read_csv(out / settings.ARTICLES_CSV, dtype=str, keep_default_na=False)
    assert articles.set_index(S.FILE)[S.STATUS].to_dict() == {"raid.md": S.STATUS_OK, "empty.txt": S.STATUS_REJECTED}


def test_nothing_processed_exits_3_with_the_reasons(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert cli.main(["build", str(CLI_FIXTURES / "unreadable"), "--out", str(out)]) == cli.EXIT_NOTHING == 3
    stdout, stderr = capsys.readouterr()
    assert stdout == ""
    assert stderr == ("error: no article could be processed "
                      "(empty.txt: empty file; short.txt: no article text after cleaning)\n")
    assert visible(out) == [] and snapshot(out) == {}  # no table, no spool: only the folder's writer lock


def test_empty_folder_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "inbox"
    empty.mkdir()
    assert cli.main(["build", str(empty), "--out", str(tmp_path / "out")]) == 3
    assert capsys.readouterr().err == "error: no article could be processed (no input files found)\n"


def test_missing_input_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere" / "article.txt"
    assert cli.main(["build", str(SEEDS), str(missing), "--out", str(tmp_path / "out")]) == cli.EXIT_ERROR == 1
    stdout, stderr = capsys.readouterr()
    assert stdout == ""
    assert stderr == f"error: no such file or folder: {missing}\n"
    assert not (tmp_path / "out").exists()


def test_output_that_is_a_file_exits_1_and_leaves_no_staging(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "events"
    target.write_text("not a folder", encoding="utf-8")
    assert cli.main(["build", str(CLI_FIXTURES / "mixed"), "--out", str(target), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and str(target) in err and err.count("\n") == 1
    assert target.read_text(encoding="utf-8") == "not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "the following arguments are required: command"),
        (["build"], "the following arguments are required: inputs"),
        (["build", "seeds", "--bogus"], "unrecognized arguments: --bogus"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["export", "data"], "the following arguments are required: --out"),
    ],
)
def test_usage_errors_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: python -m data_prep")
    assert message in err
