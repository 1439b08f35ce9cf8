"""`make run`: one nightly run of `kam_nightly` for an as-of date (default yesterday, UTC), then a summary.

    python -m kam.cli.run_nightly [--as-of YYYY-MM-DD] [--vars '{"max_row_change": 0.4}']

Runs `airflow dags test` under the warehouse's run lock, printing each stage as it starts and
ends (`kam.cli.progress`, from the events of `kam.cli.stage_listener`). Exit 1: failed or
blocked; 2: bad arguments; 75: another run holds the lock.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from kam.cli.airflow_env import AIRFLOW, airflow_env, ensure_lineage_folder, ensure_pool
from kam.cli.dag_process import run_guarded
from kam.cli.progress import StageLines
from kam.cli.run_lock import RunLockBusy, run_lock
from kam.cli.stage_events import EVENTS_FILE_ENV, StageEvent, events_path_of, follow_events
from kam.cli.summary import RunSummary, read_summary
from kam.config import WITHOUT_DEADLINE, Settings, load_settings
from kam.pipeline.as_of import as_of_date

DAG_ID = "kam_nightly"
LOG_TAIL_LINES = 40
FAILURE_MARK = "KAM pipeline FAILED:"  # the first words of kam.publish.alerts' log line
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCKED = 75  # EX_TEMPFAIL: another run holds the warehouse; try again later
PREPARE_STAGE = "prepare"  # the CLI's own stage before the DAG runs: demo data, metadata DB, pool


def parse_as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"--as-of must be a date YYYY-MM-DD, got {text!r}") from err


def parse_vars(text: str) -> dict[str, Any]:
    """`--vars`: a JSON object of dbt var overrides, validated against dbt_project.yml."""
    from kam.run_plan import validate_vars

    try:
        value = json.loads(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"--vars must be a JSON object, got {text!r} ({err})") from err
    try:
        return validate_vars(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from err


def logical_date_for(as_of: date) -> datetime:
    """The scheduled run that computes D: D+1 at 02:00 UTC."""
    return datetime.combine(as_of + timedelta(days=1), clock_time(2, 0), tzinfo=UTC)


def uses_demo_sources(settings: Settings) -> bool:
    """True when both sources are the demo's default locations under KAM_HOME."""
    demo = settings.home / "demo"
    return settings.orders_source == f"sqlite:///{demo / 'erp.sqlite'}" and Path(settings.crm_source) == demo / "crm"


def ensure_demo_data(settings: Settings, as_of: date, env: dict[str, str]) -> None:
    """Generate the demo source systems for D unless they exist (or other sources are configured)."""
    if not uses_demo_sources(settings):
        return
    cmd = [sys.executable, "-m", "kam.demo.generate", "--as-of", as_of.isoformat(), "--if-absent"]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"demo data generation failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


