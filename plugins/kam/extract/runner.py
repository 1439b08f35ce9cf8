"""Extraction of one source system: stage, check, then write everything in one transaction.

Per system: every new source (file not in `meta.loaded_files`, or table rows
since the watermark) is staged as text and checked in DuckDB; only when all
objects have been read does one transaction quarantine bad rows, merge the
latest valid versions into `raw.*` and record `meta.*`. A source that cannot be
read or lacks a required column raises before anything is written.
"""
from __future__ import annotations

import dataclasses
import logging
import os
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from kam.config import Settings
from kam.contract import SourceObject, objects_of
from kam.extract import discovery, file_readers, merge, meta_tables, sql_reader
from kam.extract.errors import ExtractError
from kam.extract.report import ExtractReport, ObjectReport
from kam.extract.staged import StagedSource, temp_name
from kam.extract.validation import checked_select
from kam.warehouse import connect

log = logging.getLogger(__name__)

DEFAULT_LOOKBACK_HOURS = 72.0


def lookback_hours() -> float:
    return float(os.environ.get("KAM_EXTRACT_LOOKBACK_HOURS", DEFAULT_LOOKBACK_HOURS))


def connect_when_free(settings: Settings) -> duckdb.DuckDBPyConnection:
    """Open the warehouse for extraction, waiting while another process holds DuckDB's write lock.

    Waits up to KAM_WAREHOUSE_LOCK_WAIT_SECONDS (default 600), so the ERP and CRM
    tasks may be scheduled side by side; the second simply waits for the first.
    The connection's memory limit is `settings.extract_memory_limit`
    (KAM_EXTRACT_MEMORY_LIMIT): above it DuckDB spills the staged and checked temp
    tables to disk instead of growing the process.
    """
    deadline = time.monotonic() + float(os.environ.get("KAM_WAREHOUSE_LOCK_WAIT_SECONDS", "600"))
    extract_settings = dataclasses.replace(settings, duckdb_memory_limit=settings.extract_memory_limit)
    while True:
        try:
            return connect(extract_settings)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                raise
            log.info("warehouse %s is locked by another process, waiting", settings.warehouse)
            time.sleep(2)


def is_database_url(source: str) -> bool:
    return "://" in source


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class _Pending:
    """What has been staged and checked for one object, before writing."""

    def __init__(self, obj: SourceObject):
        self.obj = obj
        self.checked = temp_name(f"checked_{obj.name}")
        self.created = False
        self.rows_read = 0
        self.files: list[tuple[Path, str]] = []  # (path, source label) of files to record
        self.sources: list[str] = []
        self.started_at = _now()

    def add(self, con: duckdb.DuckDBPyConnection, staged: StagedSource, seq_offset: int) -> int:
        """Check a staged source into this object's checked table; returns its greatest row number."""
        select = checked_select(self.obj, staged, seq_offset)
        if self.created:
            con.execute(f"insert into {self.checked} {select}")
        else:
            con.execute(f"create temp table {self.checked} as {select}")
            self.created = True
        count, max_row = con.execute(
            f"select count(*), coalesce(max({staged.row}), 0) from {staged.table}").fetchone()
        self.rows_read += count
        self.sources.append(staged.source)
        con.execute(f"drop table {staged.table}")
        return max_row


def _stage_folder(con, system: str, folder: str, pending: dict[str, _Pending]) -> None:
    objects = [p.obj for p in pending.values()]
    extensions = discovery.ERP_EXTENSIONS if system == "erp" else discovery.CRM_EXTENSIONS
    found = discovery.files_by_object(folder, [o.name for o in objects], extensions)
    folder_path = Path(folder)
    new_files: dict[str, list[tuple[Path, str]]] = {}
    for obj in objects:
        done = meta_tables.loaded_sources(con, obj.name)
        files = [(f, discovery.source_label(folder_path, f)) for f in found[obj.name]]
        if not files and not done and not obj.optional:
            raise ExtractError(f"{obj.name}: no source file in {folder_path} "
                               f"(expected {obj.name}{'/'.join(extensions)} or {obj.name}*<part>)")
        new_files[obj.name] = [(f, label) for f, label in files if label not in done]
        for path, label in new_files[obj.name]:  # every header checked before anything is read
            file_readers.check_file_columns(con, obj, path, label)
    for obj in objects:
        item = pending[obj.name]
        offset = merge.next_load_seq_base(con, obj)
        for path, label in new_files[obj.name]:
            last_row = 0
            for staged in file_readers.stage_file(con, obj, path, label):
                last_row = max(last_row, item.add(con, staged, offset))
            offset += last_row
            item.files.append((path, label))


