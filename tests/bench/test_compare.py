"""`bench.compare`: the reference comparison and the warehouse-to-warehouse table comparison."""

from __future__ import annotations

import duckdb
import pandas as pd

from bench.compare import compare_reference, compare_warehouses


def _warehouse(path, rows, extra_table=False):
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(
        "create table marts.customer_segments (customer_id varchar, abc_revenue varchar, "
        "xyz_class varchar, lapse_status varchar, revenue_12m decimal(18,2))"
    )
    con.executemany("insert into marts.customer_segments values (?, ?, ?, ?, ?)", rows)
    if extra_table:
        con.execute("create table marts.only_here (x integer)")
    con.close()
    return path


OURS = [("C1", "A", "X", "active", 10.0), ("C2", "B", None, "lost", 5.0), ("C3", None, None, "never_ordered", 0.0)]


def test_reference_equal_when_unknown_customer_is_never_ordered(tmp_path):
    wh = _warehouse(tmp_path / "wh.duckdb", OURS)
    ref = tmp_path / "ref.parquet"
    pd.DataFrame(
        {
            "customer_id": ["C1", "C2"],
            "abc_revenue": ["A", "B"],
            "xyz_class": ["X", None],
            "lapse_status": ["active", "lost"],
        }
    ).to_parquet(ref)
    result = compare_reference(wh, ref)
    assert result == {"equal": True, "mismatches": 0, "customers_ours": 3, "customers_reference": 2, "sample": []}


def test_reference_mismatches_are_counted_and_shown(tmp_path):
    wh = _warehouse(tmp_path / "wh.duckdb", OURS)
    ref = tmp_path / "ref.parquet"
    pd.DataFrame(
        {
            "customer_id": ["C1", "C2", "C9"],
            "abc_revenue": ["A", "C", "C"],
            "xyz_class": ["Y", None, None],
            "lapse_status": ["active", "lost", "lapsed"],
        }
    ).to_parquet(ref)
    result = compare_reference(wh, ref)
    assert result["equal"] is False
    assert result["mismatches"] == 3
    assert [(s["customer_id"], s["in_ours"]) for s in result["sample"]] == [
        ("C1", "True"),
        ("C2", "True"),
        ("C9", "False"),
    ]


def test_warehouses_equal_and_different(tmp_path):
    a = _warehouse(tmp_path / "a.duckdb", OURS)
    b = _warehouse(tmp_path / "b.duckdb", list(reversed(OURS)))
    c = _warehouse(tmp_path / "c.duckdb", OURS[:2] + [("C3", None, None, "never_ordered", 0.01)], extra_table=True)
    same = compare_warehouses(a, b)
    assert same["equal"] is True
    assert same["tables"] == {"customer_segments": {"equal": True, "rows": 3, "only_left": 0, "only_right": 0}}
    diff = compare_warehouses(a, c)
    assert diff["equal"] is False
    assert diff["tables"]["customer_segments"] == {"equal": False, "rows": 3, "only_left": 1, "only_right": 1}
    assert diff["tables"]["only_here"] == {"equal": False, "problem": "missing in left"}


def test_doubles_of_two_engines_are_compared_to_their_significant_digits(tmp_path):
    def shares(path, share):
        con = duckdb.connect(str(path))
        con.execute("create schema marts")
        con.execute("create table marts.abc_xyz_matrix (abc_xyz varchar, revenue_share double)")
        con.execute("insert into marts.abc_xyz_matrix values ('AY', ?), ('BX', null)", [share])
        con.close()
        return path

    duckdb_side = shares(tmp_path / "duckdb.duckdb", 0.3812778023972169)
    spark_side = shares(tmp_path / "spark.duckdb", 0.38127780239721687)  # the last bits of the same share
    elsewhere = shares(tmp_path / "other.duckdb", 0.3812778024)
    assert compare_warehouses(duckdb_side, spark_side)["equal"] is False
    assert compare_warehouses(duckdb_side, spark_side, float_digits=12)["equal"] is True
    assert compare_warehouses(duckdb_side, elsewhere, float_digits=12)["tables"]["abc_xyz_matrix"] == {
        "equal": False,
        "rows": 2,
        "only_left": 1,
        "only_right": 1,
    }
