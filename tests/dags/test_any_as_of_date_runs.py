"""A night of any as-of date runs its tasks, and a bad `vars` param is refused by `plan` before anything runs.

Before `start_date` went back to 1900, a run whose logical date (D + 1) lay before the
DAG's `start_date` (2026-01-01) was marked successful without running a single task.
Here the DAG's first task alone (`plan`, a partial subset: seconds, no warehouse) runs
under `dag.test()` for D = 1998-07-31 in a throwaway AIRFLOW_HOME and KAM_HOME.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kam.config import WITHOUT_DEADLINE

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
DAGS_FOLDER = REPO / "dags"

PLAN_ONLY = """
import json, sys
from datetime import datetime, timezone
from airflow.dag_processing.dagbag import DagBag
from airflow.models.xcom import XComModel
from airflow.utils.session import create_session

dag = DagBag(dag_folder=sys.argv[1]).dags["kam_nightly"]
plan_only = dag.partial_subset(task_ids=["plan"], include_downstream=False, include_upstream=False)
for conf in json.loads(sys.argv[2]):
    run = plan_only.test(logical_date=datetime(1998, 8, 1, 2, tzinfo=timezone.utc), run_conf=conf)
    with create_session() as session:
        states = {ti.task_id: str(ti.state) for ti in run.get_task_instances(session=session)}
        plan = session.query(XComModel.value).filter(
            XComModel.dag_id == "kam_nightly", XComModel.run_id == run.run_id,
            XComModel.task_id == "plan", XComModel.key == "return_value").scalar()
    print("RESULT " + json.dumps({"tasks": states, "plan": plan}))
"""


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[list[dict], str]:
    home = tmp_path_factory.mktemp("kam_any_date")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("KAM_", "AIRFLOW"))}
    env.update(
        {
            "KAM_HOME": str(home),
            "AIRFLOW_HOME": str(home / "airflow"),
            "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO / "plugins"),
            "PYTHONPATH": str(REPO / "plugins"),
            "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
            **WITHOUT_DEADLINE,  # a succeeded dag.test() of a DAG with a deadline fails (kam.config)
        }
    )
    airflow = str(Path(sys.executable).with_name("airflow"))
    migrate = subprocess.run([airflow, "db", "migrate"], env=env, capture_output=True, text=True)
    assert migrate.returncode == 0, migrate.stdout[-3000:] + migrate.stderr[-3000:]
    confs = [{"as_of": "1998-07-31"}, {"as_of": "1998-07-31", "vars": {"no_such_var": 1}}]
    result = subprocess.run(
        [sys.executable, "-c", PLAN_ONLY, str(DAGS_FOLDER), json.dumps(confs)], env=env, capture_output=True, text=True
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    return [
        json.loads(line[len("RESULT ") :]) for line in result.stdout.splitlines() if line.startswith("RESULT ")
    ], output


def test_a_night_of_1998_runs_its_first_task_and_plans_a_nightly(runs):
    results, _ = runs
    assert results[0] == {
        "tasks": {"plan": "success"},
        "plan": {
            "as_of": "1998-07-31",
            "mode": "nightly",
            "candidates_schema": "marts",
            "schema_suffix": "",
            "vars": {},
            "latest_extracted_as_of": None,
        },
    }


def test_an_unknown_var_fails_the_plan_naming_it(runs):
    results, output = runs
    assert results[1] == {"tasks": {"plan": "failed"}, "plan": None}
    assert "unknown dbt var 'no_such_var' in vars: not in dbt_project.yml" in output
