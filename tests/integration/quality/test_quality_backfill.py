"""A backfill's gate (`candidates_schema='marts_backfill'`): the candidates are read from that
schema, and the orders from `staging_backfill` (raw_history as it was at the end of D), not as they are now."""

from __future__ import annotations

import pytest

from kam.publish.exposures import reporting_tables
from kam.quality import run_gate

from . import fake_warehouse as fw
from .conftest import DBT_PASSED


@pytest.fixture
def backfill(warehouse):
    """marts_backfill = marts; later nights (2026-10-16) have loaded raw rows D must not see."""
    warehouse.execute("create schema marts_backfill")
    for table in reporting_tables():
        warehouse.execute(f"create table marts_backfill.{table} as select * from marts.{table}")
    # a new account and a fresher order arrived on 2026-10-16: in raw, and in raw_history after D
    warehouse.execute("insert into raw.accounts values ('C10', 'New', false, '2026-10-16 09:00:00')")
    fw.add_history(
        warehouse,
        "accounts",
        {"account_id": "C10", "name": "New", "is_deleted": False, "updated_at": "2026-10-16 09:00:00"},
        3000,
        "2026-10-16",
    )
    warehouse.execute("update raw.orders set updated_at = timestamp '2026-10-16 12:00:00' where order_id = 'SO8'")
    fw.add_history(
        warehouse,
        "orders",
        {
            "order_id": "SO8",
            "customer_id": "C01",
            "order_date": "2026-10-15",
            "status": "delivered",
            "currency": "EUR",
            "updated_at": "2026-10-16 12:00:00",
        },
        3001,
        "2026-10-16",
    )

    def run(**kwargs):
        args = {
            "run_id": "backfill_run",
            "as_of": fw.AS_OF,
            "dbt_outcome": DBT_PASSED,
            "candidates_schema": "marts_backfill",
            "run_started_at": fw.RUN_STARTED_AT,
            **kwargs,
        }
        return run_gate(warehouse, **args)

    return run


def test_a_backfill_judges_the_rows_as_of_d(backfill, gate):
    result = backfill()
    assert result.passed, result.summary()
    freshness = result.check("freshness")
    assert freshness.details["read_from"] == "staging_backfill.stg_erp__orders"
    assert freshness.observed == pytest.approx(4.0)  # 2026-10-15 20:00, not the later 2026-10-16 12:00
    # the nightly staging sees the order updated on 2026-10-16
    assert gate(run_started_at=fw.RUN_STARTED_AT).check("freshness").observed == pytest.approx(-12.0)


def test_a_backfill_reads_its_candidates_from_marts_backfill(warehouse, backfill):
    warehouse.execute(
        "insert into marts_backfill.customer_segments "
        "select * from marts_backfill.customer_segments where customer_id = 'C07'"
    )
    warehouse.execute("delete from marts_backfill.kam_workload")
    result = backfill()
    assert [c.name for c in result.failed_checks] == ["table_expectations"]
    assert result.check("table_expectations").message == "marts_backfill.kam_workload has 0 rows"
    assert result.check("row_count_change").details["candidate_rows"] == 9
    assert result.check("row_count_change").observed == pytest.approx(1 / 8)
    assert result.check("table_expectations").details["rows"]["customer_segments"] == 9


def test_an_unknown_candidates_schema_is_refused(backfill):
    with pytest.raises(ValueError, match="candidates_schema must be one of marts, marts_backfill, got 'staging'"):
        backfill(candidates_schema="staging")
