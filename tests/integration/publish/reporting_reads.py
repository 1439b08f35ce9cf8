"""Helpers reading a reporting DB or warehouse schema back, for assertions."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb

from kam.dbt_results import NIGHT_STAMP_COLUMN
from kam.warehouse.reporting_db import open_reporting_db


def table_fingerprints(
    con: duckdb.DuckDBPyConnection, schema: str | None = None, exclude: tuple[str, ...] = ("pipeline_runs",)
) -> dict[str, str]:
    """SHA-256 of each table's columns, types and sorted rows (the night's stamp of incremental models left out)."""
    where = "table_catalog = current_database() and table_schema = ?"
    names = [
        r[0]
        for r in con.execute(
            f"select table_name from information_schema.tables where {where} order by table_name",
            [schema or "reporting"],
        ).fetchall()
    ]
    prefix = f"{schema}." if schema else ""
    result = {}
    for name in names:
        if name in exclude:
            continue
        columns = [r[0] for r in con.execute(f"select * from {prefix}{name} limit 0").description]
        every = f"* exclude ({NIGHT_STAMP_COLUMN})" if NIGHT_STAMP_COLUMN in columns else "*"
        relation = con.execute(f"select {every} from {prefix}{name} order by all")
        header = repr(relation.description)
        rows = relation.fetchall()
        result[name] = hashlib.sha256((header + repr(rows)).encode()).hexdigest()
    return result


def reporting_db_fingerprints(path) -> dict[str, str]:
    con = open_reporting_db(path)
    try:
        return table_fingerprints(con)
    finally:
        con.close()


def warehouse_fingerprints(warehouse) -> dict[str, str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return table_fingerprints(con, "reporting")
    finally:
        con.close()


def pipeline_runs(path) -> list[dict]:
    """The pipeline_runs rows of a reporting DB, JSON columns parsed, by finished_at."""
    con = open_reporting_db(path)
    try:
        relation = con.execute("select * from pipeline_runs order by finished_at")
        names = [d[0] for d in relation.description]
        rows = [dict(zip(names, row)) for row in relation.fetchall()]
    finally:
        con.close()
    for row in rows:
        for key in ("failed_checks", "warnings", "row_counts", "source_watermarks"):
            row[key] = json.loads(row[key])
    return rows


def folder_fingerprint(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under `folder`, by relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
