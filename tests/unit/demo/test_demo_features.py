"""The small drop shows every feature the pipeline must handle (80 customers, seed 42)."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from kam.contract import OBJECTS

from .conftest import AS_OF
from .contract_check import days, instants

D = pd.Timestamp(AS_OF)


def _lower(values: pd.Series) -> pd.Series:
    return values.str.strip().str.lower()


def _true(values: pd.Series) -> pd.Series:
    return _lower(values.fillna("")).isin({"true", "1", "yes"})


def _latest(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    ordered = frame.assign(_at=instants(frame.updated_at)).sort_values("_at", kind="stable")
    return ordered.drop_duplicates(key, keep="last").drop(columns="_at")


def _revenue_eur(tables) -> pd.DataFrame:
    """Revenue in EUR per counted order line: order_id, customer_id, order_day, revenue."""
    orders = _latest(tables["orders"], ["order_id"])
    orders = orders[~_lower(orders.status).isin({"cancelled", "returned"})]
    lines = _latest(tables["order_lines"], ["order_id", "line_number"])
    lines = lines.assign(revenue=lines.quantity.astype(float) * lines.unit_price.astype(float))
    merged = lines.merge(orders[["order_id", "customer_id", "order_date", "currency"]], on="order_id")
    merged = merged.assign(order_day=days(merged.order_date), currency=merged.currency.str.upper())
    fx = tables["fx_rates"].assign(
        rate_day=days(tables["fx_rates"].rate_date), rate=tables["fx_rates"].rate_to_reporting.astype(float)
    )
    merged = pd.merge_asof(
        merged.sort_values("order_day"),
        fx.sort_values("rate_day"),
        left_on="order_day",
        right_on="rate_day",
        by="currency",
    )
    rate = merged.rate.where(merged.currency != "EUR", 1.0).fillna(0.0)
    return merged.assign(revenue=merged.revenue * rate)


def test_a_fifth_of_the_customers_carry_most_of_the_revenue(valid_tables):
    lines = _revenue_eur(valid_tables)
    window = lines[(lines.order_day >= "2025-10-01") & (lines.order_day <= "2026-09-30")]
    revenue = window.groupby("customer_id").revenue.sum().sort_values(ascending=False)
    customers = set(valid_tables["accounts"].account_id) | set(valid_tables["orders"].customer_id)
    top = revenue.iloc[: len(customers) // 5].sum()
    assert top >= 0.6 * revenue.sum()


def test_customers_are_new_regular_and_slipping_away(valid_tables):
    orders = valid_tables["orders"].assign(order_day=lambda f: days(f.order_date))
    first, last = orders.groupby("customer_id").order_day.min(), orders.groupby("customer_id").order_day.max()
    assert (first >= D - timedelta(days=180)).sum() >= 1  # new customers
    assert ((last < D - timedelta(days=180)) & (last >= D - timedelta(days=365))).sum() >= 1  # slipping away
    assert (last < D - timedelta(days=365)).sum() >= 1  # gone for over a year
    per_customer = orders.groupby("customer_id").size()
    assert per_customer.max() >= 100  # weekly buyers
    assert ((per_customer >= 2) & (per_customer <= 15)).any()  # quarterly or erratic buyers
    never = set(valid_tables["accounts"].account_id) - set(orders.customer_id)
    assert never  # accounts that never ordered


def test_order_statuses_cancellations_returns_and_open_orders(valid_tables):
    status = set(_lower(valid_tables["orders"].status))
    assert status == set(OBJECTS["orders"].column("status").enum)


def test_late_incomplete_and_still_undelivered_deliveries(valid_tables):
    orders = valid_tables["orders"]
    promised, delivered = days(orders.promised_date), days(orders.delivered_date)
    assert (delivered > promised).sum() >= 10
    open_status = _lower(orders.status).isin({"placed", "shipped"})
    assert (open_status & delivered.isna() & (promised < D)).any()
    assert orders.promised_date.isna().any()
    lines = valid_tables["order_lines"]
    delivered_qty = lines.delivered_quantity.astype(float)
    assert (delivered_qty < lines.quantity.astype(float)).any()
    assert delivered_qty.isna().any()


def test_multi_line_orders_margins_losses_and_unknown_costs(valid_tables):
    lines = valid_tables["order_lines"]
    per_order = lines.drop_duplicates(["order_id", "line_number"]).groupby("order_id").size()
    assert per_order.max() >= 5 and (per_order > 1).mean() > 0.4
    cost, price = lines.unit_cost.astype(float), lines.unit_price.astype(float)
    assert cost.isna().any()
    assert (cost > price).any()
    assert (cost < price).mean() > 0.8
    assert lines.quantity.str.contains(r"\.\d*[1-9]", regex=True).any()  # decimal quantities


def test_three_currencies_rates_twice_a_month_and_one_without_rate(valid_tables):
    orders = valid_tables["orders"].assign(
        currency=lambda f: f.currency.str.upper(), order_day=lambda f: days(f.order_date)
    )
    fx = valid_tables["fx_rates"].assign(rate_day=lambda f: days(f.rate_date))
    assert {"EUR", "USD", "GBP"} <= set(orders.currency)
    assert set(fx.currency) == {"USD", "GBP"}
    for _currency, rates in fx.groupby("currency"):
        assert rates.rate_day.min() <= orders.order_day.min()
        assert rates.rate_day.max() >= D - timedelta(days=16)
        assert set(rates.rate_day.dt.day) == {1, 16}
    assert (set(orders.currency) - {"EUR", "USD", "GBP"}) == {"SEK"}


def test_orders_of_an_unknown_customer_and_a_deleted_account_with_orders(valid_tables):
    accounts = valid_tables["accounts"]
    buyers = set(valid_tables["orders"].customer_id)
    assert buyers - set(accounts.account_id)
    deleted = set(accounts.account_id[_true(accounts.is_deleted)])
    assert len(deleted) >= 2 and deleted & buyers and deleted - buyers


def test_ids_with_leading_zeros_and_untidy_values(small_tables):
    accounts, orders = small_tables["accounts"], small_tables["orders"]
    zero_ids = set(accounts.account_id[accounts.account_id.str.match(r"^0\d+$")])
    assert zero_ids & set(orders.customer_id)
    assert (orders.status != _lower(orders.status)).any()
    assert set(small_tables["accounts"].kam_designated.str.lower()) >= {"true", "false"}
    assert len(set(small_tables["contacts"].is_decision_maker)) >= 4  # true/false, yes/no, 1/0...


def test_timestamps_come_with_and_without_offsets(small_tables):
    stamps = small_tables["orders"].updated_at.dropna()
    assert stamps.str.endswith("Z").any()
    assert stamps.str.contains(r"[+-]\d\d:\d\d$", regex=True).any()
    assert (~stamps.str.contains(r"(?:Z|[+-]\d\d:\d\d)$", regex=True)).any()
    assert stamps.str.contains(r"\+05:30$", regex=True).any()


def test_rows_are_resent_with_another_updated_at(small_tables):
    for name, key in [("orders", ["order_id"]), ("order_lines", ["order_id", "line_number"])]:
        frame = small_tables[name].dropna(subset=key)
        repeated = frame[frame.duplicated(key, keep=False)]
        assert repeated.groupby(key).updated_at.nunique().max() >= 2, name


def test_account_flags_budgets_and_managers(valid_tables):
    accounts = _latest(valid_tables["accounts"], ["account_id"])
    assert _true(accounts.kam_designated).any() and (~_true(accounts.kam_designated)).any()
    assert _true(accounts.is_image_maker).any() and _true(accounts.is_expert).any()
    budget = accounts.annual_budget.astype(float)
    assert budget.isna().any() and (budget >= 100_000).any()
    managers = accounts.account_manager
    assert managers.isna().any() and 3 <= managers.nunique() <= 8


def test_contacts_opportunities_activities_cases_and_surveys(valid_tables):
    contacts = valid_tables["contacts"]
    assert _true(contacts.is_decision_maker).any() and (~_true(contacts.is_decision_maker)).any()
    opportunities = valid_tables["opportunities"]
    stage = _lower(opportunities.stage)
    assert set(stage) == {"open", "won", "lost"}
    assert opportunities.lost_reason[stage == "lost"].notna().all()
    assert opportunities.competitor.notna().any() and opportunities.closed_at[stage == "open"].isna().all()
    assert set(_lower(valid_tables["activities"].activity_type)) == {"call", "meeting", "email", "visit"}
    cases = valid_tables["cases"]
    assert set(_lower(cases.category)) == set(OBJECTS["cases"].column("category").enum)
    assert set(_lower(cases.severity)) == set(OBJECTS["cases"].column("severity").enum)
    assert cases.order_id.notna().any() and cases.order_id.isna().any()
    scores = valid_tables["surveys"].score.astype(int)
    assert scores.between(1, 5).all() and scores.nunique() >= 4
