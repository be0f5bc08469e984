"""Adding uploaded articles to a data folder: the same preparation as `python -m data_prep build`.

No streamlit here. The page hands over (file name, bytes) pairs; every article already in the
folder is read back from articles.parquet and the whole table is rebuilt with the new ones, so
cross-article merging sees old and new together, then swapped in as one unit (io.write_outputs): a
failure leaves the previous table as it was. Uploads into one folder are serialised by its writer lock. Event ids depend on article text only, so events
that were there keep their ids (and their review decisions).
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePath

import pandas as pd

from data_prep import io, schema, table_folder
from data_prep.models import Article, Reject
from data_prep.pipeline import build_from_articles

LOGGER = logging.getLogger(__name__)

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class IngestResult:
    """What an upload did to the table."""

    added: tuple[str, ...]  # files whose articles joined the table
    rejects: tuple[Reject, ...]  # uploaded files (or records) refused, with the reason
    duplicates: tuple[Reject, ...]  # uploads whose text is already in the table (left out)
    events_before: int
    events_after: int
    articles_after: int


def _existing(folder: Path) -> tuple[list[Article], list[Reject], int]:
    """Articles and earlier rejects already in the folder, and its event count (nothing when no table yet)."""
    try:
        events, _, articles = io.load_outputs(folder)
    except io.MissingOutputError:
        return [], [], 0
    rejected = (articles[schema.STATUS] == schema.STATUS_REJECTED).fillna(False).to_numpy(dtype=bool)
    old_rejects = [
        Reject(str(row[schema.FILE]), str(row[schema.REASON]) if pd.notna(row[schema.REASON]) else "rejected")
        for _, row in articles.loc[rejected].iterrows()
    ]
    return io.articles_from_frame(articles.loc[~rejected]), old_rejects, len(events)


def _unique_name(name: str, taken: set[str]) -> str:
    """`name`, or 'stem (2).ext' etc. when an article of another text already has that file name."""
    if name not in taken:
        return name
    path = PurePath(name)
    n = 2
    while f"{path.stem} ({n}){path.suffix}" in taken:
        n += 1
    return f"{path.stem} ({n}){path.suffix}"


def add_uploads(folder: Path, uploads: Sequence[tuple[str, bytes]], progress: Progress | None = None) -> IngestResult:
    """Read `uploads`, rebuild the folder's table with them and write it back.

    Args:
        folder: the data folder (created when it has no table yet).
        uploads: (file name as the user's browser gave it, content).
        progress: called with (fraction done, what is happening).

    Returns:
        What joined the table and what did not, with reasons.

    Uploads into one folder are applied one after the other: the folder's writer lock is held
    from reading the current table to writing the new one, so a second upload (another session,
    another process) waits and then rebuilds on top of the first instead of overwriting it.
    """
    report = progress or (lambda _fraction, _message: None)
    if table_folder.is_locked(folder):
        report(0.0, "Waiting for another upload or build to finish")
    with table_folder.writer_lock(folder):
        return _add_uploads(folder, uploads, report)


def _add_uploads(folder: Path, uploads: Sequence[tuple[str, bytes]], report: Progress) -> IngestResult:
    report(0.0, "Reading the current table")
    existing, old_rejects, events_before = _existing(folder)
    known_ids = {a.article_id: a.file for a in existing}
    taken = {a.file for a in existing}
    new: list[Article] = []
    rejects: list[Reject] = []
    duplicates: list[Reject] = []
    for i, (raw_name, data) in enumerate(uploads):
        name = PurePath(raw_name.replace("\\", "/")).name or "upload"  # never a path from the browser
        report(0.1 + 0.4 * i / max(len(uploads), 1), f"Reading {name}")
        for item in io.read_bytes(data, name):
            if isinstance(item, Reject):
                rejects.append(item)
            elif item.article_id in known_ids:
                duplicates.append(Reject(item.file, f"already in the table as {known_ids[item.article_id]} (same text)"))
            else:
                article = replace(item, file=_unique_name(item.file, taken))
                taken.add(article.file)
                known_ids[article.article_id] = article.file
                new.append(article)
    if not new:
        report(1.0, "Nothing new to add")
        return IngestResult((), tuple(rejects), tuple(duplicates), events_before, events_before, len(existing))
    report(0.5, f"Extracting events from {len(existing) + len(new)} articles")
    # A file that now reads well drops its old refusal; the same refusal is listed once.
    accepted = {a.file for a in new}
    kept_rejects = list(dict.fromkeys(r for r in old_rejects + rejects if r.file not in accepted))
    result = build_from_articles(existing + new, kept_rejects)
    report(0.9, "Writing the table")
    io.write_outputs(folder, result.events, result.mentions, result.articles)
    report(1.0, "Done")
    LOGGER.info("added %d articles to %s: %d -> %d events", len(new), folder, events_before, len(result.events))
    added = tuple(dict.fromkeys(a.file for a in new))
    return IngestResult(added, tuple(rejects), tuple(duplicates), events_before, len(result.events),
                        int(result.processed))


def describe_result(result: IngestResult) -> list[str]:
    """Plain-text lines summing up an upload (file names are shown as text, never as Markdown)."""
    lines = []
    if result.added:
        lines.append(
            f"Added {len(result.added)} file(s) ({result.articles_after:,} articles in the table): the machine "
            f"build went from {result.events_before:,} to {result.events_after:,} events."
        )
    else:
        lines.append("No new article was added; the table is unchanged.")
    lines.extend(f"Already in the table: {d.file}: {d.reason}" for d in result.duplicates)
    lines.extend(f"Rejected: {r.file}: {r.reason}" for r in result.rejects)
    return lines

