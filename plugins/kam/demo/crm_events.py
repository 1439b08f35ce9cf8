"""The CRM side of the simulated world: contacts, activities, opportunities, cases, surveys.

Each table holds every row the world ever has, ordered by the instant it was
created (ids follow that order, so they are the same in every night's drop),
with the instants at which it was logged and later changed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kam.demo import names
from kam.demo.timeline import MINUTES_PER_DAY, NEVER, WORLD_END, WORLD_START, day_number

MINUTES_PER_YEAR = 365 * MINUTES_PER_DAY
CASE_CATEGORIES = ["quality", "delivery", "service", "billing", "other"]
SEVERITIES = ["low", "medium", "high"]
ACTIVITY_TYPES = ["call", "meeting", "email", "visit"]


def _world_end_minute() -> int:
    return (day_number(WORLD_END) + 1) * MINUTES_PER_DAY - 1


def _scattered(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray, per_year: np.ndarray):
    """(owner, instant) of events scattered uniformly over each owner's [lo, hi], sorted by instant."""
    length = np.maximum(hi - lo, 0)
    count = rng.poisson(per_year * length / MINUTES_PER_YEAR)
    owner = np.repeat(np.arange(len(lo)), count)
    instant = lo[owner] + (rng.random(len(owner)) * length[owner]).astype(np.int64)
    order = np.lexsort((owner, instant))
    return owner[order], instant[order]


def _size(customers: pd.DataFrame) -> np.ndarray:
    return np.log10(customers.annual_eur.to_numpy() / 6000.0)


