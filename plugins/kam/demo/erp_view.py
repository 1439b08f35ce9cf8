"""The order system as of a date D: orders, order_lines and fx_rates as the ERP holds them.

Orders dated in the three years up to D, each in its state at the end of D
(placed, shipped, delivered, cancelled, returned). On top, as a legacy ERP has:
re-sent rows (an older version of an order and its lines appended later in the
table), a handful of contract-breaking rows (a newer, broken version of a row),
untidy enumerations, timestamps with assorted offsets, and an extra column.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from kam.demo import formats
from kam.demo.hashing import capped, every_nth, unit_hash
from kam.demo.timeline import MINUTES_PER_DAY, day_number, end_of_day, history_start
from kam.demo.world import World

BAD_ROW_SHARE = 0.0019  # per object, well below the 1% quarantine gate
ORDER_COLUMNS = [
    "order_id",
    "customer_id",
    "order_date",
    "promised_date",
    "delivered_date",
    "status",
    "currency",
    "sales_channel",
    "updated_at",
]
LINE_COLUMNS = [
    "order_id",
    "line_number",
    "product_id",
    "product_category",
    "quantity",
    "delivered_quantity",
    "unit_price",
    "unit_cost",
    "uom",
    "updated_at",
]


def order_ids(seq: np.ndarray) -> np.ndarray:
    return np.char.add("SO", (np.asarray(seq) + 1_000_001).astype(str)).astype(object)


def _order_states(world: World, as_of: date) -> pd.DataFrame:
    """Orders dated in the history window with status, delivered day and last change as of D."""
    d, end = day_number(as_of), end_of_day(day_number(as_of))
    o = world.orders
    seq = np.flatnonzero((o.day.to_numpy() >= day_number(history_start(as_of))) & (o.day.to_numpy() <= d))
    v = o.iloc[seq]
    cancelled = v.cancelled.to_numpy() & (v.cancel_ts.to_numpy() <= end)
    in_progress = ~v.cancelled.to_numpy()
    delivered = in_progress & (v.delivered_ts.to_numpy() <= end)
    returned = delivered & v.returned.to_numpy() & (v.return_ts.to_numpy() <= end)
    shipped = in_progress & ~delivered & (v.ship_ts.to_numpy() <= end)
    cases = [cancelled, returned, delivered, shipped]
    status = np.select(cases, ["cancelled", "returned", "delivered", "shipped"], "placed")
    updated = np.select(cases, [v.cancel_ts, v.return_ts, v.delivered_ts, v.ship_ts], v.order_ts.to_numpy())
    if len(updated) and updated.max() < end - MINUTES_PER_DAY:
        newest = int(np.argmax(v.order_ts.to_numpy()))  # the ERP touched it on D: keeps the drop fresh
        updated[newest] = max(updated[newest], d * MINUTES_PER_DAY + 360)
    return pd.DataFrame(
        {
            "seq": seq,
            "customer": v.customer.to_numpy(),
            "day": v.day.to_numpy(),
            "promised_day": v.promised_day.to_numpy(),
            "promised_null": v.promised_null.to_numpy(),
            "delivered": delivered,
            "delivered_day": v.delivered_ts.to_numpy() // MINUTES_PER_DAY,
            "status": status,
            "currency": v.currency.to_numpy(),
            "channel": v.channel.to_numpy(),
            "order_ts": v.order_ts.to_numpy(),
            "updated_ts": updated,
        }
    )


def _order_rows(world: World, s: pd.DataFrame) -> pd.DataFrame:
    seq = s.seq.to_numpy()
    h = unit_hash(seq, 11)
    customer_id = world.customers.account_id.to_numpy()[s.customer.to_numpy()].copy()
    customer_id[h < 0.002] = customer_id[h < 0.002] + " "
    return pd.DataFrame(
        {
            "order_id": order_ids(seq),
            "customer_id": customer_id,
            "order_date": formats.dates(s.day),
            "promised_date": formats.with_nulls(formats.dates(s.promised_day), s.promised_null),
            "delivered_date": formats.with_nulls(formats.dates(s.delivered_day), ~s.delivered.to_numpy()),
            "status": formats.untidy(s.status.to_numpy(), unit_hash(seq, 12)),
            "currency": formats.untidy(s.currency.to_numpy(), unit_hash(seq, 13), share=0.01),
            "sales_channel": s.channel.to_numpy().astype(object),
            "updated_at": formats.timestamps(s.updated_ts, unit_hash(seq, 14)),
        }
    )


def _broken_orders(rows: pd.DataFrame, s: pd.DataFrame, end: int) -> pd.DataFrame:
    """Newer versions of a few orders that break the contract in one value each."""
    seq = s.seq.to_numpy()
    chosen = capped(every_nth(seq, 701, 350), BAD_ROW_SHARE)
    bad = rows[chosen].copy()
    kind = (seq[chosen] // 701) % 4
    day = s.day.to_numpy()[chosen].astype("datetime64[D]")
    for i, k in enumerate(kind):
        text = str(day[i])
        column, value = [
            ("order_date", f"{text[8:10]}.{text[5:7]}.{text[:4]}"),
            ("order_date", f"{text[:4]}-02-30"),
            ("status", "on hold"),
            ("order_id", None),
        ][k]
        bad.iloc[i, bad.columns.get_loc(column)] = value
    changed = np.minimum(s.updated_ts.to_numpy()[chosen] + 1, end)
    bad["updated_at"] = formats.timestamps(changed, unit_hash(seq[chosen], 15))
    return bad


def _resent(s: pd.DataFrame) -> np.ndarray:
    """Orders whose older 'placed' version the ERP sends again, later in the table."""
    return (unit_hash(s.seq.to_numpy(), 16) < 0.01) & (s.status.to_numpy() != "placed")


def orders_table(world: World, s: pd.DataFrame, as_of: date) -> pd.DataFrame:
    rows = _order_rows(world, s)
    resent = _resent(s)
    old = rows[resent].copy()
    old["status"] = "placed"
    old["delivered_date"] = None
    old["updated_at"] = formats.timestamps(s.order_ts.to_numpy()[resent], unit_hash(s.seq.to_numpy()[resent], 17))
    broken = _broken_orders(rows, s, end_of_day(day_number(as_of)))
    return pd.concat([rows, old, broken], ignore_index=True)[ORDER_COLUMNS]


def _number(values: np.ndarray) -> np.ndarray:
    """Python floats for SQLite (a NUMERIC column stores an integral one as an integer)."""
    return np.asarray(values, dtype=np.float64).astype(object)


def lines_table(world: World, s: pd.DataFrame, as_of: date) -> pd.DataFrame:
    lines = world.lines
    order = lines.order.to_numpy()
    seq = s.seq.to_numpy()
    if len(seq) == 0:
        return pd.DataFrame(columns=LINE_COLUMNS)
    lo, hi = np.searchsorted(order, [seq[0], seq[-1] + 1])
    idx = np.arange(lo, hi)
    v = lines.iloc[lo:hi]
    position = order[lo:hi] - seq[0]  # orders in the window are one contiguous run of seq
    delivered = s.delivered.to_numpy()[position]
    order_id = order_ids(order[lo:hi])
    spaced = unit_hash(idx, 21) < 0.002
    order_id[spaced] = order_id[spaced] + " "
    cost = v.unit_cost_cents.to_numpy()
    rows = pd.DataFrame(
        {
            "order_id": order_id,
            "line_number": v.line_number.to_numpy().astype(object),
            "product_id": v.product_id.to_numpy().astype(object),
            "product_category": v.product_category.to_numpy(),
            "quantity": _number(v.quantity.to_numpy()),
            "delivered_quantity": formats.with_nulls(_number(v.delivered_quantity.to_numpy()), ~delivered),
            "unit_price": _number(v.unit_price_cents.to_numpy() / 100),
            "unit_cost": formats.with_nulls(_number(np.maximum(cost, 0) / 100), cost < 0),
            "uom": v.uom.to_numpy().astype(object),
            "updated_at": formats.timestamps(s.updated_ts.to_numpy()[position], unit_hash(idx, 22)),
        }
    )
    resent = _resent(s)[position]
    old = rows[resent].copy()
    old["delivered_quantity"] = None
    old["updated_at"] = formats.timestamps(s.order_ts.to_numpy()[position][resent], unit_hash(idx[resent], 23))
    chosen = capped(every_nth(idx, 709, 300), BAD_ROW_SHARE)
    bad = rows[chosen].copy()
    for i, (k, line) in enumerate(zip((idx[chosen] // 709) % 3, np.flatnonzero(chosen))):
        if k == 0:
            bad.iloc[i, bad.columns.get_loc("quantity")] = -rows.quantity.iat[line]
        elif k == 1:
            bad.iloc[i, bad.columns.get_loc("line_number")] = f"{rows.line_number.iat[line]}a"
        else:
            cents = int(v.unit_price_cents.iat[line])
            bad.iloc[i, bad.columns.get_loc("unit_price")] = f"{cents // 100},{cents % 100:02d}"
    end = end_of_day(day_number(as_of))
    bad["updated_at"] = formats.timestamps(
        np.minimum(s.updated_ts.to_numpy()[position][chosen] + 1, end), unit_hash(idx[chosen], 24)
    )
    return pd.concat([rows, old, bad], ignore_index=True)[LINE_COLUMNS]


def fx_table(world: World, as_of: date) -> pd.DataFrame:
    """Rates dated up to D, from the last rate on or before the history start."""
    fx = world.fx
    frames = []
    for _currency, rates in fx.groupby("currency", sort=True):
        days = rates.rate_day.to_numpy()
        first = days[days <= day_number(history_start(as_of))].max()
        frames.append(rates[(days >= first) & (days <= day_number(as_of))])
    kept = pd.concat(frames, ignore_index=True)
    return pd.DataFrame(
        {
            "currency": kept.currency.to_numpy().astype(object),
            "rate_date": formats.dates(kept.rate_day),
            "rate_to_reporting": kept.rate.to_numpy().astype(float).astype(object),
        }
    )


def erp_tables(world: World, as_of: date) -> dict[str, pd.DataFrame]:
    """The three ERP tables as of D, columns in table order (extras included)."""
    states = _order_states(world, as_of)
    return {
        "orders": orders_table(world, states, as_of),
        "order_lines": lines_table(world, states, as_of),
        "fx_rates": fx_table(world, as_of),
    }
