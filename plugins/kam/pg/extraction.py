"""Extraction into a PostgreSQL warehouse: validate and merge in the landing DuckDB, then sync.

Extraction's checks and merge are DuckDB SQL; with a PostgreSQL warehouse they
run unchanged on the local landing file (`Settings.landing`), and
`kam.pg.sync.sync_landing` then copies the run's raw/quarantine/meta changes
into PostgreSQL in one transaction. If the sync fails, the landing keeps the
run and the next extraction's sync (a retry or the next night) copies it.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date

from kam.config import Settings

log = logging.getLogger(__name__)


def landing_settings(settings: Settings) -> Settings:
    """The settings extraction runs with: the landing DuckDB as its warehouse."""
    return replace(settings, warehouse=str(settings.landing))


def extract_into_postgres(settings: Settings, system: str, run_id: str, as_of: date):
    """Extract one source system ('erp' or 'crm') for as-of date `as_of` into the landing DB, then sync
    PostgreSQL (also on a backfill, which reads nothing: the sync then catches up earlier runs only)."""
    from kam.extract.runner import extract_system  # late: kam.extract imports this module
    from kam.pg.sync import sync_landing

    report = extract_system(landing_settings(settings), system, run_id, as_of)
    synced = sync_landing(settings)
    log.info("extract %s: synced to PostgreSQL: %s", system, synced.rows)
    return report