def _buying_span(customers: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    lo = np.maximum(customers.start_day.to_numpy(), day_number(WORLD_START)) * MINUTES_PER_DAY
    hi = np.minimum(customers.stop_day.to_numpy(), day_number(WORLD_END)) * MINUTES_PER_DAY
    return lo, np.where(customers.buys.to_numpy(), hi, lo)


def _account_span(customers: pd.DataFrame, after_stop_days: int) -> tuple[np.ndarray, np.ndarray]:
    lo = np.maximum(customers.created_min.to_numpy(), day_number(WORLD_START) * MINUTES_PER_DAY)
    stop = customers.stop_day.to_numpy()
    end = (
        np.where(stop < NEVER, np.minimum(stop, day_number(WORLD_END)) + after_stop_days, day_number(WORLD_END) + 1)
        * MINUTES_PER_DAY
    )
    hi = np.minimum(np.minimum(end, customers.deleted_min.to_numpy()), _world_end_minute())
    return lo, np.where(customers.has_account.to_numpy(), hi, lo)


def simulate_contacts(rng: np.random.Generator, customers: pd.DataFrame) -> pd.DataFrame:
    has_account = customers.has_account.to_numpy()
    count = np.where(has_account, 1 + np.minimum(rng.poisson(np.maximum(1.2 + 0.4 * _size(customers), 0.2)), 7), 0)
    owner = np.repeat(np.arange(len(customers)), count)
    n = len(owner)
    first_of_account = np.r_[True, owner[1:] != owner[:-1]] if n else np.zeros(0, bool)
    created = (
        customers.created_min.to_numpy()[owner] + rng.integers(0, 500, n) * MINUTES_PER_DAY + rng.integers(0, 480, n)
    )
    is_dm = rng.random(n) < np.where(first_of_account, 0.6, 0.2)
    first = rng.choice(names.FIRST_NAMES, n)
    last = rng.choice(names.LAST_NAMES, n)
    dm_title = rng.choice(names.DECISION_MAKER_TITLES, n)
    other_title = np.array(names.OTHER_TITLES, dtype=object)[rng.integers(0, len(names.OTHER_TITLES), n)]
    domain = [
        f"{name.split(' ')[0]}-{name.split(' ')[1]}.{suffix}".lower()
        for name, suffix in zip(customers.name.to_numpy()[owner], customers.domain_suffix.to_numpy()[owner])
    ]
    local_part = [f"{given[0]}.{family}".lower().replace("ü", "ue") for given, family in zip(first, last)]
    phone = [
        f"{p}-{a}-{b}"
        for p, a, b in zip(
            customers.phone_prefix.to_numpy()[owner], rng.integers(100, 999, n), rng.integers(1_000_000, 9_999_999, n)
        )
    ]
    frame = pd.DataFrame(
        {
            "customer": owner,
            "created_ts": created,
            "changed_ts": created + rng.integers(10, 900, n) * MINUTES_PER_DAY,
            "full_name": np.char.add(np.char.add(first, " "), last).astype(object),
            "email": np.where(
                rng.random(n) < 0.08,
                None,
                np.char.add(np.char.add(np.array(local_part, dtype=str), "@"), np.array(domain, dtype=str)).astype(
                    object
                ),
            ),
            "phone": np.where(rng.random(n) < 0.2, None, np.array(phone, dtype=object)),
            "job_title": np.where(is_dm, dm_title.astype(object), other_title),
            "is_decision_maker": is_dm,
        }
    )
    return frame.sort_values(["created_ts", "customer"], kind="stable", ignore_index=True)


def simulate_activities(rng: np.random.Generator, customers: pd.DataFrame) -> pd.DataFrame:
    lo, hi = _account_span(customers, after_stop_days=120)
    rate = np.maximum(2.0 + 10.0 * customers.kam_designated.to_numpy() + 1.5 * _size(customers), 0.5)
    owner, occurred = _scattered(rng, lo, hi, rate)
    n = len(owner)
    managers = np.array(names.ACCOUNT_MANAGERS, dtype=object)
    who = np.where(
        rng.random(n) < 0.88, customers.manager.to_numpy()[owner], managers[rng.integers(0, len(managers), n)]
    )
    return pd.DataFrame(
        {
            "customer": owner,
            "occurred_ts": occurred,
            "logged_ts": occurred + rng.integers(5, 300, n),
            "activity_type": rng.choice(ACTIVITY_TYPES, n, p=[0.4, 0.18, 0.3, 0.12]),
            "owner": who,
        }
    )


def simulate_opportunities(rng: np.random.Generator, customers: pd.DataFrame) -> pd.DataFrame:
    lo, hi = _account_span(customers, after_stop_days=0)
    rate = 0.35 + 1.2 * ~customers.buys.to_numpy() + 0.3 * customers.large.to_numpy()
    owner, created = _scattered(rng, lo, hi, rate)
    n = len(owner)
    u = rng.random(n)
    stage = np.where(u < 0.40, "won", np.where(u < 0.85, "lost", "open"))
    close = np.where(stage == "open", NEVER, created + rng.integers(14, 150, n) * MINUTES_PER_DAY)
    amount = np.rint(rng.lognormal(np.log(customers.annual_eur.to_numpy()[owner] * 0.5 + 20_000), 0.6) * 100)
    lost = stage == "lost"
    return pd.DataFrame(
        {
            "customer": owner,
            "created_ts": created,
            "logged_ts": created + rng.integers(5, 240, n),
            "close_ts": close,
            "final_stage": stage,
            "amount_cents": np.where(rng.random(n) < 0.08, -1, amount.astype(np.int64)),
            "lost_reason": np.where(lost, rng.choice(names.LOST_REASONS, n).astype(object), None),
            "competitor": np.where(rng.random(n) < 0.35, None, rng.choice(names.COMPETITORS, n).astype(object)),
        }
    )


def simulate_cases(rng: np.random.Generator, customers: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """Complaints about orders (late ones most often) and cases without an order."""
    stop = customers.stop_day.to_numpy()[orders.customer.to_numpy()]
    before_loss = (stop < NEVER) & (stop - orders.day.to_numpy() <= 180)
    late = orders.late.to_numpy()
    p = (0.012 + 0.05 * late) * np.where(before_loss, 2.5, 1.0)
    about = np.flatnonzero(rng.random(len(orders)) < p)
    base = np.where(
        orders.cancelled.to_numpy()[about], orders.order_ts.to_numpy()[about], orders.delivered_ts.to_numpy()[about]
    )
    opened_about = base + rng.integers(60, 10 * MINUTES_PER_DAY, len(about))
    lo, hi = _buying_span(customers)
    owner, opened_free = _scattered(rng, lo, hi, np.full(len(customers), 0.25))
    customer = np.r_[orders.customer.to_numpy()[about], owner]
    order = np.r_[about, np.full(len(owner), -1)]
    opened = np.r_[opened_about, opened_free]
    n = len(customer)
    category = rng.choice(CASE_CATEGORIES, n, p=[0.35, 0.15, 0.2, 0.2, 0.1]).astype(object)
    delivery_complaint = np.r_[late[about], np.zeros(len(owner), bool)] & (rng.random(n) < 0.75)
    category[delivery_complaint] = "delivery"
    frame = pd.DataFrame(
        {
            "customer": customer,
            "order": order,
            "opened_ts": opened,
            "logged_ts": opened + rng.integers(5, 90, n),
            "closed_ts": np.where(rng.random(n) < 0.08, NEVER, opened + rng.integers(60, 30 * MINUTES_PER_DAY, n)),
            "category": category,
            "severity": rng.choice(SEVERITIES, n, p=[0.5, 0.35, 0.15]),
        }
    )
    return frame.sort_values(["opened_ts", "customer"], kind="stable", ignore_index=True)


def simulate_surveys(rng: np.random.Generator, customers: pd.DataFrame) -> pd.DataFrame:
    lo, hi = _buying_span(customers)
    owner, responded = _scattered(rng, lo, hi, np.full(len(customers), 0.7))
    n = len(owner)
    stop = customers.stop_day.to_numpy()[owner]
    unhappy = (stop < NEVER) & (stop - responded // MINUTES_PER_DAY <= 180)
    mood = customers.satisfaction.to_numpy()[owner] - 1.2 * unhappy + rng.normal(0, 0.9, n)
    return pd.DataFrame(
        {
            "customer": owner,
            "responded_ts": responded,
            "logged_ts": responded + rng.integers(1, 15, n),
            "score": np.clip(np.rint(mood), 1, 5).astype(np.int64),
        }
    )