def _stage_database(con, url: str, pending: dict[str, _Pending]) -> None:
    engine = sql_reader.make_engine(url)
    try:
        present: dict[str, list[str] | None] = {}
        for item in pending.values():
            obj = item.obj
            columns = sql_reader.table_columns(engine, obj.name, url)
            if columns is None:
                if obj.optional:
                    present[obj.name] = None
                    continue
                raise ExtractError(f"{obj.name}: table '{obj.name}' not found in {sql_reader.safe_url(url)}")
            for name in obj.required_columns:
                if name not in columns:
                    raise ExtractError(f"{obj.name}: required column '{name}' missing in table:{obj.name}")
            present[obj.name] = columns
        for item in pending.values():
            columns = present[item.obj.name]
            if columns is None:
                continue
            since = sql_reader.read_since(meta_tables.watermark_of(con, item.obj.name), lookback_hours())
            staged, _ = sql_reader.stage_table(con, engine, url, item.obj, columns, since)
            item.add(con, staged, merge.next_load_seq_base(con, item.obj))
    finally:
        engine.dispose()


def _write(con: duckdb.DuckDBPyConnection, system: str, pending: dict[str, _Pending],
           run_id: str) -> ExtractReport:
    report = ExtractReport(run_id=run_id)
    con.execute("begin transaction")
    try:
        for name, item in pending.items():
            obj = item.obj
            quarantined = changed = loaded = 0
            watermark = None
            if item.created:
                quarantined = merge.quarantine_bad_rows(con, obj, item.checked, run_id)
                changed = merge.merge_into_raw(con, obj, item.checked, run_id)
                loaded = con.execute(f"select count(*) from {item.checked} where _reason is null").fetchone()[0]
                if obj.has_updated_at:
                    watermark = con.execute(
                        f"select max(v__updated_at) from {item.checked} where _reason is null").fetchone()[0]
                meta_tables.record_watermark(con, name, watermark, run_id)
                con.execute(f"drop table {item.checked}")
            for path, label in item.files:
                stat = path.stat()
                con.execute("insert into meta.loaded_files values (?, ?, ?, ?, ?, current_timestamp)",
                            [name, label, stat.st_size,
                             datetime.fromtimestamp(stat.st_mtime, timezone.utc).replace(tzinfo=None), run_id])
            totals = meta_tables.record_run(con, run_id, name, item.rows_read, loaded, quarantined, changed,
                                            item.started_at, _now())
            report.objects[name] = ObjectReport(
                object=name, system=system, rows_read=totals[0], rows_loaded=totals[1],
                rows_quarantined=totals[2], raw_rows_changed=totals[3],
                files=meta_tables.files_of_run(con, name, run_id), watermark=meta_tables.watermark_of(con, name))
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return report


def extract_system(settings: Settings, system: str, run_id: str,
                   con: duckdb.DuckDBPyConnection | None = None) -> ExtractReport:
    """Extract one source system ('erp' or 'crm') into the warehouse."""
    if system not in ("erp", "crm"):
        raise ValueError(f"unknown source system {system!r}: expected 'erp' or 'crm'")
    if settings.warehouse_is_postgres:
        raise ExtractError("extraction into a PostgreSQL warehouse is not supported yet "
                           f"(KAM_WAREHOUSE={settings.warehouse})")
    own = con is None
    con = con or connect_when_free(settings)
    try:
        meta_tables.ensure_tables(con)
        pending = {o.name: _Pending(o) for o in objects_of(system)}
        source = settings.orders_source if system == "erp" else settings.crm_source
        if system == "erp" and is_database_url(source):
            _stage_database(con, source, pending)
        else:
            if is_database_url(source):
                raise ExtractError(f"the CRM source must be a folder, got {source}")
            _stage_folder(con, system, source, pending)
        report = _write(con, system, pending, run_id)
        for rep in report.objects.values():
            log.info("extract %s: read %d, valid %d, quarantined %d, raw changed %d, files %s",
                     rep.object, rep.rows_read, rep.rows_loaded, rep.rows_quarantined,
                     rep.raw_rows_changed, rep.files)
        return report
    finally:
        if own:
            con.close()
