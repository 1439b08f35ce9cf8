"""The data-quality gate on a fake warehouse: a clean candidate passes; data breaking one
blocking check fails exactly that check; warnings never block; first run; missing tables."""
from __future__ import annotations

import json

import pytest

from . import fake_warehouse as fw

BLOCKING = ["source_files_readable", "extraction_completed", "dbt_tests", "one_row_per_customer", "abc_revenue_iff_revenue",
            "revenue_shares_sum_to_one", "class_a_share", "quarantine_share", "row_count_change", "freshness", "table_expectations"]
WARNINGS = ["orders_unknown_customer", "orders_without_rate", "order_lines_without_order",
            "margin_coverage_low"]


def test_clean_candidate_passes_every_check(gate):
    result = gate()
    assert result.passed
    assert [c.name for c in result.checks] == BLOCKING + WARNINGS
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
    assert result.check("class_a_share").observed == pytest.approx(0.85)
    assert result.check("revenue_shares_sum_to_one").observed == pytest.approx(1.0)
    assert result.check("one_row_per_customer").details["missing_customers"] == 0
    assert result.check("one_row_per_customer").details["extra_customers"] == 0
    assert {t.table for t in result.tables} == {
        "customer_segments", "abc_xyz_matrix", "key_accounts", "win_back_list", "failure_dynamics_monthly",
        "kam_workload", "segment_changes", "key_account_dossier"}
    assert all(t.success and t.expectations for t in result.tables)


def _duplicate_row(con):
    con.execute("insert into marts.customer_segments select * from marts.customer_segments where customer_id = 'C07'")


def _missing_customer(con):
    con.execute("delete from marts.customer_segments where customer_id = 'C08'")


def _deleted_account_added(con):
    con.execute("insert into marts.customer_segments select * replace ('C99' as customer_id) "
                "from marts.customer_segments where customer_id = 'C07'")


def _class_on_zero_revenue(con):
    con.execute("update marts.customer_segments set abc_revenue = 'C' where customer_id = 'C07'")


def _no_class_on_revenue(con):
    con.execute("update marts.customer_segments set abc_revenue = null where customer_id = 'C06'")


def _shares_off(con):
    con.execute("update marts.customer_segments set revenue_share = 0.05 where customer_id = 'C06'")


def _class_a_too_small(con):
    con.execute("update marts.customer_segments set abc_revenue = 'B' where customer_id = 'C02'")


def _quarantine_two_percent(con):
    fw.add_quarantine(con, "orders", 15)  # 20 of 1000


def _quarantine_with_nothing_delivered(con):
    fw.add_read(con, "contacts", "crm/contacts.csv", "c1", 0, 1)  # bad rows, 0 rows delivered: counts as 100%
    fw.add_quarantine(con, "contacts", 1, source="crm/contacts.csv", version="c1")


def _row_count_up_a_third(con):
    fw.set_published(con, 6)  # 8 now


def _orders_stale(con):
    con.execute("update raw.orders set updated_at = least(updated_at, timestamp '2026-10-13 23:59:59')")


def _bad_lapse_status(con):
    con.execute("update marts.customer_segments set lapse_status = 'gone' where customer_id = 'C03'")


def _missing_mart(con):
    con.execute("drop table marts.key_accounts")


@pytest.mark.parametrize("breaks, failed, observed", [
    (_duplicate_row, "one_row_per_customer", 1),
    (_missing_customer, "one_row_per_customer", 1),
    (_deleted_account_added, "one_row_per_customer", 1),
    (_class_on_zero_revenue, "abc_revenue_iff_revenue", 1),
    (_no_class_on_revenue, "abc_revenue_iff_revenue", 1),
    (_shares_off, "revenue_shares_sum_to_one", 1.04),
    (_class_a_too_small, "class_a_share", 0.60),
    (_quarantine_two_percent, "quarantine_share", 0.02),
    (_quarantine_with_nothing_delivered, "quarantine_share", 1.0),
    (_row_count_up_a_third, "row_count_change", 1 / 3),
    (_orders_stale, "freshness", 48.0),
    (_bad_lapse_status, "table_expectations", 1),
    (_missing_mart, "table_expectations", 1),
])
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
    result = gate(dbt_failures=["not_null_customer_segments_customer_id"])
    assert [c.name for c in result.failed_checks] == ["dbt_tests"]
    assert "not_null_customer_segments_customer_id" in result.check("dbt_tests").message
    assert result.check("dbt_tests").observed == 1


def test_a_failed_extraction_is_the_first_failed_check_and_the_cause_of_the_others(gate):
    result = gate(failed_extractions=["extract_crm (failed)"], dbt_failures=["dbt_build (upstream_failed)"])
    assert [c.name for c in result.failed_checks] == ["extraction_completed", "dbt_tests"]
    check = result.check("extraction_completed")
    assert (check.observed, check.message) == (1, "extraction did not complete: extract_crm (failed)")
    assert "the task's log names the source" in check.action
    assert result.check("dbt_tests").consequence_of == "extraction_completed"
    assert gate().check("extraction_completed").passed


