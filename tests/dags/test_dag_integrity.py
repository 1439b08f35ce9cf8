"""Integrity of the `kam_nightly` DAG: it parses, and its shape is the one the pipeline needs.

Parse time is not asserted here (no timing in tests); `make bench` measures it.
"""
from __future__ import annotations

import graphlib
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DAGS_FOLDER = REPO / "dags"
DBT_PROJECT = REPO / "dbt_project"
POOL = "kam_warehouse"
EXTRACT_TASKS = {"extract_erp", "extract_crm"}


RELATIONSHIP_TESTS_TASK = "dbt.relationship_tests"


def dbt_task_ids(dag) -> set[str]:
    return {t for t in dag.task_ids if t.startswith("dbt.")}


def dbt_build_task_ids(dag) -> set[str]:
    return dbt_task_ids(dag) - {RELATIONSHIP_TESTS_TASK}


def test_dag_folder_imports_without_errors(dag_bag):
    assert dag_bag.import_errors == {}
    assert set(dag_bag.dag_ids) == {"kam_nightly"}


def test_dag_file_has_a_docstring_and_the_dag_doc_md(dag):
    source = (DAGS_FOLDER / "kam_nightly.py").read_text()
    assert source.lstrip().startswith('"""')
    assert dag.doc_md and "kam_nightly" in dag.doc_md


def test_schedule_is_02_utc_daily_without_catchup_one_run_at_a_time(dag):
    assert dag.schedule == "0 2 * * *"
    assert str(dag.timezone) in ("UTC", "Timezone('UTC')")
    assert dag.catchup is False
    assert dag.max_active_runs == 1


def test_tags(dag):
    assert {"kam", "dbt", "nightly"} <= set(dag.tags)


def test_as_of_param_defaults_to_none_and_accepts_only_iso_dates(dag):
    from airflow.sdk import Param
    from airflow.sdk.exceptions import ParamValidationError

    param = dag.params.get_param("as_of")
    assert param.value is None
    assert Param(None, **param.schema).resolve("2026-10-15") == "2026-10-15"
    for bad in ("15/10/2026", "2026-10-15T00:00", "yesterday"):
        with pytest.raises(ParamValidationError):
            Param(None, **param.schema).resolve(bad)


def test_graph_has_no_cycle(dag):
    sorter = graphlib.TopologicalSorter({t.task_id: set(t.upstream_task_ids) for t in dag.tasks})
    order = list(sorter.static_order())  # raises graphlib.CycleError on a cycle
    assert len(order) == len(dag.tasks)
    from airflow.utils.dag_cycle_tester import check_cycle

    check_cycle(dag)


def test_extractions_are_roots_with_two_retries_and_a_delay(dag):
    roots = {t.task_id for t in dag.tasks if not t.upstream_task_ids}
    assert roots == EXTRACT_TASKS
    for task_id in EXTRACT_TASKS:
        task = dag.get_task(task_id)
        assert task.retries == 2
        assert task.retry_delay >= timedelta(minutes=1)


def test_every_warehouse_task_runs_in_the_one_slot_pool(dag):
    writers = EXTRACT_TASKS | dbt_task_ids(dag) | {"gate", "publish", "export"}
    assert {t: dag.get_task(t).pool for t in writers} == {t: POOL for t in writers}
    assert all(dag.get_task(t).pool_slots == 1 for t in writers)


def test_every_task_alerts_on_failure(dag):
    for task in dag.tasks:
        callbacks = task.on_failure_callback
        callbacks = callbacks if isinstance(callbacks, list) else [callbacks]
        assert any(getattr(cb, "__name__", "") == "notify_failure" for cb in callbacks), task.task_id


def test_stage_order_extract_dbt_gate_publish_export(dag):
    dbt = dbt_build_task_ids(dag)
    dbt_roots = {t for t in dbt if not (dag.get_task(t).upstream_task_ids & dbt)}
    dbt_leaves = {t for t in dbt if not (dag.get_task(t).downstream_task_ids & dbt)}
    for task_id in dbt_roots:
        assert dag.get_task(task_id).upstream_task_ids == EXTRACT_TASKS
    assert dag.get_task(RELATIONSHIP_TESTS_TASK).upstream_task_ids == dbt_leaves
    gate = dag.get_task("gate")
    assert gate.upstream_task_ids == {RELATIONSHIP_TESTS_TASK}
    assert str(gate.trigger_rule) in ("all_done", "TriggerRule.ALL_DONE")
    assert dag.get_task("publish").upstream_task_ids == {"gate"}
    assert dag.get_task("export").upstream_task_ids == {"publish"}
    assert dag.get_task("export").downstream_task_ids == set()
    assert str(dag.get_task("publish").trigger_rule) in ("all_success", "TriggerRule.ALL_SUCCESS")


def _project_nodes() -> dict[str, str]:
    """Every model and seed of the dbt project, by name: 'model' or 'seed'."""
    nodes = {p.stem: "model" for p in (DBT_PROJECT / "models").rglob("*.sql")}
    nodes.update({p.stem: "seed" for p in (DBT_PROJECT / "seeds").rglob("*.csv")})
    return nodes


def test_dbt_group_has_one_build_task_per_model_and_seed(dag):
    expected = {f"dbt.{name}_{kind}_build" for name, kind in _project_nodes().items()}
    assert expected, "no dbt models found"
    assert dbt_build_task_ids(dag) == expected


