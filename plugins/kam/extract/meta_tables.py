"""The extraction's own tables: schemas, raw and history tables, quarantine and `meta.*` bookkeeping.

Created (or migrated with ADD COLUMN IF NOT EXISTS) here; columns added by docs/decisions/0009 come
last, so read them by name, not by position.
"""

from __future__ import annotations

from datetime import date

import duckdb

from kam.contract import (
    OBJECTS,
    QUARANTINE_ADDED_COLUMNS,
    QUARANTINE_DDL,
    SourceObject,
    history_table_ddl,
    raw_table_ddl,
)
from kam.extract.file_identity import FileStat, FileVersion

SCHEMAS = ("raw", "raw_history", "quarantine", "meta")
#: as-of date given to the versions a warehouse held before raw_history existed
HISTORY_SEED_AS_OF = date(1900, 1, 1)

META_DDL = (
    "create table if not exists meta.loaded_files (object varchar, source varchar, size bigint, "
    "mtime timestamp, run_id varchar, loaded_at timestamp)",
    "create table if not exists meta.watermarks (object varchar, watermark timestamp, run_id varchar)",
    "create table if not exists meta.extract_runs (run_id varchar, object varchar, rows_read bigint, "
    "rows_loaded bigint, rows_quarantined bigint, raw_rows_changed bigint, "
    "started_at timestamp, finished_at timestamp)",
    "create table if not exists meta.source_reads (as_of_date date, run_id varchar, object varchar, "
    "source varchar, version varchar, rows_read bigint, rows_bad bigint, read_at timestamp)",
    "create table if not exists meta.file_fingerprints (object varchar, source varchar, sha256 varchar, "
    "size bigint, mtime_ns bigint, ctime_ns bigint, inode ubigint, taken_at_ns bigint)",
    "create table if not exists meta.source_errors (as_of_date date, run_id varchar, object varchar, "
    "source varchar, error varchar, recorded_at timestamp)",
)
#: (table, column, type) added to warehouses created before decision 0009
ADDED_COLUMNS = (
    ("meta.loaded_files", "sha256", "varchar"),
    ("meta.loaded_files", "rows", "bigint"),
    ("meta.loaded_files", "as_of_date", "date"),
    ("meta.extract_runs", "as_of_date", "date"),
    *(("quarantine.rows", name, sql_type) for name, sql_type in QUARANTINE_ADDED_COLUMNS.items()),
)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create schemas raw, raw_history, quarantine, meta and their tables, add missing columns."""
    for schema in SCHEMAS:
        con.execute(f"create schema if not exists {schema}")
    for obj in OBJECTS.values():
        con.execute(raw_table_ddl(obj))
        con.execute(history_table_ddl(obj))
    con.execute(QUARANTINE_DDL)
    for ddl in META_DDL:
        con.execute(ddl)
    for table, column, sql_type in ADDED_COLUMNS:
        con.execute(f"alter table {table} add column if not exists {column} {sql_type}")


def seed_history(con: duckdb.DuckDBPyConnection, obj: SourceObject) -> int:
    """Copy raw.<object> into an empty raw_history.<object> (as of 1900-01-01); returns rows copied.

    A warehouse loaded before raw_history existed thereby keeps its versions reproducible:
    every later version is appended with a later as-of date.
    """
    history_empty = con.execute(f"select count(*) = 0 from (select 1 from raw_history.{obj.name} limit 1)").fetchone()[
        0
    ]
    if not history_empty:
        return 0
    columns = ", ".join(f'"{c}"' for c in obj.column_names) + ", _source, _row, _run_id, _load_seq"
    con.execute(
        f"insert into raw_history.{obj.name} ({columns}, _as_of_date) select {columns}, ? from raw.{obj.name}",
        [HISTORY_SEED_AS_OF],
    )
    return con.execute(f"select count(*) from raw_history.{obj.name}").fetchone()[0]


def known_file_versions(con: duckdb.DuckDBPyConnection, obj: str) -> dict[str, set[str | None]]:
    """Per source label of `obj`: the sha256 of every version loaded (None for rows older than 0009)."""
    known: dict[str, set[str | None]] = {}
    for source, sha256 in con.execute(
        "select source, sha256 from meta.loaded_files where object = ?", [obj]
    ).fetchall():
        known.setdefault(source, set()).add(sha256)
    return known


def file_fingerprints(con: duckdb.DuckDBPyConnection, obj: str) -> dict[str, tuple[str, FileStat]]:
    """Per source label of `obj`: the sha256 of its last hash and the stat taken just before it."""
    rows = con.execute(
        "select source, sha256, size, mtime_ns, ctime_ns, inode, taken_at_ns from meta.file_fingerprints "
        "where object = ?",
        [obj],
    ).fetchall()
    return {source: (sha256, FileStat(*stat)) for source, sha256, *stat in rows}


def record_fingerprint(con: duckdb.DuckDBPyConnection, obj: str, version: FileVersion) -> None:
    """Keep `version`'s stat as the file's fingerprint (one row per object and source label)."""
    stat = version.stat
    con.execute("delete from meta.file_fingerprints where object = ? and source = ?", [obj, version.label])
    con.execute(
        "insert into meta.file_fingerprints values (?, ?, ?, ?, ?, ?, ?, ?)",
        [obj, version.label, version.sha256, stat.size, stat.mtime_ns, stat.ctime_ns, stat.inode, stat.taken_at_ns],
    )


def files_of_run(con: duckdb.DuckDBPyConnection, obj: str, run_id: str) -> list[str]:
    rows = con.execute(
        "select distinct source from meta.loaded_files where object = ? and run_id = ? order by source", [obj, run_id]
    ).fetchall()
    return [r[0] for r in rows]


def latest_extracted_as_of(con: duckdb.DuckDBPyConnection) -> date | None:
    """The latest as-of date any extraction ran for; None on a warehouse without one.

    Works on read-only connections and on warehouses created before decision 0009
    (no meta.extract_runs, or no as_of_date column yet: None).
    """
    present = con.execute(
        "select count(*) from information_schema.columns where table_catalog = current_database() "
        "and table_schema = 'meta' and table_name = 'extract_runs' and column_name = 'as_of_date'"
    ).fetchone()[0]
    if not present:
        return None
    return con.execute("select max(as_of_date) from meta.extract_runs").fetchone()[0]


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


def record_loaded_file(
    con: duckdb.DuckDBPyConnection,
    obj: str,
    source: str,
    size: int,
    mtime,
    sha256: str,
    rows: int,
    run_id: str,
    as_of: date,
) -> None:
    con.execute(
        "insert into meta.loaded_files (object, source, size, mtime, run_id, loaded_at, sha256, rows, "
        "as_of_date) values (?, ?, ?, ?, ?, current_timestamp, ?, ?, ?)",
        [obj, source, size, mtime, run_id, sha256, rows, as_of],
    )


def record_source_read(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    run_id: str,
    obj: str,
    source: str,
    version: str,
    rows_read: int,
    rows_bad: int,
    read_at,
) -> None:
    con.execute(
        "insert into meta.source_reads (as_of_date, run_id, object, source, version, rows_read, "
        "rows_bad, read_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
        [as_of, run_id, obj, source, version, rows_read, rows_bad, read_at],
    )


def record_source_error(
    con: duckdb.DuckDBPyConnection, as_of: date, run_id: str, obj: str, source: str, error: str
) -> None:
    con.execute(
        "insert into meta.source_errors (as_of_date, run_id, object, source, error, recorded_at) "
        "values (?, ?, ?, ?, ?, current_timestamp)",
        [as_of, run_id, obj, source, error],
    )


def record_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    obj: str,
    rows_read: int,
    rows_loaded: int,
    rows_quarantined: int,
    raw_rows_changed: int,
    started_at,
    finished_at,
    as_of: date,
) -> tuple:
    """Add this attempt's figures to the (run, object) row; a rerun adds only what it newly did.

    Returns the accumulated (rows_read, rows_loaded, rows_quarantined, raw_rows_changed).
    """
    previous = con.execute(
        "select rows_read, rows_loaded, rows_quarantined, raw_rows_changed, started_at "
        "from meta.extract_runs where run_id = ? and object = ?",
        [run_id, obj],
    ).fetchone()
    if previous:
        rows_read += previous[0]
        rows_loaded += previous[1]
        rows_quarantined += previous[2]
        raw_rows_changed += previous[3]
        started_at = previous[4]
        con.execute("delete from meta.extract_runs where run_id = ? and object = ?", [run_id, obj])
    con.execute(
        "insert into meta.extract_runs (run_id, object, rows_read, rows_loaded, rows_quarantined, "
        "raw_rows_changed, started_at, finished_at, as_of_date) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [run_id, obj, rows_read, rows_loaded, rows_quarantined, raw_rows_changed, started_at, finished_at, as_of],
    )
    return rows_read, rows_loaded, rows_quarantined, raw_rows_changed
