"""The pipeline tasks: the as-of rule, the dbt build's report, the gate's view of the run, the dbt environment.

Operators run through `execute` with a task-instance double holding the run's XComs
and task states (what Airflow hands them); the stages behind them are the real ones.
"""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from kam.dbt_results import build_outcome, failures_from_run_results, status_counts
from kam.pipeline import GateBlocked, as_of_date, as_of_of_run
from kam.pipeline.extraction import json_safe
from kam.run_plan import RunPlan
from operators import KamDbtInterceptor, KamExtractOperator, KamGateOperator
from operators.dbt_run_results import record_dbt_results
from operators.kam_gate_operator import dbt_failures_of_build
from operators.kam_operator import read_plan
from tests.integration.publish.fake_candidates import build_candidates

# --- the as-of rule (kam.pipeline.as_of) --------------------------------------------------


def test_as_of_is_the_day_before_the_logical_date():
    context = {"params": {"as_of": None}, "logical_date": datetime(2026, 10, 16, 2, 0, tzinfo=UTC)}
    assert as_of_of_run(context) == date(2026, 10, 15)


def test_as_of_counts_the_logical_date_in_utc():
    berlin_early = datetime(2026, 10, 16, 1, 30, tzinfo=timezone(timedelta(hours=2)))  # 2026-10-15 23:30 UTC
    assert as_of_of_run({"params": {}, "logical_date": berlin_early}) == date(2026, 10, 14)


def test_as_of_param_wins_over_the_logical_date():
    context = {"params": {"as_of": "2026-01-31"}, "logical_date": datetime(2026, 10, 16, 2, tzinfo=UTC)}
    assert as_of_of_run(context) == date(2026, 1, 31)


def test_as_of_without_logical_date_uses_the_run_after_time():
    dag_run = SimpleNamespace(run_after=datetime(2026, 3, 1, 0, 5, tzinfo=UTC))
    assert as_of_of_run({"params": {}, "logical_date": None, "dag_run": dag_run}) == date(2026, 2, 28)


def test_without_param_or_logical_date_as_of_is_yesterday_utc():
    assert as_of_date() == datetime.now(UTC).date() - timedelta(days=1)


def test_a_malformed_as_of_param_is_named_in_the_error():
    with pytest.raises(ValueError, match=r"as_of must be a date YYYY-MM-DD, got '2026-02-30'"):
        as_of_of_run({"params": {"as_of": "2026-02-30"}})


# --- dbt failures --------------------------------------------------------------------------

RUN_RESULTS = {
    "results": [
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
    ]
}


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
    assert status_counts(RUN_RESULTS) == {
        "error": 1,
        "fail": 1,
        "pass": 1,
        "runtime error": 1,
        "skipped": 3,
        "success": 2,
        "warn": 1,
    }


def test_the_cosmos_callback_pushes_the_failures_of_the_build_folder(tmp_path):
    import json

    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "run_results.json").write_text(json.dumps(RUN_RESULTS))
    pushed = {}
    ti = SimpleNamespace(xcom_push=lambda key, value: pushed.update({key: value}))
    failures = record_dbt_results(str(tmp_path), context={"ti": ti})
    assert failures == failures_from_run_results(RUN_RESULTS)
    assert pushed == {
        "dbt_outcome": build_outcome(RUN_RESULTS),
        "dbt_failures": failures,
        "dbt_status_counts": status_counts(RUN_RESULTS),
    }


def test_the_cosmos_callback_pushes_nothing_without_run_results(tmp_path):
    pushed = {}
    ti = SimpleNamespace(xcom_push=lambda key, value: pushed.update({key: value}))
    assert record_dbt_results(str(tmp_path), context={"ti": ti}) is None
    assert pushed == {}


def test_gate_dbt_failures_are_the_reported_nodes():
    assert dbt_failures_of_build("dbt_build", "failed", ["b_test", "a_model (skipped)"]) == [
        "b_test",
        "a_model (skipped)",
    ]
    assert dbt_failures_of_build("dbt_build", "success", []) == []
    assert dbt_failures_of_build("dbt_build", "success", None) == []


