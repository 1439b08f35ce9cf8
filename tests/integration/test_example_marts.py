"""The worked example's segment marts match its expected tables; history and changes work.

Builds the example through extraction and `dbt build` (fixture `example_warehouse`)
and compares `marts.customer_segments`, `key_accounts`, `abc_xyz_matrix` and
`kam_workload` with the `expected_*.csv` files: every expected row present, no
extra row, every expected column equal (README tolerances). A copy of the built
warehouse then gets a published history (a previous as-of date) to prove that
`customer_segments_history` replaces the rows of D and that `segment_changes`
reports what moved against the previous date.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date

import duckdb
import pytest

from tests.integration.expected_tables import CHANGES_SINCE_2026_10_14, compare_rows, read_expected, warehouse_rows

pytestmark = pytest.mark.slow

# outputs.md, "customer_segments columns", in that order
CUSTOMER_SEGMENTS_COLUMNS = [
    "customer_id",
    "customer_name",
    "account_manager",
    "industry",
    "region",
    "is_deleted",
    "as_of_date",
    "window_start",
    "window_end",
    "revenue_12m",
    "revenue_prev_12m",
    "gross_margin_12m",
    "margin_coverage",
    "is_loss_making",
    "revenue_share",
    "revenue_cum_share",
    "abc_revenue",
    "margin_share",
    "margin_cum_share",
    "abc_margin",
    "months_observed",
    "active_months",
    "purchase_frequency",
    "demand_cv",
    "xyz_class",
    "abc_xyz",
    "abc_xyz_strategy",
    "first_order_date",
    "last_order_date",
    "days_since_last_order",
    "typical_interval_days",
    "expected_next_order_date",
    "lapse_status",
    "failures_90d",
    "failures_prev_90d",
    "failure_trend",
    "top_failure_area_90d",
    "otif_rate_90d",
    "tenure_months",
    "three_p_qualified",
    "kam_designated",
    "is_breadwinner",
    "is_prospect",
    "is_image_maker",
    "is_expert",
    "is_key_account",
    "key_account_type",
    "key_account_review",
    "key_account_score",
]
MATRIX_CELLS = ["AX", "AY", "AZ", "BX", "BY", "BZ", "CX", "CY", "CZ", "unclassified"]


def _expected(example_dir, name: str) -> list[dict[str, str]]:
    return read_expected(example_dir / "expected" / name)


def test_customer_segments_has_the_outputs_columns_in_order(example_warehouse):
    con = duckdb.connect(example_warehouse.warehouse, read_only=True)
    try:
        columns = [d[0] for d in con.execute("select * from marts.customer_segments limit 0").description]
    finally:
        con.close()

    assert columns == CUSTOMER_SEGMENTS_COLUMNS


def test_customer_segments_match_expected(example_warehouse, example_dir):
    expected = _expected(example_dir, "expected_customer_segments.csv")
    actual = warehouse_rows(example_warehouse.warehouse, "select * from marts.customer_segments")

    problems = compare_rows(actual, expected, key=("customer_id",))

    assert len(actual) == len(expected) == 82
    assert problems == [], "\n".join(problems[:50])


def test_customer_without_account_keeps_crm_flags_null(example_warehouse):
    row = warehouse_rows(
        example_warehouse.warehouse, "select * from marts.customer_segments where customer_id = '000880'"
    )[0]

    assert (row["customer_name"], row["kam_designated"], row["is_image_maker"], row["is_expert"]) == (None,) * 4
    assert (row["is_breadwinner"], row["is_prospect"], row["is_key_account"]) == (False, False, False)


def test_key_accounts_match_expected(example_warehouse, example_dir):
    expected = _expected(example_dir, "expected_key_accounts.csv")
    actual = warehouse_rows(example_warehouse.warehouse, "select * from marts.key_accounts")

    problems = compare_rows(actual, expected, key=("customer_id",))

    assert len(actual) == len(expected) == 31
    assert problems == [], "\n".join(problems[:50])


def test_abc_xyz_matrix_matches_expected_with_a_strategy_per_cell(example_warehouse, example_dir):
    expected = _expected(example_dir, "expected_abc_xyz_matrix.csv")
    actual = warehouse_rows(example_warehouse.warehouse, "select * from marts.abc_xyz_matrix")

    problems = compare_rows(
        actual, expected, key=("abc_xyz",), columns=["abc_xyz", "customers", "revenue_12m", "revenue_share"]
    )

    assert sorted(r["abc_xyz"] for r in actual) == sorted(MATRIX_CELLS)
    assert problems == [], "\n".join(problems)
    assert all(r["strategy"] for r in actual), "every cell has a strategy from the seed"


def test_kam_workload_matches_expected(example_warehouse, example_dir):
    expected = _expected(example_dir, "expected_kam_workload.csv")
    actual = warehouse_rows(example_warehouse.warehouse, "select * from marts.kam_workload")

    problems = compare_rows(actual, expected, key=("account_manager",))

    assert len(actual) == len(expected) == 9
    assert problems == [], "\n".join(problems)


def test_first_night_history_is_today_and_no_changes(example_warehouse):
    history = warehouse_rows(
        example_warehouse.warehouse,
        "select as_of_date, count(*) as n from marts.customer_segments_history group by as_of_date",
    )
    changes = warehouse_rows(example_warehouse.warehouse, "select * from marts.segment_changes")

    assert history == [{"as_of_date": date(2026, 10, 15), "n": 82}]
    assert changes == []


def test_key_account_dossier_has_one_row_per_key_account_and_no_personal_data(example_warehouse):
    dossier = warehouse_rows(example_warehouse.warehouse, "select * from marts.key_account_dossier")
    key_accounts = warehouse_rows(example_warehouse.warehouse, "select customer_id from marts.key_accounts")

    assert sorted(r["customer_id"] for r in dossier) == sorted(r["customer_id"] for r in key_accounts)
    assert not {"full_name", "email", "phone"} & set(dossier[0])


@pytest.fixture
def republished_warehouse(example_warehouse, tmp_path):
    """A copy of the example warehouse with a published history, rebuilt for D.

    The published history holds 2026-10-14 (every customer but 000042; 000517 with
    abc_revenue 'A' and is_key_account true) and a stale 2026-10-15 row of 004711
    that the rebuild must replace.
    """
    from kam.dbt_env import run_dbt

    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(example_warehouse.warehouse, warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("create schema if not exists reporting")
        con.execute("""
            create table reporting.customer_segments_history as
            select * replace (cast('2026-10-14' as date) as as_of_date)
            from marts.customer_segments where customer_id <> '000042'
        """)
        con.execute("""
            update reporting.customer_segments_history
            set abc_revenue = 'A', is_key_account = true
            where customer_id = '000517'
        """)
        con.execute("""
            insert into reporting.customer_segments_history
            select * replace (-1 as failures_90d) from marts.customer_segments where customer_id = '004711'
        """)
    finally:
        con.close()
    settings = replace(example_warehouse, home=tmp_path, warehouse=str(warehouse))
    run_dbt(
        settings,
        ["run", "--select", "customer_segments_history", "segment_changes"],
        as_of="2026-10-15",
        work_dir=tmp_path / "dbt",
    )
    return str(warehouse)


def test_history_replaces_the_rows_of_d_and_keeps_earlier_dates(republished_warehouse):
    counts = warehouse_rows(
        republished_warehouse,
        """
        select as_of_date, count(*) as n, sum(case when failures_90d < 0 then 1 else 0 end) as stale
        from marts.customer_segments_history group by as_of_date order by as_of_date""",
    )

    assert counts == [
        {"as_of_date": date(2026, 10, 14), "n": 81, "stale": 0},
        {"as_of_date": date(2026, 10, 15), "n": 82, "stale": 0},
    ]


def test_segment_changes_against_the_previous_published_date(republished_warehouse, example_warehouse):
    current = warehouse_rows(
        example_warehouse.warehouse,
        """
        select abc_revenue, is_key_account from marts.customer_segments where customer_id = '000517'""",
    )[0]
    changes = warehouse_rows(
        republished_warehouse,
        """
        select customer_id, attribute, previous_value, current_value, previous_as_of_date, as_of_date
        from marts.segment_changes order by customer_id, attribute""",
    )

    assert current == {"abc_revenue": "B", "is_key_account": False}
    assert changes == CHANGES_SINCE_2026_10_14
