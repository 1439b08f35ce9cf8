"""Stage `extract`: one source system (or both) into `raw.*`, unless the plan is a backfill."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from kam.config import Settings
from kam.run_plan import RunPlan


def json_safe(value: Any) -> Any:
    """An extraction report (object with `to_dict`, dataclass, mapping...) as plain JSON data."""
    if hasattr(value, "to_dict"):
        value = value.to_dict()
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    return json.loads(json.dumps(value, default=str))


def extract(settings: Settings, plan: RunPlan, system: str, *, run_id: str) -> dict[str, Any]:
    """Extract `system` (`erp`, `crm`, or `all` for both) as of the plan's D; the report as JSON data.

    A backfill reads nothing (dbt rebuilds D from the raw versions known by D):
    `{"system", "mode": "backfill", "read": False}`.
    """
    from kam.extract import extract_all, extract_crm, extract_erp

    extractions = {"erp": extract_erp, "crm": extract_crm, "all": extract_all}
    if system not in extractions:
        raise ValueError(f"system must be one of {', '.join(extractions)}, got {system!r}")
    if plan.is_backfill:
        return {"system": system, "mode": plan.mode, "read": False}
    return json_safe(extractions[system](settings, run_id, plan.as_of))
