"""Read the exported tables of a published run: the reporting tables, or a backfill's candidates.

A backfill leaves the reporting tables on a later date, so its run is read from its own candidates,
which are what the reporting tables would have been copied from (docs/decisions/0015). Only the
columns exposures.yml allows are selected.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from kam.config import Settings
from kam.publish.exposures import ExportSpec
from kam.warehouse import TableReader, open_warehouse
from kam.warehouse.reporting_schema import CANDIDATES, candidate_schema


class ExportError(RuntimeError):
    """The export cannot be made (nothing or another run published, a column missing...)."""


@dataclass(frozen=True)
class ExportTable:
    """One exported table: its declaration and rows (tuples in declared column order)."""

    spec: ExportSpec
    rows: list[tuple]


def _reporting_holds(source: TableReader, run_id: str, as_of: date) -> bool:
    """Whether the reporting tables hold the run; fails when the run is not published at all."""
    if not source.columns("pipeline_runs"):
        raise ExportError(f"export: {source.where} has no pipeline_runs: nothing was published")
    runs = source.table("pipeline_runs")
    mine = source.fetchall(
        f"select count(*) from {runs} where status = 'published' and run_id = ? and as_of_date = ?", [run_id, as_of]
    )
    if not mine[0][0]:
        latest = source.fetchall(
            f"select run_id, as_of_date from {runs} where status = 'published' "
            "order by as_of_date desc, finished_at desc limit 1"
        )
        holds = f"hold run {latest[0][0]!r} (as of {latest[0][1]})" if latest else "hold no published run"
        raise ExportError(
            f"export: run {run_id!r} as of {as_of} is not published in {source.where} "
            f"(the reporting tables {holds}); export only after its publication"
        )
    latest = source.fetchall(
        f"select run_id, as_of_date from {runs} where status = 'published' "
        "order by as_of_date desc, finished_at desc limit 1"
    )
    return latest[0][0] == run_id and latest[0][1] == as_of


def _check_candidates_of(source: TableReader, tables: list[str], as_of: date) -> None:
    for table in tables:
        if "as_of_date" not in source.columns(table):
            continue
        dates = [r[0] for r in source.fetchall(f"select distinct as_of_date from {source.table(table)}")]
        if any(d != as_of for d in dates):
            raise ExportError(
                f"export: {source.where} holds {table} as of {sorted(dates)}, not {as_of}: "
                "the candidates are not this run's (rebuilt since?)"
            )


def _read_tables(source: TableReader, specs: tuple[ExportSpec, ...]) -> list[ExportTable]:
    tables = []
    for spec in specs:
        present = source.columns(spec.table)
        if not present:
            raise ExportError(f"export: table {source.schema}.{spec.table} is not in {source.where}")
        missing = [c for c in spec.columns if c not in present]
        if missing:
            raise ExportError(
                f"export: {source.schema}.{spec.table} lacks declared columns {missing} "
                "(dbt_project/models/exposures.yml, sales_ops_exports)"
            )
        rows = source.fetchall(
            f"select {', '.join(spec.columns)} from {source.table(spec.table)} order by {spec.order_by_sql}"
        )
        tables.append(ExportTable(spec, [tuple(r) for r in rows]))
    return tables


def read_published_tables(
    settings: Settings, specs: tuple[ExportSpec, ...], *, run_id: str, as_of: date, candidates_schema: str = CANDIDATES
) -> list[ExportTable]:
    """Rows of every declared export of a published run (see the module docstring for where from)."""
    tables = [spec.table for spec in specs]
    with run_source(settings, run_id=run_id, as_of=as_of, candidates_schema=candidates_schema, tables=tables) as source:
        return _read_tables(source, specs)


@contextmanager
def run_source(
    settings: Settings, *, run_id: str, as_of: date, candidates_schema: str = CANDIDATES, tables: list[str]
) -> Iterator[TableReader]:
    """The reader of a published run's tables: the reporting tables while they hold the run, else its
    candidates, each of `tables` checked to be of `as_of` (see the module docstring)."""
    schema = candidate_schema(candidates_schema)
    warehouse = open_warehouse(settings)
    reporting = warehouse.published_reader()
    try:
        holds = _reporting_holds(reporting, run_id, as_of)
        if holds:
            yield reporting
    finally:
        reporting.close()
    if holds:
        return
    candidates = warehouse.candidates_reader(schema)
    try:
        _check_candidates_of(candidates, tables, as_of)
        yield candidates
    finally:
        candidates.close()