def run_log_path(settings: Settings, as_of: date, now: datetime | None = None) -> Path:
    """`<KAM_HOME>/logs/kam_nightly_<D>_<UTC stamp>.log`: one file per run."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return settings.home / "logs" / f"{DAG_ID}_{as_of.isoformat()}_{stamp}.log"


def dag_test_args(as_of: date, dbt_vars: dict[str, Any]) -> list[str]:
    conf: dict[str, Any] = {"as_of": as_of.isoformat()}
    if dbt_vars:
        conf["vars"] = dbt_vars
    return ["dags", "test", DAG_ID, logical_date_for(as_of).isoformat(), "-c", json.dumps(conf)]


def tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def failed_tasks(path: Path) -> list[str]:
    """The failure alerts of the run's log (`kam.publish.alerts`: task and error), in the order they
    happened: the first one is the cause, later ones (a gate blocked after it) its consequences."""
    found = []
    for line in path.read_text(errors="replace").splitlines():
        at = line.find(FAILURE_MARK)
        if at >= 0:
            found.append(line[at:].split(" [kam.publish.alerts]")[0])
    return found


@dataclass
class NightOutcome:
    """How one night ended: the DAG's exit code, the reporting DB's line for D, the log."""

    as_of: date
    returncode: int
    summary: RunSummary
    log_path: Path
    seconds: float

    @property
    def published(self) -> bool:
        return self.returncode == 0 and self.summary.status == "published"


def read_run_summary(settings: Settings, as_of: date) -> RunSummary:
    return read_summary(settings, as_of)


def run_night(
    settings: Settings,
    as_of: date,
    dbt_vars: dict[str, Any],
    env: dict[str, str],
    *,
    on_event: Callable[[StageEvent], None] | None = None,
    announce: Callable[[str], None] | None = None,
) -> NightOutcome:
    """One night of D under `airflow dags test`; the caller holds the run lock.

    The code path of `make run`, and of every date of `make backfill`. `on_event` gets each
    task's stage events while the night runs, and those of `prepare` (demo data, metadata DB,
    pool) before; `announce` the line naming the night and its log.
    """
    started = time.monotonic()
    on_event = on_event or (lambda _event: None)
    log_path = run_log_path(settings, as_of)
    if announce is not None:
        announce(f"kam_nightly for as-of {as_of} (logical date {logical_date_for(as_of).isoformat()}); log: {log_path}")
    on_event(StageEvent(PREPARE_STAGE, "running", time.time()))
    ensure_demo_data(settings, as_of, env)
    ensure_pool(env)
    ensure_lineage_folder(env)
    on_event(StageEvent(PREPARE_STAGE, "success", time.time()))
    events_path = events_path_of(log_path)
    child_env = {**env, EVENTS_FILE_ENV: str(events_path), **WITHOUT_DEADLINE}
    with follow_events(events_path, on_event):
        returncode = run_guarded([AIRFLOW, *dag_test_args(as_of, dbt_vars)], env=child_env, log_path=log_path)
    return NightOutcome(as_of, returncode, read_run_summary(settings, as_of), log_path, time.monotonic() - started)


def report_outcome(settings: Settings, outcome: NightOutcome) -> int:
    """Print where things are and the summary; the exit code of the night."""
    print(f"night of {outcome.as_of} ran in {outcome.seconds:.0f} s")
    print(f"reporting DB: {settings.reporting_db}")
    print(f"exports:      {Path(settings.export_dir) / outcome.as_of.isoformat()}")
    print(f"gate reports: {Path(settings.report_dir) / outcome.as_of.isoformat()}")
    print("\n".join(outcome.summary.lines()))
    if outcome.returncode != 0:
        causes = failed_tasks(outcome.log_path)
        print(
            f"\nthe DAG run FAILED (airflow exit code {outcome.returncode})"
            + "".join(f"\n  {cause}" for cause in causes)
            + f"\nlast lines of {outcome.log_path}:\n{tail(outcome.log_path)}",
            file=sys.stderr,
        )
        return EXIT_FAILED
    if outcome.summary.status != "published":
        print(f"\nthe run was not published (status {outcome.summary.status})", file=sys.stderr)
        return EXIT_FAILED
    return 0


def line_buffered_output() -> None:
    """Every line reaches a terminal or a CI log when it is printed, in order with stderr."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(line_buffering=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kam.cli.run_nightly", description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", type=parse_as_of, default=None, help="as-of date D (default: yesterday UTC)")
    parser.add_argument(
        "--vars",
        type=parse_vars,
        default={},
        help="JSON object of dbt var overrides for this run, e.g. '{\"max_row_change\": 0.4}'",
    )
    args = parser.parse_args(argv)
    as_of = as_of_date(args.as_of)
    line_buffered_output()

    settings = load_settings()
    env = airflow_env(settings)
    lines = StageLines(run_started=time.time())
    try:
        with run_lock(settings, command="run_nightly", as_of=as_of.isoformat()):
            outcome = run_night(settings, as_of, args.vars, env, on_event=lines.on_event, announce=print)
    except RunLockBusy as busy:
        print(f"refused: {busy}", file=sys.stderr)
        return EXIT_LOCKED
    return report_outcome(settings, outcome)


if __name__ == "__main__":
    sys.exit(main())
