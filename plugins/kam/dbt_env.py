"""Environment and command line for running dbt against the configured warehouse.

The dbt profile (`dbt_project/profiles.yml`) reads only environment variables;
this module derives them from the `KAM_*` settings: the Warehouse's target and
connection (`Warehouse.dbt_env`, kam.warehouse), the DuckDB session limits, and
telemetry off. The as-of date D goes in `KAM_AS_OF_DATE` (macro `as_of_date`, read at
execution only), never in `--vars`: dbt re-parses the whole project when `--vars` change,
so only per-run overrides reach `--vars` (docs/decisions/0018-dbt-parses-once.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from kam.config import DBT_PROJECT_DIR, Settings

# What the nightly `dbt build` leaves out: unit tests prove the SQL on fixed inputs,
# not the night's data, and run in `make test` (the example fixture's full build).
NIGHTLY_DBT_EXCLUDE = ["resource_type:unit_test"]

# D for the macro as_of_date (read at execution, so a new D never invalidates dbt's parse).
AS_OF_DATE_ENV = "KAM_AS_OF_DATE"

TELEMETRY_OFF = {
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    "DO_NOT_TRACK": "1",
    "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
    "GX_ANALYTICS_ENABLED": "False",
}


def profile_env(settings: Settings) -> dict[str, str]:
    """Variables the dbt profile reads, for the configured warehouse."""
    env = dict(TELEMETRY_OFF)
    env["KAM_DUCKDB_THREADS"] = str(settings.duckdb_threads)
    env["KAM_DUCKDB_MEMORY_LIMIT"] = settings.duckdb_memory_limit
    from kam.warehouse import open_warehouse  # late: the DAG file imports this module and parses light

    env.update(open_warehouse(settings).dbt_env())
    return env


def as_of_env(as_of: date | str) -> dict[str, str]:
    """The variable that gives dbt the as-of date D (`YYYY-MM-DD`)."""
    return {AS_OF_DATE_ENV: str(as_of)}


def run_dbt(
    settings: Settings,
    args: list[str],
    as_of: date | str | None = None,
    work_dir: Path | None = None,
    extra_vars: dict | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess:
    """Run `dbt <args>` on the project with the settings' warehouse, for as-of date `as_of`.

    Target and log paths go to `work_dir` (default `<KAM_HOME>/dbt`) so parallel
    runs never share `dbt_project/target`; dbt keeps its parse there
    (`target/partial_parse.msgpack`) and reuses it while `extra_vars` stay the same.
    Without `as_of` no D reaches dbt (not even one inherited from this process).
    """
    work_dir = Path(work_dir or settings.home / "dbt")
    env = {key: value for key, value in os.environ.items() if key != AS_OF_DATE_ENV}
    env.update(profile_env(settings))
    env.update({"DBT_TARGET_PATH": str(work_dir / "target"), "DBT_LOG_PATH": str(work_dir / "logs")})
    if as_of is not None:
        env.update(as_of_env(as_of))
    dbt = Path(sys.executable).with_name("dbt")
    cmd = [str(dbt), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    if extra_vars:
        cmd += ["--vars", json.dumps(extra_vars, sort_keys=True)]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"dbt {' '.join(args)} failed:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}")
    return result
