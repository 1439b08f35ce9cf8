"""The `kam.pipeline` stages on the worked example: a passed gate publishes and exports, a blocked
one records the run and raises `GateBlocked`, which the failure alert reads; the plan's vars and
candidates schema are what the gate judges by."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from kam import pipeline
from kam.publish import alerts

pytestmark = pytest.mark.slow

AS_OF = date(2026, 10, 15)
RUN_ID = "scheduled__2026-10-16T02:00:00+00:00"
STARTED_AT = datetime(2026, 10, 16, 2, 0, tzinfo=UTC)


@pytest.fixture
def example_build(example_warehouse):
    """What the example's dbt build left (`kam.pipeline.read_build` of its target folder)."""
    return pipeline.read_build(Path(example_warehouse.home) / "dbt" / "target")


def _runs(example_home) -> list[tuple]:
    con = duckdb.connect(example_home.warehouse, read_only=True)
    try:
        return con.execute("select run_id, status, failed_checks from reporting.pipeline_runs").fetchall()
    finally:
        con.close()


def test_a_passed_night_publishes_and_exports(example_home, example_build):
    plan = pipeline.plan(example_home, AS_OF)
    assert (plan.mode, plan.candidates_schema) == ("nightly", "marts")
    verdict = pipeline.gate(
        example_home,
        plan,
        run_id=RUN_ID,
        dbt_failures=example_build["failures"],
        dbt_outcome=example_build["outcome"],
        run_started_at=STARTED_AT,
    )
    assert verdict["passed"] and Path(verdict["report_path"]).exists()
    published = pipeline.publish_or_block(example_home, plan, verdict, run_id=RUN_ID, started_at=STARTED_AT)
    assert (published["status"], published["as_of"], published["mode"]) == ("published", "2026-10-15", "nightly")
    assert "customer_segments" in published["tables"]
    folder = Path(pipeline.export(example_home, plan, run_id=RUN_ID))
    assert folder == example_home.export_dir / "2026-10-15" and (folder / "manifest.json").exists()
    assert [(r[0], r[1]) for r in _runs(example_home)] == [(RUN_ID, "published")]


def test_a_blocked_night_is_recorded_raises_gate_blocked_and_the_alert_names_its_checks(example_home):
    plan = pipeline.plan(example_home, AS_OF)
    verdict = pipeline.gate(
        example_home, plan, run_id=RUN_ID, dbt_failures=["not_null_int_orders_order_id"], run_started_at=STARTED_AT
    )
    assert not verdict["passed"]
    with pytest.raises(pipeline.GateBlocked) as raised:
        pipeline.publish_or_block(example_home, plan, verdict, run_id=RUN_ID, started_at=STARTED_AT)
    blocked = raised.value
    assert (blocked.as_of, blocked.failed_checks, blocked.report_path) == (
        AS_OF,
        verdict["failed_checks"],
        verdict["report_path"],
    )
    assert "not_null_int_orders_order_id" in json.dumps(blocked.failed_checks)
    [(run_id, status, failed_checks)] = _runs(example_home)
    assert (run_id, status, json.loads(failed_checks)) == (RUN_ID, "blocked", verdict["failed_checks"])
    assert not (example_home.export_dir / "2026-10-15").exists()

    details = alerts.failure_details({"run_id": RUN_ID, "exception": blocked})
    assert (details["as_of"], details["failed_checks"], details["report_path"]) == (
        "2026-10-15",
        verdict["failed_checks"],
        verdict["report_path"],
    )


def test_the_plan_vars_are_the_gate_thresholds(example_home):
    plan = pipeline.plan(example_home, AS_OF, {"max_row_change": 0.4})
    verdict = pipeline.gate(example_home, plan, run_id=RUN_ID, dbt_failures=[])
    assert verdict["thresholds"]["max_row_change"] == 0.4


def test_a_backfill_plan_judges_the_backfill_candidates(example_home, example_build):
    """The example has no `marts_backfill`: a backfill plan's gate cannot pass where the nightly one does."""
    plan = pipeline.RunPlan(as_of=AS_OF, mode="backfill", latest_extracted_as_of=date(2026, 10, 16))
    verdict = pipeline.gate(
        example_home, plan, run_id=RUN_ID, dbt_failures=example_build["failures"], dbt_outcome=example_build["outcome"]
    )
    assert not verdict["passed"]
