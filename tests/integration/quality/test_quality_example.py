"""The gate on the worked example built through extraction and dbt: the real marts pass, and the
open bad rows and the warnings are what the example's oracle says it contains."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from kam.dbt_results import read_build_outcome
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


def test_example_candidates_pass_the_gate(example_warehouse, example_copy, tmp_path):
    outcome = read_build_outcome(example_warehouse.home / "dbt" / "target")
    result = run_gate(example_copy, run_id="example_run", as_of=date(2026, 10, 15), dbt_outcome=outcome)
    report = write_report(result, tmp_path / "reports")
    assert result.passed, f"{result.summary()}\nsee {report}"
    assert result.check("table_expectations").details["rows"]["customer_segments"] == 82
    assert result.check("row_count_change").observed is None  # nothing published yet
    objects = result.check("quarantine_share").details["objects"]
    assert {o: v["open"] for o, v in objects.items() if v["open"]} == {"orders": 4, "order_lines": 4, "activities": 1}
    assert result.check("source_files_readable").passed
    # the example's oracle_info.json: orders dated <= D without account or rate (int_orders' has_rate), lines without order
    flagged = example_copy.execute(
        "select count(*) filter (where account_id is null), count(*) filter (where not has_rate) "
        "from intermediate.int_orders left join staging.stg_crm__accounts on account_id = customer_id "
        "where order_date <= date '2026-10-15'"
    ).fetchone()
    assert [c.observed for c in result.warnings][:3] == [*flagged, 8] and flagged[1] == 12
    assert [c.name for c in result.warnings] == [
        "orders_unknown_customer",
        "orders_without_rate",
        "order_lines_without_order",
        "margin_coverage_low",
    ]
