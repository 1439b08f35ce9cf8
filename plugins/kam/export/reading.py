"""Read the exported tables from the published reporting tables (never from the marts).

Where they are read: the DuckDB reporting DB snapshot (KAM_REPORTING_DB), or, with
a PostgreSQL warehouse, the warehouse's schema `reporting` inside one READ ONLY,
REPEATABLE READ transaction (every table from the same night, even while a
publication commits). Both hand back the same Python values (Decimal amounts,
float shares, dates, booleans), so the files are identical.

Before reading, the reporting tables must hold exactly the run being exported:
its latest published `pipeline_runs` row is that run_id with that as-of date.
Only the declared columns are selected (the allow-list of exposures.yml).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kam.config import Settings
from kam.publish.exposures import ExportSpec
from kam.publish.reporting_db import open_reporting_db


class ExportError(RuntimeError):
    """The export cannot be made (nothing or another run published, a column missing...)."""


@dataclass(frozen=True)
class ExportTable:
    """One exported table: its declaration and rows (tuples in declared column order)."""

    spec: ExportSpec
    rows: list[tuple]


class _DuckDBReporting:
    """The reporting DB snapshot: tables by bare name, `?` parameters."""

    def __init__(self, reporting_db: str):
        self.where = str(reporting_db)
        self.con = open_reporting_db(reporting_db)

    def table(self, name: str) -> str:
        return name

    def fetchall(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    def columns(self, table: str) -> list[str]:
        return [r[0] for r in self.fetchall(
            "select column_name from information_schema.columns where table_schema = 'reporting' "
            "and table_catalog = current_database() and table_name = ? order by ordinal_position", [table])]

    def close(self) -> None:
        self.con.close()


class _PostgresReporting:
    """The PostgreSQL warehouse's schema `reporting`, in one read-only REPEATABLE READ transaction."""

    def __init__(self, settings: Settings):
        from kam.pg.connection import connect, safe_url

        self.where = f"schema reporting of {safe_url(settings.warehouse)}"
        self.con = connect(settings, application_name="kam-export")
        self.con.set_session(isolation_level="REPEATABLE READ", readonly=True)

    def table(self, name: str) -> str:
        return f'reporting."{name}"'

    def fetchall(self, sql: str, params: list | None = None) -> list[tuple]:
        with self.con.cursor() as cur:
            cur.execute(sql.replace("?", "%s"), params or None)
            return cur.fetchall()

    def columns(self, table: str) -> list[str]:
        return [r[0] for r in self.fetchall(
            "select column_name from information_schema.columns where table_schema = 'reporting' "
            "and table_name = ? order by ordinal_position", [table])]

    def close(self) -> None:
        self.con.rollback()
        self.con.close()


def _check_published(source, run_id: str, as_of: date) -> None:
    if not source.columns("pipeline_runs"):
        raise ExportError(f"export: {source.where} has no pipeline_runs: nothing was published")
    latest = source.fetchall(
        f"select run_id, as_of_date from {source.table('pipeline_runs')} where status = 'published' "
        "order by finished_at desc limit 1")
    if not latest:
        raise ExportError(f"export: {source.where} has no published run")
    latest_run, latest_as_of = latest[0]
    if latest_run != run_id or latest_as_of != as_of:
        raise ExportError(f"export: the reporting tables hold run {latest_run!r} (as of {latest_as_of}), "
                          f"not run {run_id!r} as of {as_of}; export only right after its publication")


def _read(source, specs: tuple[ExportSpec, ...], run_id: str, as_of: date) -> list[ExportTable]:
    try:
        _check_published(source, run_id, as_of)
        tables = []
        for spec in specs:
            present = source.columns(spec.table)
            if not present:
                raise ExportError(f"export: table reporting.{spec.table} is not published in {source.where}")
            missing = [c for c in spec.columns if c not in present]
            if missing:
                raise ExportError(f"export: reporting.{spec.table} lacks declared columns {missing} "
                                  "(dbt_project/models/exposures.yml, sales_ops_exports)")
            rows = source.fetchall(f"select {', '.join(spec.columns)} from {source.table(spec.table)} "
                                   f"order by {spec.order_by_sql}")
            tables.append(ExportTable(spec, [tuple(r) for r in rows]))
        return tables
    finally:
        source.close()


def read_export_tables(reporting_db: str, specs: tuple[ExportSpec, ...], *, run_id: str,
                       as_of: date) -> list[ExportTable]:
    """Rows of every declared export from the DuckDB reporting DB, in one read-only connection (one night)."""
    return _read(_DuckDBReporting(reporting_db), specs, run_id, as_of)


def read_published_tables(settings: Settings, specs: tuple[ExportSpec, ...], *, run_id: str,
                          as_of: date) -> list[ExportTable]:
    """Rows of every declared export from where the settings' warehouse publishes."""
    source = _PostgresReporting(settings) if settings.warehouse_is_postgres else _DuckDBReporting(settings.reporting_db)
    return _read(source, specs, run_id, as_of)
