"""Repair a DuckDB publication killed between its warehouse commit and the BI file's rename.

A `publishing` row becomes `published` when the BI file holds that run, else the warehouse's
`reporting` schema is restored from the BI file (docs/decisions/0009, 0011).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from kam.warehouse.comments import TableComments, comments_sql
from kam.warehouse.duckdb_comments import schema_comments
from kam.warehouse.duckdb_session import base_tables
from kam.warehouse.reporting_schema import PUBLISHED, PUBLISHING, REPORTING

log = logging.getLogger(__name__)

BI_ALIAS = "kam_published_bi_file"
MARKED_PUBLISHED = "marked_published"
REMOVED = "removed"


@dataclass(frozen=True)
class Reconciled:
    """What happened to one `publishing` row."""

    run_id: str
    as_of_date: date
    outcome: str  # MARKED_PUBLISHED or REMOVED


def _publishing_rows(con: duckdb.DuckDBPyConnection) -> list[tuple[str, date, datetime]]:
    if "pipeline_runs" not in base_tables(con, REPORTING):
        return []
    return con.execute(
        f"select run_id, as_of_date, finished_at from {REPORTING}.pipeline_runs where status = ? order by finished_at",
        [PUBLISHING],
    ).fetchall()


def _bi_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_catalog = ? and table_schema = ? "
            "and table_type = 'BASE TABLE'",
            [BI_ALIAS, REPORTING],
        ).fetchall()
    }


def _bi_published(con: duckdb.DuckDBPyConnection, tables: set[str]) -> set[tuple[str, datetime]]:
    if "pipeline_runs" not in tables:
        return set()
    return {
        (run_id, finished)
        for run_id, finished in con.execute(
            f"select run_id, finished_at from {BI_ALIAS}.{REPORTING}.pipeline_runs where status = ?", [PUBLISHED]
        ).fetchall()
    }


def _restore_from_bi(con: duckdb.DuckDBPyConnection, tables: set[str]) -> None:
    """The warehouse's reporting schema becomes a copy of the BI file's (comments too), in one transaction."""
    comments = schema_comments(con, BI_ALIAS, REPORTING)
    con.execute("begin transaction")
    try:
        for table in sorted(base_tables(con, REPORTING) - tables):
            con.execute(f"drop table {REPORTING}.{table}")
        for table in sorted(tables):
            con.execute(f"create or replace table {REPORTING}.{table} as select * from {BI_ALIAS}.{REPORTING}.{table}")
            con.execute(comments_sql(f"{REPORTING}.{table}", comments.get(table, TableComments())))
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def reconcile_on(con: duckdb.DuckDBPyConnection, reporting_db: str | Path) -> list[Reconciled]:
    """Reconcile the `publishing` rows of the warehouse open as `con` with the BI file `reporting_db`."""
    rows = _publishing_rows(con)
    if not rows:
        return []
    bi_file = Path(reporting_db)
    if not bi_file.exists():  # BI saw nothing yet: the reporting schema goes back to holding no night
        con.execute("begin transaction")
        try:
            for table in sorted(base_tables(con, REPORTING) - {"pipeline_runs"}):
                con.execute(f"drop table {REPORTING}.{table}")
            con.execute(f"delete from {REPORTING}.pipeline_runs where status = ?", [PUBLISHING])
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("commit")
        done = [Reconciled(run_id, as_of, REMOVED) for run_id, as_of, _ in rows]
    else:
        literal = str(bi_file.resolve()).replace("'", "''")
        con.execute(f"attach '{literal}' as {BI_ALIAS} (read_only)")
        try:
            tables = _bi_tables(con)
            visible = _bi_published(con, tables)
            seen = [(run_id, as_of) for run_id, as_of, finished in rows if (run_id, finished) in visible]
            if len(seen) == len(rows):
                con.execute(
                    f"update {REPORTING}.pipeline_runs set status = ? where status = ?", [PUBLISHED, PUBLISHING]
                )
            else:
                _restore_from_bi(con, tables)
        finally:
            con.execute(f"detach {BI_ALIAS}")
        seen_ids = {run_id for run_id, _ in seen}
        done = [
            Reconciled(run_id, as_of, MARKED_PUBLISHED if run_id in seen_ids else REMOVED) for run_id, as_of, _ in rows
        ]
    for item in done:
        if item.outcome == MARKED_PUBLISHED:
            log.warning(
                "run %s (as of %s) was left 'publishing' by a killed publication; the BI file %s holds "
                "it, so it is now 'published'",
                item.run_id,
                item.as_of_date,
                bi_file,
            )
        else:
            log.warning(
                "run %s (as of %s) was left 'publishing' by a killed publication that BI never saw; "
                "its row and unseen reporting tables are removed (the reporting schema is what %s "
                "holds): rerun it",
                item.run_id,
                item.as_of_date,
                bi_file,
            )
    return done
