"""`KamDocsOperator`: the dbt docs site of the published night (`kam.pipeline.docs`), beside the export.

A site that was not built (a backfill, or a failed build: the stage logged why) skips the task
instead of failing it: the night is published and stays a success.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow.sdk.exceptions import AirflowSkipException

from operators.kam_operator import KamOperator

if TYPE_CHECKING:
    from airflow.sdk import Context

    from kam.config import Settings
    from kam.run_plan import RunPlan


class KamDocsOperator(KamOperator):
    """Write `<KAM_HOME>/docs/index.html` (served by Cosmos's dbt-docs plugin); returns its path."""

    template_fields = ()
    ui_color = "#e8f0e0"

    def run(self, context: Context, settings: Settings, plan: RunPlan) -> Any:
        from kam import pipeline

        site = pipeline.docs(settings, plan)
        if site is None:
            raise AirflowSkipException(f"no dbt docs site built for {plan.as_of} (see the log above)")
        self.log.info("dbt docs site of %s: %s", plan.as_of, site)
        return site
