"""The reporting DB (KAM_REPORTING_DB): a read-only DuckDB snapshot of the warehouse's `reporting` schema.

Written to a temp file beside it and swapped in by `os.replace`, so BI readers never wait, fail or
see half a night (why, and the limits: docs/decisions/0011). The tables keep their comments.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import duckdb

from kam.warehouse.comments import TableComments, comments_sql
from kam.warehouse.duckdb_comments import current_catalog, schema_comments
from kam.warehouse.duckdb_session import base_tables
from kam.warehouse.reporting_schema import PUBLISHED, PUBLISHING, REPORTING

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
    tables = sorted(base_tables(con, REPORTING))
    comments = schema_comments(con, current_catalog(con), REPORTING)
    literal = str(tmp).replace("'", "''")
    con.execute(f"attach '{literal}' as {SNAPSHOT_ALIAS}")
    try:
        con.execute("begin transaction")
        try:
            con.execute(f"create schema {SNAPSHOT_ALIAS}.{REPORTING}")
            for table in tables:
                con.execute(f"create table {SNAPSHOT_ALIAS}.{REPORTING}.{table} as select * from {REPORTING}.{table}")
                con.execute(comments_sql(f"{SNAPSHOT_ALIAS}.{REPORTING}.{table}", comments.get(table, TableComments())))
            if publishing_run_id is not None and "pipeline_runs" in tables:
                con.execute(
                    f"update {SNAPSHOT_ALIAS}.{REPORTING}.pipeline_runs set status = ? where run_id = ? and status = ?",
                    [PUBLISHED, publishing_run_id, PUBLISHING],
                )
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("commit")
        con.execute(f"checkpoint {SNAPSHOT_ALIAS}")
    finally:
        con.execute(f"detach {SNAPSHOT_ALIAS}")


def write_reporting_snapshot(
    con: duckdb.DuckDBPyConnection, reporting_db: str | Path, publishing_run_id: str | None = None
) -> Path:
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