def test_a_dbt_task_that_failed_or_never_ran_without_a_report_is_named_with_its_state():
    assert dbt_failures_of_build("dbt_build", "failed", None) == ["dbt_build"]
    assert dbt_failures_of_build("dbt_build", "failed", []) == ["dbt_build"]
    assert dbt_failures_of_build("dbt_build", "upstream_failed", None) == ["dbt_build (upstream_failed)"]


# --- extraction ------------------------------------------------------------------------------


def test_extraction_report_becomes_plain_json():
    from kam.extract.report import ExtractReport, ObjectReport

    report = ExtractReport(
        run_id="r1",
        objects={
            "orders": ObjectReport(
                object="orders",
                system="erp",
                rows_read=5,
                rows_loaded=4,
                rows_quarantined=1,
                watermark=datetime(2026, 10, 15, 23, 0),
            )
        },
    )
    data = json_safe(report)
    assert data["objects"]["orders"]["rows_quarantined"] == 1
    assert data["objects"]["orders"]["watermark"] == "2026-10-15T23:00:00"


class FakeTI:
    """What a task instance gives a task: this run's XComs and task states, its start."""

    dag_id = "kam_nightly"
    start_date = datetime(2026, 10, 16, 2, 5, tzinfo=UTC)

    def __init__(self, states, xcom=None):
        self._states, self._xcom = states, xcom or {}

    def get_task_states(self, dag_id, task_ids, run_ids):
        assert dag_id == "kam_nightly"
        return {run_ids[0]: {t: s for t, s in self._states.items() if t in task_ids}}

    def xcom_pull(self, task_ids, key="return_value"):
        return self._xcom.get(task_ids if key == "return_value" else (task_ids, key))


NIGHTLY_PLAN = RunPlan(as_of=date(2026, 10, 15))
BACKFILL_PLAN = RunPlan(
    as_of=date(2026, 10, 10), mode="backfill", vars={"max_row_change": 0.4}, latest_extracted_as_of=date(2026, 10, 16)
)


def _context(states=None, xcom=None, plan=NIGHTLY_PLAN):
    return {"run_id": "manual__1", "params": {}, "ti": FakeTI(states or {}, {"plan": plan.to_dict(), **(xcom or {})})}


@pytest.fixture
def home(monkeypatch, tmp_path):
    """KAM_HOME under tmp_path, every path setting its default."""
    monkeypatch.setenv("KAM_HOME", str(tmp_path))
    for name in (
        "KAM_WAREHOUSE",
        "KAM_WAREHOUSE_CONN_ID",
        "KAM_REPORTING_DB",
        "KAM_REPORTING_DB_CONN_ID",
        "KAM_REPORT_DIR",
        "KAM_EXPORT_DIR",
        "KAM_LANDING_DB",
    ):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_a_backfill_extracts_nothing_and_says_so(home):
    extract = KamExtractOperator(task_id="extract_erp", system="erp")
    assert extract.execute(_context(plan=BACKFILL_PLAN)) == {
        "system": "erp",
        "mode": "backfill",
        "read": False,
        "task_started_at": "2026-10-16T02:05:00+00:00",
    }
    assert list(home.iterdir()) == []


def test_a_task_without_a_plan_refuses_to_run():
    with pytest.raises(ValueError, match=r"no run plan in XCom of task 'plan' \(did it fail\?\)"):
        read_plan({"ti": FakeTI({}, {})})


# --- the gate's view of the run ----------------------------------------------------------------


def test_gate_gathers_the_build_failures_the_failed_extractions_and_the_run_start():
    gate = KamGateOperator(task_id="gate", extract_task_ids=("extract_erp", "extract_crm"))
    context = _context(
        {"dbt_build": "failed", "extract_erp": "success", "extract_crm": "failed"},
        {
            "extract_erp": {"task_started_at": "2026-10-16T02:00:30+00:00"},
            ("dbt_build", "dbt_failures"): ["not_null_int_orders_order_id"],
        },
    )
    assert gate.gather_dbt_failures(context) == ["not_null_int_orders_order_id"]
    assert gate.gather_failed_extractions(context) == ["extract_crm (failed)"]
    assert gate.run_started_at(context) == datetime(2026, 10, 16, 2, 0, 30, tzinfo=UTC)
    assert KamGateOperator(task_id="gate").gather_dbt_failures(_context({"dbt_build": "upstream_failed"})) == [
        "dbt_build (upstream_failed)"
    ]


