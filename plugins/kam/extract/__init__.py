"""Extraction of the order system (ERP) and the CRM into `raw.*`, `raw_history.*`, `quarantine.rows` and `meta.*`.

`extract_erp`, `extract_crm`, `extract_all(settings, run_id, as_of) -> ExtractReport`; a backfill
reads nothing (docs/decisions/0009). A PostgreSQL warehouse lands in DuckDB first (docs/decisions/0013).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from kam.config import Settings
from kam.extract.errors import ExtractError, FileUnreadable
from kam.extract.report import ExtractReport, ObjectReport
from kam.extract.runner import extract_system
from kam.warehouse import open_warehouse

__all__ = [
    "ExtractError",
    "ExtractReport",
    "FileUnreadable",
    "ObjectReport",
    "default_run_id",
    "extract_all",
    "extract_crm",
    "extract_erp",
]


def default_run_id() -> str:
    return "manual__" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S")


def _extract(settings: Settings, system: str, run_id: str, as_of: date) -> ExtractReport:
    """Extract into the landing, then bring the warehouse up to date (also on a backfill, which reads
    nothing: a PostgreSQL warehouse then catches up earlier runs only)."""
    warehouse = open_warehouse(settings)
    report = extract_system(warehouse.landing_settings(), system, run_id, as_of)
    warehouse.after_extraction()
    return report


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
