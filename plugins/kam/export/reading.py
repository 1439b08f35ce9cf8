"""Read the exported tables from the published reporting DB (never from the marts).

Before reading, the reporting DB must hold exactly the run being exported: its
latest published `pipeline_runs` row is that run_id with that as-of date.
Only the declared columns are selected (the allow-list of exposures.yml).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kam.publish.exposures import ExportSpec
from kam.publish.reporting_db import open_reporting_db


class ExportError(RuntimeError):
    """The export cannot be made (nothing or another run published, a column missing...)."""


@dataclass(frozen=True)
class ExportTable:
    """One exported table: its declaration and rows (tuples in declared column order)."""

    spec: ExportSpec
    rows: list[tuple]


def _check_published(con, reporting_db: str, run_id: str, as_of: date) -> None:
    tables = {r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'reporting' "
        "and table_catalog = current_database()").fetchall()}
    if "pipeline_runs" not in tables:
        raise ExportError(f"export: {reporting_db} has no pipeline_runs: nothing was published")
    latest = con.execute(
        "select run_id, as_of_date from pipeline_runs where status = 'published' "
        "order by finished_at desc limit 1").fetchone()
    if latest is None:
        raise ExportError(f"export: {reporting_db} has no published run")
    if latest[0] != run_id or latest[1] != as_of:
        raise ExportError(f"export: the reporting tables hold run {latest[0]!r} (as of {latest[1]}), "
                          f"not run {run_id!r} as of {as_of}; export only right after its publication")


def _columns(con, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_schema = 'reporting' "
        "and table_catalog = current_database() and table_name = ? order by ordinal_position", [table]).fetchall()]


def read_export_tables(reporting_db: str, specs: tuple[ExportSpec, ...], *, run_id: str,
                       as_of: date) -> list[ExportTable]:
    """Rows of every declared export, read in one read-only connection (one night)."""
    con = open_reporting_db(reporting_db)
    try:
        _check_published(con, reporting_db, run_id, as_of)
        tables = []
        for spec in specs:
            present = _columns(con, spec.table)
            if not present:
                raise ExportError(f"export: table reporting.{spec.table} is not published in {reporting_db}")
            missing = [c for c in spec.columns if c not in present]
            if missing:
                raise ExportError(f"export: reporting.{spec.table} lacks declared columns {missing} "
                                  "(dbt_project/models/exposures.yml, sales_ops_exports)")
            rows = con.execute(f"select {', '.join(spec.columns)} from {spec.table} "
                               f"order by {spec.order_by_sql}").fetchall()
            tables.append(ExportTable(spec, rows))
        return tables
    finally:
        con.close()
