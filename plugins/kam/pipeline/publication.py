"""Stage `publish`: the publish-or-block decision on a gate verdict.

Passed: the candidates become the reporting tables (`kam.publish.publish_run`).
Blocked: only the run's `reporting.pipeline_runs` row is written
(`kam.publish.record_blocked`) and `GateBlocked` is raised, carrying the failed
checks and the report path (the failure alert reads them).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from kam.config import Settings
from kam.run_plan import RunPlan


class GateBlocked(RuntimeError):
    """The gate blocked publication of D: nothing was published, the run is recorded as blocked."""

    def __init__(self, as_of: date, failed_checks: list[dict], report_path: str | None) -> None:
        names = ", ".join(str(c.get("name", c)) if isinstance(c, dict) else str(c) for c in failed_checks)
        super().__init__(
            f"data-quality gate blocked publication for as-of {as_of}: failed checks: {names}; report: {report_path}"
        )
        self.as_of = as_of
        self.failed_checks = list(failed_checks)
        self.report_path = report_path


def block_if_failed(
    settings: Settings, plan: RunPlan, verdict: dict[str, Any], *, run_id: str, started_at: datetime | str
) -> None:
    """Return when the gate passed; else record the run as blocked and raise `GateBlocked`."""
    if verdict["passed"]:
        return
    from kam.publish import record_blocked

    record_blocked(
        settings,
        run_id=run_id,
        as_of=plan.as_of,
        started_at=started_at,
        gate_result_json=verdict,
        candidates_schema=plan.candidates_schema,
    )
    raise GateBlocked(plan.as_of, verdict["failed_checks"], verdict.get("report_path"))


def publish(
    settings: Settings, plan: RunPlan, verdict: dict[str, Any], *, run_id: str, started_at: datetime | str
) -> dict[str, Any]:
    """Publish the plan's candidates of a passed verdict (nightly, or D's history rows for a backfill)."""
    from kam.publish import publish_run

    result = publish_run(
        settings,
        run_id=run_id,
        as_of=plan.as_of,
        started_at=started_at,
        gate_result_json=verdict,
        mode=plan.mode,
        candidates_schema=plan.candidates_schema,
    )
    return {
        "run_id": result.run_id,
        "as_of": result.as_of_date.isoformat(),
        "status": result.status,
        "mode": result.mode,
        "tables": list(result.tables),
        "row_counts": result.row_counts,
        "reporting_db": None if result.reporting_db is None else str(result.reporting_db),
    }


def publish_or_block(
    settings: Settings, plan: RunPlan, verdict: dict[str, Any], *, run_id: str, started_at: datetime | str
) -> dict[str, Any]:
    """Publish when the gate passed; else record the run as blocked and raise `GateBlocked`."""
    block_if_failed(settings, plan, verdict, run_id=run_id, started_at=started_at)
    return publish(settings, plan, verdict, run_id=run_id, started_at=started_at)
