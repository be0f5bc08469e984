"""An output folder's tables, replaced as one unit, and the lock that serialises its writers.

Layout of a folder written by `data_prep build` (or an upload)::

    OUT/
      events.csv -> .current/events.csv          one link per table file (settings.OUTPUT_FILES)
      events.parquet -> .current/events.parquet
      ...
      .current -> .generations/20261204T180102Z-1a2b3c4d   the pointer: swapped atomically
      .generations/20261204T180102Z-1a2b3c4d/
          events.parquet ... manifest.json       one build's files, fsync'd, never changed again
      .lock                                      held by the writer (fcntl.flock)
      reviews.sqlite                             the review store: never touched here

A build writes every file into a staging folder, fsyncs them and a manifest that lists them,
renames the staging folder into `.generations/`, and only then replaces the `.current` link with
one rename (the commit). A reader resolves `.current` once and reads every table from that one
generation, so it sees the old table or the new one, never a mix, whenever the writer is killed.
The previous generation is kept until the next build, so a page that read the events of the old
table can still read its mentions; older ones are deleted.

A folder of the older layout (the table files themselves at the top) is still read; the first
build into it replaces those files by the links. A folder whose tables come from different
builds (their Parquet files name their generation) is refused with a message.

Writers (a build, an upload) hold the folder's lock for the whole read-rebuild-write, so two
uploads at once are applied one after the other; the lock also makes it safe to delete what a
killed build left behind (spool files, staging folders), which is done when the lock is taken.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

LOGGER = logging.getLogger(__name__)

CURRENT = ".current"
GENERATIONS = ".generations"
LOCK_FILE = ".lock"
MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
# The key under which each Parquet table names the generation it belongs to.
PARQUET_KEY = b"data_prep.generation"
STAGING_PREFIX = ".staging."
SPOOL_PREFIX = ".build."
LOCK_TIMEOUT_S = 15 * 60.0  # a writer waits this long for another one to finish
_GENERATION = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{8}$")


class FolderError(RuntimeError):
    """An output folder cannot be read or written as one table; the message says what to do."""


class MixedFolderError(FolderError):
    """The folder's table files come from different builds."""


class LockTimeout(FolderError):
    """Another writer kept the folder's lock for longer than the wait allowed."""


def checkpoint(step: str) -> None:
    """Called after each step of a swap ("staged", "synced", "placed", "committed", "linked",
    "pruned") and of a build ("spooled"). Does nothing: tests replace it to kill the writer there."""


# --- the lock ----------------------------------------------------------------------------------
_held: dict[str, tuple[int, int]] = {}  # folder -> (open descriptor, depth), for the holding thread
_held_lock = threading.Lock()
_owner: dict[str, int] = {}  # folder -> thread id


@contextlib.contextmanager
def writer_lock(folder: str | os.PathLike[str], timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the folder's writer lock (creating the folder); re-entrant within one thread.

    `flock` locks belong to an open file, so two threads of one process (two Streamlit sessions)
    exclude each other as two processes do. Leftovers of killed builds are deleted once the lock
    is held: no other writer of this folder can be running then.

    Raises:
        LockTimeout: another writer held the lock for `timeout` seconds.
    """
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    key = str(path.resolve())
    me = threading.get_ident()
    with _held_lock:
        if _owner.get(key) == me:
            fd, depth = _held[key]
            _held[key] = (fd, depth + 1)
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _held_lock:
                fd, depth = _held[key]
                _held[key] = (fd, depth - 1)
        return
    fd = os.open(path / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(f"{path} is being written by another build or upload; "
                                      f"waited {timeout:.0f} s, try again later") from None
                time.sleep(0.05)
        with _held_lock:
            _owner[key], _held[key] = me, (fd, 1)
        try:
            remove_leftovers(path)
            yield
        finally:
            with _held_lock:
                _owner.pop(key, None)
                _held.pop(key, None)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def is_locked(folder: str | os.PathLike[str]) -> bool:
    """True while a writer holds the folder's lock (for messages: "an upload is running")."""
    path = Path(folder) / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def remove_leftovers(folder: Path) -> list[Path]:
    """Delete what killed builds left in `folder` (call with the writer lock held): spool files,
    staging folders, half-made links, and the older layout's staging folders beside it
    (`.OUT.*.tmp`). Returns what was deleted."""
    removed: list[Path] = []
    candidates = [*folder.glob(f"{SPOOL_PREFIX}*.sqlite"), *folder.glob(f"{SPOOL_PREFIX}*.sqlite-*"),
                  *folder.glob(".*.link-tmp"), *(folder / GENERATIONS).glob(f"{STAGING_PREFIX}*"),
                  *folder.parent.glob(f".{glob_escape(folder.name)}.*.tmp")]
    for path in candidates:
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path)
    if removed:
        LOGGER.info("removed %d leftover(s) of an interrupted build in %s", len(removed), folder)
    return removed


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


