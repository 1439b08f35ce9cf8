"""`KamExportOperator`: the nightly export folder of the published tables."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from operators.kam_operator import KamOperator

if TYPE_CHECKING:
    from airflow.sdk import Context

    from kam.config import Settings


class KamExportOperator(KamOperator):
    """Call `kam.export.export_run`: `<export_dir>/<as-of>/` appears complete or not at all."""

    template_fields = ()

    def run(self, context: Context, settings: Settings, as_of: date) -> Any:
        from kam.export import export_run

        folder = export_run(settings, run_id=context["run_id"], as_of=as_of)
        self.log.info("exported as-of %s to %s", as_of, folder or settings.export_dir)
        return None if folder is None else str(folder)
