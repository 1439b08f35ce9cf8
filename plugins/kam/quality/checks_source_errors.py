"""Blocking check `source_files_readable`, the first of the gate (decision 0009).

A file extraction could not read at all is recorded in `meta.source_errors`; its object was
not loaded that night, so every derived check may be wrong. An error of D counts unless that
source was read successfully later in D (a `meta.source_reads` row of D read after it).
"""

from __future__ import annotations

from datetime import date

from kam.quality.gx_gate import Observation
from kam.quality.result import SOURCE_CHECK, CheckResult, not_evaluated

ERRORS_SHOWN = 10


def open_source_errors(wh, as_of: date) -> list[dict]:
    """The errors of D not superseded by a later successful read of the same source in D, the latest per file."""
    superseded = ""
    if wh.table_exists("meta", "source_reads"):
        superseded = (
            "and not exists (select 1 from meta.source_reads r where r.as_of_date = e.as_of_date "
            "and r.object = e.object and r.source = e.source and r.read_at > e.recorded_at)"
        )
    rows = wh.fetchall(
        "select e.object, e.source, e.error, e.run_id, e.recorded_at from meta.source_errors e "
        f"where e.as_of_date = ? {superseded} order by e.object, e.source, e.recorded_at",
        [as_of],
    )
    latest = {(o, s): {"object": o, "source": s, "error": e, "run_id": r, "recorded_at": at} for o, s, e, r, at in rows}
    return list(latest.values())


def observe_source_files(wh, as_of: date) -> CheckResult | Observation:
    if not wh.table_exists("meta", "source_errors"):
        message = "meta.source_errors not found: whether every file could be read is unknown"
        return not_evaluated(
            SOURCE_CHECK,
            message,
            "run the extraction of this version (it records unreadable files in meta.source_errors), rerun the date",
            0,
        )
    errors = open_source_errors(wh, as_of)
    message, details = f"every source file of {as_of} could be read", {"as_of_date": as_of, "errors": errors}
    check = CheckResult(SOURCE_CHECK, True, True, len(errors), 0, message, details)

    def failed(_subjects: list[str]) -> tuple[str, str]:
        shown = "; ".join(f"{e['object']} file {e['source']}: {e['error']}" for e in errors[:ERRORS_SHOWN])
        more = f"; and {len(errors) - ERRORS_SHOWN} more" if len(errors) > ERRORS_SHOWN else ""
        objects = sorted({e["object"] for e in errors})
        return (
            f"{len(errors)} source file(s) of {as_of} cannot be read, so {', '.join(objects)} "
            f"{'was' if len(objects) == 1 else 'were'} not loaded: {shown}{more}",
            f"fix or replace the file, rerun the date {as_of} (the checks below may fail because of it)",
        )

    return Observation(check, [(f"{e['object']} {e['source']}", 1) for e in errors], failed)
