"""The pipeline operators' own logic: as-of date, dbt failures, gate verdicts, dbt environment."""
from __future__ import annotations

import os
import sys
from pathlib import Path
import types
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from kam.run_plan import RunPlan
from operators import KamDbtInterceptor, KamGateOperator, KamOperator
from operators.kam_operator import read_plan
from operators.kam_extract_operator import json_safe
from operators.dbt_run_results import failures_from_run_results, record_dbt_results, status_counts
from operators.kam_gate_operator import dbt_failures_of_build

UTC = timezone.utc


# --- as-of date -------------------------------------------------------------------------

def test_as_of_is_the_day_before_the_logical_date():
    context = {"params": {"as_of": None}, "logical_date": datetime(2026, 10, 16, 2, 0, tzinfo=UTC)}
    assert KamOperator.resolve_as_of(context) == date(2026, 10, 15)


def test_as_of_counts_the_logical_date_in_utc():
    berlin_early = datetime(2026, 10, 16, 1, 30, tzinfo=timezone(timedelta(hours=2)))  # 2026-10-15 23:30 UTC
    assert KamOperator.resolve_as_of({"params": {}, "logical_date": berlin_early}) == date(2026, 10, 14)


def test_as_of_param_wins_over_the_logical_date():
    context = {"params": {"as_of": "2026-01-31"}, "logical_date": datetime(2026, 10, 16, 2, tzinfo=UTC)}
    assert KamOperator.resolve_as_of(context) == date(2026, 1, 31)


def test_as_of_without_logical_date_uses_the_run_after_time():
    dag_run = SimpleNamespace(run_after=datetime(2026, 3, 1, 0, 5, tzinfo=UTC))
    assert KamOperator.resolve_as_of({"params": {}, "logical_date": None, "dag_run": dag_run}) == date(2026, 2, 28)


def test_a_malformed_as_of_param_is_named_in_the_error():
    with pytest.raises(ValueError, match=r"as_of must be a date YYYY-MM-DD, got '2026-02-30'"):
        KamOperator.resolve_as_of({"params": {"as_of": "2026-02-30"}})


# --- dbt failures --------------------------------------------------------------------------

RUN_RESULTS = {"results": [
    {"unique_id": "model.kam_warehouse.stg_erp__orders", "status": "success"},
    {"unique_id": "model.kam_warehouse.int_orders", "status": "error"},
    {"unique_id": "test.kam_warehouse.not_null_int_lines_order_id.ab12cd34ef", "status": "fail"},
    {"unique_id": "test.kam_warehouse.unique_stg_erp__orders_order_id.0123456789", "status": "pass"},
    {"unique_id": "test.kam_warehouse.accepted_values_x_status.77", "status": "warn"},
    {"unique_id": "model.kam_warehouse.customer_segments", "status": "skipped"},
    {"unique_id": "test.kam_warehouse.unique_customer_segments_customer_id.5e", "status": "skipped"},
    {"unique_id": "model.kam_warehouse.abc_xyz_matrix", "status": "skipped"},
    {"unique_id": "unit_test.kam_warehouse.int_orders.counts_lineless_orders", "status": "runtime error"},
    {"unique_id": "seed.kam_warehouse.country_regions", "status": "success"},
]}


def test_failed_dbt_nodes_come_first_then_skipped_models_and_no_skipped_tests():
    assert failures_from_run_results(RUN_RESULTS) == [
        "int_orders",
        "int_orders.counts_lineless_orders",
        "not_null_int_lines_order_id",
        "abc_xyz_matrix (skipped)",
        "customer_segments (skipped)",
    ]


def test_a_clean_build_has_no_failures_and_counts_every_status():
    clean = {"results": [r for r in RUN_RESULTS["results"] if r["status"] in ("success", "pass", "warn")]}
    assert failures_from_run_results(clean) == []
    assert status_counts(RUN_RESULTS) == {"error": 1, "fail": 1, "pass": 1, "runtime error": 1, "skipped": 3,
                                          "success": 2, "warn": 1}


def test_the_cosmos_callback_pushes_the_failures_of_the_build_folder(tmp_path):
    import json

    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "run_results.json").write_text(json.dumps(RUN_RESULTS))
    pushed = {}
    ti = SimpleNamespace(xcom_push=lambda key, value: pushed.update({key: value}))
    failures = record_dbt_results(str(tmp_path), context={"ti": ti})
    assert failures == failures_from_run_results(RUN_RESULTS)
    assert pushed == {"dbt_failures": failures, "dbt_status_counts": status_counts(RUN_RESULTS)}


