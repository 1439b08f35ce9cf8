"""Integrity of the DAGs: `kam_nightly` parses, and its shape is the one the pipeline needs; its
alerts, assets, timeouts and deadline are declared; `kam_workbook_to_sales_ops` runs on its export.

Parse time is not asserted here (no timing in tests); `make bench` measures it.
"""

from __future__ import annotations

import graphlib
import json
import os
import subprocess
import sys
from datetime import UTC, timedelta
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DAGS_FOLDER = REPO / "dags"
DBT_PROJECT = REPO / "dbt_project"
POOL = "kam_warehouse"
EXTRACT_TASKS = {"extract_erp", "extract_crm"}


DBT_TASK = "dbt_build"
INTEGRATION_CONFTEST = REPO / "tests" / "integration" / "conftest.py"


def test_dag_folder_imports_without_errors(dag_bag):
    assert dag_bag.import_errors == {}
    assert set(dag_bag.dag_ids) == {"kam_nightly", "kam_workbook_to_sales_ops"}


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


def test_vars_param_is_an_object_defaulting_to_empty(dag):
    from airflow.sdk import Param
    from airflow.sdk.exceptions import ParamValidationError

    param = dag.params.get_param("vars")
    assert param.value == {}
    assert Param({}, **param.schema).resolve({"max_row_change": 0.4}) == {"max_row_change": 0.4}
    for bad in ("max_row_change=0.4", [0.4], 0.4):
        with pytest.raises(ParamValidationError):
            Param({}, **param.schema).resolve(bad)


def test_start_date_is_far_back_so_any_as_of_date_runs(dag):
    from datetime import datetime

    assert dag.start_date == datetime(1900, 1, 1, tzinfo=UTC)
    assert all(t.start_date is None or t.start_date <= dag.start_date for t in dag.tasks)


def test_graph_has_no_cycle(dag):
    sorter = graphlib.TopologicalSorter({t.task_id: set(t.upstream_task_ids) for t in dag.tasks})
    order = list(sorter.static_order())  # raises graphlib.CycleError on a cycle
    assert len(order) == len(dag.tasks)
    from airflow.utils.dag_cycle_tester import check_cycle

    check_cycle(dag)


def test_plan_is_the_only_root_and_extractions_follow_it_with_two_retries_and_a_delay(dag):
    roots = {t.task_id for t in dag.tasks if not t.upstream_task_ids}
    assert roots == {"plan"}
    assert dag.get_task("plan").downstream_task_ids == EXTRACT_TASKS
    if "KAM_EXTRACT_RETRIES" not in os.environ and "KAM_EXTRACT_RETRY_DELAY_SECONDS" not in os.environ:
        for task_id in EXTRACT_TASKS:
            task = dag.get_task(task_id)
            assert (task.retries, task.retry_delay) == (2, timedelta(minutes=2))


def _parse_extract_retries(tmp_path, **env_overrides) -> subprocess.CompletedProcess:
    code = (
        "import importlib.util\n"
        f"spec = importlib.util.spec_from_file_location('kam_nightly_dag', {str(DAGS_FOLDER / 'kam_nightly.py')!r})\n"
        "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
        "t = module.dag.get_task('extract_erp')\n"
        "print(t.retries, int(t.retry_delay.total_seconds()))\n"
    )
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "PYTHONPATH": str(REPO / "plugins"),
        **env_overrides,
    }
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)


def test_extraction_retries_and_delay_come_from_the_environment(tmp_path):
    result = _parse_extract_retries(tmp_path, KAM_EXTRACT_RETRIES="0", KAM_EXTRACT_RETRY_DELAY_SECONDS="5")
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1] == "0 5"


def test_a_bad_extraction_retry_setting_is_named(monkeypatch):
    from kam.config import extract_retry_policy

    monkeypatch.setenv("KAM_EXTRACT_RETRIES", "two")
    with pytest.raises(ValueError, match=r"KAM_EXTRACT_RETRIES must be a whole number >= 0, got 'two'"):
        extract_retry_policy()
    monkeypatch.setenv("KAM_EXTRACT_RETRIES", "-1")
    with pytest.raises(ValueError, match=r"KAM_EXTRACT_RETRIES must be a whole number >= 0, got '-1'"):
        extract_retry_policy()


def test_every_warehouse_task_runs_in_the_one_slot_pool(dag):
    writers = EXTRACT_TASKS | {"plan", DBT_TASK, "gate", "publish", "export"}
    assert {t: dag.get_task(t).pool for t in writers} == dict.fromkeys(writers, POOL)
    assert all(dag.get_task(t).pool_slots == 1 for t in writers)


