"""The gate's read access to a PostgreSQL warehouse (a psycopg2 connection).

Same interface as `DuckDBAccess`: portable SQL with `?` placeholders (turned into
psycopg2's `%s`, a literal `%` doubled), and DataFrames typed the way DuckDB's
`.df()` types them (decimal and double -> float64, integers -> int64 or nullable
Int64, booleans -> bool or nullable boolean, dates and timestamps ->
datetime64[us], text -> str), so the Great Expectations suites see the same frame
on both warehouses (GX validates pandas DataFrames on both: one code path, one
expectation cache). A failed query rolls the transaction back, so the next check
can still read.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from kam.quality.access import DuckDBAccess

_INTEGER_TYPES = {20: "64", 21: "16", 23: "32"}  # int8, int2, int4 (pg_type oids)
_FLOAT_TYPES = {700, 701, 1700}  # float4, float8, numeric
_BOOLEAN = 16
_DATETIME_TYPES = {1082, 1114}  # date, timestamp
_TIMESTAMPTZ = 1184


def _sql(sql: str, params: list | None) -> str:
    return sql.replace("%", "%%").replace("?", "%s") if params else sql


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


class PostgresAccess(DuckDBAccess):
    """Read access to a PostgreSQL warehouse connection (psycopg2)."""

    def _run(self, sql: str, params: list | None, fetch):
        try:
            with self.con.cursor() as cur:
                cur.execute(_sql(sql, params), params or None)
                return fetch(cur)
        except Exception:
            self.con.rollback()
            raise

    def fetchone(self, sql: str, params: list | None = None) -> tuple[Any, ...] | None:
        return self._run(sql, params, lambda cur: cur.fetchone())

    def fetchall(self, sql: str, params: list | None = None) -> list[tuple[Any, ...]]:
        return self._run(sql, params, lambda cur: cur.fetchall())

    def frame(self, sql: str, params: list | None = None) -> pd.DataFrame:
        def to_frame(cur) -> pd.DataFrame:
            rows = cur.fetchall()
            columns = list(zip(*rows)) if rows else [[] for _ in cur.description]
            return pd.DataFrame({d.name: _series(list(values), d.type_code)
                                 for d, values in zip(cur.description, columns)})
        return self._run(sql, params, to_frame)
