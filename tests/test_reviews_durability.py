"""Decisions are never lost: not by a rebuild, a colleague writing at the same time, or a killed process."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

from data_prep import reviews as r
from data_prep import schema as s
from tests import review_fixtures as fx

REPO = Path(__file__).resolve().parent.parent
WORKERS = 4
WRITES = 50


def decide(store: r.ReviewStore, events: pd.DataFrame, mentions: pd.DataFrame, event_id: str, **kwargs) -> None:
    store.save(r.review_tables(events, mentions, store).ref(event_id), "Ana", **kwargs)


# --- rebuilds ------------------------------------------------------------------------------------


def test_decisions_survive_a_rebuild_with_changed_extraction_rules(tmp_path: Path) -> None:
    store = r.ReviewStore.in_folder(tmp_path)
    events, mentions = fx.events(), fx.mentions()
    decide(store, events, mentions, "E1", status=s.STATUS_VERIFIED, edits={s.FATALITIES: 4})
    decide(store, events, mentions, "E2", status=s.STATUS_REJECTED_EVENT, note="Interception only.")
    decide(store, events, mentions, "E3", edits={s.FATALITIES: 0}, status=s.STATUS_NEEDS_WORK)

    # New rules: E1 keeps its id but its coding moves; E2 is no longer extracted at all; the protest
    # is now found under another id, through the same mention.
    rebuilt_events = fx.events([
        {**fx.EVENTS[0], s.FATALITIES: 2, s.LOCATION: "Rafah city"},
        {**fx.EVENTS[2], s.EVENT_ID: "E3-v2", s.EVENT_TYPE: "Riots", s.SUB_EVENT_TYPE: "Violent demonstration"},
    ])
    rebuilt_mentions = fx.mentions([
        *[m for m in fx.MENTIONS if m[s.EVENT_ID] == "E1"],
        {**fx.MENTIONS[3], s.EVENT_ID: "E3-v2"},
    ])
    # A fresh store object (as after a restart) reads everything back from the file.
    reopened = r.ReviewStore.in_folder(tmp_path)
    out = r.review_tables(rebuilt_events, rebuilt_mentions, reopened)

    e1 = out.events[out.events[s.EVENT_ID] == "E1"].iloc[0]
    assert (e1[s.REVIEW_STATUS], e1[s.FATALITIES], e1[s.LOCATION]) == ("verified", 4, "Rafah city")
    e3 = out.events[out.events[s.EVENT_ID] == "E3-v2"].iloc[0]
    assert (e3[s.REVIEW_STATUS], e3[s.FATALITIES], e3[s.EVENT_TYPE], e3[s.REATTACHED_FROM]) == (
        "needs work", 0, "Riots", "E3")
    assert out.orphans[s.EVENT_ID].tolist() == ["E2"]
    gone = out.orphans.iloc[0]
    assert (gone[s.REVIEW_STATUS], gone[s.REVIEW_NOTE], gone[s.LOCATION]) == (
        "rejected", "Interception only.", "Ashkelon")
    assert len(reopened.log()) == 6
    # The machine frames handed in are untouched and the machine files are never written by the store.
    assert rebuilt_events[s.FATALITIES].tolist() == [2, pd.NA]
    assert {p.name for p in tmp_path.iterdir()} <= {"reviews.sqlite", "reviews.sqlite-wal", "reviews.sqlite-shm"}


# --- several analysts at once --------------------------------------------------------------------


_WRITER = textwrap.dedent("""
    import sys
    from data_prep import reviews as r
    from data_prep import schema as s
    from tests import review_fixtures as fx

    path, worker, writes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    store = r.ReviewStore(path)
    values = {e[s.EVENT_ID]: e for e in fx.EVENTS}
    print("ready", flush=True)
    sys.stdin.readline()  # every writer starts at once
    for i in range(writes):
        event_id = f"E{i % 3 + 1}"
        ref = r.EventRef(event_id, ("m1",) if event_id == "E1" else (), values[event_id])
        store.save(ref, f"worker {worker}", edits={s.FATALITIES: worker * 1000 + i}, note=f"w{worker} #{i}")
