"""A dbt build's outcome (`build_outcome`) and the gate checks made of it (`dbt_checks`), on
crafted run results and a DuckDB holding the stored failing rows."""

from __future__ import annotations

import duckdb
import pytest

from kam.dbt_results import build_outcome
from kam.quality.dbt_checks import dbt_checks
from kam.warehouse import warehouse_of


def _meta(check: str, blocking: bool, threshold, **more) -> dict:
    return {
        "gate_check": check,
        "blocking": blocking,
        "threshold": threshold,
        "rule": f"{check} holds",
        "action": f"fix {check}",
        **more,
    }


MANIFEST = {
    "nodes": {
        "test.kam.class_a_share": {
            "schema": "test_failures",
            "alias": "class_a_share",
            "name": "class_a_share",
            "config": {"meta": _meta("class_a_share", True, 0.8, threshold_var="abc_a_share")},
        },
        "test.kam.one_row_per_customer": {
            "schema": "test_failures",
            "alias": "one_row_per_customer",
            "config": {"meta": _meta("one_row_per_customer", True, 0)},
        },
        "test.kam.orders_without_rate": {
            "schema": "test_failures",
            "alias": "orders_without_rate",
            "config": {"meta": _meta("orders_without_rate", False, 0)},
        },
        "test.kam.margin_coverage_low": {
            "schema": "test_failures",
            "alias": "margin_coverage_low",
            "config": {"meta": _meta("margin_coverage_low", False, 0.9)},
        },
        "test.kam.not_null_x_id.ab12": {"schema": "test_failures", "alias": "not_null_x_id", "config": {"meta": {}}},
        "model.kam.key_accounts": {"schema": "marts", "alias": "key_accounts", "config": {"meta": {}}},
    },
    "unit_tests": {"unit_test.kam.int_orders.flags": {"config": {"meta": {}}}},
}


def _result(unique_id: str, status: str, failures=None, message=None, stored: bool = False) -> dict:
    return {
        "unique_id": unique_id,
        "status": status,
        "failures": failures,
        "message": message,
        "relation_name": f'"wh"."test_failures"."{unique_id.split(".")[2]}"' if stored else None,
    }


def _run_results(*overrides: dict) -> dict:
    results = {
        r["unique_id"]: r
        for r in [
            _result("model.kam.key_accounts", "success"),
            _result("test.kam.class_a_share", "pass", 0, stored=True),
            _result("test.kam.one_row_per_customer", "pass", 0, stored=True),
            _result("test.kam.orders_without_rate", "warn", 2, "Got 2 results", stored=True),
            _result("test.kam.margin_coverage_low", "pass", 0, stored=True),
            _result("test.kam.not_null_x_id.ab12", "pass", 0),
            _result("unit_test.kam.int_orders.flags", "pass"),
        ]
    }
    results.update({r["unique_id"]: r for r in overrides})
    return {"results": list(results.values())}


@pytest.fixture
def wh():
    """The stored failing rows of a night: class A at 85 %, two orders without a rate."""
    con = duckdb.connect()
    con.execute("create schema test_failures")
    con.execute(
        "create table test_failures.class_a_share as select 0.85 as observed, 0.8 as threshold, "
        "6 as class_a_customers, true as passed"
    )
    con.execute(
        "create table test_failures.one_row_per_customer "
        "(problem varchar, customer_id varchar, problem_rows bigint, observed bigint, threshold integer)"
    )
    con.execute(
        "create table test_failures.orders_without_rate as select * from (values "
        "('USD', 'SO2', 2, 0), ('CHF', 'SO1', 2, 0)) as t(currency, order_id, observed, threshold)"
    )
    con.execute(
        "create table test_failures.margin_coverage_low (customer_id varchar, observed bigint, threshold double)"
    )
    yield warehouse_of(con)
    con.close()


def test_the_outcome_names_every_node_with_its_status_meta_and_stored_rows():
    outcome = build_outcome(_run_results(_result("model.kam.key_accounts", "error", message="boom")), MANIFEST)
    assert outcome["failed"] == ["key_accounts"]
    assert outcome["status_counts"] == {"error": 1, "pass": 5, "warn": 1}
    nodes = {n["name"]: n for n in outcome["nodes"]}
    assert nodes["orders_without_rate"] == {
        "unique_id": "test.kam.orders_without_rate",
        "name": "orders_without_rate",
        "resource_type": "test",
        "status": "warn",
        "failures": 2,
        "message": "Got 2 results",
        "meta": _meta("orders_without_rate", False, 0),
        "relation": "test_failures.orders_without_rate",
    }
    assert nodes["key_accounts"]["relation"] is None and nodes["key_accounts"]["message"] == "boom"
    assert nodes["not_null_x_id"]["relation"] is None  # its failing rows are not stored
    assert nodes["int_orders.flags"]["resource_type"] == "unit_test"
    assert build_outcome(_run_results())["nodes"][1]["meta"] == {}  # without a manifest


