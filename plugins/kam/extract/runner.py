"""Extraction of one source system for one as-of date: stage and check every new source, then write once.

One transaction per system quarantines, merges into `raw.*`/`raw_history.*` and records `meta.*`, so
a failure leaves nothing half-written. An unreadable file skips its object; a source that is down
raises `ExtractError`; a backfill reads nothing (docs/decisions/0009).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from kam.config import Settings
from kam.contract import SourceObject, objects_of
from kam.extract import discovery, file_readers, merge, meta_tables, sql_reader
from kam.extract.errors import ExtractError, FileUnreadable
from kam.extract.file_identity import FileVersion, file_stat, file_version, verify_mode
from kam.extract.private_files import make_private, private_umask
from kam.extract.report import BACKFILL, ExtractReport, ObjectReport
from kam.extract.staged import StagedSource, temp_name
from kam.extract.validation import checked_select
from kam.warehouse import check_memory_limit, connect

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
    tables to disk instead of growing the process. A warehouse file created here is
    private (0600, see kam.extract.private_files).
    """
    check_memory_limit(settings.extract_memory_limit, "KAM_EXTRACT_MEMORY_LIMIT")
    deadline = time.monotonic() + float(os.environ.get("KAM_WAREHOUSE_LOCK_WAIT_SECONDS", "600"))
    extract_settings = dataclasses.replace(settings, duckdb_memory_limit=settings.extract_memory_limit)
    target = Path(settings.warehouse)
    created = not target.exists()
    while True:
        try:
            with private_umask():
                con = connect(extract_settings)
            if created:
                make_private(target)
            return con
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                raise
            log.info("warehouse %s is locked by another process, waiting", settings.warehouse)
            time.sleep(2)


def is_database_url(source: str) -> bool:
    return "://" in source


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class SourceRead:
    """One file version or table read by this run (one `meta.source_reads` row)."""

    source: str
    read_at: datetime
    file: FileVersion | None = None
    since: str | None = None  # tables: lower bound of the read, None = all rows

    def version(self, rows: int, max_updated_at: datetime | None) -> str:
        """The file's sha256, or `table:<since or 'all'>:<rows>:<max valid updated_at or 'none'>`."""
        if self.file is not None:
            return self.file.sha256
        newest = max_updated_at.isoformat(sep=" ") if max_updated_at else "none"
        return f"table:{self.since or 'all'}:{rows}:{newest}"


class _Pending:
    """What has been staged and checked for one object, before writing."""

    def __init__(self, obj: SourceObject, extracted_at: datetime):
        self.obj = obj
        self.extracted_at = extracted_at
        self.checked = temp_name(f"checked_{obj.name}")
        self.created = False
        self.reads: list[SourceRead] = []
        self.skipped_unchanged: list[str] = []
        self.verified: list[FileVersion] = []  # hashed, and equal to a version already loaded
        self.changed: list[str] = []
        self.error: FileUnreadable | None = None
        self.started_at = _now()

    def add(self, con: duckdb.DuckDBPyConnection, staged: StagedSource, seq_offset: int) -> int:
        """Check a staged source into this object's checked table; returns its greatest row number."""
        select = checked_select(self.obj, staged, seq_offset, self.extracted_at)
        if self.created:
            con.execute(f"insert into {self.checked} {select}")
        else:
            con.execute(f"create temp table {self.checked} as {select}")
            self.created = True
        max_row = con.execute(f"select coalesce(max({staged.row}), 0) from {staged.table}").fetchone()[0]
        con.execute(f"drop {staged.relation} {staged.table}")
        return max_row

    def fail(self, con: duckdb.DuckDBPyConnection, error: FileUnreadable) -> None:
        """Give up this object for the night: drop what was staged, keep the error."""
        log.error("extract %s: %s: the object is not loaded this night", self.obj.name, error)
        self.error = error
        if self.created:
            con.execute(f"drop table if exists {self.checked}")
            self.created = False
        self.reads = []
        self.changed = []


