"""`KamOperator`: the base of every pipeline stage (as-of date, settings, run facts)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperator

if TYPE_CHECKING:
    from airflow.sdk import Context

    from kam.config import Settings


class KamOperator(BaseOperator):
    """A stage of the nightly run; subclasses implement `run(context, settings, as_of)`.

    The as-of date D is the DAG param `as_of` (YYYY-MM-DD) when given, else the day
    before the run's logical date (a manual run without one: the day before it ran).
    """

    ui_color = "#dbe9f6"

    def __init__(self, *, extract_task_ids: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.extract_task_ids = tuple(extract_task_ids)

    def execute(self, context: Context) -> Any:
        from kam.config import load_settings

        as_of = self.resolve_as_of(context)
        self.log.info("as-of date %s, run %s", as_of, context["run_id"])
        return self.run(context, load_settings(), as_of)

    def run(self, context: Context, settings: Settings, as_of: date) -> Any:  # pragma: no cover
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
