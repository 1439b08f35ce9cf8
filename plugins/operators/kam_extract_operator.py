"""`KamExtractOperator`: extraction of one source system into the warehouse."""
from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

from operators.kam_operator import KamOperator

if TYPE_CHECKING:
    from airflow.sdk import Context

    from kam.config import Settings
    from kam.run_plan import RunPlan

SYSTEMS = ("erp", "crm")


def json_safe(value: Any) -> Any:
    """An extraction report (dataclass, object with `to_dict`, mapping...) as plain JSON data."""
    if hasattr(value, "to_dict"):
        value = value.to_dict()
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    return json.loads(json.dumps(value, default=str))


class KamExtractOperator(KamOperator):
    """Run `kam.extract.extract_<system>(settings, run_id, as_of)`; return its report as JSON data.

    The report (rows read, loaded and quarantined per object) goes to XCom and the log;
    the warehouse's `meta.extract_runs` holds the same counts for the gate and publish.
    A backfill plan reads nothing (dbt rebuilds D from the raw versions known by D):
    the task then returns `{"system", "mode": "backfill", "read": False, "task_started_at"}`.
    """

    template_fields = ()

    def __init__(self, *, system: str, **kwargs: Any) -> None:
        if system not in SYSTEMS:
            raise ValueError(f"system must be one of {SYSTEMS}, got {system!r}")
        super().__init__(**kwargs)
        self.system = system

    def run(self, context: Context, settings: Settings, plan: RunPlan) -> Any:
        started_at = self.task_started_at(context)
        if plan.is_backfill:
            self.log.info("backfill of %s: the sources are not read (latest extracted as-of %s)",
                          plan.as_of, plan.latest_extracted_as_of)
            return {"system": self.system, "mode": plan.mode, "read": False,
                    "task_started_at": started_at.isoformat()}
        from kam import extract

        extract_source = getattr(extract, f"extract_{self.system}")
        report = extract_source(settings, context["run_id"], plan.as_of)
        summary = {**json_safe(report), "task_started_at": started_at.isoformat()}
        self.log.info("extract_%s: %s", self.system, summary)
        return summary