def _find_new_files(
    con, obj: SourceObject, found: list[Path], folder: Path, item: _Pending, extensions: tuple[str, ...]
) -> None:
    """Keep the object's files whose name and content are not loaded yet.

    A file whose fingerprint vouches for a loaded version is skipped unopened; any other file is
    hashed (docs/decisions/0020).
    """
    known = meta_tables.known_file_versions(con, obj.name)
    if not found and not known and not obj.optional:
        raise ExtractError(
            f"{obj.name}: no source file in {folder} (expected {obj.name}{'/'.join(extensions)} or {obj.name}*<part>)"
        )
    trust_stat = verify_mode() == "stat"
    fingerprints = meta_tables.file_fingerprints(con, obj.name) if trust_stat else {}
    for path in found:
        label = discovery.source_label(folder, path)
        stat = file_stat(obj.name, path, label)
        sha256, fingerprint = fingerprints.get(label, (None, None))
        if fingerprint is not None and fingerprint.vouches_for(stat) and sha256 in known.get(label, ()):
            item.skipped_unchanged.append(label)
            continue
        version = file_version(obj.name, path, label, stat)
        if version.sha256 in known.get(label, ()):
            item.skipped_unchanged.append(label)
            item.verified.append(version)
            continue
        if label in known:
            item.changed.append(label)
        item.reads.append(SourceRead(source=label, read_at=_now(), file=version))


def _check_staged(con, item: _Pending, staged: StagedSource, offset: int) -> int:
    """`item.add`; a staged view whose file fails to read makes the file unreadable."""
    try:
        return item.add(con, staged, offset)
    except duckdb.Error as exc:
        if staged.read_error is None:
            raise
        con.execute(f"drop {staged.relation} if exists {staged.table}")
        reason = f"{staged.read_error} ({file_readers.first_line(exc)})"
        raise FileUnreadable(item.obj.name, staged.source, reason) from exc


def _stage_folder(con, system: str, folder: str, pending: dict[str, _Pending]) -> None:
    objects = [p.obj for p in pending.values()]
    extensions = discovery.ERP_EXTENSIONS if system == "erp" else discovery.CRM_EXTENSIONS
    found = discovery.files_by_object(folder, [o.name for o in objects], extensions)
    folder_path = Path(folder)
    for obj in objects:  # every file hashed and its header checked before anything is read
        item = pending[obj.name]
        try:
            _find_new_files(con, obj, found[obj.name], folder_path, item, extensions)
            for read in item.reads:
                file_readers.check_file_columns(con, obj, read.file.path, read.source)
        except FileUnreadable as error:
            item.fail(con, error)
    for obj in objects:
        item = pending[obj.name]
        if item.error is not None:
            continue
        offset = merge.next_load_seq_base(con, obj)
        try:
            for read in item.reads:
                read.read_at = _now()
                last_row = 0
                for staged in file_readers.stage_file(con, obj, read.file.path, read.source):
                    last_row = max(last_row, _check_staged(con, item, staged, offset))
                offset += last_row
        except FileUnreadable as error:
            item.fail(con, error)


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
            read = SourceRead(source=f"table:{item.obj.name}", read_at=_now(), since=since)
            staged, _ = sql_reader.stage_table(con, engine, url, item.obj, columns, since)
            item.add(con, staged, merge.next_load_seq_base(con, item.obj))
            item.reads.append(read)
    finally:
        engine.dispose()


def _read_figures(con, item: _Pending) -> dict[str, tuple[int, int, datetime | None]]:
    """Per source of the checked table: (rows read, bad rows, greatest valid updated_at)."""
    if not item.created:
        return {}
    newest = (
        "max(v__updated_at) filter (where _reason is null)" if item.obj.has_updated_at else "cast(null as timestamp)"
    )
    rows = con.execute(
        f"select _source, count(*), count(_reason), {newest} from {item.checked} group by _source"
    ).fetchall()
    return {source: (read, bad, last) for source, read, bad, last in rows}


