"""`make bench`: the nightly pipeline at scale, measured stage by stage (wall, CPU, peak RSS).

    python -m bench.run --scale 1m|10m|100m|<N>[k|m] [--engine duckdb|spark] [--stages generate,first,...]
                        [--no-dag] [--work DIR] [--keep] [--results DIR] [--reference-memory-gb N]

Two nights on a generated drop in a temporary folder, checked against a pandas reference and a full
refresh, the whole DAG on both nights and on the worked example; results in bench/results/. With
`--work DIR --stages ...` a run is done in parts: each invocation reuses what the earlier ones left in
DIR (drops, the stage-by-stage warehouse, rows) and writes the merged results. `--engine spark` runs the
nights on KAM_WAREHOUSE=spark (the parts in SPARK_STAGES) into bench_<scale>_spark.{json,md}, beside the
DuckDB figures of bench_<scale>.json (bench.side_by_side). Exit 1 when a stage fails or an equality
does not hold.
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
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psutil

from bench.compare import compare_reference, compare_warehouses
from bench.measure import measure
from bench.report import markdown, write_results
from bench.side_by_side import COPY_BACK, HANDOFF
from bench.targets import DAG, evaluate

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = REPO_ROOT / "bench" / "results"
DEFAULT_AS_OF = date(2026, 11, 21)
EXAMPLE_DIR = REPO_ROOT.parent / "shared" / "examples" / "small"
EXAMPLE_AS_OF = "2026-10-15"
STATE_FILE = "bench_state.json"
# The parts of a run, in the order they run; `--stages` selects some of them.
STAGES = {
    "generate": "the drop and the next night's delta (not part of the pipeline)",
    "first": "the first night stage by stage, in a fresh stage home",
    "floor": "the floor query, best of three (needs the stage warehouse)",
    "reference": "ours (dbt run of the three rules) and the pandas reference, compared (needs the first night)",
    "next": "the next night stage by stage (needs the first night)",
    "refresh": "dbt build --full-refresh of the next night on a copy, compared (needs the next night)",
    "recheck": "the pandas reference of the next night, compared (needs the next night)",
    "parity": "the next night's marts equal those of the DuckDB run of bench_<scale>.json (spark only)",
    "dag": "kam_nightly whole DAG runs of both nights in a fresh home, compared with the stage run",
    "example": "kam_nightly whole DAG run on the worked example (fixed cost), in its own home",
    "parse": "DagBag(dags/) in a fresh process",
}
ENGINES = ("duckdb", "spark")
# Spark measures its nights and whole DAG runs; the engine-free parts (floor, pandas reference, DAG parse) and
# DuckDB's incremental-vs-full-refresh check are bench_<scale>.json's. `parity` compares with that DuckDB run.
SPARK_STAGES = ("generate", "first", "next", "parity", "dag", "example")
# The serving DuckDB of a KAM_HOME, where the marts are compared (Spark's marts are copied into it).
SERVING_DB = {"duckdb": "warehouse.duckdb", "spark": "landing.duckdb"}
# Doubles of two engines compared to this many significant digits (the order of a sum moves the last bits).
PARITY_FLOAT_DIGITS = 12
WITH_AIRFLOW = ("dag", "example")
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
    """Runs the measured stages of one scale and collects the rows (each tagged with its part of the run)."""

    def __init__(
        self, work: Path, lines: int, reference_memory_gb: float | None = None, engine: str = "duckdb"
    ) -> None:
        self.work = work
        self.engine = engine
        self.lines = lines
        self.reference_memory_gb = reference_memory_gb
        self.rows: list[dict] = []
        self.checks: dict[str, dict] = {}
        self.part = ""
        self.python = sys.executable

    def step(
        self,
        section: str,
        stage: str,
        args: list[str],
        env: dict[str, str],
        note: str = "",
        module: str = "bench.stage",
        runs: int = 1,
        memory_limit_gb: float | None = None,
    ) -> dict:
        """Measure `python -m <module> <args>` (`runs` times, keeping the fastest) and record it as a row."""
        slug = re.sub(r"[^a-z0-9]+", "_", f"{section} {stage}".lower()).strip("_")
        run_results = Path(env["KAM_HOME"]) / "dbt" / "target" / "run_results.json"  # kam.pipeline.build's
        limit_mb = None if memory_limit_gb is None else memory_limit_gb * 1024
        measured = [
            measure(
                [self.python, "-m", module, *args],
                env,
                self.work / "logs" / (f"{slug}.log" if runs == 1 else f"{slug}_{i + 1}.log"),
                cwd=REPO_ROOT,
                memory_limit_mb=limit_mb,
            )
            for i in range(runs)
        ]
        m = min(measured, key=lambda one: (one.returncode != 0, one.wall_s))
        row = {"section": section, "stage": stage, "part": self.part, **m.to_dict(), "note": note}
        if memory_limit_gb is not None:
            row["memory_limit_gb"] = memory_limit_gb
        if runs > 1:
            row["runs_wall_s"] = [one.wall_s for one in measured]
            row["note"] = (
                (f"{note}; " if note else "") + f"best of {runs}: " + ", ".join(f"{one.wall_s:.2f}" for one in measured)
            )
        if args and args[0] == "dbt":
            row["dbt"] = dbt_profile(run_results)
            row["dbt_elapsed_s"] = row["dbt"].get("elapsed_s")
            if row["dbt_elapsed_s"] is not None:
                row["note"] = (f"{note}; " if note else "") + f"dbt execution phase {row['dbt_elapsed_s']:.1f} s"
        self.rows.append(row)
        (self.work / "rows_so_far.json").write_text(json.dumps(self.rows, indent=1))  # readable mid-run
        if m.out_of_memory:
            flag = f"OUT OF MEMORY (killed above {memory_limit_gb} GB), log {m.log}"
        else:
            flag = "ok" if m.returncode == 0 else f"FAILED (exit {m.returncode}), log {m.log}"
        print(
            f"  {section:<14} {stage:<40} {m.wall_s:9.2f} s wall {m.cpu_s:9.2f} s CPU {m.peak_rss_mb:9.0f} MB  {flag}",
            flush=True,
        )
        if m.returncode != 0 and not m.out_of_memory:
            print("    " + "\n    ".join(Path(m.log).read_text(errors="replace").splitlines()[-15:]), flush=True)
        return row

    def check(self, name: str, result: dict) -> None:
        self.checks[name] = {**result, "part": self.part}

    def night(self, section: str, env: dict[str, str], as_of: date, run_id: str, before_gate=None) -> None:
        """Extraction, dbt build, gate, publish, export for `as_of`; on Spark also the Parquet hand-off before
        the build and the copy of its marts back into the serving DuckDB after it."""
        d = as_of.isoformat()
        started = datetime.now(UTC).isoformat()
        self.step(section, "extraction", ["extract", "--as-of", d, "--run-id", run_id], env)
        if self.engine == "spark":
            self.step(section, HANDOFF, ["handoff", "--as-of", d], env)
        self.step(section, "dbt build", ["dbt", "--as-of", d], env)
        if self.engine == "spark":
            self.step(section, COPY_BACK, ["copy_back", "--as-of", d], env)
        if before_gate is not None:
            before_gate()
        self.step(section, "gate", ["gate", "--as-of", d, "--run-id", run_id, "--started-at", started], env)
        self.step(section, "publish", ["publish", "--as-of", d, "--run-id", run_id], env)
        self.step(section, "export", ["export", "--as-of", d, "--run-id", run_id], env)

    def reference(
        self, section: str, stage: str, env: dict[str, str], drop: Path, as_of: date, warehouse: Path, check: str
    ) -> dict:
        """The pandas reference over `drop` (killed above its memory cap), then compared with customer_segments."""
        out = self.work / f"reference_{as_of.isoformat()}.parquet"
        row = self.step(
            section,
            stage,
            ["reference", "--drop", str(drop), "--as-of", as_of.isoformat(), "--out", str(out)],
            env,
            memory_limit_gb=self.reference_memory_gb,
        )
        if row["out_of_memory"]:
            self.check(
                check, {"equal": None, "skipped": f"pandas reference out of memory at {row['memory_limit_gb']} GB"}
            )
        elif row["returncode"] == 0:
            self.check(check, _safe(lambda: compare_reference(warehouse, out)))
        else:
            self.check(check, {"equal": False, "problem": "reference failed"})
        return row


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


def select_stages(text: str | None, with_dag: bool = True, engine: str = "duckdb") -> list[str]:
    """The parts named in `text` (comma-separated; all of the engine's when None) in run order; `--no-dag` drops
    the Airflow ones."""
    known = list(SPARK_STAGES) if engine == "spark" else [n for n in STAGES if n != "parity"]
    names = known if text is None else [n.strip() for n in text.split(",") if n.strip()]
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise ValueError(f"unknown stage(s) {', '.join(unknown)} on {engine}; choose from {', '.join(known)}")
    return [n for n in STAGES if n in names and (with_dag or n not in WITH_AIRFLOW)]


def plan_problems(selected: list[str], state: dict, drop_ready: bool, as_of: date) -> list[str]:
    """Why `selected` cannot run on what the work folder holds (empty: it can).

    `state["stages_night"]` is the night the stage-by-stage warehouse last ran (None: none).
    """
    first, second = as_of.isoformat(), (as_of + timedelta(days=1)).isoformat()
    night = state.get("stages_night")
    problems = []
    if not drop_ready and "generate" not in selected:
        problems.append("no drop in the work folder: add generate")
    needs = {
        "floor": (lambda n: n is not None, "a night in the stage warehouse: add first"),
        "reference": (lambda n: n == first, f"the stage warehouse at the first night {first}: add first"),
        "next": (lambda n: n == first, f"the stage warehouse at the first night {first}: add first"),
        "refresh": (lambda n: n == second, f"the stage warehouse at the next night {second}: add next"),
        "recheck": (lambda n: n == second, f"the stage warehouse at the next night {second}: add next"),
        "parity": (lambda n: n == second, f"the stage warehouse at the next night {second}: add next"),
    }
    for name in selected:
        if name in needs and not needs[name][0](night):
            problems.append(f"{name} needs {needs[name][1]}")
        night = {"generate": None, "first": first, "next": second}.get(name, night)
    return problems


def _load_state(work: Path, scale: str, as_of: date, engine: str = "duckdb") -> dict:
    path = work / STATE_FILE
    state = json.loads(path.read_text()) if path.exists() else {}
    held = (state.get("scale"), state.get("as_of"), state.get("engine", "duckdb"))
    if state and held != (scale, as_of.isoformat(), engine):
        raise ValueError(f"{work} holds a {held[2]} run of {held[0]} as-of {held[1]}: use another --work")
    return state or {
        "scale": scale,
        "as_of": as_of.isoformat(),
        "engine": engine,
        "stages_night": None,
        "rows": [],
        "checks": {},
    }


def _save_state(work: Path, state: dict) -> None:
    (work / STATE_FILE).write_text(json.dumps(state, indent=1, default=str))


def duckdb_result(scale: str, results_dir: Path) -> dict | None:
    """The DuckDB run of `scale` (bench_<scale>.json) that a Spark run is set beside; None when there is none."""
    path = results_dir / f"bench_{scale}.json"
    return json.loads(path.read_text()) if path.exists() else None


def parity_check(serving_db: Path, duckdb: dict | None, next_night: str) -> dict:
    """The Spark next night's marts against those of the DuckDB run's stage warehouse (read only, never written)."""
    if duckdb is None:
        return {"equal": None, "skipped": "no DuckDB results file of this scale"}
    state_file = Path(duckdb["work"]) / STATE_FILE
    if not state_file.exists():
        return {"equal": None, "skipped": f"the DuckDB run's work folder {duckdb['work']} is gone"}
    if json.loads(state_file.read_text()).get("stages_night") != next_night:
        return {"equal": None, "skipped": f"the DuckDB run's stage warehouse is not at the next night {next_night}"}
    duckdb_marts = Path(duckdb["work"]) / "stages" / SERVING_DB["duckdb"]
    result = _safe(lambda: compare_warehouses(duckdb_marts, serving_db, float_digits=PARITY_FLOAT_DIGITS))
    return {**result, "duckdb_work": duckdb["work"]}


def _beside(scale: str, results_dir: Path) -> dict | None:
    """What the Spark results keep of the DuckDB run they are set beside: when, where, its rows."""
    duckdb = duckdb_result(scale, results_dir)
    return None if duckdb is None else {k: duckdb[k] for k in ("started_at", "work", "rows")}


def _other_scales(scale: str, results_dir: Path) -> dict[str, list[dict]]:
    """The rows of the 1m and 10m results files (other than this scale), for the two-scale targets."""
    found = {}
    for other in ("1m", "10m"):
        path = results_dir / f"bench_{other}.json"
        if other != scale and path.exists():
            found[other] = json.loads(path.read_text())["rows"]
    return found


def default_reference_memory_gb() -> float:
    """The pandas reference's cap: 20 GB, or 80 % of this machine's memory when that is less."""
    return round(min(20.0, 0.8 * psutil.virtual_memory().total / 2**30), 1)


def run_bench(
    scale: str,
    lines: int,
    work: Path,
    results_dir: Path,
    stages: list[str] | None = None,
    as_of: date = DEFAULT_AS_OF,
    reference_memory_gb: float | None = None,
    engine: str = "duckdb",
) -> dict:
    """The selected parts of one scale's run; writes and returns the result document (merged with earlier parts)."""
    started = time.perf_counter()
    selected = select_stages(None, engine=engine) if stages is None else stages
    next_day = as_of + timedelta(days=1)
    drop, next_drop = work / "drop", work / "drop_next"
    state = _load_state(work, scale, as_of, engine)
    problems = plan_problems(selected, state, (next_drop / "manifest_delta.json").exists(), as_of)
    if problems:
        raise ValueError("cannot run --stages " + ",".join(selected) + ": " + "; ".join(problems))
    bench = Bench(work, lines, reference_memory_gb or default_reference_memory_gb(), engine)
    print(
        f"benchmark {scale} on {engine}: {lines:,} order lines, as-of {as_of}, stages {','.join(selected)}, "
        f"work {work}",
        flush=True,
    )

    engine_env = {"KAM_WAREHOUSE": "spark"} if engine == "spark" else {}
    stages_home = work / "stages"
    warehouse = stages_home / SERVING_DB[engine]
    refresh_home = work / "full_refresh"
    refresh_warehouse = refresh_home / "warehouse.duckdb"
    first_env = stage_env(stages_home, drop, **engine_env)
    next_env = stage_env(stages_home, next_drop, **engine_env)
    dag_home = work / "dag"

    def part(name: str) -> bool:
        bench.part = name
        return name in selected

    if part("generate"):
        shutil.rmtree(drop, ignore_errors=True)
        state["stages_night"] = None  # a new drop: the stage warehouse no longer matches it
        bench.step(
            "setup",
            "generate drop + next-night delta",
            ["--lines", str(lines), "--out", str(drop), "--as-of", as_of.isoformat(), "--delta-out", str(next_drop)],
            first_env,
            module="bench.generate_scale",
            note="not part of the pipeline",
        )
    if part("first"):
        shutil.rmtree(stages_home, ignore_errors=True)
        bench.night("first night", first_env, as_of, f"bench_{as_of}")
        state["stages_night"] = as_of.isoformat()
    if part("floor"):
        bench.step(
            "floor",
            "revenue per customer and month",
            ["floor"],
            first_env,
            runs=3,
            note="one DuckDB query over raw.order_lines join raw.orders",
        )
    if part("reference"):
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
    if part("next"):
        copy = (lambda: copy_warehouse(warehouse, refresh_warehouse)) if "refresh" in selected else None
        bench.night("next night", next_env, next_day, f"bench_{next_day}", before_gate=copy)
        state["stages_night"] = next_day.isoformat()
    if part("refresh"):
        if "next" not in selected:  # the night ran in an earlier part: its marts are the same after the gate
            copy_warehouse(warehouse, refresh_warehouse)
        bench.step(
            "next night",
            "dbt build --full-refresh (same night)",
            ["dbt", "--as-of", next_day.isoformat(), "--full-refresh"],
            stage_env(refresh_home, next_drop, KAM_WAREHOUSE=str(refresh_warehouse)),
            note="on a copy of the warehouse; informative",
        )
        bench.check(
            "incremental equals full refresh (next night, marts)",
            _safe(lambda: compare_warehouses(warehouse, refresh_warehouse)),
        )
        if bench.checks["incremental equals full refresh (next night, marts)"]["equal"]:
            shutil.rmtree(refresh_home, ignore_errors=True)  # a whole warehouse's worth of disk; kept when unequal
    if part("recheck"):
        earlier = [r for r in state["rows"] if r.get("part") not in selected]
        first_reference = next((r for r in bench.rows + earlier if r["stage"] == "pandas reference"), None)
        if first_reference is not None and first_reference.get("out_of_memory"):
            bench.check(
                "reference equals ours (next night)",
                {"equal": None, "skipped": "the first night's pandas reference ran out of memory"},
            )
        else:
            bench.reference(
                "next night",
                "pandas reference (check only)",
                next_env,
                next_drop,
                next_day,
                warehouse,
                "reference equals ours (next night)",
            )
    if part("parity"):
        bench.check(
            "Spark equals DuckDB (next night, marts)",
            parity_check(warehouse, duckdb_result(scale, results_dir), next_day.isoformat()),
        )
    if part("dag"):
        shutil.rmtree(dag_home, ignore_errors=True)
        _dag_nights(bench, work, dag_home, drop, next_drop, as_of, engine_env)
        if state["stages_night"] == next_day.isoformat():
            bench.check(
                "DAG run equals stage run (next night, marts)",
                _safe(lambda: compare_warehouses(warehouse, dag_home / SERVING_DB[engine])),
            )
        else:
            bench.check(
                "DAG run equals stage run (next night, marts)",
                {"equal": None, "skipped": "the stage warehouse is not at the next night"},
            )
    if part("example"):
        _example_night(bench, work, engine_env)
    if part("parse"):
        parse_out = work / "dag_parse.json"
        parse_row = bench.step(
            "dag parse",
            "DagBag(dags/)",
            ["dag_parse", "--out", str(parse_out)],
            stage_env(work / "parse", drop),
            note="fresh process; parse_s excludes importing Airflow",
        )
        if parse_out.exists():
            parse_row["parse_s"] = json.loads(parse_out.read_text())["parse_s"]
            parse_row["note"] += f"; DagBag fill {parse_row['parse_s']:.2f} s"

    order = list(STAGES)
    state["rows"] = sorted(
        [r for r in state["rows"] if r.get("part") not in selected] + bench.rows,
        key=lambda r: order.index(r["part"]) if r.get("part") in order else len(order),
    )
    state["checks"] = {
        **{k: v for k, v in state["checks"].items() if v.get("part") not in selected},
        **bench.checks,
    }
    wall = time.perf_counter() - started
    measured = sum(r["wall_s"] for r in bench.rows)
    state["runner"] = {
        "stages": selected,
        "wall_s": round(wall, 1),
        "measured_wall_s": round(measured, 1),
        "overhead_s": round(wall - measured, 1),
    }
    _save_state(work, state)
    result = _result(scale, as_of, drop, next_drop, state, results_dir, bench.reference_memory_gb, engine)
    json_path, md_path = write_results(result, results_dir)
    print("\n" + markdown(result))
    print(f"results: {json_path}\n         {md_path}")
    return result


def _dag_nights(
    bench: Bench, work: Path, dag_home: Path, drop: Path, next_drop: Path, as_of: date, engine_env: dict[str, str]
) -> None:
    """Both nights as whole kam_nightly runs in a fresh home (its Airflow DB prepared first, not measured)."""
    dag_first = stage_env(dag_home, drop, **engine_env)
    prepared = _safe(lambda: _prepare_airflow(dag_first, work / "logs" / "airflow_prepare.log") or {"equal": True})
    if not prepared.get("equal"):
        bench.check("airflow metadata DB ready", prepared)
        return
    for section, env, night in (
        ("first night", dag_first, as_of),
        ("next night", stage_env(dag_home, next_drop, **engine_env), as_of + timedelta(days=1)),
    ):
        bench.step(
            section,
            DAG,
            ["--as-of", night.isoformat()],
            env,
            module="kam.cli.run_nightly",
            note="airflow dags test, whole process tree",
        )


def _example_night(bench: Bench, work: Path, engine_env: dict[str, str]) -> None:
    """A whole kam_nightly night on the worked example in its own KAM_HOME: the fixed cost of a night."""
    if not (EXAMPLE_DIR / "src").exists():
        print(f"  worked example not found at {EXAMPLE_DIR}: not measured", flush=True)
        return
    home = work / "example"
    shutil.rmtree(home, ignore_errors=True)
    env = stage_env(home, EXAMPLE_DIR / "src", **engine_env)
    prepared = _safe(lambda: _prepare_airflow(env, work / "logs" / "airflow_prepare_example.log") or {"equal": True})
    if not prepared.get("equal"):
        bench.check("airflow metadata DB ready (worked example)", prepared)
        return
    bench.step(
        "worked example",
        DAG,
        ["--as-of", EXAMPLE_AS_OF],
        env,
        module="kam.cli.run_nightly",
        note=f"../shared/examples/small, as-of {EXAMPLE_AS_OF}; whole process tree",
    )


def _result(
    scale: str,
    as_of: date,
    drop: Path,
    next_drop: Path,
    state: dict,
    results_dir: Path,
    cap_gb: float,
    engine: str = "duckdb",
) -> dict:
    manifest = json.loads((drop / "manifest.json").read_text())
    spark = engine == "spark"
    return {
        "scale": scale,
        "engine": engine,
        "order_lines": manifest["order_lines"],
        "orders": manifest["orders"],
        "customers": manifest["customers"],
        "drop_bytes": manifest.get("bytes"),
        "as_of": as_of.isoformat(),
        "delta": json.loads((next_drop / "manifest_delta.json").read_text()),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()}: {psutil.cpu_count()} CPUs, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GB RAM, Python {platform.python_version()}",
        "duckdb_threads": os.environ.get("KAM_DUCKDB_THREADS", "2"),
        "duckdb_memory_limit": os.environ.get("KAM_DUCKDB_MEMORY_LIMIT", "4GB"),
        "extract_memory_limit": os.environ.get("KAM_EXTRACT_MEMORY_LIMIT", "2GB"),
        "reference_memory_limit_gb": cap_gb,
        "rows": state["rows"],
        "checks": state["checks"],
        **(
            {"spark_master": os.environ.get("KAM_SPARK_MASTER", "local[2]"), "duckdb": _beside(scale, results_dir)}
            if spark
            else {}
        ),
        # issue 11's targets are DuckDB's; the Spark run is set beside the DuckDB one instead (bench.side_by_side)
        "targets": []
        if spark
        else [t.to_dict() for t in evaluate(state["rows"], scale, _other_scales(scale, results_dir))],
        "runner": state["runner"],
        "work": str(drop.parent),
    }


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
    """Every stage exited 0 (or the pandas reference hit its memory cap) and no equality check failed."""
    return all(r["returncode"] == 0 or r.get("out_of_memory") for r in result["rows"]) and all(
        c.get("equal") or "skipped" in c for c in result["checks"].values()
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="1m", help="order lines: 1m, 10m, 100m, 20k, ... (default 1m)")
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="duckdb",
        help="the warehouse of the measured nights (default duckdb; spark: KAM_WAREHOUSE=spark, parts "
        + ", ".join(SPARK_STAGES)
        + ")",
    )
    parser.add_argument(
        "--stages",
        default=None,
        help="comma-separated parts to run (default all): " + ", ".join(f"{k} ({v})" for k, v in STAGES.items()),
    )
    parser.add_argument("--no-dag", action="store_true", help="skip the whole kam_nightly DAG runs (dag, example)")
    parser.add_argument("--work", type=Path, default=None, help="work folder (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (drops, warehouses, logs)")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="where bench_<scale>.json/.md go")
    parser.add_argument("--as-of", type=date.fromisoformat, default=DEFAULT_AS_OF)
    parser.add_argument(
        "--reference-memory-gb",
        type=float,
        default=None,
        help="kill the pandas reference above this (default: 20, or 80%% of the RAM when less)",
    )
    args = parser.parse_args(argv)
    lines = parse_scale(args.scale)
    try:
        stages = select_stages(args.stages, with_dag=not args.no_dag, engine=args.engine)
    except ValueError as exc:
        parser.error(str(exc))
    work = args.work or Path(tempfile.mkdtemp(prefix=f"kam-bench-{args.scale}-{args.engine}-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        result = run_bench(
            args.scale.lower(), lines, work, args.results, stages, args.as_of, args.reference_memory_gb, args.engine
        )
    except ValueError as exc:
        print(f"benchmark: {exc}", file=sys.stderr)
        return 2
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
