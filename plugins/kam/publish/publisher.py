"""Publish a run that passed the gate (`publish_run`), or record one the gate blocked (`record_blocked`).

Nightly: every `bi_reporting` table replaced from its candidate, in one warehouse transaction with
the run's `pipeline_runs` row; backfill: only D's history rows (kam.publish.publication_mode,
docs/decisions/0009). How BI sees it is the Warehouse's business (docs/decisions/0011, 0014).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from kam.config import Settings
from kam.publish.exposures import reporting_tables
from kam.publish.publication_mode import BACKFILL, NIGHTLY, publication_mode
from kam.publish.run_record import BLOCKED, PUBLISHED, as_date, failed_checks, run_record
from kam.warehouse import open_warehouse
from kam.warehouse.reporting_schema import HISTORY_TABLE, candidate_schema

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


def publish_run(
    settings: Settings,
    *,
    run_id: str,
    as_of: date | str,
    started_at: datetime | str,
    gate_result_json: dict,
    row_counts: dict | None = None,
    source_watermarks: dict | None = None,
    mode: str = NIGHTLY,
    candidates_schema: str = "marts",
) -> PublishResult:
    """Publish the candidates of a run whose gate passed (nightly, or as a backfill of its date)."""
    failed = failed_checks(gate_result_json)
    if failed or gate_result_json.get("passed") is False:
        raise ValueError(
            f"publish: run {run_id} did not pass the gate (failed checks: "
            f"{[c.get('name', c) if isinstance(c, dict) else c for c in failed]}); "
            "use record_blocked"
        )
    candidates = candidate_schema(candidates_schema)
    as_of_date = as_date(as_of)
    publication_mode(mode, as_of_date, None)  # an unknown mode is refused before the warehouse is opened
    tables = reporting_tables()
    with open_warehouse(settings, purpose="kam-publish") as warehouse:
        warehouse.settle_publication()
        publication = publication_mode(mode, as_of_date, warehouse.latest_published_as_of())
        if publication.note:
            log.warning("run %s: %s", run_id, publication.note)
        published = tables if publication.mode == NIGHTLY else (HISTORY_TABLE,)
        warehouse.require_candidates(tables, candidates)
        counts = row_counts if row_counts is not None else warehouse.row_counts(candidates, tables)
        marks = source_watermarks if source_watermarks is not None else warehouse.source_watermarks()
        record = run_record(
            run_id=run_id,
            as_of=as_of,
            started_at=started_at,
            status=warehouse.committed_status,
            gate_result=gate_result_json,
            row_counts=counts,
            source_watermarks=marks,
        )
        if publication.mode == BACKFILL:
            written = warehouse.publish_backfill(record, candidates)
            log.info(
                "backfill of %s: %d rows of %s replaced; every other reporting table stays on %s",
                record.as_of_date,
                written,
                HISTORY_TABLE,
                publication.latest_published,
            )
        else:
            warehouse.publish(tables, record, candidates)
        try:
            snapshot = warehouse.publish_to_bi(publishing_run_id=record.run_id)
        except Exception:
            warehouse.settle_publication()  # the warehouse goes back to what BI holds
            raise
        warehouse.mark_published(record)
    log.info(
        "published run %s (as of %s, %s from %s): %s; reporting DB %s",
        run_id,
        record.as_of_date,
        publication.mode,
        candidates,
        counts,
        snapshot,
    )
    return PublishResult(
        run_id=record.run_id,
        as_of_date=record.as_of_date,
        status=PUBLISHED,
        tables=published,
        row_counts=counts,
        finished_at=record.finished_at,
        reporting_db=snapshot,
        mode=publication.mode,
    )


def record_blocked(
    settings: Settings,
    *,
    run_id: str,
    as_of: date | str,
    started_at: datetime | str,
    gate_result_json: dict,
    row_counts: dict | None = None,
    source_watermarks: dict | None = None,
    candidates_schema: str = "marts",
) -> PublishResult:
    """Record a blocked run in pipeline_runs; no other reporting table changes."""
    candidates = candidate_schema(candidates_schema)
    tables = reporting_tables()
    with open_warehouse(settings, purpose="kam-publish") as warehouse:
        warehouse.settle_publication()  # the BI side below must not carry a stale row
        counts = row_counts if row_counts is not None else warehouse.row_counts(candidates, tables)
        marks = source_watermarks if source_watermarks is not None else warehouse.source_watermarks()
        record = run_record(
            run_id=run_id,
            as_of=as_of,
            started_at=started_at,
            status=BLOCKED,
            gate_result=gate_result_json,
            row_counts=counts,
            source_watermarks=marks,
        )
        warehouse.record_run(record)
        snapshot = warehouse.publish_to_bi()
    log.warning("run %s (as of %s) blocked by the gate: %s", run_id, record.as_of_date, record.failed_checks)
    return PublishResult(
        run_id=record.run_id,
        as_of_date=record.as_of_date,
        status=BLOCKED,
        tables=(),
        row_counts=counts,
        finished_at=record.finished_at,
        reporting_db=snapshot,
    )


def reconcile_publishing(settings: Settings) -> list:
    """Settle a publication a kill interrupted, so pipeline_runs says `published` only for what BI
    sees (DuckDB: kam.warehouse.duckdb_reconcile); what was repaired."""
    with open_warehouse(settings, purpose="kam-publish") as warehouse:
        return warehouse.settle_publication()
