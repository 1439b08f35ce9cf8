"""Extraction of the order system (ERP) and the CRM into `raw.*`, `quarantine.rows`, `meta.*`.

    extract_erp(settings, run_id) -> ExtractReport     one Airflow task per source system
    extract_crm(settings, run_id) -> ExtractReport
    extract_all(settings, run_id) -> ExtractReport     both, ERP first

See docs/ARCHITECTURE.md ("Raw tables") for what is written.
"""
from __future__ import annotations

from datetime import datetime, timezone

from kam.config import Settings
from kam.extract.errors import ExtractError
from kam.extract.report import ExtractReport, ObjectReport
from kam.extract.runner import extract_system

__all__ = ["ExtractError", "ExtractReport", "ObjectReport", "extract_all", "extract_crm", "extract_erp",
           "default_run_id"]


def default_run_id() -> str:
    return "manual__" + datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")


def extract_erp(settings: Settings, run_id: str | None = None) -> ExtractReport:
    """Extract the order system (`settings.orders_source`: database URL or folder)."""
    return extract_system(settings, "erp", run_id or default_run_id())


def extract_crm(settings: Settings, run_id: str | None = None) -> ExtractReport:
    """Extract the CRM (`settings.crm_source`: folder)."""
    return extract_system(settings, "crm", run_id or default_run_id())


def extract_all(settings: Settings, run_id: str | None = None) -> ExtractReport:
    """Extract both source systems with the same run id."""
    run_id = run_id or default_run_id()
    return extract_erp(settings, run_id).merge(extract_crm(settings, run_id))
