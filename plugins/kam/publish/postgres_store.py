"""The warehouse SQL of publication, for PostgreSQL (same functions as duckdb_store).

`publish` replaces every reporting table in ONE transaction by
`DELETE FROM reporting.<t>; INSERT INTO reporting.<t> (...) SELECT ... FROM marts.<t>`
and writes the run's `pipeline_runs` row. DELETE and INSERT are MVCC-safe: a
reader never waits and never fails, and a reader that reads several tables in one
REPEATABLE READ (or SERIALIZABLE) transaction sees all of them from the old
night or all from the new one (a READ COMMITTED reader gets that per statement).
No TRUNCATE (not MVCC-safe), no snapshot file: BI reads the warehouse's schema
`reporting` directly (as `bi_reader`, see kam.pg.roles).

A reporting table missing, or whose columns (names and types, in order) differ
from its candidate's, is (re)created `LIKE` the candidate in the same
transaction. That is the one step that is not MVCC-safe (a reader whose snapshot
predates the commit sees the recreated table empty); it happens only on the
first publication and after a model's columns changed.

`publish_backfill` replaces only the run date's rows of
reporting.customer_segments_history (and writes the run row), in one transaction.
The run row is committed as `published` directly: BI reads this very transaction's
result, so there is no `publishing` state on PostgreSQL.
"""
from __future__ import annotations

from datetime import date

from psycopg2 import sql

from kam.publish.reporting_schema import (CANDIDATES, HISTORY_TABLE, PIPELINE_RUNS_DDL, REPORTING,
                                         missing_candidates_message)
from kam.publish.run_record import PIPELINE_RUNS_COLUMNS, PUBLISHED, PUBLISHING, RunRecord

#: the status a publication commits to the warehouse (BI reads the warehouse itself)
COMMITTED_STATUS = PUBLISHED


def existing_tables(con, schema: str) -> set[str]:
    """Base tables of `schema`."""
    with con.cursor() as cur:
        cur.execute("select table_name from information_schema.tables "
                    "where table_schema = %s and table_type = 'BASE TABLE'", (schema,))
        return {r[0] for r in cur.fetchall()}


def table_columns(cur, schema: str, table: str) -> list[tuple[str, str]]:
    """(name, type) of a table's columns in order; empty when the table does not exist."""
    cur.execute("select a.attname, format_type(a.atttypid, a.atttypmod) from pg_attribute a "
                "where a.attrelid = to_regclass(%s) and a.attnum > 0 and not a.attisdropped "
                "order by a.attnum", (f'"{schema}"."{table}"',))
    return [(name, kind) for name, kind in cur.fetchall()]


def require_candidates(con, tables: tuple[str, ...], schema: str = CANDIDATES) -> None:
    """Fail, naming them, when candidate tables are missing from `schema`."""
    missing = [t for t in tables if t not in existing_tables(con, schema)]
    con.rollback()
    if missing:
        raise RuntimeError(missing_candidates_message(missing, schema))


def latest_published_as_of(con) -> date | None:
    """The greatest as-of date of a published run; None before the first publication."""
    if "pipeline_runs" not in existing_tables(con, REPORTING):
        con.rollback()
        return None
    with con.cursor() as cur:
        cur.execute(f"select max(as_of_date) from {REPORTING}.pipeline_runs where status in (%s, %s)",
                    (PUBLISHED, PUBLISHING))
        latest = cur.fetchone()[0]
    con.rollback()
    return latest


def row_counts(con, schema: str, tables: tuple[str, ...]) -> dict[str, int]:
    """Rows of each table that exists in `schema`."""
    present = existing_tables(con, schema)
    counts = {}
    with con.cursor() as cur:
        for table in tables:
            if table in present:
                cur.execute(sql.SQL("select count(*) from {}.{}").format(sql.Identifier(schema),
                                                                         sql.Identifier(table)))
                counts[table] = cur.fetchone()[0]
    con.rollback()  # end the read transaction
    return counts


