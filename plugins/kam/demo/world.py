"""The simulated world: every customer, order and CRM row, independent of the as-of date.

Built from the seed and the number of customers only, so that the drops of two
nights are views of one history (a later night adds rows and changes states,
it does not rewrite the past).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kam.demo.crm_events import (
    simulate_activities,
    simulate_cases,
    simulate_contacts,
    simulate_opportunities,
    simulate_surveys,
)
from kam.demo.customers import simulate_customers
from kam.demo.fx import simulate_fx
from kam.demo.orders import simulate_lines, simulate_orders
from kam.demo.products import simulate_products

CUSTOMERS_PER_SLOT = 1.2  # a drop shows about this many customers per slot (new and slipped-away ones)


@dataclass(frozen=True)
class World:
    customers: pd.DataFrame
    orders: pd.DataFrame
    lines: pd.DataFrame
    fx: pd.DataFrame
    contacts: pd.DataFrame
    activities: pd.DataFrame
    opportunities: pd.DataFrame
    cases: pd.DataFrame
    surveys: pd.DataFrame


def simulate_world(seed: int, customers: int) -> World:
    """The world of about `customers` customers per drop."""
    if customers < 10:
        raise ValueError(f"demo needs at least 10 customers, got {customers}")
    rng = np.random.default_rng(seed)
    people = simulate_customers(rng, max(8, round(customers / CUSTOMERS_PER_SLOT)))
    products = simulate_products(rng)
    orders = simulate_orders(rng, people)
    return World(
        customers=people,
        orders=orders,
        lines=simulate_lines(rng, orders, products),
        fx=simulate_fx(rng),
        contacts=simulate_contacts(rng, people),
        activities=simulate_activities(rng, people),
        opportunities=simulate_opportunities(rng, people),
        cases=simulate_cases(rng, people, orders),
        surveys=simulate_surveys(rng, people),
    )
