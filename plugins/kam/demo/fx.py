"""Exchange rates of the world: USD and GBP twice a month (1st and 16th), a random walk."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from kam.demo.timeline import WORLD_END, WORLD_START, day_number

RATED_CURRENCIES = {"USD": 0.92, "GBP": 1.17}  # start value, EUR per unit


def simulate_fx(rng: np.random.Generator) -> pd.DataFrame:
    """currency, rate_day, rate (EUR per unit, 6 places) for the whole world span."""
    first = date(WORLD_START.year - 1, 12, 1)
    days = []
    year, month = first.year, first.month
    while date(year, month, 1) <= WORLD_END:
        days += [day_number(date(year, month, 1)), day_number(date(year, month, 16))]
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    frames = []
    for currency, start in RATED_CURRENCIES.items():
        walk = start * np.exp(np.cumsum(rng.normal(0.0, 0.012, len(days))))
        frames.append(pd.DataFrame({"currency": currency, "rate_day": days, "rate": np.round(walk, 6)}))
    return pd.concat(frames, ignore_index=True)
