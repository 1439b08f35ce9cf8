"""The data-quality gate on a fake warehouse: a clean candidate passes; data breaking one
blocking check fails exactly that check; first run; missing tables. (The gate's dbt tests,
one_row_per_customer to margin_coverage_low, are proven with dbt_checks.)"""

from __future__ import annotations

import json

import pytest

from . import fake_warehouse as fw

BLOCKING = [
    "source_files_readable",
    "extraction_completed",
    "dbt_tests",
    "quarantine_share",
    "row_count_change",
    "freshness",
    "table_expectations",
]


def test_clean_candidate_passes_every_check(gate):
    result = gate()
    assert result.passed
    assert [c.name for c in result.checks] == BLOCKING
    assert [c.name for c in result.checks if c.blocking] == BLOCKING
    assert [c.name for c in result.checks if not c.passed] == []
    assert result.failed_checks == [] and result.warnings == []
    # only the bad rows of D count (the 50 of 2026-10-14 are ignored): 5 of 1000
    assert result.check("quarantine_share").observed == pytest.approx(0.005)
    assert result.check("source_files_readable").observed == 0
    # the later *blocked* run (100 rows) is not the last publication
    rows = result.check("row_count_change").details
    assert rows["last_published"]["run_id"] == "published_run" and rows["candidate_rows"] == 8
    assert result.check("row_count_change").observed == 0
    assert result.check("freshness").observed == pytest.approx(4.0)
    assert result.check("table_expectations").details["rows"] == {
        "customer_segments": 8,
        "customer_segments_history": 8,
        "abc_xyz_matrix": 10,
        "key_accounts": 2,
        "win_back_list": 1,
        "failure_dynamics_monthly": 1,
        "kam_workload": 1,
        "segment_changes": 1,
        "key_account_dossier": 2,
    }
    # every check GX judged carries the expectations that judged it, all met
    judged = [c for c in result.checks if c.details.get("expectations")]
    assert [c.name for c in judged] == [
        "source_files_readable",
        "quarantine_share",
        "row_count_change",
        "freshness",
        "table_expectations",
    ]
    assert all(e["success"] for c in judged for e in c.details["expectations"])
    assert result.validation and result.validation[0]["success"] is True


def _quarantine_two_percent(con):
    fw.add_quarantine(con, "orders", 15)  # 20 of 1000


def _quarantine_with_nothing_delivered(con):
    fw.add_read(con, "contacts", "crm/contacts.csv", "c1", 0, 1)  # bad rows, 0 rows delivered: counts as 100%
    fw.add_quarantine(con, "contacts", 1, source="crm/contacts.csv", version="c1")


def _row_count_up_a_third(con):
    fw.set_published(con, 6)  # 8 now


def _orders_stale(con):
    con.execute("update raw.orders set updated_at = least(updated_at, timestamp '2026-10-13 23:59:59')")


def _matrix_cell_missing(con):
    con.execute("delete from marts.abc_xyz_matrix where abc_xyz = 'AX'")


def _no_account_manager(con):
    con.execute("delete from marts.kam_workload")


def _missing_mart(con):
    con.execute("drop table marts.key_accounts")


@pytest.mark.parametrize(
    "breaks, failed, observed",
    [
        (_quarantine_two_percent, "quarantine_share", 0.02),
        (_quarantine_with_nothing_delivered, "quarantine_share", 1.0),
        (_row_count_up_a_third, "row_count_change", 1 / 3),
        (_orders_stale, "freshness", 48.0),
        (_matrix_cell_missing, "table_expectations", 1),
        (_no_account_manager, "table_expectations", 1),
        (_missing_mart, "table_expectations", 1),
    ],
)
def test_breaking_one_rule_fails_exactly_that_check(warehouse, gate, breaks, failed, observed):
    breaks(warehouse)
    result = gate()
    assert not result.passed
    assert [c.name for c in result.failed_checks] == [failed]
    check = result.check(failed)
    assert check.observed == pytest.approx(observed)
    assert check.message and check.action
    assert failed in result.summary()


