"""Blocking checks of the candidate `marts.customer_segments` (outputs.md, gate item 2).

one_row_per_customer, abc_revenue_iff_revenue, revenue_shares_sum_to_one, class_a_share.
Each reads `<candidates schema>.customer_segments` (`marts`, or `marts_backfill` for a backfill);
the customer population is compared with the raw rows as of D (`RawAsOf`).
"""
from __future__ import annotations

from datetime import date

from kam.quality.access import WarehouseAccess
from kam.quality.raw_as_of import RawAsOf
from kam.quality.result import CheckResult
from kam.quality.thresholds import GateThresholds

SAMPLE = 10
SHARE_SUM_TOLERANCE = 1e-6  # shares are doubles from unrounded amounts
CLASS_A_TOLERANCE = 1e-9


def _ids(access: WarehouseAccess, sql: str, params: list | None = None) -> list[str]:
    return [r[0] for r in access.fetchall(sql + f" limit {SAMPLE}", params)]


def check_one_row_per_customer(access: WarehouseAccess, as_of: date, t: GateThresholds,
                               schema: str = "marts", raw: RawAsOf | None = None) -> CheckResult:
    """Customer ids unique and not null; and, when the raw tables are there, exactly the
    customers of metrics.md: every account not deleted plus every customer with an order dated <= D."""
    segments = f"{schema}.customer_segments"
    rows, distinct_ids, null_ids = access.fetchone(
        f"select count(*), count(distinct customer_id), "
        f"sum(case when customer_id is null then 1 else 0 end) from {segments}")
    null_ids = int(null_ids or 0)
    duplicates = _ids(access, f"select customer_id from {segments} where customer_id is not null "
                              f"group by customer_id having count(*) > 1 order by customer_id")
    duplicate_rows = rows - null_ids - distinct_ids
    details: dict = {"rows": rows, "distinct_customer_ids": distinct_ids, "null_customer_ids": null_ids,
                     "duplicate_rows": duplicate_rows, "duplicate_ids_sample": duplicates}
    problems = []
    if duplicate_rows:
        problems.append(f"{duplicate_rows} duplicate rows (e.g. {', '.join(duplicates)})")
    if null_ids:
        problems.append(f"{null_ids} rows without customer_id")

    raw = raw or RawAsOf(access, as_of)
    if raw.exists("accounts") and raw.exists("orders"):
        expected = (f"select a.account_id as customer_id from {raw.relation('accounts')} a "
                    f"where not coalesce(a.is_deleted, false) "
                    f"union select o.customer_id from {raw.relation('orders')} o where o.order_date <= ?")
        missing_sql = (f"from ({expected}) e where not exists "
                       f"(select 1 from {segments} s where s.customer_id = e.customer_id)")
        extra_sql = (f"from (select distinct customer_id from {segments} where customer_id is not null) s "
                     f"where not exists (select 1 from ({expected}) e where e.customer_id = s.customer_id)")
        missing = access.fetchone(f"select count(*) {missing_sql}", [as_of])[0]
        extra = access.fetchone(f"select count(*) {extra_sql}", [as_of])[0]
        details.update(missing_customers=missing, extra_customers=extra,
                       missing_sample=_ids(access, f"select customer_id {missing_sql} order by customer_id", [as_of]),
                       extra_sample=_ids(access, f"select customer_id {extra_sql} order by customer_id", [as_of]))
        if missing:
            problems.append(f"{missing} customers missing (accounts not deleted or customers with orders "
                            f"dated <= {as_of}, e.g. {', '.join(details['missing_sample'])})")
        if extra:
            problems.append(f"{extra} rows that are no customer (e.g. {', '.join(details['extra_sample'])})")
    else:
        details["note"] = (f"{raw.label('accounts')} / {raw.label('orders')} not found: "
                           "completeness against the sources not checked")

    observed = duplicate_rows + null_ids + details.get("missing_customers", 0) + details.get("extra_customers", 0)
    if problems:
        return CheckResult("one_row_per_customer", True, False, observed, 0,
                           f"customer_segments is not one row per customer: {'; '.join(problems)}", details,
                           "fix the customer grain in the dbt models (int_customers / customer_segments), "
                           "rebuild and rerun the date")
    return CheckResult("one_row_per_customer", True, True, 0, 0,
                       f"{rows} rows, one per customer", details)


