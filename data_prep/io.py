"""All file input and output: finding and decoding input files, and writing and loading the output tables.

Reading never stops at a bad file: it becomes a `Reject` with a one-line reason and the rest
goes on. Writing is atomic: either every output table is replaced or none is.
"""
from __future__ import annotations

import codecs
import dataclasses
import errno
import logging
import os
import re
import pickle
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from io import StringIO
from pathlib import Path, PurePath
from typing import Any, TypeAlias

import pandas as pd

from . import schema, settings, table_folder
from .csv_cells import neutralise_frame
from .formats.common import size_excess
from .formats.records import read_csv, read_json, read_jsonl
from .formats.text import read_text
from .models import Article, Event, Reject

LOGGER = logging.getLogger(__name__)

PathLike: TypeAlias = str | os.PathLike[str]
Item: TypeAlias = Article | Reject

EMPTY_FILE = "empty file"
BINARY_FILE = "binary file (NUL bytes)"
CANNOT_DECODE = "cannot decode text (not UTF-8, UTF-16 or Windows-1252)"
NOT_FOUND = "no such file or directory"
NOT_UTF8_NAME = "file name is not valid UTF-8 (rename the file to read it)"
SYMLINK_LOOP = "symbolic link loop (the link points back to itself)"
BROKEN_SYMLINK = "broken symbolic link (its target does not exist)"
RUN_BUILD = "run `python -m data_prep build`"

def read_html(raw: str, file: str, fmt: str = "html") -> list[Item]:
    """formats.html.read_html, imported on the first page: trafilatura's import costs every build 0.1 s."""
    from .formats.html import read_html as read_page

    return read_page(raw, file, fmt)


