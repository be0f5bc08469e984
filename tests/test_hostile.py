"""One bad file never aborts a build: the hostile folder builds with exit 0, the good articles are
coded and each bad input is one line of the report.

The files that git cannot hold (a name that is not UTF-8, symbolic links) are made in the test
beside a copy of tests/fixtures/hostile/; the big ones (a full disk, a million records) are
simulated or measured by benchmarks/bench_hostile.py.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from data_prep import cli, io, pipeline, schema as S, settings
from data_prep.formats import html
from data_prep.formats.common import parse_date_value
from data_prep.formats.records import TOO_DEEP
from data_prep.models import Article, Reject

from .conftest import FIXTURES, REPO_DIR

HOSTILE = FIXTURES / "hostile"
UNSUPPORTED = "unsupported file type '{}' (expected .txt, .md, .markdown, .html, .htm, .json, .jsonl, .csv)"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """tests/fixtures/hostile plus what git cannot hold."""
    folder = tmp_path / "hostile"
    shutil.copytree(HOSTILE, folder)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "elsewhere.txt").write_text((HOSTILE / "good_second.txt").read_text(encoding="utf-8")
                                           .replace("Palestinian", "Palestinian (copy)", 1), encoding="utf-8")
    raw = os.fsencode(folder)
    with open(raw + b"/caf\xe9_latin1_name.txt", "wb") as handle:  # a Latin-1 name: not UTF-8
        handle.write(b"Israeli forces raided Nablus on Monday and arrested four men, residents said.")
    os.symlink("self_loop.txt", folder / "self_loop.txt")
    os.symlink("missing_target.txt", folder / "broken_link.txt")
    os.symlink(outside / "elsewhere.txt", folder / "outside_link.txt")
    os.symlink(outside, folder / "outside_folder")
    os.symlink("good_rockets.txt", folder / "inside_link.txt")  # inside: read once (a copy of a file read)
    return folder


EXPECTED_SKIPS = [
    "  skipped broken_link.txt: broken symbolic link (its target does not exist)",
    "  skipped caf\\xe9_latin1_name.txt: file name is not valid UTF-8 (rename the file to read it)",
    f"  skipped deep.json: {TOO_DEEP}",
    f"  skipped letter.docx: {UNSUPPORTED.format('.docx')}",
    "  skipped outside_folder: symbolic link to {outside}, outside the input folders: not followed "
    "(--follow-symlinks to read it)",
    "  skipped outside_link.txt: symbolic link to {outside}/elsewhere.txt, outside the input folders: not followed "
    "(--follow-symlinks to read it)",
    f"  skipped photo.png: {UNSUPPORTED.format('.png')}",
    "  skipped self_loop.txt: symbolic link loop (the link points back to itself)",
]


def test_the_hostile_folder_builds_and_reports_each_bad_file(hostile: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert cli.main(["build", str(hostile), "--out", str(out), "--quiet"]) == 0
    stdout, stderr = capsys.readouterr()
    assert stderr == ""
    lines = stdout.splitlines()
    # Undated: the four impossible dates, and nul_bytes.txt, whose text gives no date at all.
    assert lines[0] == "Read 15 input(s): 7 article(s) processed (5 undated), 8 skipped."
    outside = (tmp_path / "outside").resolve()
    assert lines[4:] == [line.replace("{outside}", str(outside)) for line in EXPECTED_SKIPS]
    events, _, articles = io.load_outputs(out)
    by_file = articles.set_index(S.FILE)
    # The good articles are coded; the link inside the folder is the same text: counted once.
    assert set(events[S.SOURCE_FILES].str.split(";").explode()) == {"good_rockets.txt", "good_second.txt",
                                                                   "nul_bytes.txt"}
    assert "inside_link.txt" not in by_file.index
    # Impossible publication dates leave the article undated, never dated today.
    for year in ("0001", "2101", "2263", "9999"):
        row = by_file.loc[f"published_{year}.txt"]
        assert row[S.STATUS] == S.STATUS_UNDATED and pd.isna(row[S.PUBLISHED]), year
    assert (by_file[S.PUBLISHED].dropna().dt.year <= 2100).all()
    # A text with a few NUL bytes is text, its NULs stripped.
    nul_text = by_file.loc["nul_bytes.txt", S.TEXT]
    assert "\x00" not in nul_text and by_file.loc["nul_bytes.txt", S.STATUS] == S.STATUS_UNDATED
    assert "\x00" not in (out / settings.ARTICLES_CSV).read_text(encoding="utf-8")


def test_links_outside_are_read_when_asked(hostile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert cli.main(["build", str(hostile), "--out", str(out), "--quiet", "--follow-symlinks"]) == 0
    stdout = capsys.readouterr().out
    assert "outside_link.txt" not in stdout
    files = set(io.load_table(out, "articles")[S.FILE])
    # The folder link is walked; the file link is the same file, read once.
    assert "outside_folder/elsewhere.txt" in files and "outside_link.txt" not in files


def test_a_named_self_loop_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.symlink("loop.txt", tmp_path / "loop.txt")
    assert cli.main(["build", str(tmp_path / "loop.txt"), "--out", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err == f"error: no such file or folder: {tmp_path / 'loop.txt'}\n"


@pytest.mark.parametrize("value", ["0001-01-05", "2101-01-05", "9999-12-31", "2263-01-01", "5 January 9999",
                                   "01/05/2101", date(9999, 1, 1)])
def test_impossible_publication_dates_are_no_date(value: object) -> None:
    assert parse_date_value(value) is None


def test_a_date_pandas_cannot_hold_is_left_empty() -> None:
    article = Article(article_id="a", file="a.txt", text="Text of the article.", published=date(9999, 1, 1),
                      published_origin="header")
    frame = io.articles_frame([article])
    assert pd.isna(frame[S.PUBLISHED][0])


@pytest.mark.parametrize(("data", "expected"), [
    (b"Some text\x00 with a stray NUL byte in a long enough line of text, as a bad copy leaves it." * 2, "text"),
    (b"text\x00more", "binary"),
    (b"PK\x03\x04 a zip archive saved as text, however long the text after it is, is binary" * 3, "binary"),
    (b"%PDF-1.7 a PDF saved as .txt" * 5, "binary"),
])
def test_a_few_nul_bytes_are_text(data: bytes, expected: str) -> None:
    if expected == "text":
        assert io.detect_encoding([data]) == "utf-8"
        [article] = io.read_bytes(data, "a.txt")
        assert "\x00" not in article.text
    else:
        assert io.read_bytes(data, "a.txt") == [Reject("a.txt", io.BINARY_FILE)]


def test_nul_bytes_in_a_record_file_are_stripped(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_bytes(b"title,text\nT,\"Israeli forces arrested twelve\x00 people in Hebron on "
                                     b"Sunday, the army said.\"\n")
    [article] = io.read_file(tmp_path / "r.csv")
    assert article.text == "Israeli forces arrested twelve people in Hebron on Sunday, the army said."


def test_deep_json_lines_are_one_line_each() -> None:
    deep = "[" * 10_000 + "]" * 10_000
    lines = [deep + "\n", '{"text": "Israeli forces arrested twelve people in Hebron on Sunday, the army said."}\n']
    items = io.read_bytes("".join(lines).encode(), "feed.jsonl")
    assert items[0] == Reject("feed.jsonl", f"record 1: {TOO_DEEP}")
    assert isinstance(items[1], Article)


def test_unsupported_files_in_a_folder_are_listed(tmp_path: Path) -> None:
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    (tmp_path / "README").write_text("notes", encoding="utf-8")
    (tmp_path / ".hidden.png").write_bytes(b"x")  # hidden files stay out of sight
    _, rejects = io.read_articles(tmp_path)
    assert rejects == [Reject("README", UNSUPPORTED.format("(none)")), Reject("photo.png", UNSUPPORTED.format(".png"))]


def test_a_long_report_lists_the_first_skips_and_counts_the_rest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    rows = ["title,text"] + [f"r{i},short {i}" for i in range(300)]
    rows.append('good,"Israeli forces arrested twelve people in Hebron on Sunday, the army said."')
    (tmp_path / "records.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    monkeypatch.setattr(pipeline, "REJECTS_SHOWN", 20)
    monkeypatch.setattr(pipeline, "REJECT_BATCH", 64)
    out = tmp_path / "out"
    assert cli.main(["build", str(tmp_path / "records.csv"), "--out", str(out), "--quiet"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Read 301 input(s): 1 article(s) processed (1 undated), 300 skipped."
    skipped = [line for line in lines if line.startswith("  skipped")]
    assert skipped[0] == "  skipped records.csv: record 1: no article text after cleaning" and len(skipped) == 20
    assert lines[-1] == f"  ... and 280 more skipped; each is listed with its reason in {out / settings.ARTICLES_CSV}"
    articles = io.load_table(out, "articles")
    assert (articles[S.STATUS] == S.STATUS_REJECTED).sum() == 300  # every refusal is in the table


def test_a_large_page_is_read_whole_in_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    page = ("<html><head><title>Long page</title><meta name='date' content='2023-02-01'>"
            "<script>var x = 'not text';</script></head><body><nav>Home | World</nav><article>"
            + "".join(f"<p>Paragraph {i}: Israeli forces raided Jenin, residents said.</p>" for i in range(50))
            + "</article></body></html>")
    monkeypatch.setattr(html, "LARGE_PAGE_CHARS", 1000)
    [article] = io.read_bytes(page.encode(), "long.html")
    assert article.title == "Long page" and article.published == date(2023, 2, 1)
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0] == "Long page" or paragraphs[0].startswith("Paragraph 0")
    assert "Paragraph 49: Israeli forces raided Jenin, residents said." in paragraphs
    assert "not text" not in article.text and "Home | World" not in article.text


# --- a full disk ---------------------------------------------------------------------------------
FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from data_prep import cli
sys.exit(cli.main(sys.argv[2:]))
"""


@pytest.mark.parametrize("limit", [3_000, 20_000])
def test_a_full_disk_is_one_line_and_the_table_is_unchanged(tmp_path: Path, limit: int) -> None:
    out = tmp_path / "out"
    pipeline.build_to_folder(HOSTILE / "good_rockets.txt", out)
    before = io.load_outputs(out)
    done = subprocess.run([sys.executable, "-c", FULL_DISK, str(limit), "build", str(HOSTILE), "--out", str(out),
                           "--quiet"], cwd=REPO_DIR, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: ")
    assert done.stderr.rstrip().endswith(f"{out} is unchanged"), done.stderr
    assert "Traceback" not in done.stderr
    for expected, got in zip(before, io.load_outputs(out)):
        pd.testing.assert_frame_equal(expected, got)


def test_no_space_left_is_said_in_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(io, "write_outputs_in_parts", full)
    out = tmp_path / "out"
    assert cli.main(["build", str(HOSTILE / "good_rockets.txt"), "--out", str(out), "--quiet"]) == 1
    assert capsys.readouterr().err == (f"error: the disk is full: cannot write {out} "
                                       f"([Errno 28] No space left on device); {out} is unchanged\n")
