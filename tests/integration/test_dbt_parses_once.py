"""dbt parses the project once: a night with a new D reuses the last night's parse (docs/decisions/0018).

D reaches dbt in the environment (`KAM_AS_OF_DATE`, read by the macro `as_of_date` at
execution only), so the `--vars` of a nightly never change and dbt's partial parsing
applies; a backfill (other vars) keeps its own parse state. What is asserted is dbt's own
record in its debug log (`<dbt folder>/logs/dbt.log`): "Partial parsing enabled: ..." for a
reused parse, "Unable to do partial parsing because ..." for a full one. Both the stage
(`kam.pipeline.build`) and the DAG's Cosmos task (a fresh temporary project copy per run) are
checked on the worked example.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pytest

from kam.pipeline import build
from kam.run_plan import RunPlan

FULL_PARSE = "Unable to do partial parsing because"
PARTIAL_PARSE = "Partial parsing enabled:"
FIRST_NIGHT, NEXT_NIGHT, BACKFILL_NIGHT = date(2026, 10, 15), date(2026, 10, 16), date(2026, 10, 14)
D_DEPENDENT_MODEL = "int_customer_metrics"  # its column as_of_date is D


def last_parse_record(dbt_dir: Path) -> str:
    """dbt's parse verdict of the last invocation logged in `<dbt_dir>/logs/dbt.log`."""
    log = (dbt_dir / "logs" / "dbt.log").read_text(errors="replace")
    last = log.rsplit("running dbt with arguments", 1)[-1]
    verdicts = re.findall(rf"(?:{FULL_PARSE}|{PARTIAL_PARSE})[^\n]*", last)
    assert verdicts, f"no parse verdict in the last invocation of {dbt_dir / 'logs' / 'dbt.log'}"
    return verdicts[0]


def as_of_dates(settings, relation: str) -> list[date]:
    con = duckdb.connect(settings.warehouse, read_only=True)
    try:
        return [row[0] for row in con.execute(f"select distinct as_of_date from {relation} order by 1").fetchall()]
    finally:
        con.close()


def run_model(settings, plan: RunPlan, model: str) -> None:
    result = build(settings, plan, models_only=True, select=(model,))
    assert result["returncode"] == 0, result["output"][-4000:]


def test_a_new_night_reuses_the_parse_and_a_backfill_between_keeps_its_own(example_home):
    nightly_dir, backfill_dir = example_home.home / "dbt", example_home.home / "dbt_backfill"

    run_model(example_home, RunPlan(as_of=FIRST_NIGHT), D_DEPENDENT_MODEL)
    assert as_of_dates(example_home, f"intermediate.{D_DEPENDENT_MODEL}") == [FIRST_NIGHT]

    backfill = RunPlan(as_of=BACKFILL_NIGHT, mode="backfill", latest_extracted_as_of=FIRST_NIGHT)
    run_model(example_home, backfill, "stg_erp__orders")  # other vars: its own folder and parse
    assert (backfill_dir / "target" / "partial_parse.msgpack").is_file()

    run_model(example_home, RunPlan(as_of=NEXT_NIGHT), D_DEPENDENT_MODEL)
    assert last_parse_record(nightly_dir).startswith(PARTIAL_PARSE)
    assert as_of_dates(example_home, f"intermediate.{D_DEPENDENT_MODEL}") == [NEXT_NIGHT]  # D reached the SQL


def test_a_build_without_d_fails_naming_the_variable(example_home, monkeypatch):
    from kam.dbt_env import run_dbt

    monkeypatch.setenv("KAM_AS_OF_DATE", "2026-10-15")  # never inherited: the caller passes D or none
    result = run_dbt(example_home, ["run", "--select", D_DEPENDENT_MODEL], check=False)
    assert result.returncode == 1
    assert (
        "the as-of date D is not set: the pipeline passes it in the environment variable "
        "KAM_AS_OF_DATE=YYYY-MM-DD" in result.stdout
    )


class _TaskInstance:
    """The XCom of a task instance: the run plan to read, the build's outcome pushed."""

    def __init__(self, plan: RunPlan) -> None:
        self.pushed: dict[str, object] = {}
        self._plan = plan.to_dict()

    def xcom_pull(self, task_ids, key="return_value"):
        return self._plan if (task_ids, key) == ("plan", "return_value") else None

    def xcom_push(self, key, value):
        self.pushed[key] = value


@pytest.mark.slow
def test_the_dag_task_reuses_the_parse_across_its_temporary_project_copies(example_home, monkeypatch):
    """The DAG's Cosmos task (one model selected), two nights: Cosmos's cache under KAM_HOME
    carries dbt's parse from one temporary project copy to the next."""
    import copy

    from airflow.dag_processing.dagbag import DagBag

    from kam.config import REPO_ROOT

    monkeypatch.setenv("KAM_HOME", str(example_home.home))
    monkeypatch.setenv("KAM_WAREHOUSE", example_home.warehouse)
    monkeypatch.delenv("KAM_WAREHOUSE_CONN_ID", raising=False)
    dag = DagBag(dag_folder=str(REPO_ROOT / "dags"), known_pools={"default_pool", "kam_warehouse"}).dags["kam_nightly"]
    task = copy.copy(dag.get_task("dbt_build"))
    task.select = [D_DEPENDENT_MODEL]
    cosmos_dir = example_home.home / "dbt" / "cosmos"  # Cosmos's parse cache and dbt's log
    records = []
    for night in (FIRST_NIGHT, NEXT_NIGHT):
        ti = _TaskInstance(RunPlan(as_of=night))
        task.execute({"run_id": f"scheduled__{night}", "params": {}, "ti": ti})
        assert ti.pushed["dbt_failures"] == []
        records.append(last_parse_record(cosmos_dir))
    assert records[0].startswith(FULL_PARSE) and records[1].startswith(PARTIAL_PARSE), records
    assert as_of_dates(example_home, f"intermediate.{D_DEPENDENT_MODEL}") == [NEXT_NIGHT]
