"""A folder's table is replaced as one unit, and its writers take turns.

- Two uploads at once both land, each reported as it happened.
- A build killed (SIGKILL) after any step of its swap leaves the old table or the new one, never
  a mix; the next build deletes what the killed one left behind.
- A folder mixing the tables of two builds is refused with a message.
"""
from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from dashboard import ingest
from dashboard.ingest import IngestResult, add_uploads
from data_prep import io, pipeline, schema as S, settings, table_folder

from .conftest import REPO_DIR, SEEDS
from .folder_snapshot import visible

SEED_FILES = sorted(SEEDS.glob("*.txt"))
SWAP_STEPS = ("spooled", "staged", "synced", "placed", "committed", "linked", "pruned")


def _slow_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each rebuild takes half a second longer: without the lock, two uploads would surely overlap."""
    real = ingest.build_from_articles

    def slow(*args, **kwargs):
        time.sleep(0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(ingest, "build_from_articles", slow)


def test_two_uploads_at_once_both_land(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "table"
    add_uploads(folder, [("first.txt", SEED_FILES[0].read_bytes())])
    _slow_builds(monkeypatch)
    results: dict[str, IngestResult] = {}
    start = threading.Barrier(2)

    def upload(name: str, data: bytes) -> None:
        start.wait()
        results[name] = add_uploads(folder, [(name, data)])

    threads = [threading.Thread(target=upload, args=(f"u{i}.txt", SEED_FILES[i].read_bytes())) for i in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    _, _, articles = io.load_outputs(folder)
    assert sorted(articles[S.FILE]) == ["first.txt", "u1.txt", "u2.txt"]
    assert results["u1.txt"].added == ("u1.txt",) and results["u2.txt"].added == ("u2.txt",)
    # Reported truthfully: the second one counts the first one's events as already there.
    one, two = sorted(results.values(), key=lambda r: r.events_before)
    assert one.events_after == two.events_before and two.articles_after == 3
    assert len(io.load_table(folder, "events")) == two.events_after


def _upload_in_child(folder: str, name: str, data: bytes, ready: multiprocessing.synchronize.Barrier) -> None:
    ready.wait()
    add_uploads(Path(folder), [(name, data)])


def test_two_processes_uploading_at_once_both_land(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "table"
    _slow_builds(monkeypatch)  # inherited by the forked children
    context = multiprocessing.get_context("fork")
    ready = context.Barrier(2)
    children = [context.Process(target=_upload_in_child, args=(str(folder), f"p{i}.txt",
                                                               SEED_FILES[i].read_bytes(), ready)) for i in (0, 1)]
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=120)
    assert [child.exitcode for child in children] == [0, 0]
    _, _, articles = io.load_outputs(folder)
    assert sorted(articles[S.FILE]) == ["p0.txt", "p1.txt"]


def test_a_writer_waits_for_the_lock_and_gives_up_with_a_message(tmp_path: Path) -> None:
    folder = tmp_path / "table"
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with table_folder.writer_lock(folder):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    assert table_folder.is_locked(folder)
    with pytest.raises(table_folder.LockTimeout) as error:
        with table_folder.writer_lock(folder, timeout=0.2):
            pass
    assert str(error.value) == (f"{folder} is being written by another build or upload; "
                                "waited 0 s, try again later")
    release.set()
    holder.join()
    assert not table_folder.is_locked(folder)
    with table_folder.writer_lock(folder, timeout=0.2), table_folder.writer_lock(folder, timeout=0.2):
        pass  # re-entrant in one thread


# --- killed builds -----------------------------------------------------------------------------
KILL_AT = """
import os, signal, sys
from data_prep import cli, table_folder

def kill(step):
    if step == sys.argv[1]:
        os.kill(os.getpid(), signal.SIGKILL)

