"""Blocking check 3, `quarantine_share`, judged per as-of date D (outputs.md v1.1, decision 0009).

Reads of D: the `meta.source_reads` rows with `as_of_date = D`; of a file only the latest read
(greatest `read_at`: a new version of the file replaces the old one and closes its bad rows), of
a table every read (an incremental read of a rerun re-reads part of the same rows, so it must not
hide the first read's bad rows). Delivered per source = the largest of its counted reads (a file:
its one read; a table: reruns re-read one window). Open bad rows: the
`quarantine.rows` of D of those (source, version) pairs, minus the rows closed by a valid
version of the same key (`key_text`) in `raw_history.<object>` with a greater `_load_seq`
and `_as_of_date <= D`. A rerun that reads nothing is judged on the same reads as the
first run, so it cannot pass where that one failed; a replaced file closes its old bad rows.
"""
from __future__ import annotations

from datetime import date

from kam.contract import OBJECTS
from kam.quality.access import WarehouseAccess
from kam.quality.result import CheckResult
from kam.quality.thresholds import GateThresholds, override_hint, suggested_limit

REASONS_SHOWN = 5

COUNTED_READS = """
    select object, source, version, rows_read, rows_bad from (
        select object, source, version, rows_read, rows_bad,
               row_number() over (partition by object, source order by read_at desc, version desc) as read_rank
        from meta.source_reads where as_of_date = ?) reads
    where read_rank = 1 or source like 'table:%'"""


def _key_text(obj: str) -> str:
    """SQL of `key_text` (trimmed key values joined by `|`) from a raw_history row `h`."""
    return "concat_ws('|', " + ", ".join(f"cast(h.{k} as varchar)" for k in OBJECTS[obj].key) + ")"


def _bad_rows(access: WarehouseAccess, obj: str, as_of: date) -> dict:
    """Bad rows of D's counted reads of `obj`: all of them, those closed, and the open ones by reason."""
    bad_of_reads = (f"from quarantine.rows q join ({COUNTED_READS}) r on r.object = q.object "
                    f"and r.source = q.source and r.version = q.version "
                    f"where q.as_of_date = ? and q.object = ?")
    params = [as_of, as_of, obj]
    closed = "false"
    if obj in OBJECTS and access.table_exists("raw_history", obj):
        closed = (f"q.key_text is not null and exists (select 1 from raw_history.{obj} h "
                  f"where {_key_text(obj)} = q.key_text and h._load_seq > q.load_seq and h._as_of_date <= ?)")
        params_closed = [as_of]
    else:
        params_closed = []
    total, closed_rows = access.fetchone(
        f"select count(*), coalesce(sum(case when {closed} then 1 else 0 end), 0) {bad_of_reads}",
        params_closed + params)
    reasons = access.fetchall(
        f"select q.reason, count(*) {bad_of_reads} and not ({closed}) "
        f"group by q.reason order by count(*) desc, q.reason limit {REASONS_SHOWN}", params + params_closed)
    return {"bad_rows": int(total), "closed": int(closed_rows), "open": int(total) - int(closed_rows),
            "open_reasons": {reason: int(n) for reason, n in reasons}}


def check_quarantine_share(access: WarehouseAccess, as_of: date, t: GateThresholds) -> CheckResult:
    """Per object: open bad rows of D / rows delivered for D, at most `quarantine_max_share`."""
    name, limit = "quarantine_share", t.quarantine_max_share
    if not access.table_exists("meta", "source_reads"):
        return CheckResult(name, True, False, None, limit,
                           "meta.source_reads not found: the reads of the date cannot be judged", {},
                           "run the extraction of this version (it records every read in meta.source_reads), "
                           "rerun the date")
    reads: dict[str, dict] = {}
    for obj, sources, rows_read, rows_bad in access.fetchall(
            f"select object, count(*), sum(rows_read), sum(rows_bad) from ("
            f"select object, source, max(rows_read) as rows_read, max(rows_bad) as rows_bad "
            f"from ({COUNTED_READS}) counted group by object, source) per_source "
            f"group by object order by object", [as_of]):
        reads[obj] = {"sources": int(sources), "rows_delivered": int(rows_read or 0),
                      "rows_bad_reported": int(rows_bad or 0)}
    has_quarantine = access.table_exists("quarantine", "rows")
    per_object, failing = {}, []
    for obj in sorted(reads):
        bad = _bad_rows(access, obj, as_of) if has_quarantine else {
            "bad_rows": 0, "closed": 0, "open": 0, "open_reasons": {}}
        delivered = reads[obj]["rows_delivered"]
        share = bad["open"] / delivered if delivered else (0.0 if bad["open"] == 0 else 1.0)
        passed = share <= limit
        per_object[obj] = {**reads[obj], **bad, "share": share, "passed": passed}
        if not passed:
            failing.append(obj)

    worst = max((v["share"] for v in per_object.values()), default=0.0)
    details = {"as_of_date": as_of, "objects": per_object}
    if not per_object:
        details["note"] = f"no read recorded for {as_of} in meta.source_reads: 0 of 0 rows"
    if failing:
        parts = [f"{o} {per_object[o]['share']:.2%} ({per_object[o]['open']} open bad rows of "
                 f"{per_object[o]['rows_delivered']} delivered)" for o in failing]
        objects = ", ".join(f"'{o}'" for o in failing)
        suggested = suggested_limit(worst)
        return CheckResult(
            name, True, False, worst, limit,
            f"quarantine share of {as_of} above {limit:.2%} for {', '.join(parts)}", details,
            f"inspect quarantine.rows where as_of_date = '{as_of}' and object in ({objects}) (columns reason, "
            f"source, row_number); fix or replace the file (its new version replaces the bad rows) or deliver "
            f"valid rows of those keys, rerun the date; a rerun that reads nothing new stays blocked. If the "
            f"share is acceptable, override the threshold for this run: "
            f"{override_hint(as_of, 'quarantine_max_share', suggested)}")
    return CheckResult(name, True, True, worst, limit,
                       f"quarantine share of {as_of} at most {worst:.2%} per object (limit {limit:.2%})", details)
