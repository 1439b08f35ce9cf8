"""The product catalogue: category, list price in EUR, cost ratio, unknown costs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kam.demo import names

N_PRODUCTS = 240


def simulate_products(rng: np.random.Generator) -> pd.DataFrame:
    """One row per product; popularity follows a Zipf-like curve."""
    popularity = 1.0 / np.arange(1, N_PRODUCTS + 1) ** 0.8
    return pd.DataFrame(
        {
            "product_id": [f"P-{10001 + i}" for i in range(N_PRODUCTS)],
            "category": rng.choice(names.PRODUCT_CATEGORIES, N_PRODUCTS),
            "list_price_eur": np.round(rng.lognormal(np.log(30), 1.0, N_PRODUCTS), 2) + 0.5,
            "cost_ratio": rng.uniform(0.55, 0.85, N_PRODUCTS),
            "cost_unknown": rng.random(N_PRODUCTS) < 0.04,
            "weight": rng.permutation(popularity / popularity.sum()),
        }
    )