def test_gate_waits_for_everything_upstream():
    assert str(KamGateOperator(task_id="gate").trigger_rule) in ("all_done", "TriggerRule.ALL_DONE")


def test_a_blocked_gate_records_the_run_and_fails_naming_checks_and_report(home):
    """On candidates without the raw data behind them the gate blocks: the task fails with
    `GateBlocked`, the run is recorded as blocked with its start, nothing is published."""
    build_candidates(home / "warehouse.duckdb", 1)
    gate = KamGateOperator(task_id="gate", extract_task_ids=("extract_erp",))
    context = _context(
        {"dbt_build": "failed", "extract_erp": "success"},
        {
            "extract_erp": {"task_started_at": "2026-10-16T02:00:30+00:00"},
            ("dbt_build", "dbt_failures"): ["not_null_int_orders_order_id"],
        },
    )
    with pytest.raises(GateBlocked) as raised:
        gate.execute(context)
    blocked = raised.value
    assert blocked.as_of == NIGHTLY_PLAN.as_of
    assert blocked.failed_checks and "not_null_int_orders_order_id" in json.dumps(blocked.failed_checks)
    assert Path(blocked.report_path).exists()
    assert str(blocked).startswith("data-quality gate blocked publication for as-of 2026-10-15: failed checks: ")
    assert str(blocked).endswith(f"; report: {blocked.report_path}")
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        runs = con.execute("select run_id, status, started_at, failed_checks from reporting.pipeline_runs").fetchall()
        published = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'reporting' "
            "and table_name = 'customer_segments'"
        ).fetchone()[0]
    finally:
        con.close()
    [(run_id, status, started_at, failed_checks)] = runs
    assert (run_id, status, started_at) == ("manual__1", "blocked", datetime(2026, 10, 16, 2, 0, 30))
    assert json.loads(failed_checks) == blocked.failed_checks
    assert published == 0


# --- the dbt interceptor -------------------------------------------------------------------


def _dbt_operator():
    from cosmos.config import ProfileConfig

    profile = ProfileConfig(
        profile_name="kam_warehouse", target_name="duckdb", profiles_yml_filepath="dbt_project/profiles.yml"
    )
    return SimpleNamespace(env=None, vars=None, profile_config=profile, dbt_cmd_flags=[], full_refresh=False)


def test_interceptor_points_dbt_at_the_duckdb_warehouse_and_the_as_of_date(home):
    operator = _dbt_operator()
    KamDbtInterceptor()(_context(), operator)
    assert operator.vars == {}  # a nightly's vars never change: D is in the environment
    assert operator.env["KAM_AS_OF_DATE"] == "2026-10-15"
    assert operator.cache_dir == home / "dbt" / "cosmos"  # Cosmos's partial-parse cache of the nightly
    assert operator.dbt_cmd_flags == [] and operator.full_refresh is False
    assert operator.env["KAM_DBT_TARGET"] == "duckdb"
    assert operator.env["KAM_WAREHOUSE"] == str(home / "warehouse.duckdb")
    assert operator.env["DBT_SEND_ANONYMOUS_USAGE_STATS"] == "False"
    assert operator.env["DBT_TARGET_PATH"] == "target"  # the temporary project's: the callback reads it
    assert operator.env["DBT_LOG_PATH"] == str(home / "dbt" / "cosmos" / "logs")
    assert operator.env["KAM_DBT_EXECUTABLE"] == str(Path(sys.executable).with_name("dbt"))
    assert operator.env["KAM_DBT_PARENT_PID"] == str(os.getpid())
    assert operator.profile_config.target_name == "duckdb"