table_folder.checkpoint = kill
sys.exit(cli.main(sys.argv[2:]))
"""


def _table(folder: Path) -> tuple[set[str], set[str], set[str]]:
    """(event ids, event ids the mentions name, article files) of the folder as a reader sees it."""
    events, mentions, articles = io.load_outputs(folder)
    csv = pd.read_csv(folder / settings.EVENTS_CSV, dtype=str, keep_default_na=False)
    assert set(csv[S.EVENT_ID]) == set(events[S.EVENT_ID])
    return set(events[S.EVENT_ID]), set(mentions[S.EVENT_ID]), set(articles[S.FILE])


def _inputs(tmp_path: Path, name: str, files: list[Path]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for path in files:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.mark.parametrize("step", SWAP_STEPS)
def test_a_build_killed_after_each_step_leaves_one_whole_table(tmp_path: Path, step: str) -> None:
    out = tmp_path / "out"
    pipeline.build_to_folder(_inputs(tmp_path, "old", SEED_FILES[:2]), out)
    old = _table(out)
    new_inputs = _inputs(tmp_path, "new", SEED_FILES[2:4])
    killed = subprocess.run([sys.executable, "-c", KILL_AT, step, "build", str(new_inputs), "--out", str(out),
                             "--quiet"], cwd=REPO_DIR, capture_output=True, text=True, timeout=300)
    assert killed.returncode == -9, killed.stderr
    after = _table(out)
    committed = SWAP_STEPS.index(step) >= SWAP_STEPS.index("committed")
    assert after == (_expected_new(tmp_path, new_inputs) if committed else old)
    assert after[1] <= after[0]  # every mention's event is in the same table
    # The next build deletes what the killed one left and keeps two generations at most.
    pipeline.build_to_folder(new_inputs, out)
    assert not list(out.glob(".build.*")) and not list((out / ".generations").glob(".staging.*"))
    assert not list(out.glob(".*.link-tmp")) and len(list((out / ".generations").iterdir())) <= 2
    assert visible(out) == sorted(settings.OUTPUT_FILES)


def _expected_new(tmp_path: Path, inputs: Path) -> tuple[set[str], set[str], set[str]]:
    pipeline.build_to_folder(inputs, tmp_path / "reference")
    return _table(tmp_path / "reference")


def test_the_older_layouts_leftovers_are_deleted(tmp_path: Path) -> None:
    out = tmp_path / "out"
    stale = tmp_path / ".out.abc123.tmp"  # the staging folder a killed build of the older layout left
    stale.mkdir()
    (stale / settings.EVENTS_PARQUET).write_bytes(b"half")
    (out / ".generations" / ".staging.xyz").mkdir(parents=True)
    (out / ".build.k1.sqlite").write_bytes(b"spool")
    pipeline.build_to_folder(SEED_FILES[0], out)
    assert not stale.exists() and not (out / ".build.k1.sqlite").exists()
    assert [p.name for p in (out / ".generations").iterdir()] == [io.table_generation(out)]


def test_a_build_into_a_folder_of_the_older_layout_replaces_its_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = pipeline.build_event_table(SEED_FILES[:1])
    out.mkdir()
    result.events.to_parquet(out / settings.EVENTS_PARQUET)
    result.mentions.to_parquet(out / settings.MENTIONS_PARQUET)
    result.articles.to_parquet(out / settings.ARTICLES_PARQUET)
    (out / settings.REVIEWS_DB).write_bytes(b"decisions")
    assert io.table_generation(out) is None and len(io.load_table(out, "events")) == len(result.events)
    pipeline.build_to_folder(SEED_FILES[:2], out)
    assert all((out / name).is_symlink() for name in settings.OUTPUT_FILES)
    assert (out / settings.REVIEWS_DB).read_bytes() == b"decisions"
    assert set(io.load_outputs(out)[2][S.FILE]) == {SEED_FILES[0].name, SEED_FILES[1].name}


def test_a_folder_mixing_two_builds_is_refused(tmp_path: Path) -> None:
    """The issue's case: new events beside old mentions, copied flat (no manifest)."""
    first, second = tmp_path / "first", tmp_path / "second"
    pipeline.build_to_folder(SEED_FILES[:1], first)
    pipeline.build_to_folder(SEED_FILES[1:2], second)
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    for name in settings.OUTPUT_FILES:
        shutil.copy(first / name, mixed / name)  # follows the links: plain files
    shutil.copy(second / settings.EVENTS_PARQUET, mixed / settings.EVENTS_PARQUET)
    old, new = io.table_generation(first), io.table_generation(second)
    message = (f"{mixed} mixes tables of different builds (articles.parquet from {old}, events.parquet from "
               f"{new}, mentions.parquet from {old}); run `python -m data_prep build` again")
    with pytest.raises(io.MixedOutputError) as error:
        io.load_outputs(mixed)
    assert str(error.value) == message
    with pytest.raises(io.MixedOutputError):
        io.load_table(mixed, "mentions")
    # The same files, unmixed, load.
    shutil.copy(first / settings.EVENTS_PARQUET, mixed / settings.EVENTS_PARQUET)
    assert len(io.load_outputs(mixed)[0]) == len(io.load_outputs(first)[0])


def test_a_manifest_pointing_at_files_of_another_build_is_refused(tmp_path: Path) -> None:
    out, other = tmp_path / "out", tmp_path / "other"
    pipeline.build_to_folder(SEED_FILES[:1], out)
    pipeline.build_to_folder(SEED_FILES[1:2], other)
    target = (out / settings.MENTIONS_PARQUET).resolve()
    shutil.copy(other / settings.MENTIONS_PARQUET, target)
    manifest_file = target.parent / "manifest.json"
    manifest = manifest_file.read_text(encoding="utf-8")
    size = target.stat().st_size
    old_size = manifest.split('"mentions.parquet": {\n   "bytes": ')[1].split("\n")[0]
    manifest_file.write_text(manifest.replace(f'"bytes": {old_size}', f'"bytes": {size}', 1)
                             if old_size != str(size) else manifest, encoding="utf-8")
    with pytest.raises(io.MixedOutputError, match=r"mixes tables of different builds \(.*mentions.parquet from "
                                                 + io.table_generation(other)):
        io.load_outputs(out)
    assert os.path.islink(out / ".current")
