"""`KamPlanOperator`: the first task of every run, deciding what the run does (`kam.run_plan`)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperator

from operators.kam_operator import KamOperator

if TYPE_CHECKING:
    from airflow.sdk import Context


class KamPlanOperator(BaseOperator):
    """Validate the params, settle an interrupted publication, decide nightly or backfill.

    D is the param `as_of` (else the day before the logical date); the param `vars`
    (an object of dbt var overrides) is refused here, naming the var, when a name is
    unknown or a type wrong, so nothing else of the run starts. Returns the plan as a
    dict (XCom `return_value`, read by every later task): see `kam.run_plan.RunPlan`.
    """

    ui_color = "#f6e7c1"
    template_fields = ()

    def execute(self, context: Context) -> dict[str, Any]:
        from kam.config import load_settings
        from kam.run_plan import plan_run

        as_of = KamOperator.resolve_as_of(context)
        overrides = (context.get("params") or {}).get("vars") or {}
        plan = plan_run(load_settings(), as_of, overrides)
        self.log.info("run plan: %s (latest extracted as-of %s, dbt vars %s)", plan.mode,
                      plan.latest_extracted_as_of, plan.dbt_vars())
        return plan.to_dict()
