"""`make bench`: the nightly pipeline at scale, measured stage by stage (wall, CPU, peak RSS).

    python -m bench.run --scale 1m|10m|<N>[k|m] [--no-dag] [--work DIR] [--keep] [--results DIR]

Two nights on a generated drop in a temporary folder, checked against a pandas reference and a full
refresh; results in bench/results/. Exit 1 when a stage fails or an equality does not hold.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psutil

from bench.compare import compare_reference, compare_warehouses
from bench.measure import measure
from bench.report import markdown, write_results
from bench.targets import evaluate

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = REPO_ROOT / "bench" / "results"
DEFAULT_AS_OF = date(2026, 11, 21)
THREE_RULES_SELECT = ["+int_customer_abc", "+int_customer_xyz", "+int_customer_lapse"]
# Variables the runner sets itself: an outer value (e.g. make's KAM_HOME=var) must not leak in.
OWNED_VARIABLES = (
    "KAM_HOME",
    "AIRFLOW_HOME",
    "KAM_WAREHOUSE",
    "KAM_REPORTING_DB",
    "KAM_EXPORT_DIR",
    "KAM_REPORT_DIR",
    "KAM_ORDERS_SOURCE",
    "KAM_CRM_SOURCE",
)
TELEMETRY_OFF = {
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    "DO_NOT_TRACK": "1",
    "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
    "GX_ANALYTICS_ENABLED": "False",
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
}


def parse_scale(text: str) -> int:
    """`1m` -> 1,000,000 order lines; `20k` -> 20,000; a plain number as is."""
    match = re.fullmatch(r"(\d+)([km]?)", text.strip().lower())
    if not match:
        raise argparse.ArgumentTypeError(f"--scale must be like 1m, 10m, 20k or 50000, got {text!r}")
    return int(match.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2)]


def stage_env(home: Path, drop: Path, **extra: str) -> dict[str, str]:
    """The environment of a stage: this KAM_HOME and these sources, nothing inherited about paths."""
    env = {k: v for k, v in os.environ.items() if k not in OWNED_VARIABLES}
    env.update(TELEMETRY_OFF)
    env.update(
        {
            "KAM_HOME": str(home),
            "AIRFLOW_HOME": str(home / "airflow"),
            "KAM_ORDERS_SOURCE": str(drop / "erp"),
            "KAM_CRM_SOURCE": str(drop / "crm"),
            "AIRFLOW__CORE__DAGS_FOLDER": str(REPO_ROOT / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO_ROOT / "plugins"),
            "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "plugins"), str(REPO_ROOT)]),
        }
    )
    env.update(extra)
    return env


class Bench:
    """Runs the measured stages of one scale and collects the rows."""

    def __init__(self, work: Path, lines: int) -> None:
        self.work = work
        self.lines = lines
        self.rows: list[dict] = []
        self.checks: dict[str, dict] = {}
        self.python = sys.executable

    def step(
        self,
        section: str,
        stage: str,
        args: list[str],
        env: dict[str, str],
        note: str = "",
        module: str = "bench.stage",
    ) -> dict:
        """Measure `python -m <module> <args>` and record it as a row."""
        slug = re.sub(r"[^a-z0-9]+", "_", f"{section} {stage}".lower()).strip("_")
        run_results = Path(env["KAM_HOME"]) / "dbt" / "target" / "run_results.json"  # kam.pipeline.build's
        m = measure([self.python, "-m", module, *args], env, self.work / "logs" / f"{slug}.log", cwd=REPO_ROOT)
        row = {"section": section, "stage": stage, **m.to_dict(), "note": note}
        if args and args[0] == "dbt":
            row["dbt"] = dbt_profile(run_results)
            row["dbt_elapsed_s"] = row["dbt"].get("elapsed_s")
            if row["dbt_elapsed_s"] is not None:
                row["note"] = (f"{note}; " if note else "") + f"dbt execution phase {row['dbt_elapsed_s']:.1f} s"
        self.rows.append(row)
        (self.work / "rows_so_far.json").write_text(json.dumps(self.rows, indent=1))  # readable mid-run
        flag = "ok" if m.returncode == 0 else f"FAILED (exit {m.returncode}), log {m.log}"
        print(
            f"  {section:<12} {stage:<40} {m.wall_s:9.2f} s wall {m.cpu_s:9.2f} s CPU {m.peak_rss_mb:9.0f} MB  {flag}",
            flush=True,
        )
        if m.returncode != 0:
            print("    " + "\n    ".join(Path(m.log).read_text(errors="replace").splitlines()[-15:]), flush=True)
        return row

    def night(self, section: str, env: dict[str, str], as_of: date, run_id: str, before_gate=None) -> None:
        """Extraction, dbt build, gate, publish, export for `as_of`."""
        d = as_of.isoformat()
        started = datetime.now(UTC).isoformat()
        self.step(section, "extraction", ["extract", "--as-of", d, "--run-id", run_id], env)
        self.step(section, "dbt build", ["dbt", "--as-of", d], env)
        if before_gate is not None:
            before_gate()
        self.step(section, "gate", ["gate", "--as-of", d, "--run-id", run_id, "--started-at", started], env)
        self.step(section, "publish", ["publish", "--as-of", d, "--run-id", run_id], env)
        self.step(section, "export", ["export", "--as-of", d, "--run-id", run_id], env)

    def reference(
        self, section: str, stage: str, env: dict[str, str], drop: Path, as_of: date, warehouse: Path, check: str
    ) -> None:
        """The pandas reference over `drop`, then its outputs compared with our customer_segments."""
        out = self.work / f"reference_{as_of.isoformat()}.parquet"
        row = self.step(
            section, stage, ["reference", "--drop", str(drop), "--as-of", as_of.isoformat(), "--out", str(out)], env
        )
        if row["returncode"] == 0:
            self.checks[check] = _safe(lambda: compare_reference(warehouse, out))
        else:
            self.checks[check] = {"equal": False, "problem": "reference failed"}


def _safe(run) -> dict:
    try:
        return run()
    except Exception as exc:  # a comparison that cannot run is a failed check, with the reason
        return {"equal": False, "problem": f"{type(exc).__name__}: {exc}"}


def copy_warehouse(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copy2(wal, target.with_name(target.name + ".wal"))


def run_bench(
    scale: str, lines: int, work: Path, results_dir: Path, with_dag: bool = True, as_of: date = DEFAULT_AS_OF
) -> dict:
    """Every measurement of one scale; writes and returns the result document."""
    next_day = as_of + timedelta(days=1)
    bench = Bench(work, lines)
    drop, next_drop = work / "drop", work / "drop_next"
    print(f"benchmark {scale}: {lines:,} order lines, as-of {as_of}, work folder {work}", flush=True)

    base_env = stage_env(work / "stages", drop)
    bench.step(
        "setup",
        "generate drop + next-night delta",
        ["--lines", str(lines), "--out", str(drop), "--as-of", as_of.isoformat(), "--delta-out", str(next_drop)],
        base_env,
        module="bench.generate_scale",
        note="not part of the pipeline",
    )
    manifest = json.loads((drop / "manifest.json").read_text())
    delta = json.loads((next_drop / "manifest_delta.json").read_text())

    # First night, stage by stage.
    stages_home = work / "stages"
    first_env = stage_env(stages_home, drop)
    warehouse = stages_home / "warehouse.duckdb"
    bench.night("first night", first_env, as_of, f"bench_{as_of}")

    bench.step(
        "floor",
        "revenue per customer and month",
        ["floor"],
        first_env,
        note="one DuckDB query over raw.order_lines join raw.orders",
    )

    bench.step(
        "reference",
        "ours: dbt models of the three rules",
        ["dbt", "--as-of", as_of.isoformat(), "--run", "--full-refresh", "--select", *THREE_RULES_SELECT],
        first_env,
        note="dbt run --full-refresh --select " + " ".join(THREE_RULES_SELECT),
    )
    bench.reference(
        "reference", "pandas reference", first_env, drop, as_of, warehouse, "reference equals ours (first night)"
    )

    # Next night on the same warehouse; a copy taken after extraction is rebuilt from scratch.
    next_env = stage_env(stages_home, next_drop)
    refresh_home = work / "full_refresh"
    refresh_warehouse = refresh_home / "warehouse.duckdb"
    bench.night(
        "next night",
        next_env,
        next_day,
        f"bench_{next_day}",
        before_gate=lambda: copy_warehouse(warehouse, refresh_warehouse),
    )
    refresh_env = stage_env(refresh_home, next_drop, KAM_WAREHOUSE=str(refresh_warehouse))
    bench.step(
        "next night",
        "dbt build --full-refresh (same night)",
        ["dbt", "--as-of", next_day.isoformat(), "--full-refresh"],
        refresh_env,
        note="on a copy of the warehouse; informative",
    )
    bench.checks["incremental equals full refresh (next night, marts)"] = _safe(
        lambda: compare_warehouses(warehouse, refresh_warehouse)
    )
    bench.reference(
        "next night",
        "pandas reference (check only)",
        next_env,
        next_drop,
        next_day,
        warehouse,
        "reference equals ours (next night)",
    )

    # The whole DAG, both nights.
    if with_dag:
        dag_home = work / "dag"
        dag_first = stage_env(dag_home, drop)
        prepared = _safe(lambda: _prepare_airflow(dag_first, work / "logs" / "airflow_prepare.log") or {"equal": True})
        if prepared.get("equal"):
            bench.step(
                "first night",
                "kam_nightly (whole DAG run)",
                ["--as-of", as_of.isoformat()],
                dag_first,
                module="kam.cli.run_nightly",
                note="airflow dags test, whole process tree",
            )
            bench.step(
                "next night",
                "kam_nightly (whole DAG run)",
                ["--as-of", next_day.isoformat()],
                stage_env(dag_home, next_drop),
                module="kam.cli.run_nightly",
                note="airflow dags test, whole process tree",
            )
            bench.checks["DAG run equals stage run (next night, marts)"] = _safe(
                lambda: compare_warehouses(warehouse, dag_home / "warehouse.duckdb")
            )
        else:
            bench.checks["airflow metadata DB ready"] = prepared

    parse_out = work / "dag_parse.json"
    parse_row = bench.step(
        "dag parse",
        "DagBag(dags/)",
        ["dag_parse", "--out", str(parse_out)],
        stage_env(work / "dag", drop),
        note="fresh process; parse_s excludes importing Airflow",
    )
    if parse_out.exists():
        parse_row["parse_s"] = json.loads(parse_out.read_text())["parse_s"]
        parse_row["note"] += f"; DagBag fill {parse_row['parse_s']:.2f} s"

    other = None
    if scale == "10m" and (results_dir / "bench_1m.json").exists():
        other = json.loads((results_dir / "bench_1m.json").read_text())["rows"]
    settings_threads = os.environ.get("KAM_DUCKDB_THREADS", "2")
    result = {
        "scale": scale,
        "order_lines": manifest["order_lines"],
        "orders": manifest["orders"],
        "customers": manifest["customers"],
        "as_of": as_of.isoformat(),
        "delta": delta,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()}: {psutil.cpu_count()} CPUs, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GB RAM, Python {platform.python_version()}",
        "duckdb_threads": settings_threads,
        "duckdb_memory_limit": os.environ.get("KAM_DUCKDB_MEMORY_LIMIT", "4GB"),
        "extract_memory_limit": os.environ.get("KAM_EXTRACT_MEMORY_LIMIT", "2GB"),
        "rows": bench.rows,
        "checks": bench.checks,
        "targets": [t.to_dict() for t in evaluate(bench.rows, scale, other)],
        "work": str(work),
    }
    json_path, md_path = write_results(result, results_dir)
    print("\n" + markdown(result))
    print(f"results: {json_path}\n         {md_path}")
    return result


def _prepare_airflow(env: dict[str, str], log: Path) -> None:
    """Migrate the benchmark's own Airflow metadata DB and create the pool (not measured)."""
    Path(env["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)
    code = "import os; from kam.cli.airflow_env import ensure_pool; ensure_pool(dict(os.environ))"
    with log.open("w") as out:
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT
        )
    if done.returncode != 0:
        raise RuntimeError(f"airflow metadata DB / pool setup failed, see {log}")


def dbt_profile(run_results: Path, top: int = 8) -> dict:
    """Where a dbt invocation spent its time: execution phase, per resource type, slowest nodes."""
    if not run_results.exists():
        return {}
    data = json.loads(run_results.read_text())
    per_type: dict[str, list] = {}
    nodes = []
    for result in data["results"]:
        kind = result["unique_id"].split(".")[0]
        count, seconds = per_type.get(kind, (0, 0.0))
        per_type[kind] = (count + 1, seconds + result["execution_time"])
        nodes.append((result["execution_time"], result["unique_id"].split(".", 2)[-1]))
    return {
        "elapsed_s": round(data["elapsed_time"], 3),
        "per_type": {k: {"nodes": c, "execution_s": round(t, 2)} for k, (c, t) in sorted(per_type.items())},
        "slowest": [{"node": n, "execution_s": round(t, 2)} for t, n in sorted(nodes, reverse=True)[:top]],
    }


def succeeded(result: dict) -> bool:
    """Every stage exited 0 and every equality check held."""
    return all(r["returncode"] == 0 for r in result["rows"]) and all(c.get("equal") for c in result["checks"].values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="1m", help="order lines: 1m, 10m, 20k, ... (default 1m)")
    parser.add_argument("--no-dag", action="store_true", help="skip the whole kam_nightly DAG runs")
    parser.add_argument("--work", type=Path, default=None, help="work folder (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (drops, warehouses, logs)")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="where bench_<scale>.json/.md go")
    parser.add_argument("--as-of", type=date.fromisoformat, default=DEFAULT_AS_OF)
    args = parser.parse_args(argv)
    lines = parse_scale(args.scale)
    work = args.work or Path(tempfile.mkdtemp(prefix=f"kam-bench-{args.scale}-"))
    work.mkdir(parents=True, exist_ok=True)
    result = run_bench(args.scale.lower(), lines, work, args.results, with_dag=not args.no_dag, as_of=args.as_of)
    ok = succeeded(result)
    if not ok:
        print(
            f"benchmark: a stage failed or an equality check did not hold (see above); work folder kept: {work}",
            file=sys.stderr,
        )
    elif not args.keep and args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
