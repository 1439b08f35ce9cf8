"""`KamExportOperator`: the nightly export folder of the published tables."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from operators.kam_operator import KamOperator

if TYPE_CHECKING:
    from airflow.sdk import Context

    from kam.config import Settings
    from kam.run_plan import RunPlan


class KamExportOperator(KamOperator):
    """Call `kam.export.export_run` on the plan's candidates schema: `<export_dir>/<as-of>/`
    appears complete or not at all (a backfill writes D's folder, nothing else)."""

    template_fields = ()

    def run(self, context: Context, settings: Settings, plan: RunPlan) -> Any:
        from kam.export import export_run

        as_of = plan.as_of
        folder = export_run(settings, run_id=context["run_id"], as_of=as_of, candidates_schema=plan.candidates_schema)
        self.log.info("exported as-of %s to %s", as_of, folder or settings.export_dir)
        return None if folder is None else str(folder)
