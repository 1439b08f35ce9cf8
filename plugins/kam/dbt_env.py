"""Environment and command line for running dbt against the configured warehouse.

The dbt profile (`dbt_project/profiles.yml`) reads only environment variables;
this module derives them from the `KAM_*` settings: the Warehouse's target and
connection (`Warehouse.dbt_env`, kam.warehouse), the DuckDB session limits, and
telemetry off.
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


def dbt_vars(as_of: date | str | None, extra: dict | None = None) -> str:
    """The `--vars` argument: the as-of date plus any overrides."""
    values = dict(extra or {})
    if as_of is not None:
        values["as_of_date"] = str(as_of)
    return json.dumps(values)


def run_dbt(
    settings: Settings,
    args: list[str],
    as_of: date | str | None = None,
    work_dir: Path | None = None,
    extra_vars: dict | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess:
    """Run `dbt <args>` on the project with the settings' warehouse.

    Target and log paths go to `work_dir` (default `<KAM_HOME>/dbt`) so parallel
    runs never share `dbt_project/target`.
    """
    work_dir = Path(work_dir or settings.home / "dbt")
    env = {
        **os.environ,
        **profile_env(settings),
        "DBT_TARGET_PATH": str(work_dir / "target"),
        "DBT_LOG_PATH": str(work_dir / "logs"),
    }
    dbt = Path(sys.executable).with_name("dbt")
    cmd = [str(dbt), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    if as_of is not None or extra_vars:
        cmd += ["--vars", dbt_vars(as_of, extra_vars)]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"dbt {' '.join(args)} failed:\n{result.stdout[-6000:]}\n{result.stderr[-2000:]}")
    return result