""")


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "reviews.sqlite"
    r.ReviewStore(path)
    # Separate interpreters (not multiprocessing): nothing of this test process is inherited or re-run.
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(path), str(k), str(WRITES)], cwd=REPO,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
             for k in range(WORKERS)]
    try:
        assert [p.stdout.readline() for p in procs] == ["ready\n"] * WORKERS
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        errors = [proc.communicate(timeout=120)[1] for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    assert [p.returncode for p in procs] == [0] * WORKERS, errors

    store = r.ReviewStore(path)
    log = store.log()
    assert len(log) == WORKERS * WRITES * 2  # each save: the edit and the note
    edits = [a for a in log if a.field == s.FATALITIES]
    assert sorted(a.new_value for a in edits) == sorted(k * 1000 + i for k in range(WORKERS) for i in range(WRITES))
    assert {a.note for a in edits} == {f"w{k} #{i}" for k in range(WORKERS) for i in range(WRITES)}
    # Writes were serialised: each action's "from" is exactly the previous action's "to" on that field.
    chains: dict[tuple[str, str], list[r.ReviewAction]] = defaultdict(list)
    for action in log:
        chains[(action.event_id, action.field)].append(action)
    for key, actions in chains.items():
        assert [a.old_value for a in actions[1:]] == [a.new_value for a in actions[:-1]], key
    # The later decision is in force, and the maintained overrides agree with the log.
    assert store.overrides_in_force() == {key: actions[-1].new_value for key, actions in chains.items()}
    assert store.rebuild_overrides() == store.overrides_in_force()
    assert store.integrity() == "ok"


def test_a_colleagues_decision_is_seen_on_the_next_read(tmp_path: Path) -> None:
    mine, theirs = r.ReviewStore.in_folder(tmp_path), r.ReviewStore.in_folder(tmp_path)
    events, mentions = fx.events(), fx.mentions()
    before = r.apply_reviews(events, mentions, mine)
    decide(theirs, events, mentions, "E2", status=s.STATUS_VERIFIED)
    after = r.apply_reviews(events, mentions, mine)
    assert before[s.REVIEW_STATUS].tolist() == ["unreviewed"] * 3
    assert after[s.REVIEW_STATUS].tolist() == ["unreviewed", "verified", "unreviewed"]


def test_an_open_reader_does_not_block_a_writer(tmp_path: Path) -> None:
    store = r.ReviewStore(tmp_path / "reviews.sqlite", busy_timeout_ms=2000)
    reader = sqlite3.connect(store.path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        assert reader.execute("SELECT COUNT(*) FROM actions").fetchone()[0] == 0
        decide(store, fx.events(), fx.mentions(), "E1", status=s.STATUS_VERIFIED)
        # The reader keeps its snapshot until it ends its transaction, then sees the decision.
        assert reader.execute("SELECT COUNT(*) FROM actions").fetchone()[0] == 0
        reader.execute("COMMIT")
        assert reader.execute("SELECT COUNT(*) FROM actions").fetchone()[0] == 1
    finally:
        reader.close()


# --- a writer killed mid-transaction ---------------------------------------------------------------

_KILLED_WRITER = textwrap.dedent("""
    import sys, time
    from data_prep import reviews as r
    from data_prep import schema as s
    from tests import review_fixtures as fx

    store = r.ReviewStore(sys.argv[1])
    values = {e[s.EVENT_ID]: e for e in fx.EVENTS}
    store.save(r.EventRef("E2", ("m3",), values["E2"]), "Killed", status=s.STATUS_VERIFIED)  # committed

    def stall(self, conn, ref, action_id):
        # Inside save(): log rows and overrides are written, COMMIT has not happened yet.
        conn.execute("PRAGMA cache_size = 1")  # spill the uncommitted pages into the WAL file
        for i in range(300):
            self._append(conn, at="2000-01-01T00:00:00.000000+00:00", reviewer="Killed", action="edit",
                         event_id="E1", field_name=s.NOTES, old=None, new="x" * 500)
        print("inside", flush=True)
        time.sleep(60)

    r.ReviewStore._anchor = stall
    store.save(r.EventRef("E1", ("m1", "m2"), values["E1"]), "Killed", status=s.STATUS_REJECTED_EVENT,
               edits={s.FATALITIES: 99})
""")


def test_a_writer_killed_before_commit_leaves_a_sound_store(tmp_path: Path) -> None:
    path = tmp_path / "reviews.sqlite"
    store = r.ReviewStore(path, busy_timeout_ms=5000)
    decide(store, fx.events(), fx.mentions(), "E3", status=s.STATUS_NEEDS_WORK, note="Before the crash.")
    child = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(path)], cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        line = child.stdout.readline()
        assert line == "inside\n", child.stderr.read()
        wal = path.with_name(path.name + "-wal")
        assert wal.stat().st_size > 100_000  # the uncommitted transaction really reached the disk
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    reopened = r.ReviewStore(path, busy_timeout_ms=5000)
    assert reopened.integrity() == "ok"
    assert [(a.reviewer, a.event_id, a.new_value) for a in reopened.log()] == [
        ("Ana", "E3", "needs work"), ("Ana", "E3", "Before the crash."), ("Killed", "E2", "verified")]
    assert reopened.overrides_in_force() == reopened.rebuild_overrides()
    # The lock died with the process: the next decision goes through.
    decide(reopened, fx.events(), fx.mentions(), "E1", status=s.STATUS_VERIFIED)
    out = r.apply_reviews(fx.events(), fx.mentions(), reopened)
    assert out[s.REVIEW_STATUS].tolist() == ["verified", "verified", "needs work"]
    assert out[s.FATALITIES].tolist()[0] == 3


@pytest.mark.parametrize("table", ["actions", "overrides", "anchors"])
def test_a_failed_save_leaves_no_partial_rows(tmp_path: Path, table: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A transaction is all or nothing: rows of a rolled-back save never show up in any table."""
    path = tmp_path / "reviews.sqlite"
    store = r.ReviewStore(path)

    def boom(self, conn, ref, action_id):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(r.ReviewStore, "_anchor", boom)
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.save(r.EventRef("E1", ("m1",), fx.EVENTS[0]), "Ana", status=s.STATUS_VERIFIED)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0
    finally:
        conn.close()
