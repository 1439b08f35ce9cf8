"""DataFrames of a psycopg2 result typed the way DuckDB's `.df()` types them.

Decimal and double -> float64, integers -> int64 (nullable Int64 with nulls),
booleans -> bool (nullable boolean), dates and timestamps -> datetime64[us],
timestamptz -> datetime64[us, UTC], text -> str: a check reading a frame sees the
same frame on both warehouses.
"""

from __future__ import annotations

import pandas as pd

_INTEGER_TYPES = {20: "64", 21: "16", 23: "32"}  # int8, int2, int4 (pg_type oids)
_FLOAT_TYPES = {700, 701, 1700}  # float4, float8, numeric
_BOOLEAN = 16
_DATETIME_TYPES = {1082, 1114}  # date, timestamp
_TIMESTAMPTZ = 1184


def _series(values: list, type_code: int) -> pd.Series:
    has_null = any(v is None for v in values)
    if type_code in _INTEGER_TYPES:
        bits = _INTEGER_TYPES[type_code]
        return pd.Series(values, dtype=f"Int{bits}" if has_null else f"int{bits}")
    if type_code in _FLOAT_TYPES:
        return pd.Series([None if v is None else float(v) for v in values], dtype="float64")
    if type_code == _BOOLEAN:
        return pd.Series(values, dtype="boolean" if has_null else "bool")
    if type_code in _DATETIME_TYPES:
        return pd.Series(pd.to_datetime(pd.Series(values, dtype="object")), dtype="datetime64[us]")
    if type_code == _TIMESTAMPTZ:
        return pd.Series(pd.to_datetime(pd.Series(values, dtype="object"), utc=True), dtype="datetime64[us, UTC]")
    if all(v is None or isinstance(v, str) for v in values):
        return pd.Series(values, dtype="str")
    return pd.Series(values, dtype="object")


def frame_of(cursor) -> pd.DataFrame:
    """The rows of an executed psycopg2 cursor as a DataFrame with DuckDB's dtypes."""
    rows = cursor.fetchall()
    columns = list(zip(*rows)) if rows else [[] for _ in cursor.description]
    return pd.DataFrame({d.name: _series(list(values), d.type_code) for d, values in zip(cursor.description, columns)})
