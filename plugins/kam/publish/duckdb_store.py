"""The warehouse SQL of publication, for DuckDB (the one place it lives).

kam.publish.postgres_store offers the same functions for a PostgreSQL warehouse.
"""
from __future__ import annotations

import duckdb

from kam.publish.reporting_schema import (CANDIDATES, PIPELINE_RUNS_DDL, REPORTING,  # noqa: F401 (re-exported)
                                         missing_candidates_message)
from kam.publish.run_record import PIPELINE_RUNS_COLUMNS, RunRecord


def existing_tables(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    """Base tables of `schema` in the connection's own database."""
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = current_database() and table_schema = ? and table_type = 'BASE TABLE'",
        [schema],
    ).fetchall()
    return {r[0] for r in rows}


def require_candidates(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...]) -> None:
    """Fail, naming them, when candidate tables are missing from schema marts."""
    missing = [t for t in tables if t not in existing_tables(con, CANDIDATES)]
    if missing:
        raise RuntimeError(missing_candidates_message(missing))


def row_counts(con: duckdb.DuckDBPyConnection, schema: str, tables: tuple[str, ...]) -> dict[str, int]:
    """Rows of each table that exists in `schema`."""
    present = existing_tables(con, schema)
    return {t: con.execute(f"select count(*) from {schema}.{t}").fetchone()[0] for t in tables if t in present}


def source_watermarks(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The newest watermark per object of meta.watermarks (empty when there is none)."""
    if "watermarks" not in existing_tables(con, "meta"):
        return {}
    rows = con.execute(
        "select object, cast(max(watermark) as varchar) from meta.watermarks group by object order by object"
    ).fetchall()
    return {obj: mark for obj, mark in rows}


def _write_run(con: duckdb.DuckDBPyConnection, record: RunRecord) -> None:
    con.execute(PIPELINE_RUNS_DDL)
    con.execute(f"delete from {REPORTING}.pipeline_runs where run_id = ?", [record.run_id])
    placeholders = ", ".join("?" for _ in PIPELINE_RUNS_COLUMNS)
    con.execute(f"insert into {REPORTING}.pipeline_runs ({', '.join(PIPELINE_RUNS_COLUMNS)}) "
                f"values ({placeholders})", list(record.values()))


def _in_transaction(con: duckdb.DuckDBPyConnection, work) -> None:
    con.execute("begin transaction")
    try:
        work()
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def publish(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...], record: RunRecord) -> None:
    """In one transaction: every reporting table replaced from its candidate, plus the run row."""
    def work():
        con.execute(f"create schema if not exists {REPORTING}")
        for table in tables:
            con.execute(f"create or replace table {REPORTING}.{table} as select * from {CANDIDATES}.{table}")
        _write_run(con, record)
    _in_transaction(con, work)


def record_run(con: duckdb.DuckDBPyConnection, record: RunRecord) -> None:
    """In one transaction: only the run row (a blocked run)."""
    def work():
        con.execute(f"create schema if not exists {REPORTING}")
        _write_run(con, record)
    _in_transaction(con, work)
