"""The gate on the worked example built through extraction and dbt: the real marts pass, and
the warnings count what the example's README says it contains."""
from __future__ import annotations

import shutil
from datetime import date

import pytest

from kam.quality import run_gate, write_report
from kam.warehouse import connect


@pytest.fixture
def example_copy(example_warehouse, tmp_path):
    """A private copy of the shared example warehouse (session-scoped: never mutate the original)."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(example_warehouse.warehouse, path)
    con = connect(example_warehouse, path=path)
    yield con
    con.close()


def test_example_candidates_pass_the_gate(example_copy, tmp_path):
    result = run_gate(example_copy, run_id="example_run", as_of=date(2026, 10, 15), dbt_failures=[],
                      settings=None)
    report = write_report(result, tmp_path / "reports")
    assert result.passed, f"{result.summary()}\nsee {report}"
    assert all(t.success for t in result.tables)
    assert result.check("one_row_per_customer").details["rows"] == 82
    assert result.check("row_count_change").observed is None  # nothing published yet
    objects = result.check("quarantine_share").details["objects"]
    assert {o: v["open"] for o, v in objects.items() if v["open"]} == {
        "orders": 4, "order_lines": 4, "activities": 1}
    assert result.check("source_files_readable").passed
    # the example's oracle_info.json: customers without account, orders without rate; and the
    # same counts as dbt's int_orders flags
    unknown = result.check("orders_unknown_customer")
    assert unknown.details["customers_sample"] == ["000880", "C88001", "C88017"]
    assert unknown.observed == example_copy.execute(
        "select count(*) from intermediate.int_orders where not has_account").fetchone()[0]
    assert result.check("orders_without_rate").observed == 12
    assert result.check("orders_without_rate").observed == example_copy.execute(
        "select count(*) from intermediate.int_orders where not has_rate").fetchone()[0]
    # oracle_info.json: lines_without_order (their order is missing or quarantined)
    assert result.check("order_lines_without_order").observed == 8
    assert [c.name for c in result.warnings] == ["orders_unknown_customer", "orders_without_rate",
                                                 "order_lines_without_order", "margin_coverage_low"]
