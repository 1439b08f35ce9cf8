"""Smoke run of the benchmark on a tiny drop, so `make bench` cannot rot.

Runs `python -m bench.run --scale 20k --no-dag` end to end (generation, both
nights stage by stage, floor, pandas reference, full-refresh comparison, DAG
parse) into pytest's tmp_path and checks the results files: every measured row
present and successful (the floor as the best of three), the reference equal to
our customer_segments, the incremental build equal to the full refresh, every
target of the issue listed. No timing assertions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[2]
EXPECTED_ROWS = [
    ("setup", "generate drop + next-night delta"),
    *[("first night", s) for s in ("extraction", "dbt build", "gate", "publish", "export")],
    ("floor", "revenue per customer and month"),
    ("reference", "ours: dbt models of the three rules"),
    ("reference", "pandas reference"),
    *[("next night", s) for s in ("extraction", "dbt build", "gate", "publish", "export")],
    ("next night", "dbt build --full-refresh (same night)"),
    ("next night", "pandas reference (check only)"),
    ("dag parse", "DagBag(dags/)"),
]
EXPECTED_CHECKS = [
    "reference equals ours (first night)",
    "incremental equals full refresh (next night, marts)",
    "reference equals ours (next night)",
]
TARGETS = [
    "next night / first night, whole DAG, 10M",
    "next night / first night, dbt build, 10M",
    "first-night dbt build / floor, 10M",
    "worked-example night (fixed cost) / first night 10M, whole DAG",
    "pandas / ours, the three rules, whole process wall (dbt start-up included), 10M",
    "pandas / ours, the three rules, whole process wall (dbt start-up included), 1M",
    "ours / pandas, peak memory, 10M",
    "gate / floor, 10M",
    "export / floor, 10M",
    "whole-run peak memory, 10M",
    "whole-run peak memory, 100M (first night)",
]


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    tmp = tmp_path_factory.mktemp("bench")
    results = tmp / "results"
    env = {k: v for k, v in os.environ.items() if k not in ("KAM_HOME", "AIRFLOW_HOME")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT / "plugins"), str(REPO_ROOT)])
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--scale",
            "20k",
            "--no-dag",
            "--work",
            str(tmp / "work"),
            "--results",
            str(results),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    return run, results


def test_runner_succeeds(smoke_run):
    run, _ = smoke_run
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]


def test_results_hold_every_row_measured(smoke_run):
    _, results = smoke_run
    result = json.loads((results / "bench_20k.json").read_text())
    assert [(r["section"], r["stage"]) for r in result["rows"]] == EXPECTED_ROWS
    for row in result["rows"]:
        assert row["returncode"] == 0, row
        assert row["wall_s"] > 0 and row["cpu_s"] >= 0 and row["peak_rss_mb"] > 0, row
    floor = next(r for r in result["rows"] if r["section"] == "floor")
    assert len(floor["runs_wall_s"]) == 3 and floor["wall_s"] == min(floor["runs_wall_s"])
    assert result["order_lines"] == 19_975  # 20k lines asked, drawn 1 to 4 per order (seed 7)
    assert result["delta"]["new_orders"] > 0 and result["delta"]["delivered_orders"] > 0


def test_reference_and_full_refresh_are_equal(smoke_run):
    _, results = smoke_run
    checks = json.loads((results / "bench_20k.json").read_text())["checks"]
    assert sorted(checks) == sorted(EXPECTED_CHECKS)
    for name in EXPECTED_CHECKS:
        assert checks[name]["equal"] is True, (name, checks[name])
    assert checks["reference equals ours (first night)"]["mismatches"] == 0
    marts = checks["incremental equals full refresh (next night, marts)"]["tables"]
    assert "customer_segments" in marts and all(t["equal"] for t in marts.values())


def test_markdown_table_lists_rows_checks_and_targets(smoke_run):
    _, results = smoke_run
    text = (results / "bench_20k.md").read_text()
    for section, stage in EXPECTED_ROWS:
        assert f"| {section} | {stage} |" in text
    for name in EXPECTED_CHECKS + TARGETS:
        assert f"| {name} |" in text
    assert [t["name"] for t in json.loads((results / "bench_20k.json").read_text())["targets"]] == TARGETS
