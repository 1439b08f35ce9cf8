"""Non-blocking checks, recorded with the run: orders of unknown customers, orders without an
exchange rate, order lines whose order is missing, and customers whose margin_coverage is
below `margin_coverage_min`.

The order warnings read the raw rows as of D (`RawAsOf`: orders dated <= D, any status),
so they do not depend on intermediate models; margin coverage reads the candidate
customer_segments (`marts` or `marts_backfill`).
"""
from __future__ import annotations

from datetime import date

from kam.quality.access import WarehouseAccess
from kam.quality.raw_as_of import RawAsOf
from kam.quality.result import CheckResult
from kam.quality.thresholds import GateThresholds

SAMPLE = 10


def _missing(name: str, tables: str) -> CheckResult:
    return CheckResult(name, False, False, None, 0, f"not evaluated: {tables} not found",
                       {"note": f"{tables} not found"}, "check the extraction")


def check_orders_unknown_customer(access: WarehouseAccess, as_of: date, t: GateThresholds,
                                  raw: RawAsOf) -> CheckResult:
    """Orders dated <= D whose customer_id is no CRM account (deleted accounts are known)."""
    name = "orders_unknown_customer"
    if not (raw.exists("orders") and raw.exists("accounts")):
        return _missing(name, f"{raw.label('orders')} / {raw.label('accounts')}")
    where = (f"from {raw.relation('orders')} o where o.order_date <= ? and not exists "
             f"(select 1 from {raw.relation('accounts')} a where a.account_id = o.customer_id)")
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


def check_orders_without_rate(access: WarehouseAccess, as_of: date, t: GateThresholds,
                              raw: RawAsOf) -> CheckResult:
    """Orders dated <= D in a foreign currency with no rate dated on or before the order date."""
    name = "orders_without_rate"
    if not raw.exists("orders"):
        return _missing(name, raw.label("orders"))
    no_rate = (f"not exists (select 1 from {raw.relation('fx_rates')} r where r.currency = o.currency "
               f"and r.rate_date <= o.order_date)") if raw.exists("fx_rates") else "true"
    where = f"from {raw.relation('orders')} o where o.order_date <= ? and o.currency <> ? and {no_rate}"
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


def check_order_lines_without_order(access: WarehouseAccess, as_of: date, t: GateThresholds,
                                    raw: RawAsOf) -> CheckResult:
    """Order lines whose order is in no orders row of D (missing, quarantined, or dated after D):
    sources.md keeps them in the model and reports them; the worked example's oracle counts the same."""
    name = "order_lines_without_order"
    if not (raw.exists("order_lines") and raw.exists("orders")):
        return _missing(name, f"{raw.label('order_lines')} / {raw.label('orders')}")
    where = (f"from {raw.relation('order_lines')} l where not exists "
             f"(select 1 from {raw.relation('orders')} o where o.order_id = l.order_id "
             f"and o.order_date <= date '{as_of.isoformat()}')")
    lines, orders = access.fetchone(f"select count(*), count(distinct l.order_id) {where}")
    sample = [{"order_id": o, "line_number": n} for o, n in access.fetchall(
        f"select l.order_id, l.line_number {where} order by l.order_id, l.line_number limit {SAMPLE}")]
    details = {"lines": lines, "orders": orders, "lines_sample": sample}
    if lines:
        shown = ", ".join(f"{s['order_id']} line {s['line_number']}" for s in sample)
        return CheckResult(name, False, False, lines, 0,
                           f"{lines} order lines of {orders} orders that are not in {raw.label('orders')} as of {as_of} "
                           f"(e.g. {shown}): kept in the model and reported",
                           details, "deliver the missing orders in the ERP export (or correct the lines' order_id)")
    return CheckResult(name, False, True, 0, 0, "every order line's order is there", details)


def check_margin_coverage_low(access: WarehouseAccess, as_of: date, t: GateThresholds,
                              schema: str = "marts") -> CheckResult:
    """Customers with revenue_12m > 0 whose margin_coverage is below `margin_coverage_min` (per
    customer); the revenue-weighted overall coverage is in the details."""
    name, minimum = "margin_coverage_low", t.margin_coverage_min
    segments = f"{schema}.customer_segments"
    if not access.table_exists(schema, "customer_segments"):
        return _missing(name, segments)
    low_where = f"from {segments} where revenue_12m > 0 and margin_coverage < ?"
    customers, revenue = access.fetchone(f"select count(*), sum(revenue_12m) {low_where}", [minimum])
    total_revenue, covered = access.fetchone(
        f"select sum(revenue_12m), sum(revenue_12m * margin_coverage) from {segments} where revenue_12m > 0")
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
