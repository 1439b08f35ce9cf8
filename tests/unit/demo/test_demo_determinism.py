"""Same seed, as-of and size give the same drop; later nights continue earlier ones."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from kam.demo.generate import generate

from .conftest import AS_OF
from .contract_check import instants
from .drop_reader import read_erp_table


def test_two_generations_are_identical(small_drop, tmp_path):
    first, _ = small_drop
    second = tmp_path / "again"
    generate(second, AS_OF, seed=42, customers=80)
    for path in sorted((first / "crm").iterdir()) + [first / "manifest.json"]:
        assert (second / path.relative_to(first)).read_bytes() == path.read_bytes(), path.name
    for table in ("orders", "order_lines", "fx_rates"):
        pd.testing.assert_frame_equal(read_erp_table(first, table), read_erp_table(second, table))


def test_another_seed_gives_another_drop(small_drop, tmp_path):
    generate(tmp_path / "other", AS_OF, seed=7, customers=80)
    ours = (small_drop[0] / "crm" / "accounts.csv").read_text(encoding="utf-8")
    assert (tmp_path / "other" / "crm" / "accounts.csv").read_text(encoding="utf-8") != ours


def test_a_later_night_continues_the_same_history(small_drop, tmp_path):
    later = tmp_path / "later"
    generate(later, AS_OF + timedelta(days=7), seed=42, customers=80)
    before = read_erp_table(small_drop[0], "orders").dropna(subset=["order_id"]).drop_duplicates("order_id")
    after = read_erp_table(later, "orders").dropna(subset=["order_id"]).drop_duplicates("order_id")
    both = before.merge(after, on="order_id", suffixes=("_d", "_later"))
    assert len(both) > 0.9 * len(before)
    assert (both.customer_id_d == both.customer_id_later).all()
    assert (both.order_date_d == both.order_date_later).all()
    assert (instants(both.updated_at_later) >= instants(both.updated_at_d)).all()
    new = after[~after.order_id.isin(before.order_id)]
    assert (new.order_date > AS_OF.isoformat()).any()
