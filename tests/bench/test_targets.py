"""`bench.targets`: the ratios of issue 6 from measured rows; unmeasured inputs give n/a, never a pass."""

from __future__ import annotations

from bench.run import parse_scale
from bench.targets import evaluate, first_night_wall
from kam.pipeline import read_build


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
    _row("first night", "kam_nightly (whole DAG run)", 150, peak=3 * 1024),
    _row("dag parse", "DagBag(dags/)", 3, parse_s=1.5),
]


def test_every_target_from_rows():
    got = {t.name: (t.value, t.passed, t.binding) for t in evaluate(ROWS, "10m")}
    assert got == {
        "next night / first night dbt build": (0.1, True, True),
        "first-night dbt build / floor": (10.0, True, True),
        "reference pandas / ours (three rules), wall": (6.0, True, True),
        "reference pandas / ours (three rules), wall incl. dbt start-up": (4.0, False, True),
        "ours / reference pandas (three rules), peak memory": (0.4, True, True),
        "whole kam_nightly first night peak memory (GB)": (3.0, True, True),
        "DAG parse (s)": (1.5, False, True),
    }


def test_ten_to_one_million_uses_the_whole_run_or_the_stage_sum():
    one_m = [r for r in ROWS if r["stage"] != "kam_nightly (whole DAG run)"]
    assert first_night_wall(one_m) == 120
    ten_m = evaluate(ROWS, "10m", one_m)[-1]
    assert (ten_m.name, ten_m.value, ten_m.passed) == ("10M / 1M first night", 1.25, True)


def test_failed_or_missing_inputs_are_not_applicable():
    rows = [r if r["stage"] != "dbt build" or r["section"] != "next night" else {**r, "returncode": 1} for r in ROWS]
    rows = [r for r in rows if r["stage"] != "pandas reference"]
    got = {t.name: (t.value, t.passed) for t in evaluate(rows, "1m")}
    assert got["next night / first night dbt build"] == (None, None)
    assert got["reference pandas / ours (three rules), wall"] == (None, None)
    assert all(not t.binding for t in evaluate(rows, "1m"))


def test_parse_scale():
    assert [parse_scale(s) for s in ("1m", "10M", "20k", "50000")] == [1_000_000, 10_000_000, 20_000, 50_000]


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
