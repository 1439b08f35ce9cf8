"""The customers of the simulated world, with their accounts and buying behaviour.

Customer slots held one after another give long-standing, new and lapsed customers at any date;
heavy-tailed sizes, per-customer cadences, and a few fixed edge cases the rules must handle.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kam.demo import names
from kam.demo.timeline import MINUTES_PER_DAY, NEVER, WORLD_END, WORLD_START, day_number

CADENCES = ("weekly", "monthly", "quarterly", "erratic")
GAP_MEAN_DAYS = np.array([7.0, 30.4, 91.0, 45.0])
VALUE_SIGMA = np.array([0.25, 0.30, 0.35, 1.0])  # spread of order values (log scale)
TENURES_PER_SLOT = 4
MEAN_LIFETIME_DAYS = 9 * 365
NORMAL, NO_ACCOUNT, DELETED_WITH_ORDERS, DELETED_PROSPECT, LEADING_ZEROS = 0, 1, 2, 3, 4


def _tenures(rng: np.random.Generator, n_slots: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Start and stop day of every customer, slot by slot, and its special role."""
    world_start, world_end = day_number(WORLD_START), day_number(WORLD_END)
    life = rng.exponential(MEAN_LIFETIME_DAYS, (n_slots, TENURES_PER_SLOT)).astype(np.int64) + 120
    gap = rng.integers(60, 720, (n_slots, TENURES_PER_SLOT))
    start = np.empty((n_slots, TENURES_PER_SLOT), dtype=np.int64)
    start[:, 0] = world_start - rng.integers(0, 8 * 365, n_slots)
    for t in range(TENURES_PER_SLOT - 1):
        start[:, t + 1] = start[:, t] + life[:, t] + gap[:, t]
    stop = start + life
    role = np.zeros((n_slots, TENURES_PER_SLOT), dtype=np.int64)
    n_without_account = max(1, n_slots // 700)
    special = rng.choice(n_slots, n_without_account + 3, replace=False)
    role[special[:n_without_account], 0] = NO_ACCOUNT
    role[special[-3], 0] = LEADING_ZEROS
    role[special[-2], 0] = DELETED_WITH_ORDERS
    role[special[-1], 0] = DELETED_PROSPECT
    start[special, 0] = world_start - 1000
    stop[special, 0] = NEVER  # present in every drop
    start[special, 1:] = NEVER
    slot, tenure = np.nonzero(start <= world_end)
    return slot, start[slot, tenure], stop[slot, tenure], role[slot, tenure]


def _account_ids(rng: np.random.Generator, role: np.ndarray) -> np.ndarray:
    """`C12345`-style ids, and about 2% all-digit ids with leading zeros (`004711`)."""
    n = len(role)
    numbers = rng.permutation(90000)[:n] + 10000
    ids = np.char.add("C", numbers.astype(str)).astype(object)
    zero_padded = (rng.random(n) < 0.02) | (role == LEADING_ZEROS)
    ids[zero_padded] = np.char.zfill((rng.permutation(9000)[: zero_padded.sum()] + 1000).astype(str), 6)
    return ids


def _cadences(rng: np.random.Generator, large: np.ndarray) -> np.ndarray:
    u = rng.random(len(large))
    edges = np.where(large[:, None], [0.45, 0.80, 0.90], [0.12, 0.48, 0.74])
    return (u[:, None] >= edges).sum(axis=1)


def simulate_customers(rng: np.random.Generator, n_slots: int) -> pd.DataFrame:
    """One row per customer of the world (every tenure of every slot)."""
    slot, start, stop, role = _tenures(rng, n_slots)
    n = len(slot)
    annual = np.minimum(rng.lognormal(np.log(20_000), 1.7, n), 5e6)
    annual[role == NO_ACCOUNT] = rng.uniform(3000, 8000, (role == NO_ACCOUNT).sum())
    large = annual >= np.quantile(annual, 0.9)
    cadence = _cadences(rng, large)
    cadence[role == NO_ACCOUNT] = 2
    cadence[role == DELETED_WITH_ORDERS] = 1
    buys = (rng.random(n) >= 0.05) & (role != DELETED_PROSPECT)
    buys[(role == NO_ACCOUNT) | (role == DELETED_WITH_ORDERS)] = True

    country = rng.choice(len(names.COUNTRIES), n, p=[c[3] for c in names.COUNTRIES])
    country_code = np.array([c[0] for c in names.COUNTRIES])[country]
    stems = rng.choice(names.NAME_STEMS, n)
    trades = rng.choice(names.NAME_TRADES, n)
    legal = np.array([names.LEGAL_FORMS[c] for c in country_code])
    company = np.char.add(np.char.add(np.char.add(stems, " "), np.char.add(trades, " ")), legal)

    budget = np.where(buys, annual * rng.uniform(1.3, 4.5, n), rng.uniform(20_000, 1_500_000, n))
    budget = np.round(budget / 1000) * 1000
    budget[rng.random(n) < 0.15] = np.nan
    employees = np.clip(np.round(annual / 1500 * rng.lognormal(0, 0.6, n)), 5, 60_000)
    employees[rng.random(n) < 0.08] = np.nan

    managers = np.array(names.ACCOUNT_MANAGERS, dtype=object)
    manager = managers[rng.integers(0, len(managers), n)]
    manager[(rng.random(n) < 0.07) & ~large] = None
    previous_manager = np.where(rng.random(n) < 0.25, managers[rng.integers(0, len(managers), n)], manager)
    industry = np.array(names.INDUSTRIES, dtype=object)[rng.integers(0, len(names.INDUSTRIES), n)]
    industry[rng.random(n) < 0.04] = None

    created = (start - rng.integers(10, 200, n)) * MINUTES_PER_DAY + rng.integers(480, 1080, n)
    changed = created + rng.integers(30, 1000, n) * MINUTES_PER_DAY + rng.integers(0, 600, n)
    deleted = np.full(n, NEVER, dtype=np.int64)
    churned_and_deleted = (stop < NEVER) & buys & (rng.random(n) < 0.005)
    deleted[churned_and_deleted] = (
        stop[churned_and_deleted] + rng.integers(90, 400, churned_and_deleted.sum())
    ) * MINUTES_PER_DAY + 600
    special_deleted = (role == DELETED_WITH_ORDERS) | (role == DELETED_PROSPECT)
    deleted[special_deleted] = (day_number(WORLD_START) - 20) * MINUTES_PER_DAY + 600

    return pd.DataFrame(
        {
            "slot": slot,
            "role": role,
            "start_day": start,
            "stop_day": stop,
            "buys": buys,
            "has_account": role != NO_ACCOUNT,
            "account_id": _account_ids(rng, role),
            "annual_eur": annual,
            "large": large,
            "cadence": cadence,
            "country": country_code,
            "region": np.array([c[1] for c in names.COUNTRIES])[country],
            "currency": np.array([c[2] for c in names.COUNTRIES])[country],
            "domain_suffix": np.array([c[4] for c in names.COUNTRIES])[country],
            "phone_prefix": np.array([c[5] for c in names.COUNTRIES])[country],
            "name": company.astype(object),
            "industry": industry,
            "employees": employees,
            "budget": budget,
            "manager": manager,
            "previous_manager": previous_manager,
            "kam_designated": rng.random(n) < np.where(large, 0.45, 0.04),
            "is_image_maker": rng.random(n) < np.where(large, 0.12, 0.03),
            "is_expert": rng.random(n) < 0.06,
            "price_factor": np.where(rng.random(n) < 0.03, 0.72, rng.uniform(0.9, 1.05, n)),
            "late_factor": np.where(rng.random(n) < 0.2, 2.5, 1.0),
            "lead_days": rng.integers(3, 22, n),
            "satisfaction": rng.normal(3.9, 0.5, n),
            "created_min": created,
            "changed_min": changed,
            "deleted_min": deleted,
        }
    )
