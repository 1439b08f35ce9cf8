"""Stage `plan`: what one run does (as-of date, nightly or backfill, per-run dbt vars).

The rules are in `kam.run_plan`; this stage settles an interrupted publication and
decides once, before anything else runs. Every later stage takes the `RunPlan`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kam.config import Settings
from kam.run_plan import RunPlan, plan_run


def plan(settings: Settings, as_of: date, dbt_vars: Any = None) -> RunPlan:
    """The plan of the run computing `as_of`, with `dbt_vars` overrides (refused naming the var when bad)."""
    return plan_run(settings, as_of, dbt_vars)