def test_the_cosmos_callback_pushes_nothing_without_run_results(tmp_path):
    pushed = {}
    ti = SimpleNamespace(xcom_push=lambda key, value: pushed.update({key: value}))
    assert record_dbt_results(str(tmp_path), context={"ti": ti}) is None
    assert pushed == {}


def test_gate_dbt_failures_are_the_reported_nodes():
    assert dbt_failures_of_build("dbt_build", "failed", ["b_test", "a_model (skipped)"]) == [
        "b_test", "a_model (skipped)"]
    assert dbt_failures_of_build("dbt_build", "success", []) == []
    assert dbt_failures_of_build("dbt_build", "success", None) == []


def test_a_dbt_task_that_failed_or_never_ran_without_a_report_is_named_with_its_state():
    assert dbt_failures_of_build("dbt_build", "failed", None) == ["dbt_build"]
    assert dbt_failures_of_build("dbt_build", "failed", []) == ["dbt_build"]
    assert dbt_failures_of_build("dbt_build", "upstream_failed", None) == ["dbt_build (upstream_failed)"]


# --- extraction report ---------------------------------------------------------------------

def test_extraction_report_becomes_plain_json():
    from kam.extract.report import ExtractReport, ObjectReport

    report = ExtractReport(run_id="r1", objects={"orders": ObjectReport(
        object="orders", system="erp", rows_read=5, rows_loaded=4, rows_quarantined=1,
        watermark=datetime(2026, 10, 15, 23, 0))})
    data = json_safe(report)
    assert data["objects"]["orders"]["rows_quarantined"] == 1
    assert data["objects"]["orders"]["watermark"] == "2026-10-15T23:00:00"


# --- the gate ------------------------------------------------------------------------------

class FakeTI:
    dag_id = "kam_nightly"
    start_date = datetime(2026, 10, 16, 2, 5, tzinfo=UTC)

    def __init__(self, states, xcom=None):
        self._states, self._xcom = states, xcom or {}

    def get_task_states(self, dag_id, task_ids, run_ids):
        assert dag_id == "kam_nightly"
        return {run_ids[0]: {t: s for t, s in self._states.items() if t in task_ids}}

    def xcom_pull(self, task_ids, key="return_value"):
        return self._xcom.get(task_ids if key == "return_value" else (task_ids, key))


@pytest.fixture
def fake_gate(monkeypatch, tmp_path):
    """kam.quality/kam.publish/kam.warehouse replaced by recorders; returns what they saw."""
    seen = {"blocked": []}

    class Result:
        def __init__(self, failed):
            self.failed_checks = [SimpleNamespace(name=n) for n in failed]
            self.passed = not failed

        def summary(self):
            return "summary"

        def to_json(self):
            return '{"passed": %s}' % ("true" if self.passed else "false")

    def run_gate(con, *, run_id, as_of, dbt_failures, settings, gate_vars, candidates_schema, run_started_at,
                 failed_extractions):
        seen.update(run_id=run_id, as_of=as_of, dbt_failures=dbt_failures, gate_vars=gate_vars,
                    candidates_schema=candidates_schema, run_started_at=run_started_at,
                    failed_extractions=failed_extractions)
        return Result(["dbt_tests"] if dbt_failures else seen.get("fail", []))

    def write_report(result, folder):
        path = tmp_path / "gate_report.html"
        path.write_text("report")
        return path

    monkeypatch.setitem(sys.modules, "kam.quality", types.SimpleNamespace(run_gate=run_gate, write_report=write_report))
    monkeypatch.setitem(sys.modules, "kam.publish", types.SimpleNamespace(
        record_blocked=lambda settings, **kw: seen["blocked"].append(kw)))
    monkeypatch.setitem(sys.modules, "kam.quality.access", types.SimpleNamespace(
        connect_warehouse=lambda settings: SimpleNamespace(close=lambda: None)))
    return seen


def gate_context(states, xcom=None):
    return {"run_id": "manual__1", "params": {"as_of": "2026-10-15"}, "ti": FakeTI(states, xcom)}


NIGHTLY_PLAN = RunPlan(as_of=date(2026, 10, 15))


