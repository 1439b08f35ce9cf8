"""`bench.run`: the `--stages` filter, runs in parts that reuse the work folder, the memory-capped reference."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bench.generate_scale import generate, make_delta
from bench.run import Bench, main, plan_problems, select_stages, stage_env, succeeded

AS_OF = date(2026, 11, 21)


def test_stages_run_in_their_order_whatever_the_order_named():
    assert select_stages("next,generate , first") == ["generate", "first", "next"]
    assert select_stages(None) == [
        "generate",
        "first",
        "floor",
        "reference",
        "next",
        "refresh",
        "recheck",
        "dag",
        "example",
        "parse",
    ]


def test_no_dag_drops_the_airflow_stages():
    assert select_stages("generate,dag,example,parse", with_dag=False) == ["generate", "parse"]


def test_an_unknown_stage_is_refused():
    with pytest.raises(ValueError, match="unknown stage\\(s\\) nightly"):
        select_stages("first,nightly")


def test_what_each_stage_needs_from_earlier_parts():
    fresh = {"stages_night": None}
    assert plan_problems(["generate", "first", "reference", "next", "refresh", "recheck"], fresh, False, AS_OF) == []
    assert plan_problems(["first"], fresh, False, AS_OF) == ["no drop in the work folder: add generate"]
    assert plan_problems(["next", "refresh"], fresh, True, AS_OF) == [
        "next needs the stage warehouse at the first night 2026-11-21: add first"
    ]
    after_first = {"stages_night": "2026-11-21"}
    assert plan_problems(["floor", "reference", "next", "recheck"], after_first, True, AS_OF) == []
    assert plan_problems(["generate", "next"], after_first, True, AS_OF) == [  # a new drop: a new first night
        "next needs the stage warehouse at the first night 2026-11-21: add first"
    ]
    assert plan_problems(["refresh"], after_first, True, AS_OF) == [
        "refresh needs the stage warehouse at the next night 2026-11-22: add next"
    ]
    after_next = {"stages_night": "2026-11-22"}
    assert plan_problems(["refresh", "recheck", "dag", "example"], after_next, True, AS_OF) == []
    assert plan_problems(["reference", "recheck", "dag"], after_next, True, AS_OF) == [
        "reference needs the stage warehouse at the first night 2026-11-21: add first"
    ]


def test_a_run_in_parts_reuses_the_work_folder_and_merges_the_rows(tmp_path):
    work, results = tmp_path / "work", tmp_path / "results"
    args = ["--scale", "2k", "--work", str(work), "--results", str(results)]
    assert main([*args, "--stages", "parse"]) == 2  # no drop yet
    assert main([*args, "--stages", "generate"]) == 0
    assert main([*args, "--stages", "parse"]) == 0
    result = json.loads((results / "bench_2k.json").read_text())
    assert [(r["part"], r["stage"]) for r in result["rows"]] == [
        ("generate", "generate drop + next-night delta"),
        ("parse", "DagBag(dags/)"),
    ]
    assert result["runner"]["stages"] == ["parse"]
    assert (work / "drop" / "manifest.json").exists()  # --work is never deleted
    assert main([*args, "--stages", "next"]) == 2  # the first night was never run here


def test_the_pandas_reference_over_its_memory_cap_is_reported_out_of_memory(tmp_path):
    drop = tmp_path / "drop"
    generate(drop, 2_000, AS_OF)
    make_delta(tmp_path / "drop_next", drop, AS_OF)
    bench = Bench(tmp_path, 2_000, reference_memory_gb=0.005)
    row = bench.reference(
        "reference", "pandas reference", stage_env(tmp_path / "home", drop), drop, AS_OF, tmp_path / "none.duckdb", "c"
    )
    assert (row["out_of_memory"], row["returncode"], row["memory_limit_gb"]) == (True, -9, 0.005)
    assert bench.checks["c"] == {"equal": None, "skipped": "pandas reference out of memory at 0.005 GB", "part": ""}
    assert succeeded({"rows": bench.rows, "checks": bench.checks})
