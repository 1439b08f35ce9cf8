"""Read the exported tables: from the published reporting tables, or a backfill's candidates.

Where they are read: the DuckDB reporting DB snapshot (KAM_REPORTING_DB), or, with
a PostgreSQL warehouse, the warehouse's schema `reporting` inside one READ ONLY,
REPEATABLE READ transaction (every table from the same night, even while a
publication commits). Both hand back the same Python values (Decimal amounts,
float shares, dates, booleans), so the files are identical.

Before reading, the run must be published: `pipeline_runs` has its run_id for its
as-of date with status `published`. If the reporting tables hold it (it is the
published run with the greatest as-of date, the latest of that date), they are
read. Otherwise it was published as a backfill (kam.publish.publication_mode):
the reporting tables stay on a later date, so the run's own candidates are read
(schema `candidates_schema` of the warehouse, `marts_backfill` for a backfill
build), after checking that every exported candidate with an `as_of_date` holds
only that date. The candidates are the tables the reporting tables would have
been copied from, so the files equal those the night of that date wrote.
Only the declared columns are selected (the allow-list of exposures.yml).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kam.config import Settings
from kam.publish.exposures import ExportSpec
from kam.publish.reporting_db import open_reporting_db
from kam.publish.reporting_schema import CANDIDATES, REPORTING, candidate_schema


class ExportError(RuntimeError):
    """The export cannot be made (nothing or another run published, a column missing...)."""


@dataclass(frozen=True)
class ExportTable:
    """One exported table: its declaration and rows (tuples in declared column order)."""

    spec: ExportSpec
    rows: list[tuple]


class _DuckDBReporting:
    """The reporting DB snapshot: tables by bare name, `?` parameters."""

    schema = REPORTING

    def __init__(self, reporting_db: str):
        self.where = str(reporting_db)
        self.con = open_reporting_db(reporting_db)

    def table(self, name: str) -> str:
        return name

    def fetchall(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    def columns(self, table: str) -> list[str]:
        return [r[0] for r in self.fetchall(
            "select column_name from information_schema.columns where table_schema = ? "
            "and table_catalog = current_database() and table_name = ? order by ordinal_position",
            [self.schema, table])]

    def close(self) -> None:
        self.con.close()


class _DuckDBCandidates(_DuckDBReporting):
    """A candidate schema of the DuckDB warehouse, opened read-only."""

    def __init__(self, settings: Settings, schema: str):
        from kam.warehouse import connect

        self.schema = schema
        self.where = f"schema {schema} of {settings.warehouse}"
        self.con = connect(settings, read_only=True)

    def table(self, name: str) -> str:
        return f"{self.schema}.{name}"


class _PostgresSchema:
    """A schema of the PostgreSQL warehouse, in one read-only REPEATABLE READ transaction."""

    def __init__(self, settings: Settings, schema: str = REPORTING):
        from kam.pg.connection import connect, safe_url

        self.schema = schema
        self.where = f"schema {schema} of {safe_url(settings.warehouse)}"
        self.con = connect(settings, application_name="kam-export")
        self.con.set_session(isolation_level="REPEATABLE READ", readonly=True)

    def table(self, name: str) -> str:
        return f'{self.schema}."{name}"'

    def fetchall(self, sql: str, params: list | None = None) -> list[tuple]:
        with self.con.cursor() as cur:
            cur.execute(sql.replace("?", "%s"), params or None)
            return cur.fetchall()

    def columns(self, table: str) -> list[str]:
        return [r[0] for r in self.fetchall(
            "select column_name from information_schema.columns where table_schema = ? "
            "and table_name = ? order by ordinal_position", [self.schema, table])]

    def close(self) -> None:
        self.con.rollback()
        self.con.close()


def _reporting_holds(source, run_id: str, as_of: date) -> bool:
    """Whether the reporting tables hold the run; fails when the run is not published at all."""
    if not source.columns("pipeline_runs"):
        raise ExportError(f"export: {source.where} has no pipeline_runs: nothing was published")
    runs = source.table("pipeline_runs")
    mine = source.fetchall(f"select count(*) from {runs} where status = 'published' and run_id = ? "
                           "and as_of_date = ?", [run_id, as_of])
    if not mine[0][0]:
        latest = source.fetchall(f"select run_id, as_of_date from {runs} where status = 'published' "
                                 "order by as_of_date desc, finished_at desc limit 1")
        holds = f"hold run {latest[0][0]!r} (as of {latest[0][1]})" if latest else "hold no published run"
        raise ExportError(f"export: run {run_id!r} as of {as_of} is not published in {source.where} "
                          f"(the reporting tables {holds}); export only after its publication")
    latest = source.fetchall(f"select run_id, as_of_date from {runs} where status = 'published' "
                             "order by as_of_date desc, finished_at desc limit 1")
    return latest[0][0] == run_id and latest[0][1] == as_of


def _check_candidates_of(source, specs: tuple[ExportSpec, ...], as_of: date) -> None:
    for spec in specs:
        if "as_of_date" not in source.columns(spec.table):
            continue
        dates = [r[0] for r in source.fetchall(f"select distinct as_of_date from {source.table(spec.table)}")]
        if any(d != as_of for d in dates):
            raise ExportError(f"export: {source.where} holds {spec.table} as of {sorted(dates)}, not {as_of}: "
                              "the candidates are not this run's (rebuilt since?)")


def _read_tables(source, specs: tuple[ExportSpec, ...]) -> list[ExportTable]:
    tables = []
    for spec in specs:
        present = source.columns(spec.table)
        if not present:
            raise ExportError(f"export: table {source.schema}.{spec.table} is not in {source.where}")
        missing = [c for c in spec.columns if c not in present]
        if missing:
            raise ExportError(f"export: {source.schema}.{spec.table} lacks declared columns {missing} "
                              "(dbt_project/models/exposures.yml, sales_ops_exports)")
        rows = source.fetchall(f"select {', '.join(spec.columns)} from {source.table(spec.table)} "
                               f"order by {spec.order_by_sql}")
        tables.append(ExportTable(spec, [tuple(r) for r in rows]))
    return tables


def _read(reporting, specs, run_id: str, as_of: date, open_candidates) -> list[ExportTable]:
    try:
        if _reporting_holds(reporting, run_id, as_of):
            return _read_tables(reporting, specs)
    finally:
        reporting.close()
    candidates = open_candidates()
    try:
        _check_candidates_of(candidates, specs, as_of)
        return _read_tables(candidates, specs)
    finally:
        candidates.close()


def read_export_tables(reporting_db: str, specs: tuple[ExportSpec, ...], *, run_id: str,
                       as_of: date) -> list[ExportTable]:
    """Rows of every declared export from the DuckDB reporting DB (which must hold the run), one connection."""
    def refuse():
        raise ExportError(f"export: {reporting_db} holds a later run than {run_id!r} as of {as_of}")
    return _read(_DuckDBReporting(reporting_db), specs, run_id, as_of, refuse)


def read_published_tables(settings: Settings, specs: tuple[ExportSpec, ...], *, run_id: str,
                          as_of: date, candidates_schema: str = CANDIDATES) -> list[ExportTable]:
    """Rows of every declared export of a published run (see the module docstring for where from)."""
    schema = candidate_schema(candidates_schema)
    if settings.warehouse_is_postgres:
        return _read(_PostgresSchema(settings), specs, run_id, as_of, lambda: _PostgresSchema(settings, schema))
    return _read(_DuckDBReporting(settings.reporting_db), specs, run_id, as_of,
                 lambda: _DuckDBCandidates(settings, schema))
