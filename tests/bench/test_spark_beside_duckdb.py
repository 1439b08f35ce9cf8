"""`make bench ENGINE=spark`: the parts measured on Spark, the results files, the report beside DuckDB's.

From fixed rows (no Spark run): the night totals and ratios, the Spark-only stages, where dbt's time goes.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from bench.report import markdown, write_results
from bench.run import parity_check, plan_problems, select_stages
from bench.side_by_side import COPY_BACK, HANDOFF, night_totals

AS_OF = date(2026, 11, 21)


def _row(section: str, stage: str, wall: float, returncode: int = 0, **extra) -> dict:
    return {
        "section": section,
        "stage": stage,
        "wall_s": wall,
        "cpu_s": wall * 2,
        "peak_rss_mb": 1500.0,
        "returncode": returncode,
        **extra,
    }


def _dbt(elapsed: float, model: float, test: float, slowest: list[tuple[str, float]]) -> dict:
    return {
        "elapsed_s": elapsed,
        "per_type": {"model": {"nodes": 32, "execution_s": model}, "test": {"nodes": 256, "execution_s": test}},
        "slowest": [{"node": n, "execution_s": s} for n, s in slowest],
    }


DUCKDB_ROWS = [
    _row("first night", "extraction", 60.0),
    _row("first night", "dbt build", 50.0, dbt=_dbt(40.0, 37.0, 19.0, [("int_orders", 20.0), ("int_x", 4.0)])),
    _row("first night", "gate", 5.0),
    _row("first night", "publish", 3.0),
    _row("first night", "export", 12.0),
    _row("first night", "kam_nightly (whole DAG run)", 140.0),
]
SPARK_ROWS = [
    _row("first night", "extraction", 60.0),
    _row("first night", HANDOFF, 20.0),
    _row("first night", "dbt build", 600.0, dbt=_dbt(580.0, 400.0, 180.0, [("int_orders", 90.0), ("stg_y", 30.0)])),
    _row("first night", COPY_BACK, 10.0),
    _row("first night", "gate", 5.0),
    _row("first night", "publish", 3.0),
    _row("first night", "export", 12.0),
    _row("first night", "kam_nightly (whole DAG run)", 700.0),
]


def _spark_result(duckdb_rows: list[dict] | None) -> dict:
    return {
        "scale": "10m",
        "engine": "spark",
        "order_lines": 9_999_957,
        "customers": 50_000,
        "as_of": "2026-11-21",
        "machine": "vm: 2 CPUs",
        "spark_master": "local[2]",
        "duckdb_threads": "2",
        "duckdb_memory_limit": "4GB",
        "started_at": "2026-12-02T00:00:00+00:00",
        "rows": SPARK_ROWS,
        "checks": {},
        "targets": [],
        "duckdb": None if duckdb_rows is None else {"started_at": "2026-12-01T18:09:04+00:00", "rows": duckdb_rows},
    }


def test_spark_runs_its_nights_and_whole_dag_runs_and_compares_with_duckdb():
    assert select_stages(None, engine="spark") == ["generate", "first", "next", "parity", "dag", "example"]
    assert select_stages("parity,first", engine="spark") == ["first", "parity"]
    assert "parity" not in select_stages(None)


def test_a_part_that_is_not_measured_on_spark_is_refused():
    with pytest.raises(ValueError, match=r"unknown stage\(s\) floor, refresh on spark"):
        select_stages("first,floor,refresh", engine="spark")
    with pytest.raises(ValueError, match=r"unknown stage\(s\) parity on duckdb"):
        select_stages("parity")


def test_parity_needs_the_next_night():
    assert plan_problems(["first", "next", "parity"], {"stages_night": None}, True, AS_OF) == []
    assert plan_problems(["parity"], {"stages_night": "2026-11-21"}, True, AS_OF) == [
        "parity needs the stage warehouse at the next night 2026-11-22: add next"
    ]


def test_parity_is_not_checked_without_the_duckdb_run_at_the_next_night(tmp_path):
    assert parity_check(tmp_path / "landing.duckdb", None, "2026-11-22") == {
        "equal": None,
        "skipped": "no DuckDB results file of this scale",
    }
    gone = {"work": str(tmp_path / "gone")}
    assert parity_check(tmp_path / "landing.duckdb", gone, "2026-11-22")["skipped"] == (
        f"the DuckDB run's work folder {tmp_path / 'gone'} is gone"
    )
    (tmp_path / "bench_state.json").write_text(json.dumps({"stages_night": "2026-11-21"}))
    assert parity_check(tmp_path / "landing.duckdb", {"work": str(tmp_path)}, "2026-11-22")["skipped"] == (
        "the DuckDB run's stage warehouse is not at the next night 2026-11-22"
    )


def test_a_night_total_is_its_stages_summed_and_none_when_one_failed():
    assert night_totals(_spark_result(None), "first night") == 710.0
    assert night_totals({"rows": DUCKDB_ROWS}, "first night") == 130.0
    assert night_totals({"rows": DUCKDB_ROWS}, "first night", "cpu_s") == 260.0
    failed = {"rows": [*DUCKDB_ROWS[:1], _row("first night", "dbt build", 9.0, returncode=1)]}
    assert night_totals(failed, "first night") is None
    assert night_totals({"rows": DUCKDB_ROWS}, "next night") is None


def test_the_report_sets_every_spark_stage_beside_duckdb():
    text = markdown(_spark_result(DUCKDB_ROWS))
    assert text.startswith("# Benchmark 10m on Spark (9,999,957 order lines, 50,000 customers)")
    assert "Spark master local[2]" in text
    assert "| target |" not in text  # issue 11's targets are DuckDB's
    assert (
        "### first night: Spark 710.0 s, DuckDB 130.0 s (Spark is 5.5× slower; CPU 1,420.0 s against 260.0 s, 5.5×)"
        in text
    )
    assert "| extraction | 60.0 | 60.0 | 1.0× | 8 % | 120.0 | 120.0 | 1.0× | 1,500 |" in text
    assert f"| {HANDOFF} | — | 20.0 | — | 3 % | — | 40.0 | — | 1,500 |" in text
    assert "| dbt build | 50.0 | 600.0 | 12.0× | 85 % | 100.0 | 1,200.0 | 12.0× | 1,500 |" in text
    assert f"| {COPY_BACK} | — | 10.0 | — | 1 % | — | 20.0 | — | 1,500 |" in text
    assert "| first night | 140.0 | 700.0 | 5.0× | 280.0 | 1,400.0 | 1,500 | 1,500 |" in text
    assert "execution phase Spark 580.0 s, DuckDB 40.0 s" in text
    assert "| model | 32 | 37.0 | 400.0 | 10.8× |" in text
    assert "| test | 256 | 19.0 | 180.0 | 9.5× |" in text
    # a node DuckDB did not keep among its slowest took at most its slowest kept node's time
    assert "| int_orders | 90.0 | 20.0 |" in text
    assert "| stg_y | 30.0 | ≤ 4.0 |" in text
    assert "next night" not in text


def test_a_night_with_a_failed_stage_shows_what_the_others_took():
    result = _spark_result(DUCKDB_ROWS)
    result["rows"] = [r if r["stage"] != "publish" else {**r, "returncode": 3} for r in SPARK_ROWS]
    text = markdown(result)
    assert "### first night: Spark ≥ 707.0 (publish failed) s, DuckDB 130.0 s (Spark is — slower;" in text
    assert "| publish | 3.0 | FAILED | — | — | 6.0 | 6.0 |" in text


def test_without_duckdb_figures_the_report_says_how_to_get_them():
    text = markdown(_spark_result(None))
    assert "No bench_10m.json: run `make bench SCALE=10m` first for the DuckDB figures." in text
    assert "| dbt build | — | 600.0 | — | 85 % | — | 1,200.0 | — | 1,500 |" in text


def test_spark_results_have_their_own_files(tmp_path):
    json_path, md_path = write_results(_spark_result(DUCKDB_ROWS), tmp_path)
    assert (json_path.name, md_path.name) == ("bench_10m_spark.json", "bench_10m_spark.md")
    assert json.loads(json_path.read_text())["duckdb"]["rows"] == DUCKDB_ROWS


def test_a_work_folder_holds_one_engine(tmp_path, capsys):
    from bench.run import main

    args = ["--scale", "2k", "--work", str(tmp_path / "work"), "--results", str(tmp_path / "results")]
    assert main([*args, "--engine", "spark", "--stages", "generate"]) == 0
    assert json.loads((tmp_path / "results" / "bench_2k_spark.json").read_text())["engine"] == "spark"
    assert main([*args, "--stages", "generate"]) == 2
    assert (
        f"{tmp_path / 'work'} holds a spark run of 2k as-of 2026-11-21: use another --work" in capsys.readouterr().err
    )
