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

from kam.config import Settings

log = logging.getLogger(__name__)


def landing_settings(settings: Settings) -> Settings:
    """The settings extraction runs with: the landing DuckDB as its warehouse."""
    return replace(settings, warehouse=str(settings.landing))


def extract_into_postgres(settings: Settings, system: str, run_id: str):
    """Extract one source system ('erp' or 'crm') into the landing DB, then sync PostgreSQL."""
    from kam.extract.runner import extract_system  # late: kam.extract imports this module
    from kam.pg.sync import sync_landing

    report = extract_system(landing_settings(settings), system, run_id)
    synced = sync_landing(settings)
    log.info("extract %s: synced to PostgreSQL: %s", system, synced.rows)
    return report