def test_dbt_failure_fails_only_dbt_tests(gate):
    result = gate(dbt_outcome=None, dbt_failures=["not_null_customer_segments_customer_id"])
    assert [c.name for c in result.failed_checks] == ["dbt_tests"]
    assert "not_null_customer_segments_customer_id" in result.check("dbt_tests").message
    assert result.check("dbt_tests").observed == 1


def test_dbt_results_that_cannot_be_read_fail_dbt_tests_closed(gate):
    result = gate(dbt_outcome={"failed": [], "nodes": [{"unique_id": "test.x.broken"}]})
    check = result.check("dbt_tests")
    assert not check.passed and check.message.startswith("could not be evaluated: KeyError")
    assert not result.passed


def _gate_test(check: str, status: str, failures: int, blocking: bool = True) -> dict:
    """A gate test's node of a dbt build outcome, as `kam.dbt_results.build_outcome` gives it."""
    return {
        "name": f"gate_{check}",
        "unique_id": f"test.kam_warehouse.gate_{check}",
        "status": status,
        "failures": failures,
        "message": None,
        "relation": None,
        "meta": {"gate_check": check, "blocking": blocking, "threshold": 0, "rule": check, "action": "fix"},
    }


def test_dbt_gate_tests_take_their_place_in_the_gate_order_and_warnings_never_block(gate):
    nodes = [
        _gate_test("orders_without_rate", "warn", 3, blocking=False),
        _gate_test("class_a_share", "pass", 0),
        _gate_test("one_row_per_customer", "pass", 0),
    ]
    result = gate(dbt_outcome={"failed": ["gate_orders_without_rate"], "nodes": nodes})
    assert result.passed
    assert [c.name for c in result.checks] == [
        *BLOCKING[:3],
        "one_row_per_customer",
        "class_a_share",
        *BLOCKING[3:],
        "orders_without_rate",
    ]
    assert [(c.name, c.observed) for c in result.warnings] == [("orders_without_rate", 3)]
    failed = gate(dbt_outcome={"failed": ["gate_class_a_share"], "nodes": [_gate_test("class_a_share", "fail", 1)]})
    assert [c.name for c in failed.failed_checks] == ["class_a_share"]


def test_without_a_dbt_outcome_or_failure_dbt_tests_fail_closed(gate):
    check = gate(dbt_outcome=None).check("dbt_tests")
    assert not check.passed and check.message == "dbt reported no results: the build did not run"


def test_a_failed_extraction_is_the_first_failed_check_and_the_cause_of_the_others(gate):
    result = gate(
        failed_extractions=["extract_crm (failed)"], dbt_outcome=None, dbt_failures=["dbt_build (upstream_failed)"]
    )
    assert [c.name for c in result.failed_checks] == ["extraction_completed", "dbt_tests"]
    check = result.check("extraction_completed")
    assert (check.observed, check.message) == (1, "extraction did not complete: extract_crm (failed)")
    assert "the task's log names the source" in check.action
    assert result.check("dbt_tests").consequence_of == "extraction_completed"
    assert gate().check("extraction_completed").passed


def test_a_failed_check_names_what_gx_found(warehouse, gate):
    _quarantine_two_percent(warehouse)
    fw.add_read(warehouse, "accounts", "crm/accounts.csv", "a2", 9, 0, read_at="2026-10-16 02:05:00")
    check = gate().check("quarantine_share")
    [expectation] = check.details["expectations"]
    assert expectation["type"] == "expect_column_values_to_be_between"
    assert expectation["kwargs"] == {"max_value": 0.01} and expectation["failing"] == ["orders"]
    assert check.details["objects"]["accounts"]["passed"] and not check.details["objects"]["orders"]["passed"]


def test_table_expectations_name_the_table(warehouse, gate):
    _matrix_cell_missing(warehouse)
    assert gate().check("table_expectations").message == "marts.abc_xyz_matrix has 9 rows"
    _missing_mart(warehouse)
    assert gate().check("table_expectations").message == (
        "table marts.key_accounts does not exist; marts.abc_xyz_matrix has 9 rows"
    )


