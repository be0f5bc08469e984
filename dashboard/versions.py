"""Content tokens for the columns of the table the page shows, so that derived results are cached by what they read.

A review decision changes a few cells of one event, yet the page used to recompute the filter
options, headline and charts of every event after each save (two seconds at a million events).
Here every column of the shown table gets a token that changes only when the column's content
does, and `rows` identifies which event sits at which position. A cache keyed by
`version.of(columns)` (plus the filter, the lane...) is then reused across saves that leave those
columns alone, and recomputed after those that do not.

How a reviewed table's tokens are made without comparing a million cells: decisions that neither
merge, split nor re-date articles change only the rows of the events they name (`decided`), and
add the review columns. So a column's token is the machine table's token plus the cells of those
rows that differ from the machine's; the review columns' tokens are their cells on those rows
(elsewhere they hold their defaults). When rows may have moved (merges, splits, corrected dates,
or a table whose ids differ), every token becomes new. No streamlit here.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from data_prep import schema

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class TableVersion:
    """Tokens of a table: `rows` for the row layout, `columns` one per column, all hashable."""

    rows: Hashable
    columns: Mapping[str, Hashable]

    def of(self, columns: Iterable[str]) -> Hashable:
        """The token of these columns' content (a column the table lacks counts as a value too)."""
        return (self.rows, tuple((c, self.columns.get(c)) for c in dict.fromkeys(columns)))


def machine_version(events: pd.DataFrame, token: Hashable) -> TableVersion:
    """The version of a table as read from files whose version is `token` (e.g. the files' stamps)."""
    return TableVersion(rows=token, columns={c: token for c in events.columns})


def _digest(positions: np.ndarray, values: np.ndarray) -> str:
    """A short, deterministic fingerprint of (position, value) pairs."""
    text = repr([(int(p), v) for p, v in zip(positions, values)])
    return hashlib.blake2b(text.encode("utf-8", "backslashreplace"), digest_size=16).hexdigest()


def _differs(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Cell by cell (object arrays of a few cells): True where the values differ; two missing values are equal."""
    missing_before, missing_after = pd.isna(before), pd.isna(after)
    out = missing_before != missing_after
    for i in np.flatnonzero(~missing_before & ~missing_after):
        out[i] = not bool(before[i] == after[i])
    return out


def reviewed_version(machine: pd.DataFrame, base: TableVersion, shown: pd.DataFrame,
                     decided: Iterable[str] | None, fallback: Hashable) -> TableVersion:
    """The version of `shown`: the machine table `machine` (version `base`) with decisions applied.

    Args:
        machine: the table the decisions were applied to.
        base: its version (`machine_version`).
        shown: the table with the decisions applied.
        decided: the event ids whose rows decisions may have changed, or None when decisions may
            have moved rows (merges, splits, corrected publication dates, ids the table lacks).
        fallback: a token for this set of decisions (e.g. the review store's version), used for
            every column when rows may have moved.
    """
    ids = schema.EVENT_ID
    same_rows = (decided is not None and len(shown) == len(machine) and ids in shown and ids in machine
                 and shown[ids].equals(machine[ids]))
    if not same_rows:
        return TableVersion(rows=(base.rows, fallback), columns={c: (base.rows, fallback) for c in shown.columns})
    wanted = list(dict.fromkeys(decided or ()))
    positions = np.flatnonzero(shown[ids].isin(wanted).fillna(False).to_numpy(dtype=bool)) if wanted \
        else np.empty(0, dtype=np.intp)
    columns: dict[str, Hashable] = {}
    for column in shown.columns:
        after = _cells(shown[column], positions)
        if column in machine.columns:
            changed = _differs(_cells(machine[column], positions), after)
            token = base.columns.get(column, base.rows)
            columns[column] = (token, _digest(positions[changed], after[changed])) if changed.any() else token
        else:  # added by the decisions (review columns): defaults outside the decided rows
            columns[column] = (base.rows, "added", _digest(positions, after))
    return TableVersion(rows=base.rows, columns=columns)


def _cells(series: pd.Series, positions: np.ndarray) -> np.ndarray:
    """The cells at these positions as Python values (object array)."""
    values: Any = series.array.take(positions)
    return np.asarray(values, dtype=object)