def test_one_check_per_gate_test_with_the_stored_numbers(wh):
    checks = dbt_checks(build_outcome(_run_results(), MANIFEST), wh)
    assert [c.name for c in checks] == [
        "dbt_tests",
        "class_a_share",
        "one_row_per_customer",
        "margin_coverage_low",
        "orders_without_rate",
    ]
    share = checks[1]
    assert (share.passed, share.blocking, share.observed, share.threshold) == (True, True, 0.85, 0.8)
    assert share.details["sample"] == [{"observed": 0.85, "threshold": 0.8, "class_a_customers": 6, "passed": True}]
    assert (share.message, share.action) == ("class_a_share holds", "")
    grain = checks[2]  # passed: no stored row, the observed count is dbt's
    assert (grain.passed, grain.observed, grain.threshold) == (True, 0, 0)
    rate = checks[4]
    assert (rate.passed, rate.blocking, rate.status, rate.observed) == (False, False, "warning", 2)
    assert [r["currency"] for r in rate.details["sample"]] == ["CHF", "USD"]  # by the columns, left to right
    assert rate.message == "not met: orders_without_rate holds (failing rows: test_failures.orders_without_rate)"
    assert rate.action == "fix orders_without_rate"
    assert checks[0].passed and checks[0].message == "every dbt test passed"


def test_a_warning_whose_rows_carry_a_message_says_it_and_keeps_it_out_of_the_sample(wh):
    wh.con.execute(
        "create or replace table test_failures.margin_coverage_low as select * from (values "
        "('C2', 2, 0.9, '2 customers are low'), ('C1', 2, 0.9, '2 customers are low')) "
        "as t(customer_id, observed, threshold, message)"
    )
    outcome = build_outcome(_run_results(_result("test.kam.margin_coverage_low", "warn", 2, stored=True)), MANIFEST)
    margin = {c.name: c for c in dbt_checks(outcome, wh)}["margin_coverage_low"]
    assert (margin.passed, margin.observed, margin.threshold) == (False, 2, 0.9)
    assert margin.message == "2 customers are low"
    assert margin.details["sample"] == [
        {"customer_id": "C1", "observed": 2, "threshold": 0.9},
        {"customer_id": "C2", "observed": 2, "threshold": 0.9},
    ]


def test_a_failed_blocking_test_keeps_its_rows_and_the_skipped_models_follow_from_it(wh):
    wh.con.execute(
        "insert into test_failures.one_row_per_customer values ('duplicate', 'C07', 1, 3, 0), "
        "('missing', 'C08', 1, 3, 0), ('no customer_id', null, 1, 3, 0)"
    )
    outcome = build_outcome(
        _run_results(
            _result("test.kam.one_row_per_customer", "fail", 3, stored=True),
            _result("model.kam.key_accounts", "skipped"),
        ),
        MANIFEST,
    )
    checks = {c.name: c for c in dbt_checks(outcome, wh, sample_rows=2)}
    grain = checks["one_row_per_customer"]
    assert (grain.passed, grain.blocking, grain.observed, grain.action) == (False, True, 3, "fix one_row_per_customer")
    assert [r["customer_id"] for r in grain.details["sample"]] == ["C07", "C08"]
    dbt_tests = checks["dbt_tests"]  # the gate test is its own check, not one of dbt_tests' failures
    assert dbt_tests.details["failures"] == ["key_accounts (skipped)"]
    assert (dbt_tests.passed, dbt_tests.consequence_of) == (False, "one_row_per_customer")


def test_a_gate_test_that_did_not_run_is_not_evaluated_and_never_reads_old_rows(wh):
    outcome = build_outcome(
        _run_results(
            _result("test.kam.class_a_share", "error", message="Binder Error: no column abc_revenue", stored=True),
            _result("test.kam.margin_coverage_low", "skipped", stored=True),
        ),
        MANIFEST,
    )
    checks = {c.name: c for c in dbt_checks(outcome, wh)}
    share = checks["class_a_share"]
    assert (share.passed, share.observed, "sample" in share.details) == (False, None, False)
    assert share.message == "could not be evaluated: dbt test class_a_share error: Binder Error: no column abc_revenue"
    assert share.action == "fix class_a_share"
    margin = checks["margin_coverage_low"]
    assert (margin.passed, margin.blocking, margin.observed) == (False, False, None)
    assert margin.message == "could not be evaluated: dbt test margin_coverage_low skipped:"
    assert checks["dbt_tests"].passed  # a gate test is its own check, never one of dbt_tests


def test_dbt_tests_lists_the_other_failures_and_fails_without_results(wh):
    outcome = build_outcome(
        _run_results(_result("test.kam.not_null_x_id.ab12", "fail", 4), _result("model.kam.key_accounts", "skipped")),
        MANIFEST,
    )
    [dbt_tests, *_] = dbt_checks(outcome, wh)
    assert (dbt_tests.passed, dbt_tests.observed, dbt_tests.consequence_of) == (False, 2, None)
    assert dbt_tests.message == "2 dbt tests failed: not_null_x_id, key_accounts (skipped)"
    # a build that never ran: the failures named by the task's state, no node
    [not_run] = dbt_checks({"failed": ["dbt_build (upstream_failed)"]}, wh)
    assert (not_run.name, not_run.passed, not_run.details["failures"]) == (
        "dbt_tests",
        False,
        ["dbt_build (upstream_failed)"],
    )
    [no_results] = dbt_checks(None, wh)
    assert (no_results.passed, no_results.message) == (False, "dbt reported no results: the build did not run")
