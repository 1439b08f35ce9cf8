"""`KamPublishOperator`: atomic publication of the marts as the reporting tables."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from operators.kam_operator import KamOperator

if TYPE_CHECKING:
    from airflow.sdk import Context

    from kam.config import Settings
    from kam.run_plan import RunPlan


class KamPublishOperator(KamOperator):
    """Call `kam.publish.publish_run` with the passed gate result (XCom of the gate task).

    The plan's mode and candidates schema go along: a backfill writes only D's history
    rows, its `pipeline_runs` row and export folder (the current tables stay on the latest date).
    """

    template_fields = ()

    def __init__(self, *, gate_task_id: str = "gate", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.gate_task_id = gate_task_id

    def run(self, context: Context, settings: Settings, plan: RunPlan) -> Any:
        from kam.publish import publish_run

        gate_result_json = context["ti"].xcom_pull(task_ids=self.gate_task_id)
        if not gate_result_json:
            raise ValueError(f"no gate result in XCom of task {self.gate_task_id!r}: refusing to publish")
        as_of = plan.as_of
        result = publish_run(settings, gate_result_json=gate_result_json, **self.run_record(context, as_of=as_of),
                             mode=plan.mode, candidates_schema=plan.candidates_schema)
        self.log.info("published as-of %s (%s) to %s", as_of, plan.mode, settings.reporting_db)
        return None if result is None else str(result)