def test_gate_passes_and_hands_its_result_to_publish(fake_gate):
    gate = KamGateOperator(task_id="gate")
    context = gate_context({"dbt_build": "success"}, {("dbt_build", "dbt_failures"): []})
    result = gate.run(context, SimpleNamespace(report_dir="r"), NIGHTLY_PLAN)
    assert result == {"passed": True}
    assert fake_gate["dbt_failures"] == [] and fake_gate["blocked"] == []
    assert (fake_gate["candidates_schema"], fake_gate["gate_vars"]) == ("marts", {})


def test_gate_of_a_backfill_judges_the_backfill_candidates_with_the_run_vars(fake_gate):
    gate = KamGateOperator(task_id="gate")
    context = gate_context({"dbt_build": "success"}, {("dbt_build", "dbt_failures"): []})
    plan = RunPlan(as_of=date(2026, 10, 10), mode="backfill", vars={"max_row_change": 0.4})
    assert gate.run(context, SimpleNamespace(report_dir="r"), plan) == {"passed": True}
    assert (fake_gate["as_of"], fake_gate["candidates_schema"], fake_gate["gate_vars"]) == (
        date(2026, 10, 10), "marts_backfill", {"max_row_change": 0.4})


def test_blocked_gate_records_the_run_and_fails_naming_checks_and_report(fake_gate, tmp_path):
    from airflow.sdk.exceptions import AirflowException

    gate = KamGateOperator(task_id="gate", extract_task_ids=("extract_erp",))
    context = gate_context({"dbt_build": "failed", "extract_erp": "success"},
                           {"extract_erp": {"task_started_at": "2026-10-16T02:00:30+00:00"},
                            ("dbt_build", "dbt_failures"): ["not_null_int_orders_order_id", "win_back_list (skipped)"]})
    with pytest.raises(AirflowException) as raised:
        gate.run(context, SimpleNamespace(report_dir="r"), NIGHTLY_PLAN)
    assert "failed checks: dbt_tests" in str(raised.value)
    assert str(tmp_path / "gate_report.html") in str(raised.value)
    assert fake_gate["dbt_failures"] == ["not_null_int_orders_order_id", "win_back_list (skipped)"]
    assert fake_gate["failed_extractions"] == []
    assert fake_gate["blocked"] == [{
        "gate_result_json": {"passed": False}, "run_id": "manual__1", "as_of": date(2026, 10, 15),
        "started_at": datetime(2026, 10, 16, 2, 0, 30, tzinfo=UTC), "row_counts": None, "source_watermarks": None,
        "candidates_schema": "marts",
    }]
    assert fake_gate["run_started_at"] == datetime(2026, 10, 16, 2, 0, 30, tzinfo=UTC)


def test_gate_waits_for_everything_upstream():
    assert str(KamGateOperator(task_id="gate").trigger_rule) in ("all_done", "TriggerRule.ALL_DONE")


# --- the dbt interceptor -------------------------------------------------------------------

def _dbt_operator():
    from cosmos.config import ProfileConfig

    profile = ProfileConfig(profile_name="kam_warehouse", target_name="duckdb",
                            profiles_yml_filepath="dbt_project/profiles.yml")
    return SimpleNamespace(env=None, vars=None, profile_config=profile, dbt_cmd_flags=[], full_refresh=False)


def _plan_context(plan: RunPlan, **extra):
    return {"params": {}, "ti": FakeTI({}, {"plan": plan.to_dict()}), **extra}


def test_interceptor_points_dbt_at_the_duckdb_warehouse_and_the_as_of_date(monkeypatch, tmp_path):
    monkeypatch.setenv("KAM_HOME", str(tmp_path))
    monkeypatch.delenv("KAM_WAREHOUSE", raising=False)
    monkeypatch.delenv("KAM_WAREHOUSE_CONN_ID", raising=False)
    operator = _dbt_operator()
    KamDbtInterceptor()(_plan_context(NIGHTLY_PLAN), operator)
    assert operator.vars == {"as_of_date": "2026-10-15", "kam_backfill": False, "schema_suffix": ""}
    assert operator.dbt_cmd_flags == [] and operator.full_refresh is False
    assert operator.env["KAM_DBT_TARGET"] == "duckdb"
    assert operator.env["KAM_WAREHOUSE"] == str(tmp_path / "warehouse.duckdb")
    assert operator.env["DBT_SEND_ANONYMOUS_USAGE_STATS"] == "False"
    assert (operator.env["DBT_TARGET_PATH"], operator.env["DBT_LOG_PATH"]) == ("target", "logs")
    assert operator.env["KAM_DBT_EXECUTABLE"] == str(Path(sys.executable).with_name("dbt"))
    assert operator.env["KAM_DBT_PARENT_PID"] == str(os.getpid())
    assert operator.profile_config.target_name == "duckdb"