def test_the_night_alerts_once_at_dag_level_and_every_task_only_logs_its_failure(dag):
    from operators import night_callbacks

    assert (dag.on_failure_callback, dag.on_success_callback) == (
        night_callbacks.night_failed,
        night_callbacks.night_published,
    )
    for task in dag.tasks:
        callbacks = task.on_failure_callback
        assert (callbacks if isinstance(callbacks, list) else [callbacks]) == [night_callbacks.log_task_failure]
        assert not task.on_success_callback, task.task_id


def test_every_task_of_every_dag_has_an_execution_timeout_the_dbt_build_the_longest(dag_bag):
    timeouts = {(d.dag_id, t.task_id): t.execution_timeout for d in dag_bag.dags.values() for t in d.tasks}
    assert all(isinstance(timeout, timedelta) and timeout > timedelta(0) for timeout in timeouts.values()), timeouts
    if not any(name.endswith("_TIMEOUT_MINUTES") for name in os.environ):
        nightly = {task: t for (dag_id, task), t in timeouts.items() if dag_id == "kam_nightly"}
        assert nightly["dbt_build"] == timedelta(hours=2) == max(nightly.values())
        assert (nightly["plan"], nightly["extract_erp"], nightly["gate"], nightly["export"]) == (
            timedelta(minutes=10),
            timedelta(hours=1),
            timedelta(minutes=30),
            timedelta(minutes=30),
        )
        assert timeouts[("kam_workbook_to_sales_ops", "mail_workbook")] == timedelta(minutes=10)


def test_a_stage_timeout_comes_from_the_environment_and_must_be_positive(monkeypatch):
    from kam.config import task_timeouts

    monkeypatch.setenv("KAM_DBT_BUILD_TIMEOUT_MINUTES", "300")
    assert task_timeouts()["dbt_build"] == timedelta(hours=5)
    monkeypatch.setenv("KAM_GATE_TIMEOUT_MINUTES", "0")
    with pytest.raises(ValueError, match=r"KAM_GATE_TIMEOUT_MINUTES must be at least 1 \(minutes\)"):
        task_timeouts()


def test_publish_and_export_update_the_reporting_and_export_assets(dag):
    from operators.assets import EXPORTS, REPORTING

    assert {t.task_id: t.outlets for t in dag.tasks if t.outlets} == {"publish": [REPORTING], "export": [EXPORTS]}
    assert (REPORTING.uri, EXPORTS.uri) == ("kam://warehouse/reporting", "kam://exports/segments")


def test_the_night_is_late_when_not_published_by_07_utc(dag):
    from airflow.sdk import AsyncCallback, DeadlineReference

    [deadline] = dag.deadline
    assert deadline.reference == DeadlineReference.DAGRUN_LOGICAL_DATE
    assert deadline.callback == AsyncCallback("operators.night_callbacks.night_late")
    if "KAM_PUBLISH_DEADLINE" not in os.environ:
        assert deadline.interval == timedelta(hours=5)  # the 02:00 UTC logical date + 5 h


def test_the_deadline_hour_comes_from_the_environment(monkeypatch):
    from datetime import time

    from kam.config import late_after

    monkeypatch.setenv("KAM_PUBLISH_DEADLINE", "01:30")
    assert late_after(time(2, 0)) == timedelta(hours=23, minutes=30)  # the next morning's 01:30
    monkeypatch.setenv("KAM_PUBLISH_DEADLINE", "02:00")
    assert late_after(time(2, 0)) == timedelta(days=1)
    monkeypatch.setenv("KAM_PUBLISH_DEADLINE", "off")  # what `make run` parses the DAG with
    assert late_after(time(2, 0)) is None
    monkeypatch.setenv("KAM_PUBLISH_DEADLINE", "7 am")
    with pytest.raises(ValueError, match=r"KAM_PUBLISH_DEADLINE must be a UTC time HH:MM, e.g. 07:00, got '7 am'"):
        late_after(time(2, 0))


def test_the_sales_ops_dag_runs_on_the_export_asset_with_one_mail_task(dag_bag):
    from airflow.sdk import AssetAll

    from operators import KamWorkbookMailOperator
    from operators.assets import EXPORTS

    downstream = dag_bag.dags["kam_workbook_to_sales_ops"]
    assert downstream.timetable.asset_condition == AssetAll(EXPORTS)
    [task] = downstream.tasks
    assert isinstance(task, KamWorkbookMailOperator)
    assert (task.task_id, task.asset) == ("mail_workbook", EXPORTS)