def test_failure_details_name_the_rows(warehouse, gate):
    _duplicate_row(warehouse)
    _missing_customer(warehouse)
    check = gate().check("one_row_per_customer")
    assert check.details["duplicate_ids_sample"] == ["C07"]
    assert check.details["missing_sample"] == ["C08"]
    assert "C07" in check.message and "C08" in check.message
    # the Great Expectations mirror of the rule failed too and is recorded with the check
    unique = [e for e in check.details["expectations"] if e["type"] == "expect_column_values_to_be_unique"]
    assert [e["success"] for e in unique] == [False]


def test_untagged_expectation_names_table_and_column(warehouse, gate):
    _bad_lapse_status(warehouse)
    check = gate().check("table_expectations")
    assert "customer_segments" in check.message and "lapse_status" in check.message and "gone" in check.message
    _missing_mart(warehouse)
    assert "marts.key_accounts does not exist" in gate().check("table_expectations").message


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


def test_warnings_are_recorded_and_do_not_block(warehouse, gate):
    # C09: an order before the window, of a customer without account, in CHF without any rate
    warehouse.execute("insert into raw.orders values ('SO10', 'C09', '2024-05-01', 'delivered', 'CHF', "
                      "'2024-05-02 08:00:00')")
    # two lines of an order that never arrived, one of an order that did
    warehouse.execute("insert into raw.order_lines values ('SO404', 1, 2, '2026-10-15 08:00:00'), "
                      "('SO404', 2, 1, '2026-10-15 08:00:00'), ('SO10', 1, 1, '2024-05-02 08:00:00')")
    fw.insert_segment(warehouse, fw._segment_row("C09", last_order="2024-05-01", lapse="lost", days=897))
    warehouse.execute("update marts.customer_segments set margin_coverage = 0.5 where customer_id = 'C05'")
    result = gate()
    assert result.passed
    assert [c.name for c in result.warnings] == WARNINGS
    assert result.check("orders_unknown_customer").observed == 1
    assert result.check("orders_unknown_customer").details["customers_sample"] == ["C09"]
    assert result.check("orders_without_rate").observed == 1
    assert result.check("orders_without_rate").details["by_currency"] == {"CHF": 1}
    lines = result.check("order_lines_without_order")
    assert (lines.observed, lines.details["orders"]) == (2, 1)
    assert lines.details["lines_sample"] == [{"order_id": "SO404", "line_number": 1},
                                             {"order_id": "SO404", "line_number": 2}]
    assert lines.message == ("2 order lines of 1 orders that are not in raw.orders as of 2026-10-15 "
                             "(e.g. SO404 line 1, SO404 line 2): kept in the model and reported")
    assert result.check("margin_coverage_low").observed == 1
    assert result.check("margin_coverage_low").details["largest_below"][0]["customer_id"] == "C05"
    assert all(not c.blocking for c in result.warnings)
    assert "warning orders_without_rate" in result.summary()


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
    assert check.message == ("could not be evaluated: ValueError: reporting.pipeline_runs.row_counts of the "
                             "published run published_run (as-of 2026-10-13) holds no customer_segments count: '{}'")


def test_a_date_without_reads_is_zero_of_zero(gate):
    check = gate(as_of="2026-10-12").check("quarantine_share")
    assert check.passed and check.observed == 0
    assert check.details["note"] == "no read recorded for 2026-10-12 in meta.source_reads: 0 of 0 rows"


def test_missing_candidates_fail_closed(warehouse, gate):
    warehouse.execute("drop table marts.customer_segments")
    result = gate()
    assert not result.passed
    failed = {c.name for c in result.failed_checks}
    assert {"one_row_per_customer", "abc_revenue_iff_revenue", "revenue_shares_sum_to_one",
            "class_a_share", "row_count_change", "table_expectations"} <= failed
    assert "could not be evaluated" in result.check("class_a_share").message


def test_result_serialises_to_json(warehouse, gate):
    _quarantine_two_percent(warehouse)
    data = json.loads(gate().to_json())
    assert data["passed"] is False
    assert data["failed_checks"] == [{
        "name": "quarantine_share", "observed": 0.02, "threshold": 0.01,
        "message": "quarantine share of 2026-10-15 above 1.00% for orders 2.00% (20 open bad rows of 1000 delivered)"}]
    assert data["warnings"] == []
    assert data["as_of_date"] == "2026-10-15" and data["run_id"] == fw.RUN_ID
    quarantine = next(c for c in data["checks"] if c["name"] == "quarantine_share")
    assert quarantine["details"]["objects"]["orders"] == {
        "sources": 1, "rows_delivered": 1000, "rows_bad_reported": 5, "bad_rows": 20, "closed": 0, "open": 20,
        "open_reasons": {"order_date: not a date": 20}, "share": 0.02, "passed": False}
    assert data["thresholds"]["quarantine_max_share"] == 0.01