def _write_object(con, item: _Pending, system: str, run_id: str, as_of: date) -> ObjectReport:
    obj, name = item.obj, item.obj.name
    meta_tables.seed_history(con, obj)
    quarantined = changed = loaded = 0
    if item.error is not None:
        meta_tables.record_source_error(con, as_of, run_id, name, item.error.source, str(item.error))
    figures = _read_figures(con, item)
    reads_table = temp_name(f"reads_{name}")
    con.execute(f"create temp table {reads_table} (source varchar, version varchar)")
    versions = {}
    for read in item.reads:
        rows, bad, newest = figures.get(read.source, (0, 0, None))
        versions[read.source] = read.version(rows, newest)
        con.execute(f"insert into {reads_table} values (?, ?)", [read.source, versions[read.source]])
    if item.created:
        quarantined = merge.quarantine_bad_rows(con, obj, item.checked, reads_table, run_id, as_of)
        changed = merge.merge_into_raw(con, obj, item.checked, run_id, as_of)
        loaded = sum(rows - bad for rows, bad, _ in figures.values())
        if obj.has_updated_at:
            watermark = max((last for _, _, last in figures.values() if last is not None), default=None)
            meta_tables.record_watermark(con, name, watermark, run_id)
        con.execute(f"drop table {item.checked}")
    con.execute(f"drop table {reads_table}")
    for read in item.reads:
        rows, bad, _ = figures.get(read.source, (0, 0, None))
        if read.file is not None:
            f = read.file
            meta_tables.record_loaded_file(con, name, read.source, f.size, f.mtime, f.sha256, rows, run_id, as_of)
            meta_tables.record_fingerprint(con, name, f)
        meta_tables.record_source_read(
            con, as_of, run_id, name, read.source, versions[read.source], rows, bad, read.read_at
        )
    for version in item.verified:
        meta_tables.record_fingerprint(con, name, version)
    rows_read = sum(rows for rows, _, _ in figures.values())
    totals = meta_tables.record_run(
        con, run_id, name, rows_read, loaded, quarantined, changed, item.started_at, _now(), as_of
    )
    return ObjectReport(
        object=name,
        system=system,
        rows_read=totals[0],
        rows_loaded=totals[1],
        rows_quarantined=totals[2],
        raw_rows_changed=totals[3],
        files=meta_tables.files_of_run(con, name, run_id),
        watermark=meta_tables.watermark_of(con, name),
        files_skipped_unchanged=item.skipped_unchanged,
        files_changed=item.changed,
        source_errors=[str(item.error)] if item.error is not None else [],
    )


def _write(
    con: duckdb.DuckDBPyConnection, system: str, pending: dict[str, _Pending], run_id: str, as_of: date
) -> ExtractReport:
    report = ExtractReport(run_id=run_id, as_of=as_of)
    con.execute("begin transaction")
    try:
        for name, item in pending.items():
            report.objects[name] = _write_object(con, item, system, run_id, as_of)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return report


def _log(report: ExtractReport) -> None:
    for rep in report.objects.values():
        log.info(
            "extract %s: read %d, valid %d, quarantined %d, raw changed %d, files %s, "
            "changed %s, unchanged (skipped) %d%s",
            rep.object,
            rep.rows_read,
            rep.rows_loaded,
            rep.rows_quarantined,
            rep.raw_rows_changed,
            rep.files,
            rep.files_changed,
            len(rep.files_skipped_unchanged),
            f", NOT LOADED: {rep.source_errors}" if rep.source_errors else "",
        )


def extract_system(
    settings: Settings, system: str, run_id: str, as_of: date, con: duckdb.DuckDBPyConnection | None = None
) -> ExtractReport:
    """Extract one source system ('erp' or 'crm') into the DuckDB file `settings.warehouse`, for as-of date `as_of`.

    Callers go through kam.extract, which passes the Warehouse's landing settings.
    """
    if system not in ("erp", "crm"):
        raise ValueError(f"unknown source system {system!r}: expected 'erp' or 'crm'")
    if not isinstance(as_of, date) or isinstance(as_of, datetime):
        raise TypeError(f"as_of must be a date, got {as_of!r}")
    own = con is None
    con = con or connect_when_free(settings)
    try:
        with private_umask():  # the .wal and spill files hold personal data too
            meta_tables.ensure_tables(con)
            latest = meta_tables.latest_extracted_as_of(con)
            if latest is not None and as_of < latest:
                log.info(
                    "extract %s: as-of %s is before the latest extracted as-of %s: backfill, nothing read",
                    system,
                    as_of,
                    latest,
                )
                return ExtractReport(run_id=run_id, as_of=as_of, mode=BACKFILL)
            extracted_at = _now()
            pending = {o.name: _Pending(o, extracted_at) for o in objects_of(system)}
            source = settings.orders_source if system == "erp" else settings.crm_source
            if system == "erp" and is_database_url(source):
                _stage_database(con, source, pending)
            else:
                if is_database_url(source):
                    raise ExtractError(f"the CRM source must be a folder, got {source}")
                _stage_folder(con, system, source, pending)
            report = _write(con, system, pending, run_id, as_of)
        _log(report)
        return report
    finally:
        if own:
            con.close()
