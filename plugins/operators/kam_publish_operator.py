"""`KamPublishOperator`: atomic publication of the candidates as the reporting tables (`kam.pipeline.publish`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from operators.kam_operator import KamOperator

if TYPE_CHECKING:
    from airflow.sdk import Context

    from kam.config import Settings
    from kam.run_plan import RunPlan


class KamPublishOperator(KamOperator):
    """Publish with the passed verdict of the gate task (its XCom); a backfill writes only D's history rows."""

    template_fields = ()

    def __init__(self, *, gate_task_id: str = "gate", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.gate_task_id = gate_task_id

    def run(self, context: Context, settings: Settings, plan: RunPlan) -> Any:
        from kam import pipeline

        verdict = context["ti"].xcom_pull(task_ids=self.gate_task_id)
        if not verdict:
            raise ValueError(f"no gate result in XCom of task {self.gate_task_id!r}: refusing to publish")
        result = pipeline.publish(
            settings, plan, verdict, run_id=context["run_id"], started_at=self.run_started_at(context)
        )
        self.log.info("published as-of %s (%s) to %s", plan.as_of, result["mode"], result["reporting_db"])
        return result
