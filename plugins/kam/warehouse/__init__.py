"""The warehouse seam: one `Warehouse` interface (kam.warehouse.base), one implementation per engine.

`open_warehouse(settings)` picks the engine from KAM_WAREHOUSE (kam.warehouse.urls.warehouse_engine),
`warehouse_of(con)` wraps an open connection. No other module looks at the engine; a third engine is one subclass and a dbt target.
"""

from __future__ import annotations

from typing import Any

from kam.config import Settings, load_settings
from kam.warehouse.base import TableReader, Warehouse
from kam.warehouse.duckdb_session import check_memory_limit, check_threads, connect
from kam.warehouse.urls import POSTGRES, SPARK, SPARK_THRIFT, safe_url, warehouse_engine

__all__ = [
    "TableReader",
    "Warehouse",
    "check_memory_limit",
    "check_threads",
    "connect",
    "open_warehouse",
    "safe_url",
    "warehouse_of",
]


def open_warehouse(settings: Settings | None = None, *, purpose: str = "kam") -> Warehouse:
    """A session on the settings' warehouse (connected on first use). `purpose` names the PostgreSQL
    session (application_name)."""
    settings = settings or load_settings()
    engine = warehouse_engine(settings.warehouse)
    if engine == POSTGRES:
        from kam.warehouse.postgres_warehouse import PostgresWarehouse

        return PostgresWarehouse(settings, purpose=purpose)
    if engine in (SPARK, SPARK_THRIFT):
        from kam.warehouse.spark_warehouse import SparkWarehouse

        return SparkWarehouse(settings)
    from kam.warehouse.duckdb_warehouse import DuckDBWarehouse

    return DuckDBWarehouse(settings)


def warehouse_of(con: Any, settings: Settings | None = None) -> Warehouse:
    """`con` itself when it is a Warehouse, else a Warehouse on the open connection (the caller closes it)."""
    if isinstance(con, Warehouse):
        return con
    import duckdb

    if isinstance(con, duckdb.DuckDBPyConnection):
        from kam.warehouse.duckdb_warehouse import DuckDBWarehouse

        return DuckDBWarehouse(settings, con=con)
    import psycopg2.extensions

    if isinstance(con, psycopg2.extensions.connection):
        from kam.warehouse.postgres_warehouse import PostgresWarehouse

        return PostgresWarehouse(settings, con=con)
    raise NotImplementedError(
        f"a warehouse is a DuckDB or a PostgreSQL (psycopg2) connection, got {type(con).__name__}"
    )
