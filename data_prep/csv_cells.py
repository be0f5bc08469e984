"""Spreadsheet-safe CSV cells: the one helper every CSV writer of the tool uses.

Article text is untrusted. A CSV cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
return is run as a formula by Excel and LibreOffice (CSV injection), so such a text cell gets a
leading single quote, as OWASP advises. Numbers (numeric columns, and numbers held in an object
column) are never touched: `-3` stays a number.
"""
from __future__ import annotations

import re
from typing import Any

import pandas as pd

# A cell starting with one of these is run as a formula by Excel/LibreOffice.
FORMULA_START = re.compile(r"^[=+\-@\t\r]")
QUOTE = "'"


def neutralise_cell(value: Any) -> Any:
    """`value` with a leading quote when it is text a spreadsheet would run; anything else as it is."""
    if isinstance(value, str) and FORMULA_START.match(value):
        return QUOTE + value
    return value


def neutralise_series(series: pd.Series) -> pd.Series:
    """The column with its risky text cells quoted; numeric, boolean and date columns are returned as they are."""
    if pd.api.types.is_string_dtype(series.dtype) and not pd.api.types.is_object_dtype(series.dtype):
        risky = series.str.match(FORMULA_START).fillna(False).astype(bool)
        return series.where(~risky, QUOTE + series) if risky.any() else series
    if pd.api.types.is_object_dtype(series.dtype):
        risky = series.map(lambda v: isinstance(v, str) and bool(FORMULA_START.match(v))).astype(bool)
        return series.where(~risky, series.map(neutralise_cell)) if risky.any() else series
    return series


def neutralise_frame(frame: pd.DataFrame, keep: frozenset[str] = frozenset()) -> pd.DataFrame:
    """A copy of `frame` whose text cells are safe to open in a spreadsheet (columns in `keep` left alone)."""
    out = frame.copy()
    for column in out.columns:
        if column not in keep:
            out[column] = neutralise_series(out[column])
    return out
