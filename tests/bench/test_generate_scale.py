"""`bench.generate_scale`: the chunked drop is the same for the same seed; the delta reads it part by part."""

from __future__ import annotations

from datetime import date

import pyarrow.compute as pc
import pyarrow.parquet as pq

from bench import generate_scale
from bench.generate_scale import generate, make_delta

AS_OF = date(2026, 11, 21)


def _read(folder, stem):
    return pq.read_table(sorted(folder.glob(f"{stem}_*.parquet")))


def test_chunks_of_one_drop_make_consistent_part_files(tmp_path, monkeypatch):
    monkeypatch.setattr(generate_scale, "CHUNK_ORDERS", 500)
    counts = generate(tmp_path / "drop", 5_000, AS_OF)
    erp = tmp_path / "drop" / "erp"
    assert [p.name for p in sorted(erp.glob("orders_*.parquet"))] == [f"orders_part00{i}.parquet" for i in range(4)]
    assert len(list(erp.glob("order_lines_*.parquet"))) == 4
    orders, lines = _read(erp, "orders"), _read(erp, "order_lines")
    assert (counts["orders"], counts["customers"], counts["order_lines"]) == (2_000, 25, lines.num_rows)
    assert orders["order_id"].to_pylist() == [f"SO{i:09d}" for i in range(2_000)]
    assert pc.all(pc.is_in(lines["order_id"], orders["order_id"])).as_py()
    assert pc.count_distinct(orders["customer_id"]).as_py() <= 25


def test_the_same_seed_gives_the_same_drop(tmp_path):
    generate(tmp_path / "a", 3_000, AS_OF)
    generate(tmp_path / "b", 3_000, AS_OF)
    generate(tmp_path / "c", 3_000, AS_OF, seed=9)
    for stem in ("orders", "order_lines"):
        assert _read(tmp_path / "a" / "erp", stem).equals(_read(tmp_path / "b" / "erp", stem))
        assert not _read(tmp_path / "a" / "erp", stem).equals(_read(tmp_path / "c" / "erp", stem))
    assert (tmp_path / "a" / "crm" / "accounts.csv").read_bytes() == (
        tmp_path / "b" / "crm" / "accounts.csv"
    ).read_bytes()


def test_the_delta_over_several_parts_adds_one_day(tmp_path, monkeypatch):
    monkeypatch.setattr(generate_scale, "CHUNK_ORDERS", 500)
    generate(tmp_path / "drop", 5_000, AS_OF)
    delta = make_delta(tmp_path / "next", tmp_path / "drop", AS_OF)
    erp, next_erp = tmp_path / "drop" / "erp", tmp_path / "next" / "erp"
    new_orders = pq.read_table(next_erp / "orders_delta20261122_000.parquet")
    new_lines = pq.read_table(next_erp / "order_lines_delta20261122_000.parquet")
    base_lines = _read(erp, "order_lines")
    template_lines = base_lines.filter(pc.is_in(base_lines["order_id"], _read(erp, "orders")["order_id"][:2]))
    assert (delta["new_orders"], delta["new_lines"]) == (2, template_lines.num_rows)
    assert new_orders.num_rows == 2 + delta["delivered_orders"]
    assert new_lines.num_rows == delta["new_lines"] + delta["delivered_lines"]
    delivered = new_orders.filter(pc.equal(new_orders["status"], "delivered"))
    assert delivered.num_rows == delta["delivered_orders"] and delivered.num_rows > 0
    assert {d.isoformat() for d in delivered["delivered_date"].to_pylist()} == {"2026-11-22"}
    assert len(list(next_erp.glob("*_part*.parquet"))) == 8  # the base, hard-linked
