"""`KamOperator`: the base of every pipeline task after `plan`: it hands a `kam.pipeline` stage the plan and settings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperator

from operators.assets import event_extra

if TYPE_CHECKING:
    from airflow.sdk import Context

    from kam.config import Settings
    from kam.run_plan import RunPlan

PLAN_TASK_ID = "plan"


def read_plan(context: Context, plan_task_id: str = PLAN_TASK_ID) -> RunPlan:
    """The run plan the task `plan_task_id` pushed to XCom (`kam.run_plan.RunPlan`)."""
    from kam.run_plan import RunPlan

    data = context["ti"].xcom_pull(task_ids=plan_task_id)
    if not data:
        raise ValueError(
            f"no run plan in XCom of task {plan_task_id!r} (did it fail?): nothing of this run may go on without one"
        )
    return RunPlan.from_dict(data)


def task_started_at(context: Context) -> datetime:
    """When this task instance started (UTC); now if unknown."""
    started = getattr(context.get("ti"), "start_date", None) or datetime.now(UTC)
    return started.astimezone(UTC)


class KamOperator(BaseOperator):
    """A task of the nightly run; subclasses implement `run(context, settings, plan)` by calling `kam.pipeline`."""

    ui_color = "#dbe9f6"

    def __init__(
        self, *, extract_task_ids: tuple[str, ...] = (), plan_task_id: str = PLAN_TASK_ID, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.extract_task_ids = tuple(extract_task_ids)
        self.plan_task_id = plan_task_id

    def execute(self, context: Context) -> Any:
        from kam.config import load_settings

        plan = read_plan(context, self.plan_task_id)
        self.log.info("as-of date %s, mode %s, run %s", plan.as_of, plan.mode, context["run_id"])
        result = self.run(context, load_settings(), plan)
        self.describe_outlet_events(context, plan)
        return result

    def run(self, context: Context, settings: Settings, plan: RunPlan) -> Any:  # pragma: no cover
        raise NotImplementedError

    def describe_outlet_events(self, context: Context, plan: RunPlan) -> None:
        """Put the night (`operators.assets.event_extra`) in the extra of this task's asset events."""
        extra = event_extra(plan, context["run_id"])
        for asset in self.outlets:
            context["outlet_events"][asset].extra.update(extra)

    def run_started_at(self, context: Context) -> datetime:
        """When the run started: when its first extraction did (`dag_run.start_date` is the logical
        date under `airflow dags test`), else when this task did."""
        started = [task_started_at(context)]
        for task_id in self.extract_task_ids:
            report = context["ti"].xcom_pull(task_ids=task_id) or {}
            if report.get("task_started_at"):
                started.append(datetime.fromisoformat(report["task_started_at"]))
        return min(started)
