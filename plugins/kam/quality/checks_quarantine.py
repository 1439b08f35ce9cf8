"""Blocking check `quarantine_share`, judged per as-of date D (outputs.md v1.1).

Open bad rows of D's reads over the rows delivered; a rerun that reads nothing is judged on the same
reads (the rule: docs/decisions/0009, "Gate check 3").
"""

from __future__ import annotations

from datetime import date

from kam.contract import OBJECTS
from kam.quality.gx_gate import Observation
from kam.quality.result import CheckResult, not_evaluated
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


def _bad_rows(wh, obj: str, as_of: date) -> dict:
    """Bad rows of D's counted reads of `obj`: all of them, those closed, and the open ones by reason."""
    bad_of_reads = (
        f"from quarantine.rows q join ({COUNTED_READS}) r on r.object = q.object "
        f"and r.source = q.source and r.version = q.version "
        f"where q.as_of_date = ? and q.object = ?"
    )
    params = [as_of, as_of, obj]
    closed, params_closed = "false", []
    if obj in OBJECTS and wh.table_exists("raw_history", obj):
        closed = (
            f"q.key_text is not null and exists (select 1 from raw_history.{obj} h "
            f"where {_key_text(obj)} = q.key_text and h._load_seq > q.load_seq and h._as_of_date <= ?)"
        )
        params_closed = [as_of]
    total, closed_rows = wh.fetchone(
        f"select count(*), coalesce(sum(case when {closed} then 1 else 0 end), 0) {bad_of_reads}",
        params_closed + params,
    )
    reasons = wh.fetchall(
        f"select q.reason, count(*) {bad_of_reads} and not ({closed}) "
        f"group by q.reason order by count(*) desc, q.reason limit {REASONS_SHOWN}",
        params + params_closed,
    )
    open_reasons = {reason: int(n) for reason, n in reasons}
    return {
        "bad_rows": int(total),
        "closed": int(closed_rows),
        "open": int(total - closed_rows),
        "open_reasons": open_reasons,
    }


def observe_quarantine_share(wh, as_of: date, t: GateThresholds) -> CheckResult | Observation:
    """Per object: open bad rows of D / rows delivered for D (judged against `quarantine_max_share`)."""
    name, limit = "quarantine_share", t.quarantine_max_share
    if not wh.table_exists("meta", "source_reads"):
        return not_evaluated(
            name,
            "meta.source_reads not found: the reads of the date cannot be judged",
            "run the extraction of this version (it records every read in meta.source_reads), rerun the date",
            limit,
        )
    reads: dict[str, dict] = {}
    for obj, sources, rows_read, rows_bad in wh.fetchall(
        f"select object, count(*), sum(rows_read), sum(rows_bad) from ("
        f"select object, source, max(rows_read) as rows_read, max(rows_bad) as rows_bad "
        f"from ({COUNTED_READS}) counted group by object, source) per_source "
        f"group by object order by object",
        [as_of],
    ):
        reads[obj] = {
            "sources": int(sources),
            "rows_delivered": int(rows_read or 0),
            "rows_bad_reported": int(rows_bad or 0),
        }
    none_bad = {"bad_rows": 0, "closed": 0, "open": 0, "open_reasons": {}}
    has_quarantine, per_object = wh.table_exists("quarantine", "rows"), {}
    for obj in sorted(reads):
        bad = _bad_rows(wh, obj, as_of) if has_quarantine else none_bad
        delivered = reads[obj]["rows_delivered"]
        share = bad["open"] / delivered if delivered else (0.0 if bad["open"] == 0 else 1.0)
        per_object[obj] = {**reads[obj], **bad, "share": share, "passed": True}
    worst = max((v["share"] for v in per_object.values()), default=0.0)
    details = {"as_of_date": as_of, "objects": per_object}
    if not per_object:
        details["note"] = f"no read recorded for {as_of} in meta.source_reads: 0 of 0 rows"
    message = f"quarantine share of {as_of} at most {worst:.2%} per object (limit {limit:.2%})"
    check = CheckResult(name, True, True, worst, limit, message, details)

    def failed(failing: list[str]) -> tuple[str, str]:
        for obj in failing:
            per_object[obj]["passed"] = False
        parts = [
            f"{o} {per_object[o]['share']:.2%} ({per_object[o]['open']} open bad rows of "
            f"{per_object[o]['rows_delivered']} delivered)"
            for o in failing
        ]
        objects = ", ".join(f"'{o}'" for o in failing)
        return (
            f"quarantine share of {as_of} above {limit:.2%} for {', '.join(parts)}",
            f"inspect quarantine.rows where as_of_date = '{as_of}' and object in ({objects}) (columns reason, "
            f"source, row_number); fix or replace the file (its new version replaces the bad rows) or deliver "
            f"valid rows of those keys, rerun the date; a rerun that reads nothing new stays blocked. If the "
            f"share is acceptable, override the threshold for this run: "
            f"{override_hint(as_of, 'quarantine_max_share', suggested_limit(worst))}",
        )

    return Observation(check, [(obj, v["share"]) for obj, v in per_object.items()], failed)
