"""`KamGateOperator`: the data-quality gate between `dbt build` and publication."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airflow.sdk.exceptions import AirflowException

from operators.kam_operator import KamOperator

if TYPE_CHECKING:
    from airflow.sdk import Context

    from kam.config import Settings

# States of a dbt task that mean its model (or its tests) did not come through.
NOT_BUILT_STATES = frozenset({"failed", "upstream_failed", "removed"})


def dbt_failures_from_states(task_states: dict[str, Any], group_id: str) -> list[str]:
    """dbt tasks (ids without the group prefix) whose state says not built, sorted.

    A failed task is named as is; one that never ran gets its state in brackets,
    e.g. `["int_orders_build", "marts_x_build (upstream_failed)"]`.
    """
    prefix = f"{group_id}."
    failures = []
    for task_id, state in task_states.items():
        state = str(getattr(state, "value", state))
        if task_id.startswith(prefix) and state in NOT_BUILT_STATES:
            name = task_id.removeprefix(prefix)
            failures.append(name if state == "failed" else f"{name} ({state})")
    return sorted(failures)


class KamGateOperator(KamOperator):
    """Decide whether this run may publish (runs with trigger rule `all_done`).

    It gathers the dbt tasks of this run that failed or never ran because an
    upstream failed (`dbt_failures`), runs `kam.quality.run_gate` on the warehouse
    and writes the readable report under `<report_dir>/<as-of>/<run>/`. Passed:
    returns the gate result as a JSON dict (XCom, read by publish). Blocked: records the run with
    `kam.publish.record_blocked` (only `pipeline_runs` changes) and raises, naming
    the failed checks and the report path.
    """

    template_fields = ()

    def __init__(self, *, dbt_group_id: str = "dbt", **kwargs: Any) -> None:
        kwargs.setdefault("trigger_rule", "all_done")
        super().__init__(**kwargs)
        self.dbt_group_id = dbt_group_id

    def run(self, context: Context, settings: Settings, as_of: date) -> Any:
        from kam.publish import record_blocked
        from kam.quality import run_gate, write_report
        from kam.quality.access import connect_warehouse

        run_id = context["run_id"]
        dbt_failures = self.gather_dbt_failures(context)
        if dbt_failures:
            self.log.warning("dbt tasks not built: %s", ", ".join(dbt_failures))
        con = connect_warehouse(settings)
        try:
            result = run_gate(con, run_id=run_id, as_of=as_of, dbt_failures=dbt_failures, settings=settings)
        finally:
            con.close()
        report_path = Path(write_report(result, settings.report_dir))
        self.log.info("%s\nreport: %s", result.summary(), report_path)
        gate_result = json.loads(result.to_json())
        if result.passed:
            return gate_result
        record_blocked(settings, gate_result_json=gate_result, **self.run_record(context, as_of=as_of))
        failed = ", ".join(getattr(c, "name", str(c)) for c in result.failed_checks)
        raise AirflowException(
            f"data-quality gate blocked publication for as-of {as_of}: failed checks: {failed}; "
            f"report: {report_path}")

    def gather_dbt_failures(self, context: Context) -> list[str]:
        """dbt tasks of this run that failed, or did not run because something upstream failed."""
        ti = context["ti"]
        states = ti.get_task_states(dag_id=ti.dag_id, task_group_id=self.dbt_group_id, run_ids=[context["run_id"]])
        return dbt_failures_from_states(states.get(context["run_id"], {}), self.dbt_group_id)
