"""One nightly run through the Python APIs (extract -> dbt build -> gate -> publish -> export),
for the engine-comparison test, plus readers of what it published."""
from __future__ import annotations

import json
from datetime import date
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import psycopg2

from kam.config import load_settings
from kam.dbt_env import run_dbt
from kam.export import export_run
from kam.extract import extract_all
from kam.publish import publish_run
from kam.publish.exposures import reporting_tables
from kam.publish.reporting_db import open_reporting_db
from kam.quality import run_gate
from kam.quality.access import connect_warehouse

RUN_ID = "scheduled__2026-10-16T02:00:00+00:00"


@dataclass
class PipelineRun:
    settings: object
    gate: dict
    export_dir: Path


def settings_for(home: Path, example: Path, warehouse: str):
    return replace(load_settings(), home=home, orders_source=str(example / "src" / "erp"),
                   crm_source=str(example / "src" / "crm"), warehouse=warehouse,
                   reporting_db=str(home / "bi" / "reporting.duckdb"), export_dir=home / "exports",
                   report_dir=home / "reports", landing_db=None)


def run_pipeline(settings, as_of: str) -> PipelineRun:
    """Run the night; fails loudly (with dbt's output) when a step fails."""
    extract_all(settings, RUN_ID, date.fromisoformat(str(as_of)))
    build = run_dbt(settings, ["build"], as_of=as_of, check=False)
    (settings.home / "dbt_build.log").write_text(build.stdout + build.stderr)
    if build.returncode != 0:
        raise AssertionError(f"dbt build failed on {settings.warehouse}, see {settings.home / 'dbt_build.log'}:\n"
                             f"{build.stdout[-4000:]}")
    con = connect_warehouse(settings)
    try:
        result = run_gate(con, run_id=RUN_ID, as_of=as_of, dbt_failures=[], settings=settings)
    finally:
        con.close()
    gate = json.loads(result.to_json())
    if not result.passed:
        raise AssertionError(f"gate blocked on {settings.warehouse}:\n{result.summary()}")
    publish_run(settings, run_id=RUN_ID, as_of=as_of, started_at="2026-10-16T02:00:00Z", gate_result_json=gate)
    folder = export_run(settings, run_id=RUN_ID, as_of=as_of)
    return PipelineRun(settings, gate, Path(folder))


def published_tables(settings) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every published table (and pipeline_runs): column names and rows, as BI reads them."""
    tables = (*reporting_tables(), "pipeline_runs")
    result = {}
    if settings.warehouse_is_postgres:
        con = psycopg2.connect(settings.warehouse)
        con.set_session(isolation_level="REPEATABLE READ", readonly=True)
        try:
            with con.cursor() as cur:
                for table in tables:
                    cur.execute(f"select * from reporting.{table}")
                    result[table] = ([d.name for d in cur.description], cur.fetchall())
        finally:
            con.close()
        return result
    con: duckdb.DuckDBPyConnection = open_reporting_db(settings.reporting_db)
    try:
        for table in tables:
            cursor = con.execute(f"select * from {table}")
            result[table] = ([d[0] for d in cursor.description], cursor.fetchall())
    finally:
        con.close()
    return result
