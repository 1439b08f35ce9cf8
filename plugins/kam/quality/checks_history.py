"""Blocking check `row_count_change`: the candidate customer_segments row count moves at most
`max_row_change` from the last publication (`gx/` judges |candidate / reference - 1|).

Compared with the last published run of an as-of date before D (for a backfill too: a
later date is never the reference), else the last published run of D itself (a rerun),
else nothing (the first run passes). Only `reporting.pipeline_runs` rows with status
`published` count, with the count in their `row_counts`.
"""

from __future__ import annotations

import json
from datetime import date

from kam.quality.gx_gate import Observation
from kam.quality.result import CheckResult
from kam.quality.thresholds import GateThresholds, override_hint, suggested_limit


def last_published(wh, as_of: date) -> dict | None:
    """The reference publication for D and its customer_segments row count, or None."""
    if not wh.table_exists("reporting", "pipeline_runs"):
        return None
    row = wh.fetchone(
        "select run_id, as_of_date, finished_at, row_counts from reporting.pipeline_runs "
        "where status = 'published' and as_of_date <= ? "
        "order by case when as_of_date < ? then 0 else 1 end, as_of_date desc, "
        "finished_at desc nulls last, started_at desc limit 1",
        [as_of, as_of],
    )
    if row is None:
        return None
    run_id, as_of_date, finished_at, row_counts = row
    relation = "an earlier date" if as_of_date < as_of else "a rerun of the date"
    found = {"run_id": run_id, "as_of_date": as_of_date, "finished_at": finished_at, "relation": relation}
    try:
        counts = json.loads(row_counts) if isinstance(row_counts, str) else (row_counts or {})
        found["rows"] = int(counts["customer_segments"])
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ValueError(
            f"reporting.pipeline_runs.row_counts of the published run {run_id} (as-of "
            f"{as_of_date}) holds no customer_segments count: {row_counts!r}"
        ) from exc
    return found


def observe_row_count_change(wh, as_of: date, t: GateThresholds, schema: str) -> CheckResult | Observation:
    limit, name = t.max_row_change, "row_count_change"
    candidate = wh.fetchone(f"select count(*) from {schema}.customer_segments")[0]
    previous = last_published(wh, as_of)
    details = {"candidate_rows": candidate, "last_published": previous}
    if previous is None:
        details["note"] = f"first run: nothing published for {as_of} or earlier, row count not compared"
        message = f"first run: nothing published for {as_of} or earlier, {candidate} rows not compared"
        return CheckResult(name, True, True, None, limit, message, details)
    before = previous["rows"]
    if before == 0:
        details["note"] = "the last publication had 0 rows: no relative change to compare"
        message = f"last publication had 0 rows; {candidate} rows now, not compared"
        return CheckResult(name, True, True, None, limit, message, details)
    change = details["change"] = (candidate - before) / before
    text = (
        f"customer_segments has {candidate} rows vs {before} last published "
        f"(as-of {previous['as_of_date']}, run {previous['run_id']}): {change:+.1%}"
    )
    hint = override_hint(as_of, "max_row_change", suggested_limit(change))
    return Observation(
        CheckResult(name, True, True, change, limit, text, details),
        [("customer_segments", abs(change))],
        lambda _: (
            f"{text}, beyond max_row_change {limit:.0%}",
            "find out why the customer population moved (extraction of accounts/orders, the "
            "as-of date, the customer rules); if the change is real, rerun the date with a "
            f"larger max_row_change: {hint}",
        ),
    )
