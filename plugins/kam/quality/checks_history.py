"""Blocking check against the last publication: the customer_segments row count moves at most
`max_row_change`. The first run (nothing published yet) passes with a note."""
from __future__ import annotations

import json

from kam.quality.access import WarehouseAccess
from kam.quality.result import CheckResult
from kam.quality.thresholds import GateThresholds


def last_published(access: WarehouseAccess) -> dict | None:
    """The last published run and its customer_segments row count, or None before the first.

    The row count comes from `reporting.pipeline_runs.row_counts` of the latest run with status
    `published` (by finished_at); without it, from counting `reporting.customer_segments`.
    """
    found: dict = {}
    if access.table_exists("reporting", "pipeline_runs"):
        row = access.fetchone(
            "select run_id, as_of_date, finished_at, row_counts from reporting.pipeline_runs "
            "where status = 'published' order by finished_at desc nulls last, started_at desc limit 1")
        if row is not None:
            run_id, as_of_date, finished_at, row_counts = row
            found = {"run_id": run_id, "as_of_date": as_of_date, "finished_at": finished_at}
            try:
                counts = json.loads(row_counts) if isinstance(row_counts, str) else (row_counts or {})
                rows = counts.get("customer_segments")
                if rows is not None:
                    found.update(rows=int(rows), source="reporting.pipeline_runs.row_counts")
            except (ValueError, TypeError, AttributeError):
                found["note"] = f"row_counts of run {run_id} is not a JSON object: {row_counts!r}"
    if "rows" not in found and access.table_exists("reporting", "customer_segments"):
        found.update(rows=access.fetchone("select count(*) from reporting.customer_segments")[0],
                     source="count of reporting.customer_segments")
    return found if "rows" in found else None


def check_row_count_change(access: WarehouseAccess, t: GateThresholds) -> CheckResult:
    limit = t.max_row_change
    candidate = access.fetchone("select count(*) from marts.customer_segments")[0]
    previous = last_published(access)
    details = {"candidate_rows": candidate, "last_published": previous}
    if previous is None:
        details["note"] = "first run: nothing published yet, row count not compared"
        return CheckResult("row_count_change", True, True, None, limit,
                           f"first run: nothing published yet, {candidate} rows not compared", details)
    before = previous["rows"]
    if before == 0:
        details["note"] = "the last publication had 0 rows: no relative change to compare"
        return CheckResult("row_count_change", True, True, None, limit,
                           f"last publication had 0 rows; {candidate} rows now, not compared", details)
    change = (candidate - before) / before
    details["change"] = change
    text = (f"customer_segments has {candidate} rows vs {before} last published "
            f"(as-of {previous.get('as_of_date')}, run {previous.get('run_id')}): {change:+.1%}")
    if abs(change) > limit:
        return CheckResult("row_count_change", True, False, change, limit,
                           f"{text}, beyond max_row_change {limit:.0%}", details,
                           "find out why the customer population moved (extraction of accounts/orders, "
                           "the as-of date, the customer rules); if the change is real, rerun the date "
                           "with a larger max_row_change in gate_vars")
    return CheckResult("row_count_change", True, True, change, limit, text, details)
