"""The worked example's per-customer metrics match expected_customer_segments.csv.

Builds the example through extraction and `dbt build` (fixture `example_warehouse`)
and compares `intermediate.int_customer_metrics` with the columns of
`expected_customer_segments.csv` that the revenue, ABC, XYZ and lapse rules
produce: every expected row present, no extra row, every such column equal
(README tolerances; amounts there are unrounded, within half a cent).
"""

from __future__ import annotations

import pytest

from tests.integration.expected_tables import compare_rows, read_expected, warehouse_rows

pytestmark = pytest.mark.slow

METRIC_COLUMNS = [
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
    "first_order_date",
    "last_order_date",
    "days_since_last_order",
    "typical_interval_days",
    "expected_next_order_date",
    "lapse_status",
    "kam_designated",
    "is_image_maker",
    "is_expert",
]


def test_customer_metrics_match_expected_segments(example_warehouse, example_dir):
    expected = read_expected(example_dir / "expected" / "expected_customer_segments.csv")
    actual = warehouse_rows(example_warehouse.warehouse, "select * from intermediate.int_customer_metrics")

    problems = compare_rows(actual, expected, key=("customer_id",), columns=METRIC_COLUMNS)

    assert len(actual) == len(expected) == 82
    assert problems == [], "\n".join(problems[:50])


def test_deleted_account_and_customers_without_account(example_warehouse):
    rows = warehouse_rows(
        example_warehouse.warehouse,
        """
        select customer_id, has_account, is_deleted, customer_name, kam_designated
        from intermediate.int_customer_metrics
        where customer_id in ('C575', '000880', 'C88001', 'C88017')
        order by customer_id""",
    )

    by_id = {r["customer_id"]: r for r in rows}
    assert set(by_id) == {"C575", "000880", "C88001", "C88017"}
    assert by_id["C575"]["has_account"] is True and by_id["C575"]["is_deleted"] is True
    assert by_id["C575"]["customer_name"] is not None
    for orphan in ("000880", "C88001", "C88017"):
        assert by_id[orphan]["has_account"] is False
        assert by_id[orphan]["is_deleted"] is False
        assert by_id[orphan]["customer_name"] is None and by_id[orphan]["kam_designated"] is None
