"""The default drop (2,000 customers) has the intended order of magnitude."""

from __future__ import annotations

from datetime import date

import pytest

from kam.demo.crm_view import CrmView
from kam.demo.erp_view import erp_tables
from kam.demo.world import simulate_world


@pytest.mark.slow
def test_default_size_has_about_2000_accounts_and_tens_of_thousands_of_orders():
    world = simulate_world(seed=42, customers=2000)
    as_of = date(2026, 11, 21)
    accounts = CrmView(world, as_of).accounts().account_id.nunique()
    erp = erp_tables(world, as_of)
    assert 1700 <= accounts <= 2300
    assert 50_000 <= len(erp["orders"]) <= 120_000
    assert 2.0 <= len(erp["order_lines"]) / len(erp["orders"]) <= 2.8
    broken_orders = (erp["orders"].status == "on hold").sum() + erp["orders"].order_id.isna().sum()
    assert 0 < broken_orders < 0.002 * len(erp["orders"])
