"""`KamPlanOperator`: the first task of every run, deciding what the run does (`kam.pipeline.plan`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperator

if TYPE_CHECKING:
    from airflow.sdk import Context


class KamPlanOperator(BaseOperator):
    """D from the params and logical date (`kam.pipeline.as_of_of_run`), then the plan for it.

    A bad `vars` param fails this task naming the var, so nothing else of the run starts.
    Returns the plan as a dict (XCom `return_value`, read by every later task).
    """

    ui_color = "#f6e7c1"
    template_fields = ()

    def execute(self, context: Context) -> dict[str, Any]:
        from kam import pipeline
        from kam.config import load_settings

        overrides = (context.get("params") or {}).get("vars") or {}
        plan = pipeline.plan(load_settings(), pipeline.as_of_of_run(context), overrides)
        self.log.info(
            "run plan: %s (latest extracted as-of %s, dbt vars %s)",
            plan.mode,
            plan.latest_extracted_as_of,
            plan.dbt_vars(),
        )
        return plan.to_dict()
