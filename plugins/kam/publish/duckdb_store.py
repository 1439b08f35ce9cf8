"""The warehouse SQL of publication, for DuckDB (the one place it lives).

kam.publish.postgres_store offers the same functions for a PostgreSQL warehouse.
On DuckDB the run row is committed with status `publishing`; the BI snapshot
(kam.publish.snapshot) carries it as `published`, and `mark_published` updates the
warehouse row once the snapshot is in place (kam.publish.reconcile repairs a kill
in between).
"""
from __future__ import annotations

from datetime import date

import duckdb

from kam.publish.reporting_schema import (CANDIDATES, HISTORY_TABLE, PIPELINE_RUNS_DDL,  # noqa: F401 (re-exported)
                                         REPORTING, missing_candidates_message)
from kam.publish.run_record import PIPELINE_RUNS_COLUMNS, PUBLISHED, PUBLISHING, RunRecord

#: the status a publication commits to the warehouse
COMMITTED_STATUS = PUBLISHING


def existing_tables(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    """Base tables of `schema` in the connection's own database."""
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = current_database() and table_schema = ? and table_type = 'BASE TABLE'",
        [schema],
    ).fetchall()
    return {r[0] for r in rows}


def table_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    """Column names of a table in order; empty when it does not exist."""
    return [r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_catalog = current_database() "
        "and table_schema = ? and table_name = ? order by ordinal_position", [schema, table]).fetchall()]


def require_candidates(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...], schema: str = CANDIDATES) -> None:
    """Fail, naming them, when candidate tables are missing from `schema`."""
    missing = [t for t in tables if t not in existing_tables(con, schema)]
    if missing:
        raise RuntimeError(missing_candidates_message(missing, schema))


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


def latest_published_as_of(con: duckdb.DuckDBPyConnection) -> date | None:
    """The greatest as-of date of a published (or publishing) run; None before the first publication."""
    if "pipeline_runs" not in existing_tables(con, REPORTING):
        return None
    return con.execute(f"select max(as_of_date) from {REPORTING}.pipeline_runs where status in (?, ?)",
                       [PUBLISHED, PUBLISHING]).fetchone()[0]


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


def publish(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...], record: RunRecord,
            candidates: str = CANDIDATES) -> None:
    """In one transaction: every reporting table replaced from its candidate, plus the run row."""
    def work():
        con.execute(f"create schema if not exists {REPORTING}")
        for table in tables:
            con.execute(f"create or replace table {REPORTING}.{table} as select * from {candidates}.{table}")
        _write_run(con, record)
    _in_transaction(con, work)


def publish_backfill(con: duckdb.DuckDBPyConnection, record: RunRecord, candidates: str) -> int:
    """In one transaction: the history rows of the run's date replaced from the candidates, plus the run row.

    Columns are matched by name: the published table keeps its columns (a column it
    lacks is not added, one the candidate lacks is null). Returns the rows written.
    """
    published = table_columns(con, REPORTING, HISTORY_TABLE)
    if not published:
        raise RuntimeError(f"publish: a backfill needs {REPORTING}.{HISTORY_TABLE}, which does not exist")
    offered = set(table_columns(con, candidates, HISTORY_TABLE))
    names = ", ".join(published)
    values = ", ".join(c if c in offered else f"null as {c}" for c in published)
    written = []

    def work():
        con.execute(f"delete from {REPORTING}.{HISTORY_TABLE} where as_of_date = ?", [record.as_of_date])
        con.execute(f"insert into {REPORTING}.{HISTORY_TABLE} ({names}) select {values} "
                    f"from {candidates}.{HISTORY_TABLE} where as_of_date = ?", [record.as_of_date])
        written.append(con.execute(f"select count(*) from {REPORTING}.{HISTORY_TABLE} where as_of_date = ?",
                                   [record.as_of_date]).fetchone()[0])
        _write_run(con, record)
    _in_transaction(con, work)
    return written[0]


def mark_published(con: duckdb.DuckDBPyConnection, record: RunRecord) -> None:
    """The run row becomes `published` (its snapshot is in place)."""
    con.execute(f"update {REPORTING}.pipeline_runs set status = ? where run_id = ? and status = ?",
                [PUBLISHED, record.run_id, PUBLISHING])


def record_run(con: duckdb.DuckDBPyConnection, record: RunRecord) -> None:
    """In one transaction: only the run row (a blocked run)."""
    def work():
        con.execute(f"create schema if not exists {REPORTING}")
        _write_run(con, record)
    _in_transaction(con, work)