def source_watermarks(con) -> dict[str, str]:
    """The newest watermark per object of meta.watermarks (empty when there is none)."""
    if "watermarks" not in existing_tables(con, "meta"):
        con.rollback()
        return {}
    with con.cursor() as cur:
        # the text DuckDB's cast(timestamp as varchar) gives: no 'T', fraction only when non-zero
        cur.execute("select object, max(watermark)::text from meta.watermarks group by object order by object")
        marks = {obj: mark for obj, mark in cur.fetchall()}
    con.rollback()
    return marks


def ensure_schema(cur, schema: str) -> None:
    """Create the schema when missing (only then: CREATE SCHEMA checks the database privilege first)."""
    cur.execute("select 1 from pg_namespace where nspname = %s", (schema,))
    if cur.fetchone() is None:
        cur.execute(sql.SQL("create schema {}").format(sql.Identifier(schema)))


def _replace_table(cur, table: str, candidates: str) -> None:
    published = sql.Identifier(REPORTING, table)
    candidate = sql.Identifier(candidates, table)
    columns = table_columns(cur, candidates, table)
    if table_columns(cur, REPORTING, table) != columns:
        cur.execute(sql.SQL("drop table if exists {}").format(published))
        cur.execute(sql.SQL("create table {} (like {})").format(published, candidate))
    names = sql.SQL(", ").join(sql.Identifier(name) for name, _ in columns)
    cur.execute(sql.SQL("delete from {}").format(published))
    cur.execute(sql.SQL("insert into {} ({}) select {} from {}").format(published, names, names, candidate))


def _write_run(cur, record: RunRecord) -> None:
    cur.execute(PIPELINE_RUNS_DDL)
    cur.execute(f"delete from {REPORTING}.pipeline_runs where run_id = %s", (record.run_id,))
    placeholders = ", ".join("%s" for _ in PIPELINE_RUNS_COLUMNS)
    cur.execute(f"insert into {REPORTING}.pipeline_runs ({', '.join(PIPELINE_RUNS_COLUMNS)}) "
                f"values ({placeholders})", record.values())


def _in_transaction(con, work) -> None:
    con.rollback()  # start clean: nothing of an earlier read may be part of this transaction
    try:
        with con.cursor() as cur:
            ensure_schema(cur, REPORTING)
            work(cur)
    except BaseException:
        con.rollback()
        raise
    con.commit()


def publish(con, tables: tuple[str, ...], record: RunRecord, candidates: str = CANDIDATES) -> None:
    """In one transaction: every reporting table replaced from its candidate, plus the run row."""
    def work(cur):
        for table in tables:
            _replace_table(cur, table, candidates)
        _write_run(cur, record)
    _in_transaction(con, work)


def publish_backfill(con, record: RunRecord, candidates: str) -> int:
    """In one transaction: the history rows of the run's date replaced from the candidates, plus the run row.

    Columns are matched by name (the published table keeps its columns; one the
    candidate lacks is null). Returns the rows written.
    """
    written = []

    def work(cur):
        published = [name for name, _ in table_columns(cur, REPORTING, HISTORY_TABLE)]
        if not published:
            raise RuntimeError(f"publish: a backfill needs {REPORTING}.{HISTORY_TABLE}, which does not exist")
        offered = {name for name, _ in table_columns(cur, candidates, HISTORY_TABLE)}
        target = sql.Identifier(REPORTING, HISTORY_TABLE)
        names = sql.SQL(", ").join(sql.Identifier(c) for c in published)
        values = sql.SQL(", ").join(sql.Identifier(c) if c in offered else sql.SQL("null") for c in published)
        cur.execute(sql.SQL("delete from {} where as_of_date = %s").format(target), (record.as_of_date,))
        cur.execute(sql.SQL("insert into {} ({}) select {} from {} where as_of_date = %s").format(
            target, names, values, sql.Identifier(candidates, HISTORY_TABLE)), (record.as_of_date,))
        written.append(cur.rowcount)
        _write_run(cur, record)
    _in_transaction(con, work)
    return written[0]


def mark_published(con, record: RunRecord) -> None:
    """Nothing to do: the run row was committed as `published`."""


def record_run(con, record: RunRecord) -> None:
    """In one transaction: only the run row (a blocked run)."""
    _in_transaction(con, lambda cur: _write_run(cur, record))
