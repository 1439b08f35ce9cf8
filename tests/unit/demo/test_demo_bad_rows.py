"""A handful of contract-breaking rows: present, but well below the 1% quarantine gate."""

from __future__ import annotations

from kam.contract import OBJECTS

from .contract_check import broken_rows


def test_bad_rows_stay_below_half_a_percent_of_every_object(small_tables):
    for name, frame in small_tables.items():
        share = broken_rows(OBJECTS[name], frame).mean()
        assert share < 0.005, f"{name}: {share:.2%} broken rows"


def test_orders_and_lines_have_broken_rows_of_several_kinds(small_tables):
    orders = small_tables["orders"][broken_rows(OBJECTS["orders"], small_tables["orders"])]
    lines = small_tables["order_lines"][broken_rows(OBJECTS["order_lines"], small_tables["order_lines"])]
    assert len(orders) >= 2 and len(lines) >= 2
    assert orders.order_id.isna().any() or (orders.status == "on hold").any()
    assert lines.line_number.str.endswith("a").any() or lines.quantity.str.startswith("-").any()


def test_a_broken_row_is_a_newer_version_of_a_good_row(small_tables):
    orders = small_tables["orders"]
    broken = orders[broken_rows(OBJECTS["orders"], orders) & orders.order_id.notna()]
    good = orders[~broken_rows(OBJECTS["orders"], orders)]
    assert len(broken) >= 1
    assert set(broken.order_id) <= set(good.order_id)
