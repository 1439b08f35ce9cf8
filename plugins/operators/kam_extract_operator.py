"""`KamExtractOperator`: extraction of one source system (`kam.pipeline.extract`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from operators.kam_operator import KamOperator, task_started_at

if TYPE_CHECKING:
    from airflow.sdk import Context

    from kam.config import Settings
    from kam.run_plan import RunPlan

SYSTEMS = ("erp", "crm")


class KamExtractOperator(KamOperator):
    """Extract `system` for the plan's D; the report (plus `task_started_at`) goes to XCom and the log.

    The warehouse's `meta.extract_runs` holds the same counts for the gate and publish;
    a backfill plan reads nothing (`"read": False`).
    """

    template_fields = ()

    def __init__(self, *, system: str, **kwargs: Any) -> None:
        if system not in SYSTEMS:
            raise ValueError(f"system must be one of {SYSTEMS}, got {system!r}")
        super().__init__(**kwargs)
        self.system = system

    def run(self, context: Context, settings: Settings, plan: RunPlan) -> Any:
        from kam import pipeline

        started_at = task_started_at(context)
        report = pipeline.extract(settings, plan, self.system, run_id=context["run_id"])
        summary = {**report, "task_started_at": started_at.isoformat()}
        self.log.info("extract_%s: %s", self.system, summary)
        return summary
