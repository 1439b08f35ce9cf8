"""Nothing in a drop happens after the as-of date D, and the orders are fresh."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from kam.contract import OBJECTS

from .conftest import AS_OF
from .contract_check import days, instants

END_OF_D = pd.Timestamp(AS_OF + timedelta(days=1), tz="UTC")  # exclusive


def test_no_timestamp_is_after_the_end_of_d(valid_tables):
    for name, frame in valid_tables.items():
        for column in OBJECTS[name].columns:
            if column.type == "timestamp" and column.name in frame:
                latest = instants(frame[column.name]).max()
                assert latest < END_OF_D, f"{name}.{column.name}: {latest}"


def test_no_date_is_after_d_except_promised_delivery(valid_tables):
    for name, frame in valid_tables.items():
        for column in OBJECTS[name].columns:
            if column.type == "date" and column.name != "promised_date":
                assert days(frame[column.name]).max() <= pd.Timestamp(AS_OF), f"{name}.{column.name}"


def test_orders_cover_three_years_up_to_d(valid_tables):
    order_days = days(valid_tables["orders"].order_date)
    assert order_days.min() >= pd.Timestamp("2023-10-16")
    assert order_days.min() <= pd.Timestamp("2023-11-15")
    assert order_days.max() >= pd.Timestamp(AS_OF - timedelta(days=7))


def test_newest_order_change_is_within_48_hours_of_the_end_of_d(valid_tables):
    newest = instants(valid_tables["orders"].updated_at).max()
    assert END_OF_D - pd.Timedelta(hours=48) <= newest < END_OF_D


def test_an_order_changes_after_it_is_placed_and_is_delivered_after_it_is_placed(valid_tables):
    orders = valid_tables["orders"]
    placed = days(orders.order_date)
    changed_day = instants(orders.updated_at).dt.tz_localize(None).dt.normalize()
    assert (changed_day >= placed).all()
    delivered = days(orders.delivered_date)
    assert (delivered[delivered.notna()] >= placed[delivered.notna()]).all()
