"""`make run`: one nightly run of `kam_nightly` for an as-of date, then a summary.

    python -m kam.cli.run_nightly [--as-of YYYY-MM-DD]

Generates the demo source systems if the sources are the demo's and absent,
makes sure the metadata DB and the pool `kam_warehouse` exist, runs
`airflow dags test kam_nightly <D+1>T02:00:00+00:00 -c '{"as_of": "D"}'` (the
whole DAG in this process tree, logging to `<KAM_HOME>/logs/`), then prints
where the reporting DB and the exports are and what was published. Exits 1 when
the run failed or was blocked by the data-quality gate. Default D: yesterday (UTC).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from kam.cli.airflow_env import airflow, airflow_env, ensure_pool
from kam.cli.summary import read_summary
from kam.config import Settings, load_settings

DAG_ID = "kam_nightly"
LOG_TAIL_LINES = 40


def parse_as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"--as-of must be a date YYYY-MM-DD, got {text!r}") from err


def yesterday_utc() -> date:
    return datetime.now(timezone.utc).date() - timedelta(days=1)


def logical_date_for(as_of: date) -> datetime:
    """The scheduled run that computes D: D+1 at 02:00 UTC."""
    return datetime.combine(as_of + timedelta(days=1), time(2, 0), tzinfo=timezone.utc)


def uses_demo_sources(settings: Settings) -> bool:
    """True when both sources are the demo's default locations under KAM_HOME."""
    demo = settings.home / "demo"
    return (settings.orders_source == f"sqlite:///{demo / 'erp.sqlite'}"
            and Path(settings.crm_source) == demo / "crm")


def ensure_demo_data(settings: Settings, as_of: date, env: dict[str, str]) -> None:
    """Generate the demo source systems for D unless they exist (or other sources are configured)."""
    if not uses_demo_sources(settings):
        return
    cmd = [sys.executable, "-m", "kam.demo.generate", "--as-of", as_of.isoformat(), "--if-absent"]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"demo data generation failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


def run_dag(as_of: date, env: dict[str, str], log_path: Path) -> int:
    """`airflow dags test` for D; full output to `log_path`; returns its exit code."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    args = ["dags", "test", DAG_ID, logical_date_for(as_of).isoformat(), "-c", json.dumps({"as_of": as_of.isoformat()})]
    with log_path.open("w") as log:
        return airflow(args, env, stdout=log, stderr=subprocess.STDOUT).returncode


def tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kam.cli.run_nightly", description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", type=parse_as_of, default=None, help="as-of date D (default: yesterday UTC)")
    args = parser.parse_args(argv)
    as_of = args.as_of or yesterday_utc()

    settings = load_settings()
    env = airflow_env(settings)
    ensure_demo_data(settings, as_of, env)
    ensure_pool(env)
    log_path = settings.home / "logs" / f"{DAG_ID}_{as_of.isoformat()}.log"
    print(f"kam_nightly for as-of {as_of} (logical date {logical_date_for(as_of).isoformat()}); log: {log_path}",
          flush=True)
    returncode = run_dag(as_of, env, log_path)

    summary = read_summary(settings.reporting_db, as_of,
                           postgres_url=settings.warehouse if settings.warehouse_is_postgres else None)
    print(f"reporting DB: {settings.reporting_db}")
    print(f"exports:      {Path(settings.export_dir) / as_of.isoformat()}")
    print(f"gate reports: {Path(settings.report_dir) / as_of.isoformat()}")
    print("\n".join(summary.lines()))
    if returncode != 0:
        print(f"\nthe DAG run FAILED (airflow exit code {returncode}); last lines of {log_path}:\n{tail(log_path)}",
              file=sys.stderr)
        return 1
    if summary.status != "published":
        print(f"\nthe run was not published (status {summary.status})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
