"""`KamExportOperator`: the export folder of the published run (`kam.pipeline.export`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from operators.kam_operator import KamOperator

if TYPE_CHECKING:
    from airflow.sdk import Context

    from kam.config import Settings
    from kam.run_plan import RunPlan


class KamExportOperator(KamOperator):
    """Write `<export_dir>/<D>/`, complete or not at all; returns its path."""

    template_fields = ()

    def run(self, context: Context, settings: Settings, plan: RunPlan) -> Any:
        from kam import pipeline

        folder = pipeline.export(settings, plan, run_id=context["run_id"])
        self.log.info("exported as-of %s to %s", plan.as_of, folder)
        return folder
