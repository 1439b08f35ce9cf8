"""Publish a run that passed the gate, or record a run that the gate blocked.

`publish_run`: in one warehouse transaction every table of the `bi_reporting`
exposure is replaced in schema `reporting` from its candidate in schema `marts`,
and the run's `reporting.pipeline_runs` row is written (one row per run_id: a
retry of a run replaces its row). Then the reporting DB snapshot is replaced
(see kam.publish.snapshot).

`record_blocked`: only the run's `pipeline_runs` row (status `blocked`, the failed
checks with their numbers) is written; every other reporting table keeps its
content; the snapshot is refreshed so BI sees the blocked night in pipeline_runs.

The store is chosen by the warehouse: kam.publish.duckdb_store (then the
snapshot file) or, for a `postgresql://` KAM_WAREHOUSE, kam.publish.postgres_store
(no snapshot: BI reads the warehouse's `reporting` schema; KAM_REPORTING_DB is
unused and `PublishResult.reporting_db` is None).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from kam.config import Settings
from kam.publish import duckdb_store, postgres_store
from kam.publish.exposures import reporting_tables
from kam.publish.run_record import BLOCKED, PUBLISHED, failed_checks, run_record
from kam.publish.snapshot import write_reporting_snapshot
from kam.warehouse import connect

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PublishResult:
    """What a publish (or blocked record) did."""

    run_id: str
    as_of_date: date
    status: str
    tables: tuple[str, ...]
    row_counts: dict
    finished_at: datetime
    reporting_db: Path | None


def _open_store(settings: Settings):
    """(store module, connection) for the settings' warehouse."""
    if settings.warehouse_is_postgres:
        from kam.pg.connection import connect as connect_postgres

        return postgres_store, connect_postgres(settings, application_name="kam-publish")
    return duckdb_store, connect(settings)


def _snapshot(settings: Settings, con) -> Path | None:
    """The DuckDB reporting DB snapshot; none on PostgreSQL."""
    if settings.warehouse_is_postgres:
        return None
    return write_reporting_snapshot(con, settings.reporting_db)


def publish_run(settings: Settings, *, run_id: str, as_of: date | str, started_at: datetime | str,
                gate_result_json: dict, row_counts: dict | None = None,
                source_watermarks: dict | None = None) -> PublishResult:
    """Publish the candidates of a run whose gate passed."""
    failed = failed_checks(gate_result_json)
    if failed or gate_result_json.get("passed") is False:
        raise ValueError(f"publish: run {run_id} did not pass the gate (failed checks: "
                         f"{[c.get('name', c) if isinstance(c, dict) else c for c in failed]}); "
                         "use record_blocked")
    tables = reporting_tables()
    store, con = _open_store(settings)
    try:
        store.require_candidates(con, tables)
        counts = row_counts if row_counts is not None else store.row_counts(con, store.CANDIDATES, tables)
        marks = source_watermarks if source_watermarks is not None else store.source_watermarks(con)
        record = run_record(run_id=run_id, as_of=as_of, started_at=started_at, status=PUBLISHED,
                            gate_result=gate_result_json, row_counts=counts, source_watermarks=marks)
        store.publish(con, tables, record)
        snapshot = _snapshot(settings, con)
    finally:
        con.close()
    log.info("published run %s (as of %s): %s; reporting DB %s", run_id, record.as_of_date, counts, snapshot)
    return PublishResult(run_id=record.run_id, as_of_date=record.as_of_date, status=PUBLISHED, tables=tables,
                         row_counts=counts, finished_at=record.finished_at, reporting_db=snapshot)


def record_blocked(settings: Settings, *, run_id: str, as_of: date | str, started_at: datetime | str,
                   gate_result_json: dict, row_counts: dict | None = None,
                   source_watermarks: dict | None = None) -> PublishResult:
    """Record a blocked run in pipeline_runs; no other reporting table changes."""
    tables = reporting_tables()
    store, con = _open_store(settings)
    try:
        counts = row_counts if row_counts is not None else store.row_counts(con, store.CANDIDATES, tables)
        marks = source_watermarks if source_watermarks is not None else store.source_watermarks(con)
        record = run_record(run_id=run_id, as_of=as_of, started_at=started_at, status=BLOCKED,
                            gate_result=gate_result_json, row_counts=counts, source_watermarks=marks)
        store.record_run(con, record)
        snapshot = _snapshot(settings, con)
    finally:
        con.close()
    log.warning("run %s (as of %s) blocked by the gate: %s", run_id, record.as_of_date, record.failed_checks)
    return PublishResult(run_id=record.run_id, as_of_date=record.as_of_date, status=BLOCKED, tables=(),
                         row_counts=counts, finished_at=record.finished_at, reporting_db=snapshot)