# Readers of a whole decoded file: (format name, reader(text, file, fmt)).
_WHOLE: dict[str, tuple[str, Callable[[str, str, str], Iterable[Item]]]] = {
    ".txt": ("txt", read_text), ".md": ("md", read_text), ".markdown": ("md", read_text),
    ".html": ("html", read_html), ".htm": ("html", read_html), ".json": ("json", read_json),
}
# Readers of a file line by line, so that a large record file is never held whole.
_STREAMED: dict[str, tuple[str, Callable[[Iterable[str], str, str], Iterable[Item]]]] = {
    ".jsonl": ("jsonl", read_jsonl), ".csv": ("csv", read_csv),
}
_RECORD_SUFFIXES = frozenset({".json", ".jsonl", ".csv"})
_HTML = frozenset({".html", ".htm"})
# A page's own <meta charset>; the Latin-1 family is read as Windows-1252, as browsers do.
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_:.-]+)", re.IGNORECASE)
_AS_CP1252 = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "us-ascii", "ascii", "windows-1252"})
_BOMS: tuple[tuple[bytes, str], ...] = (  # UTF-32 first: its LE BOM starts like UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_CHUNK = 1024 * 1024
# Text with a few stray NUL bytes (a bad copy, a truncated export) is text; more than this share of
# NULs, or a binary format's signature at the start, is a binary file.
MAX_NUL_SHARE = 0.02
_BINARY_SIGNATURES = (b"PK\x03\x04", b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\xd0\xcf\x11\xe0")


class DecodeError(ValueError):
    """Bytes that are not text in a supported encoding; `str(exc)` is the reject reason."""


class OutputError(RuntimeError):
    """An output folder cannot be loaded; the message says what to do."""


class MissingOutputError(OutputError, FileNotFoundError):
    """An output folder or one of its tables does not exist."""


# --- decoding ---------------------------------------------------------------------
def _declared_charset(data: bytes) -> str | None:
    """The codec a page declares in its first 4 KiB (<meta charset=...>), if Python knows it."""
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    if name in _AS_CP1252:
        return "cp1252"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def detect_encoding(chunks: Iterable[bytes], declared: str | None = None) -> str:
    """The encoding of a file given as byte chunks: a BOM's, else UTF-8, the declared one, Windows-1252.

    A few NUL bytes (at most MAX_NUL_SHARE of a chunk) do not make a file binary: readers strip
    them (`strip_nul`).

    Raises:
        DecodeError: many NUL bytes without a UTF-16/32 BOM, or a binary format's signature
            (binary), or bytes no candidate decodes.
    """
    chunks = iter(chunks)
    first = next(chunks, b"")
    with_bom = next((enc for bom, enc in _BOMS if first.startswith(bom)), None)
    fallbacks = [declared] if declared and declared not in ("utf-8", "utf_8") else []
    candidates = [with_bom] if with_bom else list(dict.fromkeys(["utf-8", *fallbacks, "cp1252"]))
    decoders = {enc: codecs.getincrementaldecoder(enc)() for enc in candidates}
    if with_bom is None and first.startswith(_BINARY_SIGNATURES):
        raise DecodeError(BINARY_FILE)
    for chunk in _chain(first, chunks):
        if with_bom is None and chunk.count(b"\x00") > len(chunk) * MAX_NUL_SHARE:
            raise DecodeError(BINARY_FILE)
        for enc in list(decoders):
            try:
                decoders[enc].decode(chunk)
            except UnicodeDecodeError:
                del decoders[enc]
    for enc in list(decoders):
        try:
            decoders[enc].decode(b"", final=True)
        except UnicodeDecodeError:
            del decoders[enc]
    for enc in candidates:
        if enc in decoders:
            return enc
    raise DecodeError(CANNOT_DECODE)


def _chain(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


# --- finding inputs ---------------------------------------------------------------
def _as_paths(paths: PathLike | Iterable[PathLike]) -> list[Path]:
    if isinstance(paths, (str, os.PathLike)):
        return [Path(paths)]
    return [Path(p) for p in paths]


def _hidden(part: str) -> bool:
    return part.startswith(".") or part.startswith("~$")


def shown_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (kept by Python as surrogates) shown as \\xNN."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _sort_key(entry: os.DirEntry[str]) -> str:
    try:
        return entry.name + "/" if entry.is_dir() else entry.name
    except OSError:  # a link loop: sorted as a file, rejected as an entry
        return entry.name


@dataclasses.dataclass
class _Walk:
    """One walk over the inputs: the folders given (symbolic links pointing outside them are not
    followed unless `follow_symlinks`), and the folders already walked (a link loop ends)."""

    roots: list[Path]
    follow_symlinks: bool
    walked: set[str] = dataclasses.field(default_factory=set)

    def inside(self, target: Path) -> bool:
        return any(target == root or target.is_relative_to(root) for root in self.roots)

    def folder(self, folder: Path, prefix: str = "") -> Iterator[tuple[Path, str] | Reject]:
        """(path, relative name) of the input files under `folder` in sorted path order, and a
        Reject for each entry that cannot be read as one, one folder listed at a time."""
        self.walked.add(os.path.realpath(folder))
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            LOGGER.warning("cannot list %s: %s", folder, exc.strerror or exc)
            yield Reject(shown_name(prefix) or str(folder), f"cannot list folder ({exc.strerror or exc})")
            return
        # "name/" for folders sorts exactly as the relative paths do ("b.txt" < "b/x.txt").
        for entry in sorted(entries, key=_sort_key):
            if not _hidden(entry.name):
                yield from self.entry(entry, prefix)

    def entry(self, entry: os.DirEntry[str], prefix: str) -> Iterator[tuple[Path, str] | Reject]:
        name = prefix + entry.name
        if not _utf8(name):
            yield Reject(shown_name(name), NOT_UTF8_NAME)
            return
        path = Path(entry.path)
        if entry.is_symlink():
            try:
                target = path.resolve(strict=True)
            except RuntimeError:
                yield Reject(name, SYMLINK_LOOP)
                return
            except OSError as exc:
                yield Reject(name, SYMLINK_LOOP if exc.errno == errno.ELOOP else BROKEN_SYMLINK)
                return
            if not self.follow_symlinks and not self.inside(target):
                yield Reject(name, f"symbolic link to {shown_name(str(target))}, outside the input folders: "
                                   "not followed (--follow-symlinks to read it)")
                return
            if target.is_dir():
                if str(target) in self.walked or self.inside(target):
                    LOGGER.info("%s: a link to a folder already read, skipped", name)
                else:
                    yield from self.folder(path, f"{name}/")
                return
        if entry.is_dir(follow_symlinks=False):
            yield from self.folder(path, f"{name}/")
        elif not entry.is_file():
            yield Reject(name, "not a regular file (a device, pipe or socket)")
        elif Path(entry.name).suffix.lower() in settings.INPUT_SUFFIXES:
            yield path, name
        else:
            yield Reject(name, _unsupported(Path(entry.name).suffix.lower()))


def _inputs(paths: PathLike | Iterable[PathLike], follow_symlinks: bool = False
            ) -> Iterator[tuple[Path, str] | Reject]:
    """(path, name) of every input: a folder's files named relative to it, a named file by its
    name; a Reject for each entry of a folder that is not one (see _Walk)."""
    roots = _as_paths(paths)
    walk = _Walk([Path(os.path.realpath(root)) for root in roots], follow_symlinks)
    seen: set[str] = set()
    for root in roots:
        # A file named explicitly is read (or rejected) whatever it is.
        items = walk.folder(root) if root.is_dir() else iter([(root, root.name)])
        for item in items:
            if isinstance(item, Reject):
                yield item
                continue
            key = os.path.realpath(item[0])
            if key not in seen:
                seen.add(key)
                yield item


def iter_input_files(paths: PathLike | Iterable[PathLike], follow_symlinks: bool = False) -> Iterator[Path]:
    """Input files: folders walked recursively (sorted, known suffixes, hidden files skipped), files as named."""
    for item in _inputs(paths, follow_symlinks):
        if not isinstance(item, Reject):
            yield item[0]


iter_inputs = iter_input_files


# --- reading ----------------------------------------------------------------------
def _unsupported(suffix: str) -> str:
    expected = ", ".join(settings.INPUT_SUFFIXES)
    return f"unsupported file type '{suffix or '(none)'}' (expected {expected})"


def _refusal(suffix: str, size: int) -> str | None:
    """Why a file of this type and size is not read, or None."""
    if suffix not in _WHOLE and suffix not in _STREAMED:
        return _unsupported(suffix)
    limit = settings.MAX_RECORDS_FILE_BYTES if suffix in _RECORD_SUFFIXES else settings.MAX_FILE_BYTES
    if size == 0:
        return EMPTY_FILE
    if size > limit:
        return f"file {size_excess(size, limit)}"
    return None


def strip_nul(text: str) -> str:
    """The text without NUL characters (a few are tolerated in a text file, never kept)."""
    return text.replace("\x00", "") if "\x00" in text else text


def _read_data(data: bytes, name: str, suffix: str) -> Iterator[Item]:
    """Articles from a whole file's bytes, dispatched on its suffix."""
    text = data.decode(detect_encoding([data], declared=_declared_charset(data) if suffix in _HTML else None))
    text = strip_nul(text)
    if suffix in _STREAMED:
        fmt, stream_reader = _STREAMED[suffix]
        yield from stream_reader(StringIO(text, newline=""), name, fmt)
    else:
        fmt, reader = _WHOLE[suffix]
        yield from reader(text, name, fmt)


def _iter_file(path: Path, name: str) -> Iterator[Item]:
    suffix = path.suffix.lower()
    if not path.exists():
        yield Reject(name, NOT_FOUND)
    elif path.is_dir():
        yield Reject(name, "is a folder (give the folder itself as an input)")
    elif refusal := _refusal(suffix, path.stat().st_size):
        yield Reject(name, refusal)
    elif suffix in _STREAMED:  # line by line: a large record file is never held whole
        fmt, stream_reader = _STREAMED[suffix]
        encoding = detect_encoding(_chunks(path))
        with path.open(encoding=encoding, newline="") as handle:
            yield from stream_reader(map(strip_nul, handle), name, fmt)
    else:
        yield from _read_data(path.read_bytes(), name, suffix)


def _safely(name: str, items: Iterator[Item]) -> Iterator[Item]:
    """The items, with a failure to read turned into a Reject so that the batch goes on."""
    try:
        yield from items
    except DecodeError as exc:
        yield Reject(name, str(exc))
    except RecursionError:
        yield Reject(name, "nested too deeply to read")
    except UnicodeDecodeError:
        yield Reject(name, CANNOT_DECODE)
    except OSError as exc:
        yield Reject(name, f"cannot read file ({exc.strerror or exc})")
    except Exception as exc:  # noqa: BLE001 - one broken file must not stop the corpus
        LOGGER.exception("%s: unexpected error while reading", name)
        yield Reject(name, f"could not be read ({type(exc).__name__}: {exc})")


def read_file(path: PathLike, name: str | None = None) -> list[Item]:
    """The articles (or rejects) in one file, dispatched on its suffix.

    Args:
        path: the file.
        name: the name articles are known by (Article.file); the file name by default.

    Returns:
        One item for a text or HTML file, one per record for .json/.jsonl/.csv.
    """
    path = Path(path)
    return list(_safely(name or path.name, _iter_file(path, name or path.name)))


def read_bytes(data: bytes, name: str) -> list[Item]:
    """The articles (or rejects) in an uploaded file's bytes; `name` gives the format by its suffix."""
    suffix = PurePath(name).suffix.lower()
    refusal = _refusal(suffix, len(data))
    if refusal:
        return [Reject(name, refusal)]
    return list(_safely(name, _read_data(data, name, suffix)))


def iter_articles(paths: PathLike | Iterable[PathLike], follow_symlinks: bool = False,
                  earlier_copy: Callable[[str, str], str | None] | None = None) -> Iterator[Item]:
    """Every article and reject in the inputs, one file at a time.

    A text already read under another name is rejected as a duplicate: the same article
    saved twice must not count twice. `earlier_copy(article_id, file)` says which file a text
    was first read from (None the first time); by default a dict remembers every article read,
    a folder build passes its spool's (on disk). Symbolic links that point outside the folders
    given are not followed unless `follow_symlinks`.
    """
    first_seen: dict[str, str] = {}
    earlier = earlier_copy or (lambda article_id, file: _first_file(first_seen, article_id, file))
    for found in _inputs(paths, follow_symlinks):
        if isinstance(found, Reject):
            LOGGER.info("rejected %s: %s", found.file, found.reason)
            yield found
            continue
        path, name = found
        for item in _safely(name, _iter_file(path, name)):
            if isinstance(item, Article):
                first = earlier(item.article_id, item.file)
                if first is not None and first != item.file:
                    item = Reject(item.file, f"duplicate of {first} (same text)")
            if isinstance(item, Reject):
                LOGGER.info("rejected %s: %s", item.file, item.reason)
            yield item


def _first_file(seen: dict[str, str], article_id: str, file: str) -> str | None:
    first = seen.setdefault(article_id, file)
    return None if first == file else first


def read_articles(paths: PathLike | Iterable[PathLike]) -> tuple[list[Article], list[Reject]]:
    """All articles and rejects in the inputs (files, or folders read recursively)."""
    articles: list[Article] = []
    rejects: list[Reject] = []
    for item in iter_articles(paths):
        (articles if isinstance(item, Article) else rejects).append(item)  # type: ignore[arg-type]
    return articles, rejects


# --- article rows -------------------------------------------------------------------
# The days a datetime64[ns] column holds (the tables' dates).
_NS_FIRST, _NS_LAST = date(1677, 9, 22), date(2262, 4, 11)


def _timestamp(day: date | None) -> pd.Timestamp | None:
    """The day as a Timestamp; None when pandas cannot hold it (before 1677, after 2262)."""
    if day is None:
        return None
    if not _NS_FIRST <= day <= _NS_LAST:
        LOGGER.warning("publication date %s cannot be stored: left empty", day)
        return None
    return pd.Timestamp(day)


def articles_frame(articles: Iterable[Article], rejects: Iterable[Reject] = (),
                   events_found: Mapping[str, int] | None = None) -> pd.DataFrame:
    """The articles table: one row per article (status ok or undated) and per reject (status rejected)."""
    rows: list[dict[str, Any]] = []
    for a in articles:
        rows.append({
            schema.ARTICLE_ID: a.article_id, schema.FILE: a.file, schema.TITLE: a.title,
            schema.OUTLET: a.outlet, schema.URL: a.url, schema.AUTHOR: a.author,
            schema.PUBLISHED: _timestamp(a.published), schema.PUBLISHED_ORIGIN: a.published_origin,
            schema.FORMAT: a.format,
            schema.EVENTS_FOUND: None if events_found is None else events_found.get(a.article_id, 0),
            schema.STATUS: schema.STATUS_OK if a.published else schema.STATUS_UNDATED,
            schema.REASON: None if a.published else "no publication date found",
            schema.TEXT: a.text,
            schema.RAW_TEXT: a.raw_text,
        })
    for r in rejects:
        rows.append({schema.FILE: r.file, schema.STATUS: schema.STATUS_REJECTED, schema.REASON: r.reason})
    return schema.conform_articles(pd.DataFrame(rows, columns=list(schema.ARTICLE_TEXT_COLUMNS)))


def _value(row: Mapping[str, Any], column: str) -> Any:
    value = row.get(column)
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return None
    return value


def article_from_row(row: Mapping[str, Any]) -> Article:
    """An Article back from a row of a saved articles table (with its text).

    Raises:
        ValueError: the row has no text (a rejected file, or a table saved without text).
    """
    text = _value(row, schema.TEXT)
    if not text:
        raise ValueError(f"article row {_value(row, schema.FILE)!r} has no text")
    published = _value(row, schema.PUBLISHED)
    if isinstance(published, (pd.Timestamp, datetime)):
        published = published.date()
    elif isinstance(published, str):
        published = date.fromisoformat(published[:10])

    def text_or_none(column: str) -> str | None:
        value = _value(row, column)
        return None if value is None else str(value)

    return Article(
        article_id=text_or_none(schema.ARTICLE_ID) or "",
        file=text_or_none(schema.FILE) or "",
        text=str(text),
        title=text_or_none(schema.TITLE),
        outlet=text_or_none(schema.OUTLET),
        url=text_or_none(schema.URL),
        author=text_or_none(schema.AUTHOR),
        published=published,
        published_origin=text_or_none(schema.PUBLISHED_ORIGIN) or "none",
        format=text_or_none(schema.FORMAT) or "txt",
        raw_text=text_or_none(schema.RAW_TEXT),
    )


def articles_from_frame(frame: pd.DataFrame) -> list[Article]:
    """The Articles of a saved articles table, skipping rejected rows (they have no text)."""
    has_text = frame[schema.TEXT].notna() if schema.TEXT in frame.columns else pd.Series(False, index=frame.index)
    return [article_from_row(row) for _, row in frame[has_text].iterrows()]


# --- writing ------------------------------------------------------------------------
def _join_lists(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with list/tuple cells joined by schema.LIST_SEPARATOR (source_files, article_ids...)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(
                lambda v: schema.LIST_SEPARATOR.join(map(str, v)) if isinstance(v, (list, tuple, set)) else v)
    return out


def _csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with dates as YYYY-MM-DD (empty when missing) and text cells a spreadsheet would run
    quoted (csv_cells: article text is untrusted)."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d").astype(object).where(out[column].notna(), None)
    return neutralise_frame(out)


class TextSpool:
    """Texts parked in an anonymous temporary file, in order, and read back in batches.

    A build keeps every article's text until the merge has counted its events; parked here
    they cost disk, not memory. The file is deleted when the spool is closed.
    """

    _LENGTH = 8  # bytes of each text's length prefix

    def __init__(self, folder: PathLike | None = None) -> None:
        self._file = tempfile.TemporaryFile(prefix=".texts.", dir=folder)
        self.count = 0

    def append(self, text: str) -> None:
        data = text.encode("utf-8", "surrogatepass")
        self._file.seek(0, os.SEEK_END)  # a batch read may have left the position anywhere
        self._file.write(len(data).to_bytes(self._LENGTH, "little"))
        self._file.write(data)
        self.count += 1

    def batches(self, size: int) -> Iterator[list[str]]:
        """The texts in the order appended, `size` at a time (the spool can be read more than once)."""
        self._file.flush()
        position, left = 0, self.count
        while left:
            self._file.seek(position)  # appends between batches move the file position
            batch = []
            for _ in range(min(size, left)):
                length = int.from_bytes(self._file.read(self._LENGTH), "little")
                batch.append(self._file.read(length).decode("utf-8", "surrogatepass"))
            position, left = self._file.tell(), left - len(batch)
            yield batch

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> "TextSpool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_EVENT_FIELDS = tuple(f.name for f in dataclasses.fields(Event))


def _pickle_event(event: Event) -> bytes:
    # The field values alone, in field order: pickling the object writes every field's name too
    # (a third of the bytes) and takes twice as long each way.
    return pickle.dumps(tuple(getattr(event, name) for name in _EVENT_FIELDS), pickle.HIGHEST_PROTOCOL)


def _unpickle_event(blob: bytes) -> Event:
    """An Event back from _pickle_event (our own bytes, written by this build, never a file from elsewhere)."""
    event = object.__new__(Event)
    event.__dict__.update(zip(_EVENT_FIELDS, pickle.loads(blob)))  # noqa: S301 - see above
    return event


class BuildSpool:
    """What a folder build keeps of each article besides its text, parked in a temporary SQLite
    file: the article's record, its mentions, and later how many events it tells.

    The merge across articles needs a corpus's mentions sorted by day, not all in memory at once:
    SQLite sorts on disk. Records and mentions are pickles of our own objects, written and read by
    this one build (never a file from elsewhere). The file is deleted when the spool is closed.
    """

    def __init__(self, folder: PathLike | None = None) -> None:
        handle, name = tempfile.mkstemp(prefix=".build.", suffix=".sqlite", dir=folder)
        os.close(handle)
        self._path = Path(name)
        self._db = sqlite3.connect(self._path)
        # Scratch data: no journal, no syncing (a crash loses a build that is redone anyway).
        self._db.executescript("""
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE seen (article_id TEXT PRIMARY KEY) WITHOUT ROWID;
            CREATE TABLE article (seq INTEGER PRIMARY KEY, article_id TEXT UNIQUE, events INTEGER DEFAULT 0,
                                  record BLOB);
            CREATE TABLE mention (seq INTEGER PRIMARY KEY, day INTEGER, mention_id TEXT, event BLOB);
            CREATE TABLE copy (article_id TEXT PRIMARY KEY, file TEXT) WITHOUT ROWID;
            CREATE TABLE reject (seq INTEGER PRIMARY KEY, at_build INTEGER, file TEXT, reason TEXT);
        """)
        self.articles_kept = self.articles_undated = self.mentions = self.rejects_count = 0

    def first_sight(self, article_id: str) -> bool:
        """True the first time an article id is offered, False for a later copy of the same text."""
        return self._db.execute("INSERT OR IGNORE INTO seen VALUES (?)", (article_id,)).rowcount == 1

    def earlier_copy(self, article_id: str, file: str) -> str | None:
        """The file an article of this id was first read from, or None (then `file` is remembered)."""
        row = self._db.execute("SELECT file FROM copy WHERE article_id = ?", (article_id,)).fetchone()
        if row is None:
            self._db.execute("INSERT INTO copy VALUES (?, ?)", (article_id, file))
            return None
        return str(row[0])

    def add_reject(self, reject: Reject, at_build: bool) -> None:
        """An input refused while reading (at_build False) or at extraction (True)."""
        self._db.execute("INSERT INTO reject (at_build, file, reason) VALUES (?, ?, ?)",
                         (int(at_build), reject.file, reject.reason))
        self.rejects_count += 1

    def rejects(self, size: int) -> Iterator[list[Reject]]:
        """The inputs refused, those refused while reading first, `size` at a time."""
        rows = self._db.execute("SELECT file, reason FROM reject ORDER BY at_build, seq")
        while batch := rows.fetchmany(size):
            yield [Reject(file, reason) for file, reason in batch]

    def add_article(self, article: Article) -> None:
        """An article's record (its text is kept elsewhere), in reading order."""
        self._db.execute("INSERT INTO article (article_id, record) VALUES (?, ?)",
                         (article.article_id, pickle.dumps(article, pickle.HIGHEST_PROTOCOL)))
        self.articles_kept += 1
        self.articles_undated += article.published is None

    def add_mentions(self, mentions: Iterable[Event]) -> None:
        rows = [(m.event_date.toordinal() if m.event_date else None, m.mention_id, _pickle_event(m))
                for m in mentions]
        self._db.executemany("INSERT INTO mention (day, mention_id, event) VALUES (?, ?, ?)", rows)
        self.mentions += len(rows)

    def mentions_in_merge_order(self) -> Iterator[Event]:
        """The mentions in merge.merge_order: by day in the order added, then the undated by id."""
        rows = self._db.execute("SELECT event FROM mention ORDER BY day IS NULL, day, "
                                "CASE WHEN day IS NULL THEN mention_id END, seq")
        for (blob,) in rows:
            yield _unpickle_event(blob)

    def count_events(self, per_article: Mapping[str, int]) -> None:
        """Add events found to the articles' counts."""
        self._db.executemany("UPDATE article SET events = events + ? WHERE article_id = ?",
                             [(n, article_id) for article_id, n in per_article.items()])

    def articles(self, size: int) -> Iterator[list[tuple[Article, int]]]:
        """(record, events found) of every article kept, in reading order, `size` at a time."""
        rows = self._db.execute("SELECT record, events FROM article ORDER BY seq")
        while batch := rows.fetchmany(size):
            yield [(pickle.loads(blob), events) for blob, events in batch]  # noqa: S301 - see above

    def close(self) -> None:
        self._db.close()
        self._path.unlink(missing_ok=True)

    def __enter__(self) -> "BuildSpool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _TableWriter:
    """One table written part by part: a Parquet file (a row group per part) and, if asked, a CSV
    of some of its columns (the header once). With no parts, `empty` is written."""

    def __init__(self, conform: Callable[[pd.DataFrame], pd.DataFrame], parquet_path: Path,
                 csv_path: Path | None = None, csv_columns: Iterable[str] | None = None,
                 generation: str | None = None) -> None:
        self._conform, self._parquet_path, self._csv_path = conform, parquet_path, csv_path
        # Each Parquet file names its build, so that a folder mixing two builds can be refused.
        self._metadata = {table_folder.PARQUET_KEY: generation.encode("ascii")} if generation else {}
        self._csv_columns = list(csv_columns) if csv_columns is not None else None
        self._writer: Any = None
        self._csv: Any = None
        self.rows = 0

    def write(self, part: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        part = self._conform(_join_lists(part))
        if self._writer is None:
            table = pa.Table.from_pandas(part, preserve_index=False)
            table = table.replace_schema_metadata({**(table.schema.metadata or {}), **self._metadata})
            self._writer = pq.ParquetWriter(self._parquet_path, table.schema)
        else:
            table = pa.Table.from_pandas(part, schema=self._writer.schema, preserve_index=False)
        self._writer.write_table(table)
        if self._csv_path is not None:
            if self._csv is None:
                self._csv = self._csv_path.open("w", encoding="utf-8", newline="")
            columns = self._csv_columns or list(part.columns)
            _csv_ready(part[columns]).to_csv(self._csv, index=False, header=self.rows == 0, lineterminator="\n")
        self.rows += len(part)

    def close(self) -> None:
        """Close the files (again is harmless)."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._csv is not None:
            self._csv.close()
            self._csv = None

    def finish(self, empty: Callable[[], pd.DataFrame]) -> int:
        """Close the files, writing `empty()` when no part came; returns the rows written."""
        self.close()
        if self.rows == 0:  # the header and the schema, through the same writers as the parts
            self.write(empty())
            self.close()
        return self.rows


def write_outputs(out_dir: PathLike, events: pd.DataFrame, mentions: pd.DataFrame,
                  articles: pd.DataFrame | Iterable[pd.DataFrame]) -> list[Path]:
    """Write the output tables into `out_dir`, all or nothing.

    Every file is first written into a staging folder; only when all are written do they become
    the folder's table, as one unit (table_folder.commit: one atomic rename of the `.current`
    link). A failure leaves the previous tables as they were. Other files in `out_dir` (the
    review store) are never touched.

    Args:
        out_dir: the output folder (created if missing).
        events: the event table (list cells are joined with ";").
        mentions: the mention table.
        articles: the articles table with text (see `articles_frame`), or an iterable of its
            consecutive parts, written one at a time so that a large corpus's texts need never
            be in memory together (the iterable is consumed once).

    Returns:
        The paths written.
    """
    # Each table is conformed as it is written into the staging folder: a schema error leaves the
    # folder as it was.
    parts = [articles] if isinstance(articles, pd.DataFrame) else articles
    return write_outputs_in_parts(out_dir, [(events, mentions)], parts)


def write_outputs_in_parts(out_dir: PathLike, tables: Iterable[tuple[pd.DataFrame, pd.DataFrame]],
                           articles: Iterable[pd.DataFrame]) -> list[Path]:
    """`write_outputs` for tables that come in parts: `tables` yields consecutive (events,
    mentions) parts and is consumed whole before `articles` (parts of the articles table with
    text) is started, so a generator of article parts may use what the table parts told it.
    Each part becomes a Parquet row group. The files are written into a staging folder and
    become the folder's table together, in one rename (table_folder.commit), under the folder's
    writer lock.
    """
    out_dir = Path(out_dir)
    with table_folder.writer_lock(out_dir):
        generation = table_folder.new_generation()
        staging = table_folder.staging_folder(out_dir)
        try:
            event_writer = _TableWriter(schema.conform_events, staging / settings.EVENTS_PARQUET,
                                        staging / settings.EVENTS_CSV, generation=generation)
            mention_writer = _TableWriter(schema.conform_mentions, staging / settings.MENTIONS_PARQUET,
                                          generation=generation)
            article_writer = _TableWriter(lambda part: schema.conform_articles(part, with_text=True),
                                          staging / settings.ARTICLES_PARQUET, staging / settings.ARTICLES_CSV,
                                          schema.ARTICLE_COLUMNS, generation=generation)
            try:
                for events, mentions in tables:
                    event_writer.write(events)
                    mention_writer.write(mentions)
                event_rows = event_writer.finish(schema.empty_events)
                mention_rows = mention_writer.finish(
                    lambda: schema.conform_mentions(pd.DataFrame(columns=list(schema.MENTION_COLUMNS))))
                for part in articles:
                    article_writer.write(part)
                article_rows = article_writer.finish(
                    lambda: schema.conform_articles(pd.DataFrame(columns=list(schema.ARTICLE_TEXT_COLUMNS))))
            finally:
                for writer in (event_writer, mention_writer, article_writer):
                    writer.close()
            written = table_folder.commit(out_dir, staging, generation, settings.OUTPUT_FILES)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    LOGGER.info("wrote %d events, %d mentions, %d articles to %s", event_rows, mention_rows, article_rows, out_dir)
    return written


# --- loading ------------------------------------------------------------------------
class MixedOutputError(OutputError):
    """An output folder whose tables do not belong to one build."""


_TABLES: dict[str, tuple[str, str]] = {
    "events": (settings.EVENTS_PARQUET, "event table"),
    "mentions": (settings.MENTIONS_PARQUET, "mention table"),
    "articles": (settings.ARTICLES_PARQUET, "article table"),
}
_CONFORM: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "events": lambda frame: schema.conform_events(frame, strict=False),
    "mentions": lambda frame: schema.conform_mentions(frame, strict=False),
    "articles": lambda frame: schema.conform_articles(frame, strict=False, with_text=True),
}


def _locate(out_dir: Path, generation: str | None = None) -> table_folder.Tables:
    if not out_dir.is_dir():
        raise MissingOutputError(f"no event table in {out_dir}: {RUN_BUILD}")
    try:
        return table_folder.tables(out_dir, generation)
    except table_folder.MixedFolderError as exc:
        raise MixedOutputError(str(exc)) from exc
    except FileNotFoundError as exc:
        raise MissingOutputError(str(exc)) from exc


def _parquet_path(where: table_folder.Tables, table: str) -> Path:
    name, what = _TABLES[table]
    try:
        path = table_folder.check(where, name)
    except table_folder.MixedFolderError as exc:
        raise MixedOutputError(str(exc)) from exc
    except FileNotFoundError:
        raise MissingOutputError(f"no {what} in {where.folder}: {RUN_BUILD}") from None
    if not path.is_file():
        raise MissingOutputError(f"no {what} in {where.folder}: {RUN_BUILD}")
    return path


def _generation_of(path: Path) -> str | None:
    """The build a Parquet table names in its metadata (None: written before builds named themselves)."""
    import pyarrow.parquet as pq

    try:
        metadata = pq.read_schema(path).metadata or {}
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for a damaged file
        raise OutputError(f"cannot read {path}: {exc}; {RUN_BUILD} again") from exc
    value = metadata.get(table_folder.PARQUET_KEY)
    return value.decode("ascii", "replace") if value else None


def _check_builds(where: table_folder.Tables, paths: Mapping[str, Path]) -> None:
    """Refuse tables that name another build than their folder's manifest, or than each other."""
    named = {path.name: _generation_of(path) for path in paths.values()}
    if where.generation is not None:
        named = {name: gen for name, gen in named.items() if gen != where.generation}
        named = {**named, table_folder.MANIFEST: where.generation} if named else {}
    try:
        table_folder.check_same_build(where.folder, named)
    except table_folder.MixedFolderError as exc:
        raise MixedOutputError(str(exc)) from exc


def _read_table(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path, engine="pyarrow")
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for a damaged file
        raise OutputError(f"cannot read {path}: {exc}; {RUN_BUILD} again") from exc


def table_generation(out_dir: PathLike) -> str | None:
    """The build the folder's table comes from now (None for a folder of the older layout).

    Pass it to `load_table` to read the other tables of the same build later, even if the folder
    has been rebuilt meanwhile.
    """
    out_dir = Path(out_dir)
    return _locate(out_dir).generation if out_dir.is_dir() else None


def load_outputs(out_dir: PathLike) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(events, mentions, articles) from an output folder, conformed to the schema, all of one build.

    Columns a newer or older build added or dropped are tolerated: unknown ones are left out,
    missing ones come back empty.

    Raises:
        MissingOutputError: the folder or one of its tables does not exist.
        MixedOutputError: the tables come from different builds (a build killed mid-way by an
            older version of the tool, or files copied in by hand).
        OutputError: a table cannot be read.
    """
    where = _locate(Path(out_dir))
    paths = {table: _parquet_path(where, table) for table in _TABLES}
    _check_builds(where, paths)
    events, mentions, articles = (_CONFORM[table](_read_table(paths[table])) for table in _TABLES)
    return events, mentions, articles


def load_table(out_dir: PathLike, table: str, generation: str | None = None) -> pd.DataFrame:
    """One table of an output folder ("events", "mentions" or "articles"), conformed like `load_outputs`.

    For readers that need the tables at different times: the dashboard shows the events first
    and reads mentions and article texts only when an event is opened (a million events: ~1 s
    instead of ~4 s for all three). `generation` (from `table_generation`) pins the read to the
    build the reader's other tables came from; it is kept until the build after next.

    Raises:
        MissingOutputError / MixedOutputError / OutputError as `load_outputs` (MissingOutputError
        too when `generation` is gone); ValueError for an unknown table name.
    """
    if table not in _TABLES:
        raise ValueError(f"unknown table {table!r}: events, mentions or articles")
    where = _locate(Path(out_dir), generation)
    path = _parquet_path(where, table)
    checked = {table: path}
    if where.generation is None and table != "events" and (where.location / settings.EVENTS_PARQUET).is_file():
        checked["events"] = where.location / settings.EVENTS_PARQUET  # older layout: same build as the events?
    _check_builds(where, checked)
    return _CONFORM[table](_read_table(path))
