"""The dashboard tests' hand-made events frame (tests/fixtures/dashboard/events.csv), conformed to the schema."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from data_prep import schema

DASHBOARD_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "dashboard"
EVENTS_CSV = DASHBOARD_FIXTURES / "events.csv"
_NUMERIC = (
    schema.FATALITIES, schema.FATALITIES_MAX, schema.INJURIES, schema.INJURIES_MAX,
    schema.GEO_PRECISION, schema.LATITUDE, schema.LONGITUDE,
)


def load_events() -> pd.DataFrame:
    """Ten events: day, approx, range, month and undated ones; one unlocated; one area-level; one statement."""
    raw = pd.read_csv(EVENTS_CSV, dtype=str, keep_default_na=False, na_values=[""])
    raw[schema.CONTESTED] = raw[schema.CONTESTED].map({"True": True, "False": False})
    for column in _NUMERIC:
        raw[column] = pd.to_numeric(raw[column])
    return schema.conform_events(raw)


def with_reviews(events: pd.DataFrame) -> pd.DataFrame:
    """The same events with review columns: E1 verified by ana, E3 rejected by ben, E6 needs work by ana."""
    out = events.copy()
    status = {"E1": schema.STATUS_VERIFIED, "E3": schema.STATUS_REJECTED_EVENT, "E6": schema.STATUS_NEEDS_WORK}
    reviewer = {"E1": "ana", "E3": "ben", "E6": "ana"}
    note = {"E6": "Toll overlaps the Jenin raid? check"}
    ids = out[schema.EVENT_ID]
    out[schema.REVIEW_STATUS] = ids.map(status).astype("string")
    out[schema.REVIEWER] = ids.map(reviewer).astype("string")
    out[schema.REVIEW_NOTE] = ids.map(note).astype("string")
    out[schema.REVIEWED_AT] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns, UTC]")
    return out
