"""Blocking check `source_files_readable`, the first of the gate (decision 0009).

A file extraction could not read at all (not CSV/JSONL/Parquet, a required column
missing, a duplicate header column, ...) is recorded in `meta.source_errors`; its object
was not loaded that night, so every derived check may be wrong. An error of D counts
unless that source was read successfully later in D (a `meta.source_reads` row of D
with `read_at` after the error's `recorded_at`).
"""
from __future__ import annotations

from datetime import date

from kam.quality.access import WarehouseAccess
from kam.quality.result import SOURCE_CHECK, CheckResult
from kam.quality.thresholds import GateThresholds

NAME = SOURCE_CHECK
ERRORS_SHOWN = 10


def open_source_errors(access: WarehouseAccess, as_of: date) -> list[dict]:
    """The errors of D not superseded by a later successful read of the same source in D."""
    superseded = ""
    params = [as_of]
    if access.table_exists("meta", "source_reads"):
        superseded = ("and not exists (select 1 from meta.source_reads r where r.as_of_date = e.as_of_date "
                      "and r.object = e.object and r.source = e.source and r.read_at > e.recorded_at)")
    rows = access.fetchall(
        "select e.object, e.source, e.error, e.run_id, e.recorded_at from meta.source_errors e "
        f"where e.as_of_date = ? {superseded} order by e.object, e.source, e.recorded_at", params)
    latest: dict[tuple, dict] = {}
    for obj, source, error, run_id, recorded_at in rows:  # one line per file: its latest error
        latest[(obj, source)] = {"object": obj, "source": source, "error": error, "run_id": run_id,
                                 "recorded_at": recorded_at}
    return list(latest.values())


def check_source_files_readable(access: WarehouseAccess, as_of: date, t: GateThresholds) -> CheckResult:
    if not access.table_exists("meta", "source_errors"):
        return CheckResult(NAME, True, False, None, 0,
                           "meta.source_errors not found: whether every file could be read is unknown", {},
                           "run the extraction of this version (it records unreadable files in "
                           "meta.source_errors), rerun the date")
    errors = open_source_errors(access, as_of)
    details = {"as_of_date": as_of, "errors": errors}
    if not errors:
        return CheckResult(NAME, True, True, 0, 0, f"every source file of {as_of} could be read", details)
    shown = "; ".join(f"{e['object']} file {e['source']}: {e['error']}" for e in errors[:ERRORS_SHOWN])
    more = f"; and {len(errors) - ERRORS_SHOWN} more" if len(errors) > ERRORS_SHOWN else ""
    objects = sorted({e["object"] for e in errors})
    return CheckResult(
        NAME, True, False, len(errors), 0,
        f"{len(errors)} source file(s) of {as_of} cannot be read, so {', '.join(objects)} "
        f"{'was' if len(objects) == 1 else 'were'} not loaded: {shown}{more}", details,
        f"fix or replace the file, rerun the date {as_of} (the checks below may fail because of it)")
