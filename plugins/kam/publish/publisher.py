"""Publish a run that passed the gate, or record a run that the gate blocked.

`publish_run` publishes the candidates of schema `candidates_schema` (`marts`, or
`marts_backfill` for a backfill build). How (kam.publish.publication_mode):
- nightly (D is not before the latest published as-of date): in one warehouse
  transaction every table of the `bi_reporting` exposure is replaced in schema
  `reporting` from its candidate, and the run's `reporting.pipeline_runs` row is
  written (one row per run_id: a retry of a run replaces its row);
- backfill (D is before it, whatever the plan asked): in one transaction only the
  rows of D in `reporting.customer_segments_history` are replaced (from the
  candidate history's rows of D) and the run row is written; every other
  reporting table stays on the latest date, so BI never rolls back.
On DuckDB the run row is committed as `publishing`, the reporting DB snapshot is
replaced holding it as `published` (kam.publish.snapshot), then the warehouse row
becomes `published`; a kill in between is repaired by kam.publish.reconcile (run
first by publish_run itself). On PostgreSQL the one transaction writes
`published` and BI reads the warehouse's `reporting` schema (no snapshot;
KAM_REPORTING_DB is unused and `PublishResult.reporting_db` is None).

`record_blocked`: only the run's `pipeline_runs` row (status `blocked`, the failed
checks with their numbers) is written; every other reporting table keeps its
content; the snapshot is refreshed so BI sees the blocked night in pipeline_runs.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from kam.config import Settings
from kam.publish import duckdb_store, postgres_store
from kam.publish.exposures import reporting_tables
from kam.publish.publication_mode import BACKFILL, NIGHTLY, publication_mode
from kam.publish.reconcile import reconcile_on
from kam.publish.reporting_schema import HISTORY_TABLE, candidate_schema
from kam.publish.run_record import BLOCKED, PUBLISHED, as_date, failed_checks, run_record
from kam.publish.snapshot import write_reporting_snapshot
from kam.warehouse import connect

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PublishResult:
    """What a publish (or blocked record) did; `mode` is how it was published (nightly or backfill)."""

    run_id: str
    as_of_date: date
    status: str
    tables: tuple[str, ...]
    row_counts: dict
    finished_at: datetime
    reporting_db: Path | None
    mode: str = NIGHTLY


def _open_store(settings: Settings):
    """(store module, connection) for the settings' warehouse."""
    if settings.warehouse_is_postgres:
        from kam.pg.connection import connect as connect_postgres

        return postgres_store, connect_postgres(settings, application_name="kam-publish")
    return duckdb_store, connect(settings)


def _snapshot(settings: Settings, con, publishing_run_id: str | None = None) -> Path | None:
    """The DuckDB reporting DB snapshot; none on PostgreSQL."""
    if settings.warehouse_is_postgres:
        return None
    return write_reporting_snapshot(con, settings.reporting_db, publishing_run_id)


def publish_run(settings: Settings, *, run_id: str, as_of: date | str, started_at: datetime | str,
                gate_result_json: dict, row_counts: dict | None = None,
                source_watermarks: dict | None = None, mode: str = NIGHTLY,
                candidates_schema: str = "marts") -> PublishResult:
    """Publish the candidates of a run whose gate passed (nightly, or as a backfill of its date)."""
    failed = failed_checks(gate_result_json)
    if failed or gate_result_json.get("passed") is False:
        raise ValueError(f"publish: run {run_id} did not pass the gate (failed checks: "
                         f"{[c.get('name', c) if isinstance(c, dict) else c for c in failed]}); "
                         "use record_blocked")
    candidates = candidate_schema(candidates_schema)
    as_of_date = as_date(as_of)
    publication_mode(mode, as_of_date, None)  # an unknown mode is refused before the warehouse is opened
    tables = reporting_tables()
    store, con = _open_store(settings)
    try:
        if not settings.warehouse_is_postgres:
            reconcile_on(con, settings.reporting_db)
        publication = publication_mode(mode, as_of_date, store.latest_published_as_of(con))
        if publication.note:
            log.warning("run %s: %s", run_id, publication.note)
        published = tables if publication.mode == NIGHTLY else (HISTORY_TABLE,)
        store.require_candidates(con, tables, candidates)
        counts = row_counts if row_counts is not None else store.row_counts(con, candidates, tables)
        marks = source_watermarks if source_watermarks is not None else store.source_watermarks(con)
        record = run_record(run_id=run_id, as_of=as_of, started_at=started_at, status=store.COMMITTED_STATUS,
                            gate_result=gate_result_json, row_counts=counts, source_watermarks=marks)
        if publication.mode == BACKFILL:
            written = store.publish_backfill(con, record, candidates)
            log.info("backfill of %s: %d rows of %s replaced; every other reporting table stays on %s",
                     record.as_of_date, written, HISTORY_TABLE, publication.latest_published)
        else:
            store.publish(con, tables, record, candidates)
        try:
            snapshot = _snapshot(settings, con, publishing_run_id=record.run_id)
        except Exception:
            reconcile_on(con, settings.reporting_db)  # the warehouse goes back to what BI holds
            raise
        store.mark_published(con, record)
    finally:
        con.close()
    log.info("published run %s (as of %s, %s from %s): %s; reporting DB %s", run_id, record.as_of_date,
             publication.mode, candidates, counts, snapshot)
    return PublishResult(run_id=record.run_id, as_of_date=record.as_of_date, status=PUBLISHED, tables=published,
                         row_counts=counts, finished_at=record.finished_at, reporting_db=snapshot,
                         mode=publication.mode)


def record_blocked(settings: Settings, *, run_id: str, as_of: date | str, started_at: datetime | str,
                   gate_result_json: dict, row_counts: dict | None = None,
                   source_watermarks: dict | None = None, candidates_schema: str = "marts") -> PublishResult:
    """Record a blocked run in pipeline_runs; no other reporting table changes."""
    candidates = candidate_schema(candidates_schema)
    tables = reporting_tables()
    store, con = _open_store(settings)
    try:
        if not settings.warehouse_is_postgres:
            reconcile_on(con, settings.reporting_db)  # the snapshot below must not carry a stale row
        counts = row_counts if row_counts is not None else store.row_counts(con, candidates, tables)
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
