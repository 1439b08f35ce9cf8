"""The ABC, XYZ and lapse rules of metrics.md written plainly in pandas.

This is the benchmark's reference: how an analyst would compute the three rules
over the Parquet drop without this project. `compute(drop, as_of)` returns one
row per customer with abc_revenue, xyz_class and lapse_status (plus the numbers
behind them), to be compared with the warehouse's `customer_segments`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

A_SHARE, B_SHARE = 0.8, 0.95
XYZ_MIN_MONTHS, X_MAX, Y_MAX = 6, 0.5, 1.0


def _read(folder: Path, stem: str) -> pd.DataFrame:
    return pd.concat([pd.read_parquet(p) for p in sorted(folder.glob(f"{stem}_*.parquet"))], ignore_index=True)


def _latest(df: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    return df.sort_values("updated_at", kind="stable").drop_duplicates(key, keep="last")


def _window(as_of: date) -> tuple[pd.Timestamp, pd.Timestamp]:
    month = pd.Timestamp(as_of).to_period("M")
    return (month - 12).start_time, (month - 1).end_time.normalize()


def _abc(values: pd.Series) -> pd.Series:
    pos = values[values > 0]
    order = pd.DataFrame({"v": pos}).reset_index().sort_values(["v", "customer_id"], ascending=[False, True])
    share = order["v"] / order["v"].sum()
    before = share.cumsum() - share
    cls = np.where(before < A_SHARE, "A", np.where(before < B_SHARE, "B", "C"))
    return pd.Series(cls, index=order["customer_id"]).reindex(values.index)


def compute(drop: Path, as_of: date) -> pd.DataFrame:
    erp = drop / "erp"
    orders = _latest(_read(erp, "orders"), ["order_id"])
    lines = _latest(_read(erp, "order_lines"), ["order_id", "line_number"])
    fx = pd.read_parquet(erp / "fx_rates.parquet")
    d = pd.Timestamp(as_of)
    orders["order_date"] = pd.to_datetime(orders["order_date"])
    orders = orders[orders["order_date"] <= d]
    start, end = _window(as_of)

    counted = orders[~orders["status"].isin(["cancelled", "returned"])]
    lines = lines.merge(counted[["order_id", "customer_id", "order_date", "currency"]], on="order_id")
    fx["rate_date"] = pd.to_datetime(fx["rate_date"])
    fx = fx.sort_values("rate_date")
    lines = lines.sort_values("order_date")
    lines = pd.merge_asof(lines, fx, left_on="order_date", right_on="rate_date", by="currency")
    rate = np.where(lines["currency"] == "EUR", 1.0, lines["rate_to_reporting"])
    lines["revenue"] = (lines["quantity"] * lines["unit_price"] * rate).fillna(0.0)
    in_w = lines[(lines["order_date"] >= start) & (lines["order_date"] <= end)]

    customers = pd.Index(sorted(orders["customer_id"].unique()), name="customer_id")
    out = pd.DataFrame(index=customers)
    out["revenue_12m"] = in_w.groupby("customer_id")["revenue"].sum().reindex(customers, fill_value=0.0)
    out["abc_revenue"] = _abc(out["revenue_12m"])

    months = pd.period_range(start, end, freq="M")
    first = counted.groupby("customer_id")["order_date"].min().reindex(customers)
    monthly = (
        in_w.assign(m=in_w["order_date"].dt.to_period("M"))
        .pivot_table(index="customer_id", columns="m", values="revenue", aggfunc="sum")
        .reindex(index=customers, columns=months)
        .fillna(0.0)
    )
    first_month = first.dt.to_period("M")
    observed = np.array([[m >= fm if pd.notna(fm) else False for m in months] for fm in first_month])
    values = monthly.where(observed)
    out["months_observed"] = observed.sum(axis=1)
    mean = values.mean(axis=1)
    out["demand_cv"] = (values.std(axis=1, ddof=0) / mean).where(mean > 0)
    cv = out["demand_cv"]
    xyz = np.where(cv <= X_MAX, "X", np.where(cv <= Y_MAX, "Y", "Z"))
    ok = (out["months_observed"] >= XYZ_MIN_MONTHS) & (out["revenue_12m"] > 0)
    out["xyz_class"] = pd.Series(xyz, index=customers).where(ok)

    purchases = orders[orders["status"] != "cancelled"]
    last = purchases.groupby("customer_id")["order_date"].max().reindex(customers)
    out["days_since_last_order"] = (d - last).dt.days
    recent = purchases[purchases["order_date"] > d - pd.Timedelta(days=730)]
    gaps = (
        recent[["customer_id", "order_date"]]
        .drop_duplicates()
        .sort_values(["customer_id", "order_date"])
        .groupby("customer_id")["order_date"]
        .apply(lambda s: s.diff().dt.days.dropna())
    )
    typical = gaps.groupby(level=0).agg(lambda g: g.median() if len(g) >= 2 else np.nan).reindex(customers)
    at_risk = np.where(typical.isna(), 90, np.maximum(30, 2 * typical))
    lapsed = np.where(typical.isna(), 180, np.maximum(60, 3 * typical))
    days = out["days_since_last_order"]
    out["lapse_status"] = np.select(
        [last.isna(), days >= 365, days > lapsed, days > at_risk],
        ["never_ordered", "lost", "lapsed", "at_risk"],
        "active",
    )
    return out.reset_index()
