"""One stage of the benchmark in its own process, so it can be measured alone.

    python -m bench.stage extract|handoff|dbt|copy_back|gate|publish|export|floor|reference|dag_parse [options]

Pipeline stages are the `kam.pipeline` stages the DAG runs. On Spark two steps of the warehouse seam run as
stages of their own: `handoff` (`Warehouse.before_dbt_build`: the Parquet inbox, so the build's own call
finds it up to date) and `copy_back` (`Warehouse.after_dbt_build`: the outbox into the serving DuckDB, which
the gate stage then does not repeat for the same build). Exit 0: done; 3: the gate blocked.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path


def _gate_file(home: Path, as_of: str) -> Path:
    return home / "bench" / f"gate_{as_of}.json"


def _dbt_file(home: Path, as_of: str) -> Path:
    return home / "bench" / f"dbt_{as_of}.json"


def _saved_dbt(home: Path, as_of: str) -> dict:
    dbt_file = _dbt_file(home, as_of)
    return json.loads(dbt_file.read_text()) if dbt_file.exists() else {"failures": [], "outcome": None}


def _invocation_id(dbt: dict) -> str | None:
    return (dbt.get("outcome") or {}).get("invocation_id")


def _plan(args):
    """The settings of the `KAM_*` environment and the plan of D (`kam.pipeline.plan`)."""
    from kam import pipeline
    from kam.config import load_settings

    settings = load_settings()
    return settings, pipeline.plan(settings, date.fromisoformat(args.as_of))


def stage_extract(args) -> int:
    from kam import pipeline

    settings, plan = _plan(args)
    print(json.dumps(pipeline.extract(settings, plan, "all", run_id=args.run_id))[:4000])
    return 0


def stage_dbt(args) -> int:
    from kam import pipeline

    settings, plan = _plan(args)
    dbt = pipeline.build(
        settings, plan, select=tuple(args.select or ()), models_only=args.run, full_refresh=args.full_refresh
    )
    print(dbt["output"])
    state = _dbt_file(settings.home, args.as_of)
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(json.dumps({"failures": dbt["failures"], "outcome": dbt["outcome"]}))
    return dbt["returncode"]


def stage_handoff(args) -> int:
    """The night's raw changes and the published tables to where dbt runs (Spark's Parquet inbox)."""
    from kam.warehouse import open_warehouse

    settings, _ = _plan(args)
    with open_warehouse(settings, purpose="kam-bench") as warehouse:
        warehouse.before_dbt_build()
    return 0


def stage_copy_back(args) -> int:
    """What the build wrote (Spark's outbox) into the serving DuckDB (once per build: the gate does not copy again)."""
    from kam.warehouse import open_warehouse

    settings, plan = _plan(args)
    invocation_id = _invocation_id(_saved_dbt(settings.home, args.as_of))
    with open_warehouse(settings, purpose="kam-bench") as warehouse:
        warehouse.after_dbt_build(plan.candidates_schema, invocation_id)  # the gate's call then finds it done
    return 0


def stage_gate(args) -> int:
    from kam import pipeline

    settings, plan = _plan(args)
    dbt = _saved_dbt(settings.home, args.as_of)
    verdict = pipeline.gate(
        settings, plan, run_id=args.run_id, dbt_failures=dbt["failures"], dbt_outcome=dbt["outcome"]
    )
    gate_file = _gate_file(settings.home, args.as_of)
    gate_file.parent.mkdir(parents=True, exist_ok=True)
    gate_file.write_text(json.dumps({"started_at": args.started_at, "gate": verdict}))
    print(
        f"gate {'passed' if verdict['passed'] else 'BLOCKED'}: "
        f"{[c['name'] for c in verdict['failed_checks']]}; report {verdict['report_path']}"
    )
    return 0


def stage_publish(args) -> int:
    from kam import pipeline

    settings, plan = _plan(args)
    saved = json.loads(_gate_file(settings.home, args.as_of).read_text())
    started = saved.get("started_at") or datetime.now(UTC).isoformat()
    try:
        result = pipeline.publish_or_block(settings, plan, saved["gate"], run_id=args.run_id, started_at=started)
    except pipeline.GateBlocked as blocked:
        print(f"blocked: {blocked}")
        return 3
    print(f"{result['status']}: {result['row_counts']}")
    return 0


def stage_export(args) -> int:
    from kam import pipeline

    settings, plan = _plan(args)
    print(pipeline.export(settings, plan, run_id=args.run_id))
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
        print(
            json.dumps(
                {
                    "customer_months": rows,
                    "revenue": float(revenue or 0),
                    "query_s": round(time.perf_counter() - started, 3),
                }
            )
        )
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
    from airflow.dag_processing.dagbag import DagBag

    from kam.config import REPO_ROOT

    started = time.perf_counter()
    bag = DagBag(dag_folder=str(REPO_ROOT / "dags"))
    parse_s = time.perf_counter() - started
    stats = [
        {
            "file": s.file,
            "duration_s": s.duration.total_seconds() if hasattr(s.duration, "total_seconds") else float(s.duration),
            "dags": s.dag_num,
            "tasks": s.task_num,
        }
        for s in bag.dagbag_stats
    ]
    result = {
        "parse_s": round(parse_s, 3),
        "dag_ids": sorted(bag.dag_ids),
        "import_errors": {str(k): str(v)[-2000:] for k, v in bag.import_errors.items()},
        "files": stats,
    }
    Path(args.out).write_text(json.dumps(result, indent=1))
    print(json.dumps(result)[:3000])
    return 0 if not bag.import_errors and bag.dag_ids else 4


STAGES = {
    "extract": stage_extract,
    "handoff": stage_handoff,
    "dbt": stage_dbt,
    "copy_back": stage_copy_back,
    "gate": stage_gate,
    "publish": stage_publish,
    "export": stage_export,
    "floor": stage_floor,
    "reference": stage_reference,
    "dag_parse": stage_dag_parse,
}


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
