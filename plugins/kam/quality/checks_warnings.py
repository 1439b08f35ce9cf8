"""Non-blocking checks, recorded with the run: orders of unknown customers, orders without an
exchange rate, and customers whose margin_coverage is below 0.9.

The order warnings read the raw tables (orders dated <= D, any status), so they do not
depend on intermediate models; margin coverage reads the candidate customer_segments.
"""
from __future__ import annotations

from datetime import date

from kam.quality.access import WarehouseAccess
from kam.quality.result import CheckResult
from kam.quality.thresholds import GateThresholds

SAMPLE = 10
MARGIN_COVERAGE_MIN = 0.9


def _missing(name: str, tables: str) -> CheckResult:
    return CheckResult(name, False, False, None, 0, f"not evaluated: {tables} not found",
                       {"note": f"{tables} not found"}, "check the extraction")


def check_orders_unknown_customer(access: WarehouseAccess, as_of: date, t: GateThresholds) -> CheckResult:
    """Orders dated <= D whose customer_id is no CRM account (deleted accounts are known)."""
    name = "orders_unknown_customer"
    if not (access.table_exists("raw", "orders") and access.table_exists("raw", "accounts")):
        return _missing(name, "raw.orders / raw.accounts")
    where = ("from raw.orders o where o.order_date <= ? and not exists "
             "(select 1 from raw.accounts a where a.account_id = o.customer_id)")
    orders, customers = access.fetchone(f"select count(*), count(distinct o.customer_id) {where}", [as_of])
    sample = [r[0] for r in access.fetchall(
        f"select o.customer_id {where} group by o.customer_id order by o.customer_id limit {SAMPLE}", [as_of])]
    details = {"orders": orders, "customers": customers, "customers_sample": sample}
    if orders:
        return CheckResult(name, False, False, orders, 0,
                           f"{orders} orders of {customers} customers without a CRM account "
                           f"(e.g. {', '.join(sample)})", details,
                           "create the accounts in the CRM (their rows carry null CRM fields until then)")
    return CheckResult(name, False, True, 0, 0, "every order's customer has a CRM account", details)


def check_orders_without_rate(access: WarehouseAccess, as_of: date, t: GateThresholds) -> CheckResult:
    """Orders dated <= D in a foreign currency with no rate dated on or before the order date."""
    name = "orders_without_rate"
    if not access.table_exists("raw", "orders"):
        return _missing(name, "raw.orders")
    has_rates = access.table_exists("raw", "fx_rates")
    no_rate = ("not exists (select 1 from raw.fx_rates r where r.currency = o.currency "
               "and r.rate_date <= o.order_date)") if has_rates else "true"
    where = f"from raw.orders o where o.order_date <= ? and o.currency <> ? and {no_rate}"
    params = [as_of, t.reporting_currency]
    orders, customers = access.fetchone(f"select count(*), count(distinct o.customer_id) {where}", params)
    by_currency = {c: n for c, n in access.fetchall(
        f"select o.currency, count(*) {where} group by o.currency order by o.currency", params)}
    sample = [r[0] for r in access.fetchall(f"select o.order_id {where} order by o.order_id limit {SAMPLE}", params)]
    details = {"orders": orders, "customers": customers, "by_currency": by_currency, "orders_sample": sample}
    if orders:
        currencies = ", ".join(f"{c} {n}" for c, n in by_currency.items())
        return CheckResult(name, False, False, orders, 0,
                           f"{orders} orders without an exchange rate to {t.reporting_currency} "
                           f"({currencies}): they add zero revenue", details,
                           "load the missing rates into the ERP fx_rates (rate_date on or before the order date) "
                           "and rerun the date")
    return CheckResult(name, False, True, 0, 0, "every order has an exchange rate", details)


def check_margin_coverage_low(access: WarehouseAccess, as_of: date, t: GateThresholds,
                              minimum: float = MARGIN_COVERAGE_MIN) -> CheckResult:
    """Customers with revenue_12m > 0 whose margin_coverage is below `minimum` (per customer);
    the revenue-weighted overall coverage is in the details."""
    name = "margin_coverage_low"
    if not access.table_exists("marts", "customer_segments"):
        return _missing(name, "marts.customer_segments")
    low_where = "from marts.customer_segments where revenue_12m > 0 and margin_coverage < ?"
    customers, revenue = access.fetchone(f"select count(*), sum(revenue_12m) {low_where}", [minimum])
    total_revenue, covered = access.fetchone(
        "select sum(revenue_12m), sum(revenue_12m * margin_coverage) from marts.customer_segments "
        "where revenue_12m > 0")
    overall = float(covered) / float(total_revenue) if total_revenue else None
    sample = [{"customer_id": c, "revenue_12m": r, "margin_coverage": m} for c, r, m in access.fetchall(
        f"select customer_id, revenue_12m, margin_coverage {low_where} "
        f"order by revenue_12m desc, customer_id limit {SAMPLE}", [minimum])]
    details = {"customers_below": customers, "revenue_12m_below": revenue, "overall_margin_coverage": overall,
               "largest_below": sample}
    if customers:
        return CheckResult(name, False, False, customers, minimum,
                           f"{customers} customers have margin_coverage below {minimum:g} "
                           f"(overall coverage {overall:.1%}): their gross margin misses unknown costs", details,
                           "fill unit_cost on the order lines in the ERP")
    return CheckResult(name, False, True, 0, minimum,
                       f"every customer with revenue has margin_coverage >= {minimum:g}", details)
