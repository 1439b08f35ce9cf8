"""`KamGateOperator`: the data-quality gate between `dbt build` and publication."""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airflow.sdk.exceptions import AirflowException

from operators.kam_operator import KamOperator

if TYPE_CHECKING:
    from airflow.sdk import Context

    from kam.config import Settings
    from kam.run_plan import RunPlan

# States of the dbt task that mean the build did not come through.
NOT_BUILT_STATES = frozenset({"failed", "upstream_failed", "removed"})


def dbt_failures_of_build(task_id: str, state: Any, reported: list[str] | None) -> list[str]:
    """The gate's `dbt_failures`: the dbt nodes the build task reported failed or skipped
    (names from its run_results.json, failed ones first, see `operators.dbt_run_results`).

    When the task did not come through but reported nothing (dbt stopped before running
    any node, or the task never ran), the task itself is named, with its state unless
    it simply failed: e.g. `["dbt_build"]`, `["dbt_build (upstream_failed)"]`.
    """
    failures = list(reported or [])
    state = str(getattr(state, "value", state))
    if not failures and state in NOT_BUILT_STATES:
        failures = [task_id if state == "failed" else f"{task_id} ({state})"]
    return failures


class KamGateOperator(KamOperator):
    """Decide whether this run may publish (runs with trigger rule `all_done`).

    It gathers the dbt nodes of this run's build that failed or were skipped (the
    XCom `dbt_failures` of the dbt task; the task itself when it failed without one),
    runs `kam.quality.run_gate` on the plan's candidates schema (`marts`, or
    `marts_backfill` for a backfill) with the plan's `vars` as threshold overrides,
    and writes the readable report under `<report_dir>/<as-of>/<run>/`. Passed:
    returns the gate result as a JSON dict (XCom, read by publish). Blocked: records the run with
    `kam.publish.record_blocked` (only `pipeline_runs` changes) and raises, naming
    the failed checks and the report path.
    """

    template_fields = ()

    def __init__(self, *, dbt_task_id: str = "dbt_build", **kwargs: Any) -> None:
        kwargs.setdefault("trigger_rule", "all_done")
        super().__init__(**kwargs)
        self.dbt_task_id = dbt_task_id

    def run(self, context: Context, settings: Settings, plan: RunPlan) -> Any:
        from kam.publish import record_blocked
        from kam.quality import run_gate, write_report
        from kam.quality.access import connect_warehouse

        run_id, as_of = context["run_id"], plan.as_of
        dbt_failures = self.gather_dbt_failures(context)
        if dbt_failures:
            self.log.warning("dbt tasks not built: %s", ", ".join(dbt_failures))
        record = self.run_record(context, as_of=as_of)
        con = connect_warehouse(settings)
        try:
            result = run_gate(con, run_id=run_id, as_of=as_of, dbt_failures=dbt_failures, settings=settings,
                              gate_vars=plan.vars, candidates_schema=plan.candidates_schema,
                              run_started_at=record["started_at"],
                              failed_extractions=self.gather_failed_extractions(context))
        finally:
            con.close()
        report_path = Path(write_report(result, settings.report_dir))
        self.log.info("%s\nreport: %s", result.summary(), report_path)
        gate_result = json.loads(result.to_json())
        if result.passed:
            return gate_result
        record_blocked(settings, gate_result_json=gate_result, **record, candidates_schema=plan.candidates_schema)
        failed = ", ".join(getattr(c, "name", str(c)) for c in result.failed_checks)
        raise AirflowException(
            f"data-quality gate blocked publication for as-of {as_of}: failed checks: {failed}; "
            f"report: {report_path}")

    def gather_failed_extractions(self, context: Context) -> list[str]:
        """The extraction tasks of this run that did not succeed, as `task (state)`."""
        if not self.extract_task_ids:
            return []
        ti = context["ti"]
        states = ti.get_task_states(dag_id=ti.dag_id, task_ids=list(self.extract_task_ids),
                                    run_ids=[context["run_id"]]).get(context["run_id"], {})
        failed = []
        for task_id in self.extract_task_ids:
            state = str(getattr(states.get(task_id), "value", states.get(task_id)))
            if state != "success":
                failed.append(f"{task_id} ({state})")
        return failed

    def gather_dbt_failures(self, context: Context) -> list[str]:
        """dbt nodes of this run's build that failed or were skipped; the dbt task if it failed unreported."""
        from operators.dbt_run_results import DBT_FAILURES_KEY

        ti = context["ti"]
        states = ti.get_task_states(dag_id=ti.dag_id, task_ids=[self.dbt_task_id], run_ids=[context["run_id"]])
        state = states.get(context["run_id"], {}).get(self.dbt_task_id)
        reported = ti.xcom_pull(task_ids=self.dbt_task_id, key=DBT_FAILURES_KEY)
        return dbt_failures_of_build(self.dbt_task_id, state, reported)
