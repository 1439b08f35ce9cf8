"""A small, independent check of the contract rules of sources.md on text rows.

`broken_rows` marks rows that break the contract (what extraction quarantines);
`instants` and `days` parse timestamp and date columns of the valid rows.
"""

from __future__ import annotations

import pandas as pd

from kam.contract import SourceObject

BOOLEAN_WORDS = {"true", "false", "1", "0", "yes", "no"}
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
NUMBER_PATTERN = r"^-?\d+(\.\d+)?$"


def instants(values: pd.Series) -> pd.Series:
    """UTC instants of contract timestamps (offsets, space for T, fractions, plain dates)."""
    text = values.astype("object").where(values.notna(), None)
    return pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")


def days(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values.where(values.str.match(DATE_PATTERN, na=False)), format="%Y-%m-%d", errors="coerce")


def _bad_values(obj: SourceObject, frame: pd.DataFrame, name: str) -> pd.Series:
    column = obj.column(name)
    values = frame[name] if name in frame else pd.Series([None] * len(frame), index=frame.index, dtype=object)
    missing = values.isna()
    present = values.fillna("").astype(str)
    if column.type == "date":
        bad = days(values).isna()
    elif column.type == "timestamp":
        bad = instants(values).isna()
    elif column.type in ("decimal", "rate", "integer"):
        number = pd.to_numeric(present.where(present.str.match(NUMBER_PATTERN)), errors="coerce")
        bad = number.isna()
        if column.type == "integer":
            bad |= number.fillna(0) % 1 != 0
        if column.minimum is not None:
            bad |= number < column.minimum
        if column.exclusive_minimum is not None:
            bad |= number <= column.exclusive_minimum
        if column.maximum is not None:
            bad |= number > column.maximum
    elif column.type == "boolean":
        bad = ~present.str.lower().isin(BOOLEAN_WORDS)
    elif column.type == "enum":
        bad = ~present.str.lower().isin(column.enum)
    else:
        bad = pd.Series(False, index=frame.index)
    return (bad & ~missing) | (missing & ~(column.nullable or column.optional))


def broken_rows(obj: SourceObject, frame: pd.DataFrame) -> pd.Series:
    """True for every row with a value that breaks the contract."""
    bad = pd.Series(False, index=frame.index)
    for name in obj.column_names:
        bad |= _bad_values(obj, frame, name)
    return bad
