"""Every order and order line of the simulated world, with its whole life.

Each order carries the instants of everything that happens to it (placed,
shipped, delivered, cancelled, returned); the drop of a night shows the state
as of that night (erp_view.py). Customers order at their cadence from the later
of their start and the world start to the earlier of their stop and the world
end; in the half year before a customer stops, deliveries go wrong more often.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kam.demo import names
from kam.demo.customers import GAP_MEAN_DAYS, VALUE_SIGMA
from kam.demo.timeline import MINUTES_PER_DAY, NEVER, WORLD_END, WORLD_START, day_number

APPROXIMATE_EUR_RATE = {"EUR": 1.0, "USD": 0.92, "GBP": 1.17, "SEK": 0.088}
UNRATED_CURRENCY = "SEK"  # has no fx rate: its orders add no revenue
LINES_PER_ORDER_P = [0.38, 0.25, 0.16, 0.10, 0.06, 0.05]
_CANDIDATES_DIVISOR = np.array([6.0, 20.0, 60.0, 18.0])  # per cadence: bounds the orders a span can hold


def _gaps(rng: np.random.Generator, cadence: np.ndarray) -> np.ndarray:
    gaps = np.empty(len(cadence), dtype=np.int64)
    for code, draw in enumerate(
        [
            lambda k: rng.choice([7, 14, 6, 8], k, p=[0.85, 0.08, 0.035, 0.035]),
            lambda k: np.maximum(np.rint(rng.normal(30.4, 4.0, k)), 20),
            lambda k: np.maximum(np.rint(rng.normal(91.0, 12.0, k)), 60),
            lambda k: 1 + np.floor(rng.exponential(44.0, k)),
        ]
    ):
        chosen = cadence == code
        gaps[chosen] = draw(int(chosen.sum()))
    return gaps


def _order_days(rng: np.random.Generator, customers: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(customer index, order day) of every order, in world order (by day, then customer)."""
    lo = np.maximum(customers.start_day.to_numpy(), day_number(WORLD_START))
    hi = np.minimum(customers.stop_day.to_numpy(), day_number(WORLD_END))
    cadence = customers.cadence.to_numpy()
    span = np.where(customers.buys.to_numpy(), hi - lo, -1)
    candidates = np.where(span < 0, 0, (span / _CANDIDATES_DIVISOR[cadence]).astype(np.int64) + 8)
    owner = np.repeat(np.arange(len(customers)), candidates)
    gaps = _gaps(rng, cadence[owner])
    group_start = np.repeat(np.cumsum(candidates) - candidates, candidates)
    running = np.cumsum(gaps)
    offset = running - running[group_start]  # 0 for a customer's first candidate
    phase = (rng.random(len(customers)) * GAP_MEAN_DAYS[cadence]).astype(np.int64)
    day = (lo + phase)[owner] + offset
    keep = day <= hi[owner]
    owner, day = owner[keep], day[keep]
    world_order = np.lexsort((owner, day))
    return owner[world_order], day[world_order]


