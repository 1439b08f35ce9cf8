"""One nightly run through `kam.pipeline.run_in_process` (the DAG's stages in one process), for the
engine-comparison test, plus readers of what it published."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

from kam import pipeline
from kam.config import load_settings
from kam.publish.exposures import reporting_tables
from kam.warehouse import open_warehouse

RUN_ID = "scheduled__2026-10-16T02:00:00+00:00"
STARTED_AT = datetime(2026, 10, 16, 2, 0, tzinfo=UTC)


@dataclass
class PipelineRun:
    settings: object
    gate: dict
    export_dir: Path


def settings_for(home: Path, example: Path, warehouse: str):
    return replace(
        load_settings(),
        home=home,
        orders_source=str(example / "src" / "erp"),
        crm_source=str(example / "src" / "crm"),
        warehouse=warehouse,
        reporting_db=str(home / "bi" / "reporting.duckdb"),
        export_dir=home / "exports",
        report_dir=home / "reports",
        landing_db=None,
    )


def run_pipeline(settings, as_of: str) -> PipelineRun:
    """Run the night (with the dbt unit tests, so they run on both engines); a blocked gate raises
    `GateBlocked` naming the failed checks (a dbt failure is its `dbt_tests`)."""
    night = pipeline.run_in_process(
        settings, date.fromisoformat(as_of), run_id=RUN_ID, started_at=STARTED_AT, unit_tests=True
    )
    return PipelineRun(settings, night["gate"], Path(night["export"]))


def published_tables(settings) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every published table (and pipeline_runs): column names and rows, as BI reads them."""
    reader = open_warehouse(settings).published_reader()
    try:
        return {
            table: (reader.columns(table), reader.fetchall(f"select * from {reader.table(table)}"))
            for table in (*reporting_tables(), "pipeline_runs")
        }
    finally:
        reader.close()
