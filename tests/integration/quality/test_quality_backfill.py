"""A backfill's gate (`candidates_schema='marts_backfill'`): the candidates are read from that
schema, and the raw rows from `raw_history` as they were at the end of D, not as they are now."""
from __future__ import annotations

import pytest

from kam.quality import run_gate

from . import fake_warehouse as fw

TABLES = ("customer_segments", "abc_xyz_matrix", "key_accounts", "win_back_list", "failure_dynamics_monthly",
          "kam_workload", "segment_changes", "key_account_dossier")


@pytest.fixture
def backfill(warehouse):
    """marts_backfill = marts; later nights (2026-10-16) have loaded raw rows D must not see."""
    warehouse.execute("create schema marts_backfill")
    for table in TABLES:
        warehouse.execute(f"create table marts_backfill.{table} as select * from marts.{table}")
    # a new account and a fresher order arrived on 2026-10-16: in raw, and in raw_history after D
    warehouse.execute("insert into raw.accounts values ('C10', 'New', false, '2026-10-16 09:00:00')")
    fw.add_history(warehouse, "accounts", {"account_id": "C10", "name": "New", "is_deleted": False,
                                           "updated_at": "2026-10-16 09:00:00"}, 3000, "2026-10-16")
    warehouse.execute("update raw.orders set updated_at = timestamp '2026-10-16 12:00:00' where order_id = 'SO8'")
    fw.add_history(warehouse, "orders", {"order_id": "SO8", "customer_id": "C01", "order_date": "2026-10-15",
                                         "status": "delivered", "currency": "EUR",
                                         "updated_at": "2026-10-16 12:00:00"}, 3001, "2026-10-16")

    def run(**kwargs):
        args = {"run_id": "backfill_run", "as_of": fw.AS_OF, "dbt_failures": [], "settings": None,
                "candidates_schema": "marts_backfill", "run_started_at": fw.RUN_STARTED_AT, **kwargs}
        return run_gate(warehouse, **args)
    return run


def test_a_backfill_judges_the_rows_as_of_d(backfill, gate):
    result = backfill()
    assert result.passed, result.summary()
    assert result.check("one_row_per_customer").details["missing_customers"] == 0
    freshness = result.check("freshness")
    assert freshness.details["read_from"] == "raw_history.orders (as of 2026-10-15)"
    assert freshness.observed == pytest.approx(4.0)  # 2026-10-15 20:00, not the later 2026-10-16 12:00
    # the same candidates judged against today's raw miss the account of 2026-10-16
    nightly = gate()
    assert [c.name for c in nightly.failed_checks] == ["one_row_per_customer"]
    assert nightly.check("one_row_per_customer").details["missing_sample"] == ["C10"]


def test_a_backfill_reads_its_candidates_from_marts_backfill(warehouse, backfill):
    warehouse.execute("update marts_backfill.customer_segments set lapse_status = 'gone' where customer_id = 'C03'")
    warehouse.execute("insert into marts_backfill.customer_segments "
                      "select * from marts_backfill.customer_segments where customer_id = 'C07'")
    result = backfill()
    assert [c.name for c in result.failed_checks] == ["one_row_per_customer", "table_expectations"]
    assert result.check("one_row_per_customer").details["duplicate_ids_sample"] == ["C07"]
    assert result.check("row_count_change").details["candidate_rows"] == 9
    assert result.check("row_count_change").observed == pytest.approx(1 / 8)
    assert {t.table: t.row_count for t in result.tables}["customer_segments"] == 9


def test_an_unknown_candidates_schema_is_refused(backfill):
    with pytest.raises(ValueError, match="candidates_schema must be one of marts, marts_backfill, got 'staging'"):
        backfill(candidates_schema="staging")