def test_interceptor_switches_the_profile_target_to_postgres(monkeypatch):
    monkeypatch.setenv("KAM_WAREHOUSE", "postgresql://kam:secret@db.example:5433/kam")
    monkeypatch.delenv("KAM_WAREHOUSE_CONN_ID", raising=False)
    operator = _dbt_operator()
    KamDbtInterceptor()(_context(), operator)
    assert operator.env["KAM_AS_OF_DATE"] == "2026-10-15"
    assert operator.profile_config.target_name == "postgres"
    assert (operator.env["KAM_PG_HOST"], operator.env["KAM_PG_PORT"], operator.env["KAM_PG_DBNAME"]) == (
        "db.example",
        "5433",
        "kam",
    )


def test_interceptor_builds_a_backfill_with_full_refresh_into_the_suffixed_schemas(home):
    """On the real Cosmos operator: its own flags are computed before the interceptors run,
    so the command line must still carry --full-refresh and the plan's vars."""
    import yaml
    from cosmos import InvocationMode, ProfileConfig
    from cosmos.operators.local import DbtBuildLocalOperator

    from kam.config import DBT_GUARDED, DBT_PROJECT_DIR

    operator = DbtBuildLocalOperator(
        task_id="dbt_build",
        project_dir=str(DBT_PROJECT_DIR),
        invocation_mode=InvocationMode.SUBPROCESS,
        profile_config=ProfileConfig(
            profile_name="kam_warehouse", target_name="duckdb", profiles_yml_filepath=DBT_PROJECT_DIR / "profiles.yml"
        ),
        dbt_executable_path=str(DBT_GUARDED),
        interceptors=[KamDbtInterceptor()],
        install_deps=False,
    )
    context = _context(plan=BACKFILL_PLAN)
    own_flags = operator.add_cmd_flags()  # what DbtBuildLocalOperator.execute hands to build_and_run_cmd
    operator.invoke_interceptors(context)
    command, env = operator.build_cmd(context=context, cmd_flags=own_flags)
    assert command[0] == str(DBT_GUARDED) and command[1:].count("--full-refresh") == 1
    assert yaml.safe_load(command[command.index("--vars") + 1]) == {
        "max_row_change": 0.4,
        "kam_backfill": True,
        "schema_suffix": "_backfill",
    }
    assert env["KAM_AS_OF_DATE"] == "2026-10-10"
    assert operator.cache_dir == home / "dbt_backfill" / "cosmos"  # never the nightly's parse
    operator.invoke_interceptors(context)  # a second call (retry) adds no second flag
    assert operator.dbt_cmd_flags.count("--full-refresh") == 1


# --- the workbook mail of kam_workbook_to_sales_ops (a real event and mail: tests/e2e/test_kam_nightly.py) -----


def _mail_context(events: list) -> dict:
    from operators.assets import EXPORTS

    return {"triggering_asset_events": {EXPORTS: events}}


def test_the_workbook_mail_is_skipped_without_a_triggering_event():
    from airflow.sdk.exceptions import AirflowSkipException

    from operators import KamWorkbookMailOperator
    from operators.assets import EXPORTS

    with pytest.raises(AirflowSkipException, match="no event of kam://exports/segments triggered this run"):
        KamWorkbookMailOperator(task_id="mail_workbook", asset=EXPORTS).execute(_mail_context([]))


def test_the_workbook_mail_is_skipped_without_recipients_and_fails_without_the_workbook(home, monkeypatch):
    from airflow.sdk.exceptions import AirflowSkipException

    from operators import KamWorkbookMailOperator
    from operators.assets import EXPORTS

    event = SimpleNamespace(extra={"as_of": "2026-10-15", "run_id": "r1", "backfill": False}, timestamp=1)
    operator = KamWorkbookMailOperator(task_id="mail_workbook", asset=EXPORTS)
    monkeypatch.delenv("KAM_SALES_OPS_EMAIL", raising=False)
    with pytest.raises(AirflowSkipException, match="KAM_SALES_OPS_EMAIL is not set"):
        operator.execute(_mail_context([event]))
    monkeypatch.setenv("KAM_SALES_OPS_EMAIL", "sales-ops@example.com")
    workbook = home / "exports" / "2026-10-15" / "kam_segments_2026-10-15.xlsx"
    with pytest.raises(FileNotFoundError, match=re.escape(f"the workbook of as-of 2026-10-15 is missing: {workbook}")):
        operator.execute(_mail_context([event]))
