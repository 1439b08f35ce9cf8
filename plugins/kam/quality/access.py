"""The gate's only door to the warehouse: a few read queries behind one small class.

Checks write portable SQL with `?` placeholders and call `table_exists`,
`fetchone`, `fetchall` and `frame`. `DuckDBAccess` serves a DuckDB connection,
`kam.quality.postgres_access.PostgresAccess` a psycopg2 one; `access_for` chooses,
`connect_warehouse(settings)` opens the right connection.
"""
from __future__ import annotations

from typing import Any

import pandas as pd


class DuckDBAccess:
    """Read access to a DuckDB warehouse connection."""

    def __init__(self, con) -> None:
        self.con = con

    def table_exists(self, schema: str, table: str) -> bool:
        row = self.fetchone(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ? and table_catalog = current_database()",
            [schema, table])
        return bool(row and row[0])

    def columns(self, schema: str, table: str) -> list[str]:
        rows = self.fetchall(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ? and table_catalog = current_database() "
            "order by ordinal_position", [schema, table])
        return [r[0] for r in rows]

    def fetchone(self, sql: str, params: list | None = None) -> tuple[Any, ...] | None:
        return self.con.execute(sql, params or []).fetchone()

    def fetchall(self, sql: str, params: list | None = None) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, params or []).fetchall()

    def frame(self, sql: str, params: list | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()


WarehouseAccess = DuckDBAccess  # the interface every access class follows


def access_for(con) -> WarehouseAccess:
    """The access class for `con`: a DuckDB connection, or a psycopg2 connection to PostgreSQL."""
    import duckdb

    if isinstance(con, duckdb.DuckDBPyConnection):
        return DuckDBAccess(con)
    import psycopg2.extensions

    if isinstance(con, psycopg2.extensions.connection):
        from kam.quality.postgres_access import PostgresAccess

        return PostgresAccess(con)
    raise NotImplementedError(
        f"the data-quality gate reads DuckDB or PostgreSQL (psycopg2) connections, got {type(con).__name__}")


def connect_warehouse(settings):
    """A connection to the settings' warehouse for `run_gate`: DuckDB, or psycopg2 for a postgresql:// URL."""
    if settings.warehouse_is_postgres:
        from kam.pg.connection import connect

        return connect(settings, application_name="kam-gate")
    from kam.warehouse import connect

    return connect(settings)
