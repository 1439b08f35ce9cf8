"""One nightly run through `kam.pipeline.run_in_process` (the DAG's stages in one process), for the
engine-comparison tests (PostgreSQL, Spark), plus readers of what it published and the comparisons."""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

from kam import pipeline
from kam.config import load_settings
from kam.publish.exposures import reporting_tables
from kam.warehouse import open_warehouse
from kam.warehouse.reporting_db import open_reporting_db

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


def run_pipeline(settings, as_of: str, unit_tests: bool = True) -> PipelineRun:
    """Run the night (by default with the dbt unit tests, so they run on both engines); a blocked gate
    raises `GateBlocked` naming the failed checks (a dbt failure is its `dbt_tests`)."""
    night = pipeline.run_in_process(
        settings, date.fromisoformat(as_of), run_id=RUN_ID, started_at=STARTED_AT, unit_tests=unit_tests
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


FLOAT_REL_TOLERANCE = 1e-12  # doubles (shares, ratios) may differ in the last bits of a sum


def _sort_key(row: tuple) -> tuple:
    return tuple((value is None, str(value)) for value in row)


def _same_value(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=FLOAT_REL_TOLERANCE, abs_tol=1e-15) or (math.isnan(a) and math.isnan(b))
    if type(a) is not type(b):
        return False
    return a == b


def differences(
    table: str, duck: tuple[list[str], list[tuple]], other: tuple[list[str], list[tuple]], engine: str
) -> list[str]:
    """How `other` (the published table on `engine`) differs from `duck` (on DuckDB): columns, rows, values."""
    (duck_columns, duck_rows), (other_columns, other_rows) = duck, other
    if duck_columns != other_columns:
        return [f"{table}: columns differ: {duck_columns} vs {other_columns}"]
    if len(duck_rows) != len(other_rows):
        return [f"{table}: {len(duck_rows)} rows on DuckDB, {len(other_rows)} on {engine}"]
    problems = []
    for d_row, o_row in zip(sorted(duck_rows, key=_sort_key), sorted(other_rows, key=_sort_key)):
        for column, a, b in zip(duck_columns, d_row, o_row):
            if not _same_value(a, b):
                problems.append(f"{table}.{column} of row {d_row[:2]}: DuckDB {a!r} vs {engine} {b!r}")
    return problems


def csv_differences(duck_dir: Path, other_dir: Path) -> list[str]:
    """The export CSVs of `other_dir` that differ from `duck_dir`'s beyond the last digits of a double."""
    problems = []
    for path in sorted(duck_dir.glob("*.csv")):
        duck_text = path.read_text(encoding="utf-8")
        other_text = (other_dir / path.name).read_text(encoding="utf-8")
        if duck_text == other_text:
            continue
        duck_rows, other_rows = list(csv.reader(duck_text.splitlines())), list(csv.reader(other_text.splitlines()))
        if len(duck_rows) != len(other_rows):
            problems.append(f"{path.name}: {len(duck_rows)} vs {len(other_rows)} lines")
            continue
        for d_row, o_row in zip(duck_rows, other_rows):
            for a, b in zip(d_row, o_row):
                if a != b and not _close_numbers(a, b):
                    problems.append(f"{path.name}: {a!r} vs {b!r}")
    return problems


def _close_numbers(a: str, b: str) -> bool:
    try:
        return math.isclose(float(a), float(b), rel_tol=FLOAT_REL_TOLERANCE)
    except ValueError:
        return False


EXPORT_CSVS = [
    "customer_segments.csv",
    "kam_workload.csv",
    "key_accounts.csv",
    "segment_changes.csv",
    "win_back_list.csv",
]


def export_differences(duck_dir: Path, other_dir: Path, byte_identical: bool) -> list[str]:
    """How the export folder `other_dir` differs from `duck_dir`'s: its files, the CSVs (byte for byte, or
    beyond the last digits of a double) and the rows its manifest counts; [] when the same."""
    names = sorted(p.name for p in duck_dir.iterdir())
    if names != sorted(p.name for p in other_dir.iterdir()):
        return [f"files differ: {names} vs {sorted(p.name for p in other_dir.iterdir())}"]
    csv_files = [name for name in names if name.endswith(".csv")]
    if csv_files != EXPORT_CSVS:
        return [f"the CSVs are {csv_files}, not {EXPORT_CSVS}"]
    if byte_identical:
        problems = [f"{n} differs" for n in csv_files if (duck_dir / n).read_bytes() != (other_dir / n).read_bytes()]
        problems += csv_differences(duck_dir, other_dir) if problems else []
    else:
        problems = csv_differences(duck_dir, other_dir)
    rows = [
        {f: v["rows"] for f, v in json.loads((d / "manifest.json").read_text())["files"].items()}
        for d in (duck_dir, other_dir)
    ]
    return problems + ([f"manifest rows differ: {rows[0]} vs {rows[1]}"] if rows[0] != rows[1] else [])


def reporting_catalog(reporting_db: str) -> dict[tuple[str, str | None], tuple[str | None, str | None]]:
    """(table, column or None for the table) -> (data type, comment) of every table of a DuckDB BI file."""
    con = open_reporting_db(reporting_db)
    try:
        where = "database_name = current_database() and schema_name = 'reporting'"
        return {
            (table, column): (data_type, comment)
            for table, column, data_type, comment in con.execute(
                f"select table_name, column_name, data_type, comment from duckdb_columns() where {where} "
                f"union all select table_name, null, null, comment from duckdb_tables() where {where}"
            ).fetchall()
        }
    finally:
        con.close()
