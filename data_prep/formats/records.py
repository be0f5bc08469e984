"""Article records in .json, .jsonl and .csv files: one article per record, a bad record rejected alone.

Records are numbered from 1 (the data row for CSV, the line for JSONL, the list position for
JSON); an accepted record's Article.file is `name.ext#N`, a rejected one says "record N: ...".
"""
from __future__ import annotations

import csv
import itertools
import json
import logging
from collections.abc import Iterable, Iterator, Mapping

from .. import settings
from ..models import Article, Reject
from ..normalise import fix_mojibake
from .common import (
    ORIGIN_RECORD,
    TEXT_KEYS,
    build_article,
    metadata_from_fields,
    present,
    size_excess,
)

LOGGER = logging.getLogger(__name__)

NO_TEXT_FIELD = "no text field (looked for text, body, content, ...)"
NO_RECORDS = "no records in file"
TOO_DEEP = "JSON nested too deeply to read (lists or objects inside each other, over a thousand levels)"
# An object holding its articles in a list under one of these keys (API dumps, feeds).
LIST_KEYS: tuple[str, ...] = ("articles", "items", "records", "data", "results", "entries", "posts",
                              "documents", "docs")
CSV_DELIMITERS = ",;\t|"

# A CSV cell may hold a whole article; the csv module's default cap is 128 KiB.
csv.field_size_limit(max(csv.field_size_limit(), settings.MAX_RECORDS_FILE_BYTES))

_JSON_TYPES = {dict: "object", list: "array", str: "string", int: "number", float: "number",
               bool: "boolean", type(None): "null"}


def _text_of(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return "\n\n".join(value)  # a list of paragraphs
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def article_from_record(record: object, number: int, file: str, fmt: str) -> Article | Reject:
    """The Article a record describes, or a Reject naming the record."""
    def reject(reason: str) -> Reject:
        return Reject(file, f"record {number}: {reason}")

    if not isinstance(record, Mapping):
        return reject(f"not an object (got {_JSON_TYPES.get(type(record), type(record).__name__)})")
    candidates = [(k, v) for k, v in present(record, TEXT_KEYS) if v is not None]
    if not candidates:
        return reject(NO_TEXT_FIELD)
    key, value = next(((k, v) for k, v in candidates if _text_of(v) and _text_of(v).strip()),
                      candidates[0])
    text = _text_of(value)
    if text is None:
        return reject(f"field '{key}' is not text (got {_JSON_TYPES.get(type(value), type(value).__name__)})")
    size = len(text.encode("utf-8"))
    if size > settings.MAX_FILE_BYTES:
        return reject(f"text {size_excess(size, settings.MAX_FILE_BYTES)}")
    meta = metadata_from_fields(record)
    text = fix_mojibake(text)
    result = build_article(text, f"{file}#{number}", fmt, meta, ORIGIN_RECORD, raw=text)
    return reject(result.reason) if isinstance(result, Reject) else result


def _records_in(data: object) -> list[object] | None:
    if isinstance(data, list):
        return data
    if isinstance(data, Mapping):
        if present(data, TEXT_KEYS):
            return [data]  # one article
        for key in LIST_KEYS:
            for name, value in data.items():
                if str(name).lower() == key and isinstance(value, list):
                    return value
    return None


def read_json(raw: str, file: str, fmt: str = "json") -> Iterator[Article | Reject]:
    """Articles from a JSON list of records, an object with an `articles` list, or one record."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        yield Reject(file, f"invalid JSON ({exc.msg.removesuffix(' at')}, line {exc.lineno} column {exc.colno})")
        return
    except RecursionError:
        yield Reject(file, TOO_DEEP)
        return
    records = _records_in(data)
    if records is None:
        yield Reject(file, "no records found (expected a list of objects, or an object with an "
                           "'articles' list)")
        return
    if not records:
        yield Reject(file, NO_RECORDS)
        return
    for number, record in enumerate(records, start=1):
        yield article_from_record(record, number, file, fmt)


def read_jsonl(lines: Iterable[str], file: str, fmt: str = "jsonl") -> Iterator[Article | Reject]:
    """Articles from JSON Lines, one record per line (numbered by line; blank lines skipped)."""
    seen = False
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        seen = True
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Reject(file, f"record {number}: invalid JSON ({exc.msg.removesuffix(' at')}, column {exc.colno})")
            continue
        except RecursionError:
            yield Reject(file, f"record {number}: {TOO_DEEP}")
            continue
        yield article_from_record(record, number, file, fmt)
    if not seen:
        yield Reject(file, NO_RECORDS)


def sniff_delimiter(header: str) -> str:
    """The delimiter of a CSV header line: the most frequent of , ; tab | (comma on a tie)."""
    counts = {d: header.count(d) for d in CSV_DELIMITERS}
    best = max(CSV_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def read_csv(lines: Iterable[str], file: str, fmt: str = "csv") -> Iterator[Article | Reject]:
    """Articles from CSV rows under a header row; quoted cells may hold commas and newlines.

    `lines` must come from a file opened with newline="" so that quoted newlines survive.
    """
    lines = iter(lines)
    first = next(lines, None)
    while first is not None and not first.strip():
        first = next(lines, None)
    if first is None:
        yield Reject(file, NO_RECORDS)
        return
    reader = csv.DictReader(itertools.chain([first], lines), delimiter=sniff_delimiter(first))
    header = [name for name in (reader.fieldnames or []) if name]
    if not present(dict.fromkeys(header, ""), TEXT_KEYS):
        yield Reject(file, f"no text column (looked for text, body, content, ...; found {', '.join(header)})")
        return
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            yield article_from_record(row, number, file, fmt)
    except csv.Error as exc:
        yield Reject(file, f"record {number + 1}: malformed CSV ({exc}); the rest of the file was not read")
    if number == 0:
        yield Reject(file, NO_RECORDS)
