"""One stage of the benchmark, run in its own process so it can be measured alone.

    python -m bench.stage extract   --run-id ID
    python -m bench.stage dbt       --as-of D [--full-refresh] [--select SPEC ...] [--run]
    python -m bench.stage gate      --as-of D --run-id ID
    python -m bench.stage publish   --as-of D --run-id ID
    python -m bench.stage export    --as-of D --run-id ID
    python -m bench.stage floor
    python -m bench.stage reference --drop DIR --as-of D --out FILE.parquet
    python -m bench.stage dag_parse --out FILE.json

Settings come from the `KAM_*` environment the runner sets (KAM_HOME, sources,
warehouse). The gate writes its result to `<KAM_HOME>/bench/gate_<D>.json`, which
publish reads: a passed gate publishes, a blocked one is recorded as blocked.
Exit code 0 = the stage did its job.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

def _gate_file(home: Path, as_of: str) -> Path:
    return home / "bench" / f"gate_{as_of}.json"


def dbt_failures(run_results: Path) -> list[str]:
    """Names of the nodes that failed (then those skipped) in a dbt `run_results.json`."""
    from kam.dbt_results import failures_from_run_results

    if not run_results.exists():
        return [f"dbt build left no run_results.json at {run_results}"]
    return failures_from_run_results(json.loads(run_results.read_text()))


def stage_extract(args) -> int:
    from kam.config import load_settings
    from kam.extract import extract_all

    report = extract_all(load_settings(), args.run_id, date.fromisoformat(args.as_of))
    print(json.dumps(report.to_dict())[:4000])
    return 0


def stage_dbt(args) -> int:
    from kam.config import load_settings
    from kam.dbt_env import NIGHTLY_DBT_EXCLUDE, run_dbt

    settings = load_settings()
    # the nightly's build: unit tests excluded, as in the DAG
    command = ["run"] if args.run else ["build", "--exclude", *NIGHTLY_DBT_EXCLUDE]
    if args.full_refresh:
        command.append("--full-refresh")
    if args.select:
        command += ["--select", *args.select]
    result = run_dbt(settings, command, as_of=args.as_of, check=False)
    print(result.stdout[-20000:])
    print(result.stderr[-5000:], file=sys.stderr)
    failures = dbt_failures(settings.home / "dbt" / "target" / "run_results.json")
    state = settings.home / "bench" / f"dbt_failures_{args.as_of}.json"
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(json.dumps(failures))
    return result.returncode


def stage_gate(args) -> int:
    from kam.config import load_settings
    from kam.quality import run_gate, write_report
    from kam.warehouse import connect

    settings = load_settings()
    failures_file = settings.home / "bench" / f"dbt_failures_{args.as_of}.json"
    failures = json.loads(failures_file.read_text()) if failures_file.exists() else []
    con = connect(settings)
    try:
        result = run_gate(con, run_id=args.run_id, as_of=date.fromisoformat(args.as_of),
                          dbt_failures=failures, settings=settings)
    finally:
        con.close()
    write_report(result, settings.report_dir)
    gate_json = json.loads(result.to_json())
    gate_file = _gate_file(settings.home, args.as_of)
    gate_file.parent.mkdir(parents=True, exist_ok=True)
    gate_file.write_text(json.dumps({"started_at": args.started_at, "gate": gate_json}))
    print(result.summary())
    return 0


def stage_publish(args) -> int:
    from kam.config import load_settings
    from kam.publish import publish_run, record_blocked

    settings = load_settings()
    saved = json.loads(_gate_file(settings.home, args.as_of).read_text())
    gate_json = saved["gate"]
    started = saved.get("started_at") or datetime.now(timezone.utc).isoformat()
    publish = publish_run if gate_json.get("passed") else record_blocked
    result = publish(settings, run_id=args.run_id, as_of=args.as_of, started_at=started,
                     gate_result_json=gate_json)
    print(f"{result.status}: {result.row_counts}")
    return 0 if result.status == "published" else 3


def stage_export(args) -> int:
    from kam.config import load_settings
    from kam.export import export_run

    print(export_run(load_settings(), run_id=args.run_id, as_of=args.as_of))
    return 0


FLOOR_SQL = """
select count(*) as customer_months, sum(revenue) as revenue
from (
    select o.customer_id, date_trunc('month', o.order_date) as month_start,
           sum(l.quantity * l.unit_price) as revenue
    from raw.order_lines as l
    join raw.orders as o on o.order_id = l.order_id
    group by 1, 2
)
"""


def stage_floor(args) -> int:
    """The floor: one query over the loaded lines, revenue per customer and month."""
    from kam.config import load_settings
    from kam.warehouse import connect

    con = connect(load_settings(), read_only=True)
    try:
        started = time.perf_counter()
        rows, revenue = con.execute(FLOOR_SQL).fetchone()
        print(json.dumps({"customer_months": rows, "revenue": float(revenue or 0),
                          "query_s": round(time.perf_counter() - started, 3)}))
    finally:
        con.close()
    return 0


def stage_reference(args) -> int:
    from bench.reference_pandas import compute

    out = compute(Path(args.drop), date.fromisoformat(args.as_of))
    out.to_parquet(args.out, index=False)
    print(f"{len(out)} customers -> {args.out}")
    return 0


def stage_dag_parse(args) -> int:
    """Parse dags/ with a DagBag in this fresh process; the parse time excludes importing Airflow itself."""
    from airflow.dag_processing.dagbag import DagBag  # noqa: F401  (Airflow loaded, as in a DAG processor)

    from kam.config import REPO_ROOT

    started = time.perf_counter()
    bag = DagBag(dag_folder=str(REPO_ROOT / "dags"))
    parse_s = time.perf_counter() - started
    stats = [{"file": s.file, "duration_s": s.duration.total_seconds() if hasattr(s.duration, "total_seconds")
              else float(s.duration), "dags": s.dag_num, "tasks": s.task_num} for s in bag.dagbag_stats]
    result = {"parse_s": round(parse_s, 3), "dag_ids": sorted(bag.dag_ids),
              "import_errors": {str(k): str(v)[-2000:] for k, v in bag.import_errors.items()}, "files": stats}
    Path(args.out).write_text(json.dumps(result, indent=1))
    print(json.dumps(result)[:3000])
    return 0 if not bag.import_errors and bag.dag_ids else 4


STAGES = {"extract": stage_extract, "dbt": stage_dbt, "gate": stage_gate, "publish": stage_publish,
          "export": stage_export, "floor": stage_floor, "reference": stage_reference,
          "dag_parse": stage_dag_parse}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stage", description=__doc__.splitlines()[0])
    parser.add_argument("stage", choices=sorted(STAGES))
    parser.add_argument("--as-of")
    parser.add_argument("--run-id", default="bench")
    parser.add_argument("--started-at", default=None)
    parser.add_argument("--full-refresh", action="store_true")
    parser.add_argument("--run", action="store_true", help="dbt run (models only) instead of dbt build")
    parser.add_argument("--select", nargs="*")
    parser.add_argument("--drop")
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    return STAGES[args.stage](args)


if __name__ == "__main__":
    sys.exit(main())