def test_limits_are_inclusive(warehouse, gate):
    fw.add_quarantine(warehouse, "orders", 5)  # exactly 1% of 1000
    warehouse.execute("update raw.orders set updated_at = least(updated_at, timestamp '2026-10-14 00:00:00')")
    result = gate(gate_vars={"max_row_change": 1 / 3})
    fw.set_published(warehouse, 6)
    at_limit = gate(gate_vars={"max_row_change": 1 / 3})
    assert result.passed and at_limit.passed
    assert result.check("quarantine_share").observed == pytest.approx(0.01)
    assert result.check("freshness").observed == pytest.approx(48.0)
    assert at_limit.check("row_count_change").observed == pytest.approx(1 / 3)


def test_gate_vars_override_the_dbt_vars(warehouse, gate):
    _quarantine_two_percent(warehouse)
    assert gate(gate_vars={"quarantine_max_share": 0.03}).passed
    assert not gate(gate_vars={"freshness_max_hours": 3}).passed
    assert gate(gate_vars={"freshness_max_hours": 3}).check("freshness").threshold == 3


def test_first_run_skips_the_row_count(warehouse, gate):
    warehouse.execute("drop table reporting.pipeline_runs")
    warehouse.execute("drop table reporting.customer_segments")
    check = gate().check("row_count_change")
    assert check.passed and check.observed is None
    assert "first run" in check.message


def test_a_published_run_without_a_row_count_fails_closed(warehouse, gate):
    warehouse.execute("update reporting.pipeline_runs set row_counts = '{}' where status = 'published'")
    check = gate().check("row_count_change")
    assert not check.passed and check.observed is None
    assert check.message == (
        "could not be evaluated: ValueError: reporting.pipeline_runs.row_counts of the "
        "published run published_run (as-of 2026-10-13) holds no customer_segments count: '{}'"
    )


def test_a_date_without_reads_is_zero_of_zero(gate):
    check = gate(as_of="2026-10-12").check("quarantine_share")
    assert check.passed and check.observed == 0
    assert check.details["note"] == "no read recorded for 2026-10-12 in meta.source_reads: 0 of 0 rows"


def test_missing_candidates_fail_closed(warehouse, gate):
    warehouse.execute("drop table marts.customer_segments")
    result = gate()
    assert not result.passed
    failed = {c.name for c in result.failed_checks}
    assert failed == {"row_count_change", "table_expectations"}
    assert "could not be evaluated" in result.check("row_count_change").message
    assert "table marts.customer_segments does not exist" in result.check("table_expectations").message


def test_result_serialises_to_json(warehouse, gate):
    _quarantine_two_percent(warehouse)
    data = json.loads(gate().to_json())
    assert data["passed"] is False
    assert data["failed_checks"] == [
        {
            "name": "quarantine_share",
            "observed": 0.02,
            "threshold": 0.01,
            "message": "quarantine share of 2026-10-15 above 1.00% for orders 2.00% (20 open bad rows of 1000 delivered)",
        }
    ]
    assert data["warnings"] == []
    assert data["as_of_date"] == "2026-10-15" and data["run_id"] == fw.RUN_ID
    quarantine = next(c for c in data["checks"] if c["name"] == "quarantine_share")
    assert quarantine["details"]["objects"]["orders"] == {
        "sources": 1,
        "rows_delivered": 1000,
        "rows_bad_reported": 5,
        "bad_rows": 20,
        "closed": 0,
        "open": 20,
        "open_reasons": {"order_date: not a date": 20},
        "share": 0.02,
        "passed": False,
    }
    assert data["thresholds"]["quarantine_max_share"] == 0.01


def test_the_build_tasks_own_failure_adds_to_the_dbt_outcome(gate):
    check = gate(dbt_failures=["dbt_build (failed)"]).check("dbt_tests")
    assert not check.passed and check.details["failures"] == ["dbt_build (failed)"]
