"""`bench.targets`: the ratios of issue 11 from fixed rows; unmeasured inputs give n/a, never a pass."""

from __future__ import annotations

from bench.run import parse_scale
from bench.targets import evaluate
from kam.pipeline import read_build

DAG = "kam_nightly (whole DAG run)"


def _row(section, stage, wall, peak=100.0, returncode=0, **extra):
    return {
        "section": section,
        "stage": stage,
        "wall_s": wall,
        "cpu_s": wall,
        "peak_rss_mb": peak,
        "returncode": returncode,
        **extra,
    }


ROWS = [
    _row("first night", "extraction", 10),
    _row("first night", "dbt build", 100),
    _row("first night", "gate", 5),
    _row("first night", "publish", 2),
    _row("first night", "export", 3),
    _row("floor", "revenue per customer and month", 10),
    _row("reference", "ours: dbt models of the three rules", 30, peak=400, dbt_elapsed_s=20),
    _row("reference", "pandas reference", 120, peak=1000),
    _row("next night", "dbt build", 10),
    _row("first night", DAG, 150, peak=3 * 1024),
    _row("next night", DAG, 27),
    _row("worked example", DAG, 12),
]
ONE_M = [_row("next night", DAG, 20)]
TEN_M = [_row("next night", DAG, 13.5)]
PANDAS_OURS = "pandas / ours, the three rules, whole process wall (dbt start-up included)"


def _table(targets):
    return {t.name: (t.value, t.passed, t.binding) for t in targets}


def test_every_target_of_a_10m_run():
    assert _table(evaluate(ROWS, "10m", {"1m": ONE_M})) == {
        "next night / first night, whole DAG, 10M": (0.18, True, True),
        "next night / first night, dbt build, 10M": (0.1, True, True),
        "next night 10M / next night 1M, whole DAG (cost follows the delta)": (1.35, True, True),
        "first-night dbt build / floor, 10M": (10.0, True, True),
        "worked-example night (fixed cost) / first night 10M, whole DAG": (0.08, True, True),
        f"{PANDAS_OURS}, 10M": (4.0, False, True),
        f"{PANDAS_OURS}, 1M": (4.0, True, False),
        "ours / pandas, peak memory, 10M": (0.4, True, True),
        "gate / floor, 10M": (0.5, True, True),
        "export / floor, 10M": (0.3, True, True),
        "whole-run peak memory, 10M": (3.0, False, True),
        "whole-run peak memory, 100M (first night)": (3.0, True, False),
    }


def test_a_100m_run_compares_its_next_night_with_10m_and_binds_its_memory_bound():
    got = _table(evaluate(ROWS, "100m", {"1m": ONE_M, "10m": TEN_M}))
    assert got["next night 100M / next night 10M, whole DAG"] == (2.0, True, True)
    assert got["whole-run peak memory, 100M (first night)"] == (3.0, True, True)
    assert "next night 10M / next night 1M, whole DAG (cost follows the delta)" not in got
    assert [t.name for t in evaluate(ROWS, "100m") if t.binding] == [
        "next night 100M / next night 10M, whole DAG",
        "whole-run peak memory, 100M (first night)",
    ]


def test_a_1m_run_binds_only_the_1m_target():
    targets = evaluate(ROWS, "1m")
    assert [(t.name, t.value, t.passed) for t in targets if t.binding] == [(f"{PANDAS_OURS}, 1M", 4.0, True)]
    assert not [t.name for t in targets if t.name.startswith(("next night 10M /", "next night 100M /"))]


def test_a_missing_other_scale_is_not_applicable_with_the_reason():
    target = next(t for t in evaluate(ROWS, "10m") if t.name.startswith("next night 10M"))
    assert (target.value, target.passed, target.note) == (None, None, "no bench_1m.json in the results folder")


def test_pandas_out_of_memory_makes_its_targets_not_applicable_with_the_outcome():
    rows = [
        r
        if r["stage"] != "pandas reference"
        else {**r, "returncode": -9, "out_of_memory": True, "memory_limit_gb": 20.0, "peak_rss_mb": 20500}
        for r in ROWS
    ]
    got = {t.name: (t.value, t.passed, t.note) for t in evaluate(rows, "10m")}
    for name in (f"{PANDAS_OURS}, 10M", f"{PANDAS_OURS}, 1M", "ours / pandas, peak memory, 10M"):
        assert got[name] == (None, None, "pandas out of memory at 20.0 GB")
    assert got["gate / floor, 10M"] == (0.5, True, "")


def test_failed_or_missing_inputs_are_not_applicable():
    rows = [r if r["stage"] != "dbt build" or r["section"] != "next night" else {**r, "returncode": 1} for r in ROWS]
    rows = [r for r in rows if r["section"] != "worked example"]
    got = {t.name: (t.value, t.passed) for t in evaluate(rows, "1m")}
    assert got["next night / first night, dbt build, 10M"] == (None, None)
    assert got["worked-example night (fixed cost) / first night 10M, whole DAG"] == (None, None)


def test_parse_scale():
    assert [parse_scale(s) for s in ("1m", "10M", "100m", "20k", "50000")] == [
        1_000_000,
        10_000_000,
        100_000_000,
        20_000,
        50_000,
    ]


def test_dbt_failures_from_run_results(tmp_path):
    path = tmp_path / "run_results.json"
    path.write_text(
        '{"results": ['
        '{"unique_id": "model.kam_warehouse.int_orders", "status": "success"},'
        '{"unique_id": "test.kam_warehouse.not_null_x.abc", "status": "fail"},'
        '{"unique_id": "model.kam_warehouse.customer_segments", "status": "skipped"},'
        '{"unique_id": "unit_test.kam_warehouse.int_customer_abc.t1", "status": "error"}]}'
    )
    build = read_build(tmp_path)
    assert build["failures"] == ["int_customer_abc.t1", "not_null_x", "customer_segments (skipped)"]
    assert build["status_counts"] == {"error": 1, "fail": 1, "skipped": 1, "success": 1}
    missing = tmp_path / "missing"
    assert read_build(missing)["failures"] == [f"dbt build left no run_results.json in {missing}"]