# --- writing -----------------------------------------------------------------------------------
def new_generation() -> str:
    """A generation name: when it was made (sortable) and a random part."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def staging_folder(folder: Path) -> Path:
    """A fresh staging folder inside `folder`/.generations (same file system: the rename is atomic)."""
    (folder / GENERATIONS).mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=folder / GENERATIONS))
    os.chmod(staging, 0o755)  # readable as the folder is (mkdtemp makes it private)
    return staging


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _link(folder: Path, name: str, target: str) -> None:
    """Make `folder/name` a symbolic link to `target`, replacing what is there in one rename."""
    path = folder / name
    if path.is_symlink() and os.readlink(path) == target:
        return
    temp = folder / f".{name}.{uuid.uuid4().hex[:8]}.link-tmp"
    os.symlink(target, temp)
    os.replace(temp, path)


def commit(folder: Path, staging: Path, generation: str, files: Iterable[str]) -> list[Path]:
    """Make the tables written in `staging` the folder's table, as one unit (hold the writer lock).

    Steps: manifest written and every file fsync'd; staging renamed to .generations/GENERATION;
    the `.current` link replaced (the commit: before it readers see the old table, after it the
    new one); the top-level links made; generations older than the previous one deleted.

    Returns:
        The table files as the folder's readers name them (`folder/events.csv`...).
    """
    names = list(files)
    missing = [name for name in names if not (staging / name).is_file()]
    if missing:
        raise FolderError(f"the build wrote no {', '.join(missing)}")
    checkpoint("staged")
    manifest = {"format": MANIFEST_FORMAT, "generation": generation,
                "written": datetime.now(UTC).isoformat(timespec="seconds"),
                "files": {name: {"bytes": (staging / name).stat().st_size} for name in names}}
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    for name in [*names, MANIFEST]:
        _fsync_file(staging / name)
    _fsync_dir(staging)
    checkpoint("synced")
    target = folder / GENERATIONS / generation
    os.rename(staging, target)
    _fsync_dir(folder / GENERATIONS)
    checkpoint("placed")
    previous = _current_generation(folder)
    _link(folder, CURRENT, f"{GENERATIONS}/{generation}")
    _fsync_dir(folder)
    checkpoint("committed")
    for name in names:
        _link(folder, name, f"{CURRENT}/{name}")
    for entry in folder.iterdir():  # links to tables this build no longer writes
        if entry.is_symlink() and os.readlink(entry).startswith(f"{CURRENT}/") and entry.name not in names:
            entry.unlink()
    _fsync_dir(folder)
    checkpoint("linked")
    keep = {generation, previous}
    for old in (folder / GENERATIONS).iterdir():
        if _GENERATION.match(old.name) and old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)
    checkpoint("pruned")
    return [folder / name for name in names]


# --- reading -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Tables:
    """Where one consistent table of a folder lives: a generation folder, or the folder itself
    (older layout, no manifest)."""

    folder: Path  # the output folder
    location: Path  # the folder holding the table files
    generation: str | None  # None: older layout
    sizes: dict[str, int] | None  # from the manifest

    def path(self, name: str) -> Path:
        return self.location / name


def _current_generation(folder: Path) -> str | None:
    try:
        target = os.readlink(folder / CURRENT)
    except (FileNotFoundError, OSError):
        return None
    return Path(target).name


def tables(folder: str | os.PathLike[str], generation: str | None = None) -> Tables:
    """The folder's current table (or the named generation), its manifest checked.

    Raises:
        FileNotFoundError: the generation asked for is gone (two builds since).
        MixedFolderError: the manifest does not match the files.
    """
    folder = Path(folder)
    name = generation or _current_generation(folder)
    if name is None:
        return Tables(folder, folder, None, None)
    location = folder / GENERATIONS / name
    try:
        manifest = json.loads((location / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        if generation is not None:
            raise FileNotFoundError(f"table generation {generation} of {folder} is gone "
                                    "(the table was rebuilt since): reload") from None
        raise MixedFolderError(f"{folder}: {CURRENT} points to {name}, which has no {MANIFEST}; "
                               "run `python -m data_prep build` again") from None
    except (OSError, ValueError) as exc:
        raise MixedFolderError(f"{folder}: cannot read {name}/{MANIFEST} ({exc}); "
                               "run `python -m data_prep build` again") from exc
    sizes = {str(k): int(v["bytes"]) for k, v in manifest.get("files", {}).items()}
    return Tables(folder, location, name, sizes)


def check(tables_: Tables, name: str) -> Path:
    """The path of table file `name`, after checking it is the file its manifest lists.

    Raises:
        FileNotFoundError: the file is not there, or not in the manifest.
        MixedFolderError: the file is not the one the manifest lists (size differs).
    """
    path = tables_.path(name)
    if tables_.sizes is None:
        return path
    if name not in tables_.sizes:
        raise FileNotFoundError(path)
    size = path.stat().st_size  # FileNotFoundError: a damaged generation, reported as a missing table
    if size != tables_.sizes[name]:
        raise MixedFolderError(f"{tables_.folder}: {name} is not the file build {tables_.generation} wrote "
                               f"({size} bytes, the manifest says {tables_.sizes[name]}); "
                               "run `python -m data_prep build` again")
    return path


def check_same_build(folder: Path, generations: dict[str, str | None]) -> None:
    """Refuse tables (file name -> the generation its Parquet metadata names) from different builds.

    Raises:
        MixedFolderError: two files name different generations, or some name one and some none.
    """
    named = {name: gen for name, gen in generations.items()}
    if len(set(named.values())) > 1:
        detail = ", ".join(f"{name} from {gen or 'an older build'}" for name, gen in sorted(named.items()))
        raise MixedFolderError(f"{folder} mixes tables of different builds ({detail}); "
                               "run `python -m data_prep build` again")


def is_disk_full(error: BaseException) -> bool:
    """True for "no space left" / "file too large" / "quota exceeded" errors, however wrapped."""
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return True
    text = str(error).lower()
    return any(words in text for words in ("no space left", "disk is full", "file too large", "quota exceeded"))
