"""`KamGateOperator`: the data-quality gate between `dbt build` and publication (`kam.pipeline.gate`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from operators.dbt_run_results import DBT_FAILURES_KEY, DBT_OUTCOME_KEY
from operators.kam_operator import KamOperator

if TYPE_CHECKING:
    from airflow.sdk import Context

    from kam.config import Settings
    from kam.run_plan import RunPlan

# States of the dbt task that mean the build did not come through.
NOT_BUILT_STATES = frozenset({"failed", "upstream_failed", "removed"})


def dbt_failures_of_build(task_id: str, state: Any, reported: list[str] | None) -> list[str]:
    """The dbt nodes the build task reported failed or skipped; when it did not come through
    but reported nothing, the task itself, with its state unless it simply failed:
    e.g. `["dbt_build"]`, `["dbt_build (upstream_failed)"]`."""
    failures = list(reported or [])
    state = str(getattr(state, "value", state))
    if not failures and state in NOT_BUILT_STATES:
        failures = [task_id if state == "failed" else f"{task_id} ({state})"]
    return failures


class KamGateOperator(KamOperator):
    """Judge the run whatever happened upstream (trigger rule `all_done`): passed, the verdict goes
    to XCom for publish; blocked, the run is recorded and the task fails with `GateBlocked`
    (`kam.pipeline.block_if_failed`), naming the failed checks and the report path."""

    template_fields = ()

    def __init__(self, *, dbt_task_id: str = "dbt_build", **kwargs: Any) -> None:
        kwargs.setdefault("trigger_rule", "all_done")
        super().__init__(**kwargs)
        self.dbt_task_id = dbt_task_id

    def run(self, context: Context, settings: Settings, plan: RunPlan) -> Any:
        from kam import pipeline

        run_id, started_at = context["run_id"], self.run_started_at(context)
        dbt_failures = self.gather_dbt_failures(context)
        if dbt_failures:
            self.log.warning("dbt tasks not built: %s", ", ".join(dbt_failures))
        verdict = pipeline.gate(
            settings,
            plan,
            run_id=run_id,
            dbt_failures=dbt_failures,
            dbt_outcome=context["ti"].xcom_pull(task_ids=self.dbt_task_id, key=DBT_OUTCOME_KEY),
            failed_extractions=self.gather_failed_extractions(context),
            run_started_at=started_at,
        )
        pipeline.block_if_failed(settings, plan, verdict, run_id=run_id, started_at=started_at)
        return verdict

    def task_states(self, context: Context, task_ids: list[str]) -> dict[str, str]:
        """The states of these tasks in this run, as text (`None` for a task without one)."""
        ti = context["ti"]
        states = ti.get_task_states(dag_id=ti.dag_id, task_ids=task_ids, run_ids=[context["run_id"]])
        states = states.get(context["run_id"], {})
        return {task_id: str(getattr(states.get(task_id), "value", states.get(task_id))) for task_id in task_ids}

    def gather_failed_extractions(self, context: Context) -> list[str]:
        """The extraction tasks of this run that did not succeed, as `task (state)`."""
        if not self.extract_task_ids:
            return []
        states = self.task_states(context, list(self.extract_task_ids))
        return [f"{task_id} ({state})" for task_id, state in states.items() if state != "success"]

    def gather_dbt_failures(self, context: Context) -> list[str]:
        """dbt nodes of this run's build that failed or were skipped; the dbt task if it failed unreported."""
        state = self.task_states(context, [self.dbt_task_id])[self.dbt_task_id]
        reported = context["ti"].xcom_pull(task_ids=self.dbt_task_id, key=DBT_FAILURES_KEY)
        return dbt_failures_of_build(self.dbt_task_id, state, reported)