def test_interceptor_switches_the_profile_target_to_postgres(monkeypatch):
    monkeypatch.setenv("KAM_WAREHOUSE", "postgresql://kam:secret@db.example:5433/kam")
    monkeypatch.delenv("KAM_WAREHOUSE_CONN_ID", raising=False)
    operator = _dbt_operator()
    KamDbtInterceptor()(_plan_context(NIGHTLY_PLAN), operator)
    assert operator.vars["as_of_date"] == "2026-10-15"
    assert operator.profile_config.target_name == "postgres"
    assert (operator.env["KAM_PG_HOST"], operator.env["KAM_PG_PORT"], operator.env["KAM_PG_DBNAME"]) == (
        "db.example", "5433", "kam")


BACKFILL_PLAN = RunPlan(as_of=date(2026, 10, 10), mode="backfill", vars={"max_row_change": 0.4},
                        latest_extracted_as_of=date(2026, 10, 16))


def test_interceptor_builds_a_backfill_with_full_refresh_into_the_suffixed_schemas(monkeypatch, tmp_path):
    """On the real Cosmos operator: its own flags are computed before the interceptors run,
    so the command line must still carry --full-refresh and the plan's vars."""
    import yaml
    from cosmos import InvocationMode, ProfileConfig
    from cosmos.operators.local import DbtBuildLocalOperator

    from kam.config import DBT_GUARDED, DBT_PROJECT_DIR

    monkeypatch.setenv("KAM_HOME", str(tmp_path))
    monkeypatch.delenv("KAM_WAREHOUSE", raising=False)
    operator = DbtBuildLocalOperator(
        task_id="dbt_build", project_dir=str(DBT_PROJECT_DIR), invocation_mode=InvocationMode.SUBPROCESS,
        profile_config=ProfileConfig(profile_name="kam_warehouse", target_name="duckdb",
                                     profiles_yml_filepath=DBT_PROJECT_DIR / "profiles.yml"),
        dbt_executable_path=str(DBT_GUARDED), interceptors=[KamDbtInterceptor()], install_deps=False)
    context = _plan_context(BACKFILL_PLAN)
    own_flags = operator.add_cmd_flags()  # what DbtBuildLocalOperator.execute hands to build_and_run_cmd
    operator.invoke_interceptors(context)
    command, _ = operator.build_cmd(context=context, cmd_flags=own_flags)
    assert command[0] == str(DBT_GUARDED) and command[1:].count("--full-refresh") == 1
    assert yaml.safe_load(command[command.index("--vars") + 1]) == {
        "max_row_change": 0.4, "as_of_date": "2026-10-10", "kam_backfill": True, "schema_suffix": "_backfill"}
    operator.invoke_interceptors(context)  # a second call (retry) adds no second flag
    assert operator.dbt_cmd_flags.count("--full-refresh") == 1


def test_a_task_without_a_plan_refuses_to_run():
    with pytest.raises(ValueError, match=r"no run plan in XCom of task 'plan' \(did it fail\?\)"):
        read_plan({"ti": FakeTI({}, {})})


# --- extraction under the plan ---------------------------------------------------------------

def test_a_backfill_extracts_nothing_and_says_so():
    from operators import KamExtractOperator

    extract = KamExtractOperator(task_id="extract_erp", system="erp")
    context = {"run_id": "manual__1", "ti": FakeTI({})}
    assert extract.run(context, None, BACKFILL_PLAN) == {
        "system": "erp", "mode": "backfill", "read": False, "task_started_at": "2026-10-16T02:05:00+00:00"}


def test_gate_names_the_extraction_tasks_that_did_not_succeed(fake_gate):
    from airflow.sdk.exceptions import AirflowException

    gate = KamGateOperator(task_id="gate", extract_task_ids=("extract_erp", "extract_crm"))
    context = gate_context({"dbt_build": "upstream_failed", "extract_erp": "success", "extract_crm": "failed"}, {})
    with pytest.raises(AirflowException):
        gate.run(context, SimpleNamespace(report_dir="r"), NIGHTLY_PLAN)
    assert fake_gate["failed_extractions"] == ["extract_crm (failed)"]
