"""The reporting DB: a read-only DuckDB snapshot of the warehouse's `reporting` schema.

Design (DuckDB, POSIX file systems), checked by
tests/integration/publish/test_publish_concurrent_readers.py:

1. The snapshot is written to a NEW file beside KAM_REPORTING_DB
   (`.<name>.<uuid>.tmp`, same directory so the rename stays on one file system):
   the warehouse connection ATTACHes it, copies every table of `reporting` in one
   transaction (it writes only the snapshot, reads the warehouse), CHECKPOINTs and
   DETACHes it. No `.wal` is left (checked), the file is fsynced.
2. `os.replace(tmp, KAM_REPORTING_DB)` swaps the directory entry atomically, then
   the directory is fsynced.

Why this holds with BI readers (`duckdb.connect(path, read_only=True)`):
- DuckDB locks the database file itself (fcntl: shared for read-only opens,
  exclusive for a writer). The writer only ever opens the temp file, a different
  inode, so it never waits for or blocks a reader, and never opens the published
  path for writing.
- A rename does not touch open files: a reader that opened the old file keeps
  reading the old inode (freed when its last handle closes), so its reads all
  come from one night; a reader opening the path gets either the old or the new
  complete file, never a half-written one, and never an error. Nothing is ever
  written in place, so no `.wal` beside the published path can exist.
- Caveat for BI processes: DuckDB caches a database instance per path inside a
  process while any connection to it is open, so a long-lived process sees the
  new night only after closing its connections (open per refresh, then close).
- Not for Windows (a file open by a reader cannot be replaced there) nor network
  file systems without atomic rename.

The run being published is committed in the warehouse with status `publishing`;
the snapshot holds that row as `published` (`publishing_run_id`), so the BI file
says published exactly when it holds the run (docs/decisions/0009).

Stale temp files (from a crashed run) are removed first; that is safe because
only the process holding the warehouse write lock publishes.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import duckdb

from kam.publish.duckdb_store import REPORTING, existing_tables
from kam.publish.run_record import PUBLISHED, PUBLISHING

SNAPSHOT_ALIAS = "kam_reporting_snapshot"


def _fsync_path(path: Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale_temp_files(target: Path) -> None:
    for stale in target.parent.glob(f".{target.name}.*.tmp*"):
        stale.unlink(missing_ok=True)


def _copy_reporting_schema(con: duckdb.DuckDBPyConnection, tmp: Path, publishing_run_id: str | None) -> None:
    tables = sorted(existing_tables(con, REPORTING))
    literal = str(tmp).replace("'", "''")
    con.execute(f"attach '{literal}' as {SNAPSHOT_ALIAS}")
    try:
        con.execute("begin transaction")
        try:
            con.execute(f"create schema {SNAPSHOT_ALIAS}.{REPORTING}")
            for table in tables:
                con.execute(f"create table {SNAPSHOT_ALIAS}.{REPORTING}.{table} as "
                            f"select * from {REPORTING}.{table}")
            if publishing_run_id is not None and "pipeline_runs" in tables:
                con.execute(f"update {SNAPSHOT_ALIAS}.{REPORTING}.pipeline_runs set status = ? "
                            "where run_id = ? and status = ?", [PUBLISHED, publishing_run_id, PUBLISHING])
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("commit")
        con.execute(f"checkpoint {SNAPSHOT_ALIAS}")
    finally:
        con.execute(f"detach {SNAPSHOT_ALIAS}")


def write_reporting_snapshot(con: duckdb.DuckDBPyConnection, reporting_db: str | Path,
                             publishing_run_id: str | None = None) -> Path:
    """Replace `reporting_db` by a fresh snapshot of the warehouse's reporting schema.

    `publishing_run_id`: the run whose `publishing` row the snapshot holds as `published`.
    """
    target = Path(reporting_db).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temp_files(target)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        _copy_reporting_schema(con, tmp, publishing_run_id)
        wal = Path(f"{tmp}.wal")
        if wal.exists():
            raise RuntimeError(f"publish: snapshot {tmp} still has a write-ahead log {wal} after checkpoint")
        _fsync_path(tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
        raise
    _fsync_path(target.parent, directory=True)
    return target
