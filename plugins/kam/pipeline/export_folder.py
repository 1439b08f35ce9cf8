"""Stage `export`: the export folder `<export_dir>/<D>/` of the published run (complete or absent)."""

from __future__ import annotations

from kam.config import Settings
from kam.run_plan import RunPlan


def export(settings: Settings, plan: RunPlan, *, run_id: str) -> str:
    """Write D's export folder from the published tables (a backfill: from its candidates); returns its path."""
    from kam.export import export_run

    return str(
        export_run(
            settings, run_id=run_id, as_of=plan.as_of, candidates_schema=plan.candidates_schema, run_vars=plan.vars
        )
    )