def simulate_orders(rng: np.random.Generator, customers: pd.DataFrame) -> pd.DataFrame:
    """One row per order (row position = world sequence number) with its life events."""
    owner, day = _order_days(rng, customers)
    n = len(day)
    c = customers.iloc[owner]
    stop = c.stop_day.to_numpy()
    before_loss = (stop < NEVER) & (stop - day <= 180)
    late_p = 0.10 * c.late_factor.to_numpy() * np.where(before_loss, 3.0, 1.0)
    very_late_p = 0.015 * c.late_factor.to_numpy() * np.where(before_loss, 3.0, 1.0)
    cadence = c.cadence.to_numpy()
    value_eur = (
        c.annual_eur.to_numpy()
        * GAP_MEAN_DAYS[cadence]
        / 365.0
        * rng.lognormal(-(VALUE_SIGMA[cadence] ** 2) / 2, VALUE_SIGMA[cadence])
    )

    order_ts = day * MINUTES_PER_DAY + rng.integers(6 * 60, 19 * 60, n)
    promised = day + np.maximum(c.lead_days.to_numpy() + rng.integers(-2, 3, n), 1)
    ship_day = day + rng.integers(0, 3, n)
    ship_ts = np.maximum(ship_day * MINUTES_PER_DAY + rng.integers(5 * 60, 20 * 60, n), order_ts + 30)
    u = rng.random(n)
    late = u < late_p + very_late_p
    delay = np.where(
        u < very_late_p, rng.integers(15, 61, n), np.where(late, rng.integers(1, 11, n), -rng.integers(0, 3, n))
    )
    delivered_day = np.maximum(ship_day + 1, promised + delay)
    delivered_ts = np.maximum(delivered_day * MINUTES_PER_DAY + rng.integers(7 * 60, 19 * 60, n), ship_ts + 60)
    cancelled = rng.random(n) < 0.035
    returned = ~cancelled & (rng.random(n) < 0.02)
    currency = c.currency.to_numpy().astype(object)
    unrated = np.arange(n) % max(499, n // 60) == 77
    currency[unrated] = UNRATED_CURRENCY
    return pd.DataFrame(
        {
            "customer": owner,
            "day": day,
            "value_eur": value_eur,
            "currency": currency,
            "order_ts": order_ts,
            "promised_day": promised,
            "promised_null": rng.random(n) < 0.02,
            "ship_ts": ship_ts,
            "delivered_ts": delivered_ts,
            "late": late & ~cancelled,
            "cancelled": cancelled,
            "cancel_ts": order_ts + rng.integers(60, 7 * MINUTES_PER_DAY, n),
            "returned": returned,
            "return_ts": delivered_ts + rng.integers(3 * MINUTES_PER_DAY, 30 * MINUTES_PER_DAY, n),
            "incomplete": ~cancelled & (rng.random(n) < 0.04 * c.late_factor.to_numpy()),
            "channel": rng.choice(names.SALES_CHANNELS, n),
            "price_factor": c.price_factor.to_numpy(),
        }
    )


def simulate_lines(rng: np.random.Generator, orders: pd.DataFrame, products: pd.DataFrame) -> pd.DataFrame:
    """The lines of every order (grouped by order, in line order), amounts in order currency."""
    per_order = rng.choice(np.arange(1, 7), len(orders), p=LINES_PER_ORDER_P)
    order = np.repeat(np.arange(len(orders)), per_order)
    n = len(order)
    first = np.repeat(np.cumsum(per_order) - per_order, per_order)
    line_number = np.arange(n) - first + 1
    product = rng.choice(len(products), n, p=products.weight.to_numpy())
    share = rng.gamma(1.0, 1.0, n)
    share = share / np.bincount(order, weights=share)[order]
    rate = orders.currency.map(APPROXIMATE_EUR_RATE).to_numpy()[order]
    list_price = products.list_price_eur.to_numpy()[product]
    price_eur = list_price * orders.price_factor.to_numpy()[order] * rng.uniform(0.97, 1.03, n)
    price_cents = np.maximum(np.rint(price_eur / rate * 100), 1).astype(np.int64)
    bulk = products.category.to_numpy()[product] == names.BULK_CATEGORY
    raw_quantity = orders.value_eur.to_numpy()[order] * share / price_eur
    quantity = np.where(bulk, np.maximum(np.rint(raw_quantity * 10), 5) / 10, np.maximum(np.rint(raw_quantity), 1))
    cost_eur = list_price * products.cost_ratio.to_numpy()[product] * rng.uniform(0.95, 1.05, n)
    cost_cents = np.rint(cost_eur / rate * 100).astype(np.int64)
    loss_line = rng.random(n) < 0.015
    cost_cents[loss_line] = np.rint(price_cents[loss_line] * rng.uniform(1.02, 1.3, loss_line.sum()))
    cost_unknown = products.cost_unknown.to_numpy()[product] | (rng.random(n) < 0.015)
    cost_cents[cost_unknown] = -1
    last_line = line_number == per_order[order]
    short = orders.incomplete.to_numpy()[order] & last_line
    delivered_quantity = quantity.copy()
    shortfall = rng.uniform(0.0, 0.95, short.sum())
    delivered_quantity[short] = np.where(
        bulk[short], np.floor(quantity[short] * shortfall * 10) / 10, np.floor(quantity[short] * shortfall)
    )
    category = products.category.to_numpy().astype(object)[product]
    category[rng.random(n) < 0.02] = None
    return pd.DataFrame(
        {
            "order": order,
            "line_number": line_number,
            "product_id": products.product_id.to_numpy()[product],
            "product_category": category,
            "quantity": quantity,
            "delivered_quantity": delivered_quantity,
            "unit_price_cents": price_cents,
            "unit_cost_cents": cost_cents,
            "uom": np.where(bulk, "kg", "pcs"),
        }
    )
