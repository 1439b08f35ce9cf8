"""Warehouse URLs: which engine a `KAM_WAREHOUSE` names (anything else is refused), and URLs in messages without
their password."""

from __future__ import annotations

import re

_PASSWORD = re.compile(r"(://[^:/@]+):[^@]*@")


def safe_url(url: str) -> str:
    """The URL with its password hidden (`postgresql://kam:***@host/db`)."""
    return _PASSWORD.sub(r"\1:***@", url)


POSTGRES_PREFIXES = ("postgresql://", "postgres://", "postgresql+")
SPARK_SESSION = "spark"  # a local Spark session under KAM_HOME
SPARK_THRIFT_PREFIX = "spark-thrift://"  # a Spark Thrift server: spark-thrift://host:10000/db
DUCKDB_SUFFIX = ".duckdb"

DUCKDB, POSTGRES, SPARK, SPARK_THRIFT = "duckdb", "postgres", "spark", "spark-thrift"


def warehouse_engine(warehouse: str) -> str:
    """The engine `KAM_WAREHOUSE` names: `duckdb` (a file path ending in .duckdb), `postgres`, `spark` or
    `spark-thrift`; anything else is refused (ValueError), never taken for a DuckDB file."""
    text = str(warehouse).strip()
    if text.startswith(POSTGRES_PREFIXES):
        return POSTGRES
    if text == SPARK_SESSION:
        return SPARK
    if text.startswith(SPARK_THRIFT_PREFIX):
        return SPARK_THRIFT
    if text.endswith(DUCKDB_SUFFIX):
        return DUCKDB
    raise ValueError(
        f"KAM_WAREHOUSE={safe_url(text)!r} names no warehouse: expected a DuckDB file ending in {DUCKDB_SUFFIX} "
        "(e.g. var/warehouse.duckdb), a PostgreSQL URL (postgresql://user:password@host:5432/db), "
        f"{SPARK_SESSION!r} (a local Spark session under KAM_HOME) or {SPARK_THRIFT_PREFIX}host:10000/db "
        "(a Spark Thrift server)"
    )


def is_postgres_url(warehouse: str) -> bool:
    """A `KAM_WAREHOUSE` naming a PostgreSQL server."""
    return str(warehouse).startswith(POSTGRES_PREFIXES)


def check_warehouse(warehouse: str) -> None:
    """Refuse (ValueError, see `warehouse_engine`) a `KAM_WAREHOUSE` that names no engine."""
    warehouse_engine(warehouse)
