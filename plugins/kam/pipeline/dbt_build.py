"""Stage `dbt build`: how dbt is run for a plan, and the build itself for callers without Airflow.

The DAG's Cosmos task takes `dbt_invocation(settings, plan)` (through
`operators.KamDbtInterceptor`); the benchmark and the engine-comparison test call
`build`, which runs the same command in a subprocess. Both exclude dbt unit tests
(they prove the SQL on fixed inputs and run in `make test`). D reaches dbt in the
environment and the vars of a mode never change, so each mode keeps its own dbt folder
(`dbt_work_dir`) whose parse the next run reuses (docs/decisions/0018-dbt-parses-once.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kam.config import Settings
from kam.dbt_env import NIGHTLY_DBT_EXCLUDE, as_of_env, profile_env
from kam.dbt_results import read_build_outcome
from kam.run_plan import RunPlan

FULL_REFRESH_FLAG = "--full-refresh"
OUTPUT_TAIL_CHARS = 20_000


@dataclass(frozen=True)
class DbtInvocation:
    """What dbt needs for one run: the environment (profile and D), the vars, whether to rebuild
    everything, and the folder whose parse state this run reuses and updates."""

    env: dict[str, str]
    vars: dict[str, Any]
    full_refresh: bool
    work_dir: Path


def dbt_work_dir(settings: Settings, plan: RunPlan) -> Path:
    """dbt's folder for the plan's mode: `<KAM_HOME>/dbt` (nightly) or `<KAM_HOME>/dbt_backfill`.

    dbt keeps one parse per target folder and re-parses everything when `--vars` change; a
    backfill's differ (`kam_backfill`, `schema_suffix`), so it never overwrites the nightly's.
    """
    return settings.home / ("dbt_backfill" if plan.is_backfill else "dbt")


def dbt_invocation(settings: Settings, plan: RunPlan) -> DbtInvocation:
    """The profile environment of the settings' warehouse with the plan's D, the plan's dbt vars,
    `--full-refresh` for a backfill, the mode's dbt folder; first the warehouse hands dbt what it
    reads (`Warehouse.before_dbt_build`: on Spark, the inbox the environment lists)."""
    from kam.warehouse import open_warehouse

    with open_warehouse(settings, purpose="kam-dbt") as warehouse:
        warehouse.before_dbt_build()
    return DbtInvocation(
        env={**profile_env(settings), **as_of_env(plan.as_of.isoformat())},
        vars=plan.dbt_vars(),
        full_refresh=plan.full_refresh,
        work_dir=dbt_work_dir(settings, plan),
    )


def read_build(target_dir: Path) -> dict[str, Any]:
    """What a build left in dbt's `target_dir`: `failures` (the gate's dbt_failures), `status_counts`
    and `outcome` (`kam.dbt_results.read_build_outcome`); no run_results.json is itself a failure."""
    outcome = read_build_outcome(target_dir)
    if outcome is None:
        return {
            "failures": [f"dbt build left no run_results.json in {target_dir}"],
            "status_counts": {},
            "outcome": None,
        }
    return {"failures": outcome["failed"], "status_counts": outcome["status_counts"], "outcome": outcome}


def build(
    settings: Settings,
    plan: RunPlan,
    *,
    work_dir: Path | None = None,
    select: tuple[str, ...] = (),
    models_only: bool = False,
    full_refresh: bool = False,
    unit_tests: bool = False,
) -> dict[str, Any]:
    """Run the plan's `dbt build` (`dbt run` with `models_only`) and report it as JSON data.

    Returns `returncode`, `output` (the tail of dbt's output) and what `read_build` reads.
    dbt's target and log folders are in `work_dir` (default: the mode's, `dbt_work_dir`), never the project's.
    """
    from kam.dbt_env import run_dbt

    invocation = dbt_invocation(settings, plan)
    command = ["run"] if models_only else ["build"]
    if not (models_only or unit_tests):
        command += ["--exclude", *NIGHTLY_DBT_EXCLUDE]
    if invocation.full_refresh or full_refresh:
        command.append(FULL_REFRESH_FLAG)
    if select:
        command += ["--select", *select]
    work_dir = Path(work_dir or invocation.work_dir)
    (work_dir / "target" / "run_results.json").unlink(missing_ok=True)  # never report an earlier build
    result = run_dbt(
        settings, command, as_of=plan.as_of.isoformat(), work_dir=work_dir, extra_vars=invocation.vars, check=False
    )
    return {
        "returncode": result.returncode,
        **read_build(work_dir / "target"),
        "output": (result.stdout + result.stderr)[-OUTPUT_TAIL_CHARS:],
    }
