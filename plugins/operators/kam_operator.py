"""`KamOperator`: the base of every pipeline stage after `plan` (run plan, settings, run facts)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperator

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
        raise ValueError(f"no run plan in XCom of task {plan_task_id!r} (did it fail?): "
                         "nothing of this run may go on without one")
    return RunPlan.from_dict(data)


class KamOperator(BaseOperator):
    """A stage of the nightly run; subclasses implement `run(context, settings, plan)`.

    The plan (as-of date D, mode, per-run dbt vars, candidates schema) is the XCom of
    the task `plan` (`KamPlanOperator`), decided once before anything runs.
    """

    ui_color = "#dbe9f6"

    def __init__(self, *, extract_task_ids: tuple[str, ...] = (), plan_task_id: str = PLAN_TASK_ID,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.extract_task_ids = tuple(extract_task_ids)
        self.plan_task_id = plan_task_id

    def execute(self, context: Context) -> Any:
        from kam.config import load_settings

        plan = read_plan(context, self.plan_task_id)
        self.log.info("as-of date %s, mode %s, run %s", plan.as_of, plan.mode, context["run_id"])
        return self.run(context, load_settings(), plan)

    def run(self, context: Context, settings: Settings, plan: RunPlan) -> Any:  # pragma: no cover
        raise NotImplementedError

    @staticmethod
    def resolve_as_of(context: Context) -> date:
        """D: the `as_of` param, or the day before the logical date (UTC)."""
        param = (context.get("params") or {}).get("as_of")
        if param:
            try:
                return date.fromisoformat(str(param))
            except ValueError as err:
                raise ValueError(f"DAG param as_of must be a date YYYY-MM-DD, got {param!r}") from err
        moment = context.get("logical_date")
        if moment is None:
            dag_run = context.get("dag_run")
            moment = getattr(dag_run, "run_after", None) or datetime.now(timezone.utc)
        return (moment.astimezone(timezone.utc) - timedelta(days=1)).date()

    @staticmethod
    def task_started_at(context: Context) -> datetime:
        """When this task instance started (UTC); now if unknown."""
        started = getattr(context.get("ti"), "start_date", None) or datetime.now(timezone.utc)
        return started.astimezone(timezone.utc)

    def run_record(self, context: Context, *, as_of: date) -> dict[str, Any]:
        """The run facts `publish_run` and `record_blocked` take besides the gate result.

        The run started when the first extraction did (`dag_run.start_date` is the
        logical date under `airflow dags test`), else when this task did. Row counts
        and source watermarks are left to publish (None), which reads them from the
        warehouse (candidate tables, `meta.watermarks`) the same way for every run.
        """
        started = [self.task_started_at(context)]
        for task_id in self.extract_task_ids:
            report = context["ti"].xcom_pull(task_ids=task_id) or {}
            if report.get("task_started_at"):
                started.append(datetime.fromisoformat(report["task_started_at"]))
        return {"run_id": context["run_id"], "as_of": as_of, "started_at": min(started),
                "row_counts": None, "source_watermarks": None}