def test_dbt_tasks_use_cosmos_local_subprocess_build_with_the_warehouse_profile(dag):
    from cosmos.constants import InvocationMode
    from cosmos.operators.local import DbtBuildLocalOperator, DbtTestLocalOperator

    from operators import KamDbtInterceptor

    for task_id in dbt_task_ids(dag):
        task = dag.get_task(task_id)
        if task_id == RELATIONSHIP_TESTS_TASK:
            assert isinstance(task, DbtTestLocalOperator)
            assert task.select in ("test_name:relationships", ["test_name:relationships"])
        else:
            assert isinstance(task, DbtBuildLocalOperator), task_id
            assert task.exclude in ("test_name:relationships", ["test_name:relationships"])
            assert task.indirect_selection == "buildable"
        assert task.invocation_mode == InvocationMode.SUBPROCESS
        assert task.profile_config.profile_name == "kam_warehouse"
        assert Path(task.profile_config.profiles_yml_filepath) == DBT_PROJECT / "profiles.yml"
        assert any(isinstance(i, KamDbtInterceptor) for i in task.interceptors)
        assert task.install_deps is False


def _dbt_ls(tmp_path: Path, *resource_types: str) -> list[dict]:
    env = {**os.environ, "DBT_TARGET_PATH": str(tmp_path / "target"), "DBT_LOG_PATH": str(tmp_path / "logs"),
           "KAM_WAREHOUSE": str(tmp_path / "unused.duckdb"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}
    dbt = Path(sys.executable).with_name("dbt")
    result = subprocess.run(
        [str(dbt), "ls", *[arg for kind in resource_types for arg in ("--resource-type", kind)],
         "--output", "json", "--output-keys", "unique_id", "name", "resource_type", "depends_on", "--quiet",
         "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT)],
        env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


@pytest.mark.slow
def test_dbt_task_dependencies_match_dbt_own_graph(dag, tmp_path):
    """The Cosmos custom parser reads refs from the SQL; dbt's `ls` is the reference."""
    by_id = {n["unique_id"]: n for n in _dbt_ls(tmp_path, "model", "seed")}

    def task_id(unique_id: str) -> str:
        kind, _, name = unique_id.split(".", 2)
        return f"dbt.{name}_{kind}_build"

    expected = {task_id(uid): {task_id(dep) for dep in n["depends_on"].get("nodes", []) if dep in by_id}
                for uid, n in by_id.items()}
    build_tasks = dbt_build_task_ids(dag)
    actual = {t: dag.get_task(t).upstream_task_ids & build_tasks for t in build_tasks}
    assert actual == expected


def test_parsing_the_dag_imports_no_data_libraries_and_reads_no_settings(tmp_path):
    """Parse stays light: no pandas/duckdb/dbt/GX, no `kam` module beyond config and dbt_env."""
    code = (
        "import sys, importlib.util\n"
        f"spec = importlib.util.spec_from_file_location('kam_nightly_dag', {str(DAGS_FOLDER / 'kam_nightly.py')!r})\n"
        "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
        "heavy = ['pandas', 'duckdb', 'dbt', 'great_expectations', 'openpyxl', 'psycopg2']\n"
        "print([m for m in heavy if m in sys.modules])\n"
        "print(sorted(m for m in sys.modules if m.startswith('kam.')))\n"
    )
    env = {**os.environ, "AIRFLOW_HOME": str(tmp_path / "airflow"), "PYTHONPATH": str(REPO / "plugins"),
           "KAM_WAREHOUSE_CONN_ID": "a_connection_that_does_not_exist"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    heavy, kam_modules = result.stdout.strip().splitlines()[-2:]
    assert heavy == "[]"
    assert set(eval(kam_modules)) <= {"kam.config", "kam.dbt_env"}


@pytest.mark.slow
def test_every_dbt_test_runs_in_some_build_task_after_all_its_models(dag, tmp_path):
    """With `--indirect-selection buildable`, `dbt build --select N` runs a test of N when
    every other model the test reads is an ancestor of N; each test needs one such N,
    except `relationships` tests, which `dbt.relationship_tests` runs after every model."""
    nodes = {n["unique_id"]: n for n in _dbt_ls(tmp_path, "model", "seed", "test", "unit_test")}
    buildable = {uid for uid, n in nodes.items() if n["resource_type"] in ("model", "seed")}
    parents = {uid: set(nodes[uid]["depends_on"].get("nodes", [])) & buildable for uid in buildable}
    ancestors: dict[str, set[str]] = {}
    for uid in graphlib.TopologicalSorter(parents).static_order():
        ancestors[uid] = set().union(*[{p} | ancestors[p] for p in parents[uid]])
    uncovered = []
    for uid, node in nodes.items():
        if node["resource_type"] not in ("test", "unit_test") or node["name"].startswith("relationships_"):
            continue
        tested = set(node["depends_on"].get("nodes", [])) & buildable
        if not any(tested - {n} <= ancestors[n] for n in tested):
            uncovered.append(f"{uid} on {sorted(tested)}")
    assert any(n["resource_type"] == "test" for n in nodes.values()), "no dbt tests found"
    assert uncovered == []
