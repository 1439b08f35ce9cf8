"""Extraction of the order system (ERP) and the CRM into `raw.*`, `raw_history.*`, `quarantine.rows`, `meta.*`.

    extract_erp(settings, run_id, as_of) -> ExtractReport     one Airflow task per source system
    extract_crm(settings, run_id, as_of) -> ExtractReport
    extract_all(settings, run_id, as_of) -> ExtractReport     both, ERP first

`as_of` is the run's as-of date D (a `datetime.date`); it is recorded with every
read, version and quarantined row. When D is before the latest as-of date already
extracted the run is a backfill: nothing is read (`report.mode == "backfill"`).
See docs/decisions/0009-nights-reruns-backfills.md and docs/ARCHITECTURE.md ("Raw
tables") for what is written. With a PostgreSQL warehouse the same extraction writes
the landing DuckDB (`Settings.landing`) and kam.pg.sync then copies the run's changes
into PostgreSQL (kam.pg.extraction).
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from kam.config import Settings
from kam.extract.errors import ExtractError, FileUnreadable
from kam.extract.report import ExtractReport, ObjectReport
from kam.extract.runner import extract_system

__all__ = ["ExtractError", "ExtractReport", "FileUnreadable", "ObjectReport", "extract_all", "extract_crm",
           "extract_erp", "default_run_id"]


def default_run_id() -> str:
    return "manual__" + datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")


def _extract(settings: Settings, system: str, run_id: str, as_of: date) -> ExtractReport:
    if settings.warehouse_is_postgres:
        from kam.pg.extraction import extract_into_postgres

        return extract_into_postgres(settings, system, run_id, as_of)
    return extract_system(settings, system, run_id, as_of)


def extract_erp(settings: Settings, run_id: str | None, as_of: date) -> ExtractReport:
    """Extract the order system (`settings.orders_source`: database URL or folder) for as-of date `as_of`."""
    return _extract(settings, "erp", run_id or default_run_id(), as_of)


def extract_crm(settings: Settings, run_id: str | None, as_of: date) -> ExtractReport:
    """Extract the CRM (`settings.crm_source`: folder) for as-of date `as_of`."""
    return _extract(settings, "crm", run_id or default_run_id(), as_of)


def extract_all(settings: Settings, run_id: str | None, as_of: date) -> ExtractReport:
    """Extract both source systems with the same run id and as-of date."""
    run_id = run_id or default_run_id()
    return extract_erp(settings, run_id, as_of).merge(extract_crm(settings, run_id, as_of))
