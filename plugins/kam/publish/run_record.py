"""The `reporting.pipeline_runs` row of a run: its columns, filled from the gate's verdict.

The verdict (`kam.quality.GateResult.to_dict()`) lists `failed_checks` and `warnings`,
each check's name and numbers; they are stored as JSON text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

from kam.warehouse.reporting_schema import PUBLISHED, PUBLISHING  # noqa: F401 (the statuses publication writes)

PIPELINE_RUNS_COLUMNS = (
    "as_of_date",
    "run_id",
    "started_at",
    "finished_at",
    "status",
    "failed_checks",
    "warnings",
    "row_counts",
    "source_watermarks",
)
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
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def to_json(value) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


def failed_checks(gate_result: dict) -> list:
    """The failed blocking checks of a gate verdict."""
    return list(gate_result["failed_checks"])


def run_record(
    *,
    run_id: str,
    as_of: date | str,
    started_at: datetime | str,
    status: str,
    gate_result: dict,
    row_counts: dict,
    source_watermarks: dict,
) -> RunRecord:
    """The pipeline_runs row of a run finishing now."""
    if not run_id:
        raise ValueError("run_id: empty")
    return RunRecord(
        as_of_date=as_date(as_of),
        run_id=str(run_id),
        started_at=utc_naive(started_at),
        finished_at=datetime.now(UTC).replace(tzinfo=None),
        status=status,
        failed_checks=to_json(failed_checks(gate_result)),
        warnings=to_json(gate_result["warnings"]),
        row_counts=to_json(row_counts),
        source_watermarks=to_json(source_watermarks),
    )