def check_abc_revenue_iff_revenue(access: WarehouseAccess, as_of: date, t: GateThresholds,
                                  schema: str = "marts") -> CheckResult:
    """`abc_revenue` is present exactly when `revenue_12m > 0`."""
    segments = f"{schema}.customer_segments"
    positive = "coalesce(revenue_12m, 0) > 0"
    missing_sql = f"from {segments} where {positive} and abc_revenue is null"
    spurious_sql = f"from {segments} where not ({positive}) and abc_revenue is not null"
    missing = access.fetchone(f"select count(*) {missing_sql}")[0]
    spurious = access.fetchone(f"select count(*) {spurious_sql}")[0]
    details = {"revenue_without_class": missing, "class_without_revenue": spurious,
               "revenue_without_class_sample": _ids(access, f"select customer_id {missing_sql} order by customer_id"),
               "class_without_revenue_sample": _ids(access, f"select customer_id {spurious_sql} order by customer_id")}
    bad = missing + spurious
    if bad:
        parts = []
        if missing:
            parts.append(f"{missing} customers with revenue_12m > 0 but no abc_revenue "
                         f"(e.g. {', '.join(details['revenue_without_class_sample'])})")
        if spurious:
            parts.append(f"{spurious} customers with abc_revenue but revenue_12m <= 0 "
                         f"(e.g. {', '.join(details['class_without_revenue_sample'])})")
        return CheckResult("abc_revenue_iff_revenue", True, False, bad, 0, "; ".join(parts), details,
                           "fix the ABC population in int_customer_abc (only customers with revenue_12m > 0), "
                           "rebuild and rerun the date")
    return CheckResult("abc_revenue_iff_revenue", True, True, 0, 0,
                       "abc_revenue is set exactly for the customers with revenue_12m > 0", details)


def check_revenue_shares_sum_to_one(access: WarehouseAccess, as_of: date, t: GateThresholds,
                                    schema: str = "marts") -> CheckResult:
    """The revenue shares of the ABC population add up to 1."""
    segments = f"{schema}.customer_segments"
    total, count = access.fetchone(f"select sum(revenue_share), count(revenue_share) from {segments}")
    details = {"customers_with_share": count, "tolerance": SHARE_SUM_TOLERANCE}
    if not count:
        return CheckResult("revenue_shares_sum_to_one", True, False, 0.0, 1.0,
                           "no customer has a revenue_share: no revenue in the analysis window at all", details,
                           "check that orders were extracted (raw.orders) and the as-of date is right, then rerun")
    total = float(total)
    details["sum"] = total
    if abs(total - 1.0) > SHARE_SUM_TOLERANCE:
        return CheckResult("revenue_shares_sum_to_one", True, False, total, 1.0,
                           f"revenue shares sum to {total:.9f}, not 1 (over {count} customers)", details,
                           "fix revenue_share in int_customer_abc (value / total of the population), "
                           "rebuild and rerun the date")
    return CheckResult("revenue_shares_sum_to_one", True, True, total, 1.0,
                       f"revenue shares of {count} customers sum to 1", details)


def check_class_a_share(access: WarehouseAccess, as_of: date, t: GateThresholds,
                        schema: str = "marts") -> CheckResult:
    """Class A holds at least `abc_a_share` of the revenue (sum of A customers' revenue_share)."""
    segments = f"{schema}.customer_segments"
    a_share, a_customers, shared = access.fetchone(
        f"select sum(case when abc_revenue = 'A' then revenue_share else 0 end), "
        f"sum(case when abc_revenue = 'A' then 1 else 0 end), count(revenue_share) from {segments}")
    threshold = t.abc_a_share
    if not shared:
        return CheckResult("class_a_share", True, True, None, threshold,
                           "not applicable: no customer has revenue (see revenue_shares_sum_to_one)",
                           {"note": "no ABC population"})
    a_share = float(a_share or 0)
    details = {"class_a_customers": int(a_customers or 0), "class_a_share": a_share}
    if a_share < threshold - CLASS_A_TOLERANCE:
        return CheckResult("class_a_share", True, False, a_share, threshold,
                           f"class A holds {a_share:.2%} of revenue, less than abc_a_share {threshold:.0%} "
                           f"({details['class_a_customers']} class A customers)", details,
                           "fix the ABC classes in int_customer_abc (A while cum_share_before < abc_a_share), "
                           "rebuild and rerun the date")
    return CheckResult("class_a_share", True, True, a_share, threshold,
                       f"class A holds {a_share:.2%} of revenue ({details['class_a_customers']} customers)", details)
