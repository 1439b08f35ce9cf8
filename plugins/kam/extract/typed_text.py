"""Typed values (Parquet columns, SQL result columns) as the text the contract reads.

Dates become `YYYY-MM-DD`, timestamps `YYYY-MM-DD HH:MM:SS[.ffffff]` (with `Z`
when the value carries a time zone: it is converted to UTC first), decimals and
integers their plain decimal text, booleans `true`/`false`.
"""

from __future__ import annotations


def text_expression(column_sql: str, duckdb_type: str) -> str:
    """DuckDB SQL giving the contract text of a typed column."""
    upper = duckdb_type.upper()
    if upper in ("VARCHAR", "JSON"):
        return column_sql
    if upper.startswith("TIMESTAMP WITH TIME ZONE") or upper == "TIMESTAMPTZ":
        return f"cast(timezone('UTC', {column_sql}) as varchar) || 'Z'"
    return f"cast({column_sql} as varchar)"