def test_stage_order_plan_extract_dbt_gate_publish_export_and_docs(dag):
    assert set(dag.task_ids) == {"plan"} | EXTRACT_TASKS | {DBT_TASK, "gate", "publish", "export", "docs"}
    assert dag.get_task("docs").upstream_task_ids == {"publish"}
    assert {t: dag.get_task(t).upstream_task_ids for t in EXTRACT_TASKS} == {t: {"plan"} for t in EXTRACT_TASKS}
    assert dag.get_task(DBT_TASK).upstream_task_ids == EXTRACT_TASKS
    gate = dag.get_task("gate")
    assert gate.upstream_task_ids == {DBT_TASK}
    assert gate.dbt_task_id == DBT_TASK
    assert str(gate.trigger_rule) in ("all_done", "TriggerRule.ALL_DONE")
    assert dag.get_task("publish").upstream_task_ids == {"gate"}
    assert dag.get_task("export").upstream_task_ids == {"publish"}
    assert dag.get_task("export").downstream_task_ids == set()
    assert str(dag.get_task("publish").trigger_rule) in ("all_success", "TriggerRule.ALL_SUCCESS")


def test_dbt_runs_as_one_cosmos_build_of_the_project_reporting_failures_to_the_gate(dag):
    from cosmos.constants import InvocationMode
    from cosmos.operators.local import DbtBuildLocalOperator

    from operators import KamDbtInterceptor
    from operators.dbt_run_results import record_dbt_results

    task = dag.get_task(DBT_TASK)
    assert isinstance(task, DbtBuildLocalOperator)
    assert Path(task.project_dir) == DBT_PROJECT
    assert not task.select
    assert task.exclude in ("resource_type:unit_test", ["resource_type:unit_test"])
    assert task.callback is record_dbt_results or record_dbt_results in (task.callback or [])
    assert task.invocation_mode == InvocationMode.SUBPROCESS
    assert task.profile_config.profile_name == "kam_warehouse"
    assert Path(task.profile_config.profiles_yml_filepath) == DBT_PROJECT / "profiles.yml"
    assert any(isinstance(i, KamDbtInterceptor) for i in task.interceptors)
    assert task.install_deps is False
    assert Path(task.dbt_executable_path) == REPO / "plugins" / "kam" / "bin" / "dbt_guarded"
    assert os.access(task.dbt_executable_path, os.X_OK)


def _dbt_ls(tmp_path: Path, *resource_types: str, select=None, exclude=None) -> list[dict]:
    env = {
        **os.environ,
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
        "KAM_WAREHOUSE": str(tmp_path / "unused.duckdb"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    }
    dbt = Path(sys.executable).with_name("dbt")
    selection = [
        *(["--select", *_as_list(select)] if select else []),
        *(["--exclude", *_as_list(exclude)] if exclude else []),
    ]
    result = subprocess.run(
        [
            str(dbt),
            "ls",
            *[arg for kind in resource_types for arg in ("--resource-type", kind)],
            *selection,
            "--output",
            "json",
            "--output-keys",
            "unique_id",
            "name",
            "resource_type",
            "depends_on",
            "--quiet",
            "--project-dir",
            str(DBT_PROJECT),
            "--profiles-dir",
            str(DBT_PROJECT),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def _as_list(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


@pytest.mark.slow
def test_every_dbt_test_runs_somewhere(dag, tmp_path):
    """The nightly build selects every seed, model and data test; the unit tests it leaves
    out run in `make test`, where the integration fixture builds the whole project."""
    kinds = ("model", "seed", "test", "unit_test")
    every = {n["unique_id"]: n["resource_type"] for n in _dbt_ls(tmp_path, *kinds)}
    task = dag.get_task(DBT_TASK)
    nightly = {n["unique_id"] for n in _dbt_ls(tmp_path, *kinds, select=task.select, exclude=task.exclude)}
    assert {"model", "seed", "test", "unit_test"} <= set(every.values())
    assert {uid for uid, kind in every.items() if kind != "unit_test"} == nightly
    assert 'run_dbt(settings, ["build"], as_of=' in INTEGRATION_CONFTEST.read_text()


def test_parsing_the_dag_imports_no_data_libraries_and_reads_no_settings(tmp_path):
    """Parse stays light: no pandas/duckdb/dbt/GX, no `kam` module beyond config, dbt_env and dbt_results (stdlib only)."""
    code = (
        "import sys, importlib.util\n"
        f"spec = importlib.util.spec_from_file_location('kam_nightly_dag', {str(DAGS_FOLDER / 'kam_nightly.py')!r})\n"
        "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
        "heavy = ['pandas', 'duckdb', 'dbt', 'great_expectations', 'openpyxl', 'psycopg2']\n"
        "print([m for m in heavy if m in sys.modules])\n"
        "print(sorted(m for m in sys.modules if m.startswith('kam.')))\n"
    )
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "PYTHONPATH": str(REPO / "plugins"),
        "KAM_WAREHOUSE_CONN_ID": "a_connection_that_does_not_exist",
    }
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    heavy, kam_modules = result.stdout.strip().splitlines()[-2:]
    assert heavy == "[]"
    assert set(eval(kam_modules)) <= {"kam.config", "kam.dbt_env", "kam.dbt_results"}
