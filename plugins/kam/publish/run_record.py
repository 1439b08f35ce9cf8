"""The `reporting.pipeline_runs` row of a run: columns, and how a gate result maps onto it.

`gate_result_json` is the gate's JSON-able result. Read from it:
- `failed_checks`: list of the failed blocking checks (each a dict with the
  check's name and numbers), or, when absent, the entries of `checks` that are
  blocking (`blocking` missing counts as blocking) and did not pass
  (`passed`/`success` false);
- `warnings`: list of non-blocking findings, or, when absent, the entries of
  `checks` with `blocking: false` that did not pass.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timezone

PIPELINE_RUNS_COLUMNS = (
    "as_of_date", "run_id", "started_at", "finished_at", "status",
    "failed_checks", "warnings", "row_counts", "source_watermarks",
)
PUBLISHED = "published"
#: DuckDB: committed to the warehouse, not yet visible in the BI file (kam.publish.reconcile)
PUBLISHING = "publishing"
BLOCKED = "blocked"


@dataclass(frozen=True)
class RunRecord:
    """One row of reporting.pipeline_runs (timestamps naive UTC, JSON as text)."""

    as_of_date: date
    run_id: str
    started_at: datetime
    finished_at: datetime
    status: str
    failed_checks: str
    warnings: str
    row_counts: str
    source_watermarks: str

    def values(self) -> tuple:
        return tuple(getattr(self, c) for c in PIPELINE_RUNS_COLUMNS)


def as_date(value: date | str) -> date:
    """An as-of date given as a date, datetime or ISO string."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValueError(f"as_of: {value!r} is not an ISO date (YYYY-MM-DD)") from None


def utc_naive(value: datetime | str) -> datetime:
    """A timestamp as naive UTC (aware values are converted; naive ones are taken as UTC)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if not isinstance(value, datetime):
        raise ValueError(f"started_at: {value!r} is not a timestamp")
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def to_json(value) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


def _not_passed(check: dict) -> bool:
    return not check.get("passed", check.get("success", False))


def failed_checks(gate_result: dict) -> list:
    """The failed blocking checks of a gate result."""
    if gate_result.get("failed_checks") is not None:
        return list(gate_result["failed_checks"])
    return [c for c in gate_result.get("checks") or []
            if isinstance(c, dict) and c.get("blocking", True) and _not_passed(c)]


def warnings(gate_result: dict) -> list:
    """The non-blocking findings of a gate result."""
    if gate_result.get("warnings") is not None:
        return list(gate_result["warnings"])
    return [c for c in gate_result.get("checks") or []
            if isinstance(c, dict) and c.get("blocking", True) is False and _not_passed(c)]


def run_record(*, run_id: str, as_of: date | str, started_at: datetime | str, status: str,
               gate_result: dict, row_counts: dict, source_watermarks: dict) -> RunRecord:
    """The pipeline_runs row of a run finishing now."""
    if not run_id:
        raise ValueError("run_id: empty")
    return RunRecord(
        as_of_date=as_date(as_of),
        run_id=str(run_id),
        started_at=utc_naive(started_at),
        finished_at=datetime.now(timezone.utc).replace(tzinfo=None),
        status=status,
        failed_checks=to_json(failed_checks(gate_result)),
        warnings=to_json(warnings(gate_result)),
        row_counts=to_json(row_counts),
        source_watermarks=to_json(source_watermarks),
    )
