"""The extraction's own tables: schemas, raw tables, quarantine and `meta.*` bookkeeping.

meta.loaded_files(object, source, size, mtime, run_id, loaded_at)   one row per loaded file
meta.watermarks(object, watermark, run_id)                           greatest valid updated_at (UTC) per object
meta.extract_runs(run_id, object, rows_read, rows_loaded, rows_quarantined, raw_rows_changed,
                  started_at, finished_at)                          one row per run and object
"""
from __future__ import annotations

import duckdb

from kam.contract import OBJECTS, QUARANTINE_DDL, raw_table_ddl

META_DDL = (
    "create table if not exists meta.loaded_files (object varchar, source varchar, size bigint, "
    "mtime timestamp, run_id varchar, loaded_at timestamp)",
    "create table if not exists meta.watermarks (object varchar, watermark timestamp, run_id varchar)",
    "create table if not exists meta.extract_runs (run_id varchar, object varchar, rows_read bigint, "
    "rows_loaded bigint, rows_quarantined bigint, raw_rows_changed bigint, "
    "started_at timestamp, finished_at timestamp)",
)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create schemas raw, quarantine, meta and their tables when missing."""
    for schema in ("raw", "quarantine", "meta"):
        con.execute(f"create schema if not exists {schema}")
    for obj in OBJECTS.values():
        con.execute(raw_table_ddl(obj))
    con.execute(QUARANTINE_DDL)
    for ddl in META_DDL:
        con.execute(ddl)


def loaded_sources(con: duckdb.DuckDBPyConnection, obj: str) -> set[str]:
    rows = con.execute("select source from meta.loaded_files where object = ?", [obj]).fetchall()
    return {r[0] for r in rows}


def files_of_run(con: duckdb.DuckDBPyConnection, obj: str, run_id: str) -> list[str]:
    rows = con.execute("select source from meta.loaded_files where object = ? and run_id = ? order by source",
                       [obj, run_id]).fetchall()
    return [r[0] for r in rows]


def watermark_of(con: duckdb.DuckDBPyConnection, obj: str):
    row = con.execute("select max(watermark) from meta.watermarks where object = ?", [obj]).fetchone()
    return row[0] if row else None


def record_watermark(con: duckdb.DuckDBPyConnection, obj: str, watermark, run_id: str) -> None:
    """Keep the greater of the stored and the new watermark (one row per object)."""
    if watermark is None:
        return
    current = watermark_of(con, obj)
    if current is not None and current >= watermark:
        return
    con.execute("delete from meta.watermarks where object = ?", [obj])
    con.execute("insert into meta.watermarks values (?, ?, ?)", [obj, watermark, run_id])


def record_run(con: duckdb.DuckDBPyConnection, run_id: str, obj: str, rows_read: int, rows_loaded: int,
               rows_quarantined: int, raw_rows_changed: int, started_at, finished_at) -> tuple:
    """Add this attempt's figures to the (run, object) row; a rerun adds only what it newly did.

    Returns the accumulated (rows_read, rows_loaded, rows_quarantined, raw_rows_changed).
    """
    previous = con.execute(
        "select rows_read, rows_loaded, rows_quarantined, raw_rows_changed, started_at "
        "from meta.extract_runs where run_id = ? and object = ?", [run_id, obj]).fetchone()
    if previous:
        rows_read += previous[0]
        rows_loaded += previous[1]
        rows_quarantined += previous[2]
        raw_rows_changed += previous[3]
        started_at = previous[4]
        con.execute("delete from meta.extract_runs where run_id = ? and object = ?", [run_id, obj])
    con.execute("insert into meta.extract_runs values (?, ?, ?, ?, ?, ?, ?, ?)",
                [run_id, obj, rows_read, rows_loaded, rows_quarantined, raw_rows_changed, started_at, finished_at])
    return rows_read, rows_loaded, rows_quarantined, raw_rows_changed
